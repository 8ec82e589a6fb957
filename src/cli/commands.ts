import type { Register } from './register.js';

export interface CommandEntry {
  /** The one-line description shown by `ctrail --help` and `ctrail CMD --help`. */
  summary: string;
  /** Positional arguments, as commander spells them. */
  args: string;
  load: () => Promise<{ register: Register }>;
}

/**
 * Every command, as light data: `ctrail --help` lists them from here without loading any command's code
 * (a run loads only the command it names). Adding a command is one entry here.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  events: {
    summary: 'print the CloudTrail events that match the filters, from any mix of sources',
    args: '[source...]',
    load: () => import('./events.js'),
  },
  'find-deletion': {
    summary: 'who deleted a resource: every deletion and failed attempt, and the chain from the acting session back to the person',
    args: '<resource> [source...]',
    load: () => import('./find-deletion.js'),
  },
  trace: {
    summary: 'the attribution chain alone: from an access key or session back to the principal behind it',
    args: '<who> [source...]',
    load: () => import('./trace.js'),
  },
  activity: {
    summary: 'blast radius: everything a credential or person did, through every session it spawned (role chains, other accounts, new access keys)',
    args: '<who> [source...]',
    load: () => import('./activity.js'),
  },
  count: {
    summary: 'count matching events per time interval (optionally per field), and replay a CloudWatch-style alarm on the counts',
    args: '[source...]',
    load: () => import('./count.js'),
  },
  insights: {
    summary: 'find unusual rates of write calls (ApiCallRateInsight) and errors (ApiErrorRateInsight), as CloudTrail Insights would have',
    args: '[source...]',
    load: () => import('./insights.js'),
  },
  hunt: {
    summary: 'run SigmaHQ rules for AWS CloudTrail over the sources; each hit names the rule, its level, id and author',
    args: '[source...]',
    load: () => import('./hunt.js'),
  },
  audit: {
    summary: "check that the account's CloudTrail evidence can be trusted and that its alerts would fire",
    args: '',
    load: () => import('./audit.js'),
  },
  validate: {
    summary: 'verify CloudTrail digest chains, signatures and log-file hashes (aws cloudtrail validate-logs, faster and offline)',
    args: '[source]',
    load: () => import('./validate.js'),
  },
  athena: {
    summary: 'Amazon Athena as a second engine: `athena setup` makes the table over a trail bucket, `athena query` runs SQL with progress, cost and Ctrl-C, `athena sql COMMAND …` prints the SQL that --engine athena runs',
    args: '',
    load: () => import('./athena.js'),
  },
  mirror: {
    summary: "copy a trail's digests, log files, signatures and public keys for a window into a folder that `ctrail validate DIR` checks offline",
    args: '<source> <dir>',
    load: () => import('./mirror.js'),
  },
};

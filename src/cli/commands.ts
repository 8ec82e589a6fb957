import type { Register } from './register.js';

export interface CommandEntry {
  /** The one-line description shown by `ctrail --help` and `ctrail CMD --help`. */
  summary: string;
  /** Positional arguments, as commander spells them. */
  args: string;
  /**
   * Two or three real command lines, printed at the end of `--help` (and in the man page). Those that name
   * fixtures/demo are run by test/e2e/help-examples.test.ts, so they must stay true of the demo trail.
   * Optional for the type only, so a new command compiles before it has them: that test requires them.
   */
  examples?: readonly string[];
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
    examples: [
      "ctrail events fixtures/demo --event-name 'Delete*' --event-name StopLogging",
      "ctrail events fixtures/demo --access-key ASIAZ7ADMINSESSION01 --fields eventTime,eventName -o csv",
      "ctrail events s3://trail-bucket/AWSLogs/ --start 7d --event-name ConsoleLogin --errors",
    ],
    load: () => import('./events.js'),
  },
  'find-deletion': {
    summary: 'who deleted a resource: every deletion and failed attempt, and the chain from the acting session back to the person',
    args: '<resource> [source...]',
    examples: [
      "ctrail find-deletion orders fixtures/demo",
      "ctrail find-deletion orders fixtures/demo -o json",
      "ctrail find-deletion my-bucket s3://org-trail/AWSLogs/ --start 30d --identity-source history:us-east-1",
    ],
    load: () => import('./find-deletion.js'),
  },
  trace: {
    summary: 'the attribution chain alone: from an access key or session back to the principal behind it',
    args: '<who> [source...]',
    examples: [
      "ctrail trace ASIAZ7ADMINSESSION01 fixtures/demo -o table",
      "ctrail trace ASIAZ7ADMINSESSION01 fixtures/demo -o json",
      "ctrail trace AKIAEXAMPLEKEY000001 s3://org-trail/AWSLogs/ --start 7d",
    ],
    load: () => import('./trace.js'),
  },
  activity: {
    summary: 'blast radius: everything a credential or person did, through every session it spawned (role chains, other accounts, new access keys)',
    args: '<who> [source...]',
    examples: [
      "ctrail activity ops-admin fixtures/demo --summary -o table",
      "ctrail activity ASIAZ7ADMINSESSION01 fixtures/demo -o ndjson",
      "ctrail activity arn:aws:iam::111122223333:user/alice s3://org-trail/AWSLogs/ --start 3d",
    ],
    load: () => import('./activity.js'),
  },
  count: {
    summary: 'count matching events per time interval (optionally per field), and replay a CloudWatch-style alarm on the counts',
    args: '[source...]',
    examples: [
      "ctrail count fixtures/demo --by eventName --interval 1m --top 5 -o chart",
      "ctrail count fixtures/demo --errors --by principal --interval 5m --alarm 'sum >= 1 for 1 period'",
      "ctrail count fixtures/demo --by eventName --interval 1h -o csv",
    ],
    load: () => import('./count.js'),
  },
  insights: {
    summary: 'find unusual rates of write calls (ApiCallRateInsight) and errors (ApiErrorRateInsight), as CloudTrail Insights would have',
    args: '[source...]',
    examples: [
      "ctrail insights fixtures/demo --baseline 15m",
      "ctrail insights fixtures/demo --baseline 15m -o cloudtrail",
      "ctrail insights s3://org-trail/AWSLogs/ --start 2026-03-10 --end 2026-03-11 --baseline 7d",
    ],
    load: () => import('./insights.js'),
  },
  hunt: {
    summary: 'run SigmaHQ rules for AWS CloudTrail over the sources; each hit names the rule, its level, id and author',
    args: '[source...]',
    examples: [
      "ctrail hunt --rules fixtures/sigma/rules fixtures/demo --event-name StopLogging",
      "ctrail hunt --rules fixtures/sigma/rules fixtures/demo -o ndjson",
      "ctrail hunt --rules ./sigma/rules/cloud/aws s3://org-trail/AWSLogs/ --start 1d",
    ],
    load: () => import('./hunt.js'),
  },
  audit: {
    summary: "check that the account's CloudTrail evidence can be trusted and that its alerts would fire",
    args: '',
    examples: [
      "ctrail audit --profile security-audit --region us-east-1",
      "ctrail audit -o json > audit.json",
      "ctrail audit --replay s3://org-trail-logs/AWSLogs/ --start 30d",
    ],
    load: () => import('./audit.js'),
  },
  validate: {
    summary: 'verify CloudTrail digest chains, signatures and log-file hashes (aws cloudtrail validate-logs, faster and offline)',
    args: '[source]',
    examples: [
      "ctrail validate fixtures/demo --start-time 2026-03-14T00:00:00Z",
      "ctrail validate s3://my-trail-bucket/my-prefix --start-time 2026-03-14 --end-time 2026-03-15",
      "ctrail validate ./evidence -o json",
    ],
    load: () => import('./validate.js'),
  },
  athena: {
    summary: 'Amazon Athena as a second engine: `athena setup` makes the table over a trail bucket, `athena query` runs SQL with progress, cost and Ctrl-C, `athena sql COMMAND …` prints the SQL that --engine athena runs',
    args: '',
    examples: [
      'ctrail athena setup s3://my-org-trail-bucket --database cloudtrail --output-location s3://my-athena-results/',
      "ctrail athena query --database cloudtrail \"SELECT eventname, count(*) FROM cloudtrail GROUP BY 1\"",
    ],
    load: () => import('./athena.js'),
  },
  mirror: {
    summary: "copy a trail's digests, log files, signatures and public keys for a window into a folder that `ctrail validate DIR` checks offline",
    args: '<source> <dir>',
    examples: [
      "ctrail mirror s3://my-trail-bucket/my-prefix ./evidence --start-time 2026-03-14 --end-time 2026-03-15",
      "ctrail validate ./evidence",
    ],
    load: () => import('./mirror.js'),
  },
  completion: {
    summary: 'print a shell completion script for bash, zsh or fish, generated from these commands and options',
    args: '<shell>',
    examples: [
      "ctrail completion bash > ~/.local/share/bash-completion/completions/ctrail",
      'ctrail completion zsh > "${fpath[1]}/_ctrail"',
      "ctrail completion fish > ~/.config/fish/completions/ctrail.fish",
    ],
    load: () => import('./completion.js'),
  },
};

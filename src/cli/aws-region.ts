import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setConfiguredRegion, type RegionChoice } from '../source/aws.js';
import { requireKnownRegion } from '../source/regions.js';
import type { CliIO } from './io.js';

/**
 * The region AWS calls go to when no source names one, decided once before a command runs: `--region`, then
 * AWS_REGION / AWS_DEFAULT_REGION, then the profile's `region` through the SDK's own provider chain (as the
 * AWS CLI does), then us-east-1. Without the profile step, `--profile prod` with `region = eu-west-1` would
 * sign for us-east-1 and `history:` would read the wrong region's event history without a word.
 */
export async function resolveAwsRegion(cmd: Command, io: CliIO): Promise<void> {
  const opts = cmd.opts<{ region?: string[] | string; profile?: string; verbose?: boolean }>();
  if (!talksToAws(cmd)) return;
  const flag = Array.isArray(opts.region) ? opts.region[0] : opts.region;
  const choice = flag ? { region: flag, from: '--region' } : await fromEnvironmentOrProfile(opts.profile);
  requireKnownRegion(choice.region, choice.from);
  if (!flag) setConfiguredRegion(choice);
  // validate's --verbose is validate-logs' own (every valid file), and its stderr is the reference's lines.
  if (opts.verbose && cmd.name() !== 'validate') io.stderr.write(`ctrail: AWS region ${choice.region} (${choice.from})\n`);
}

async function fromEnvironmentOrProfile(profileFlag: string | undefined): Promise<RegionChoice> {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = process.env[name];
    if (value) return { region: value, from: name };
  }
  const profile = profileFlag ?? process.env.AWS_PROFILE ?? 'default';
  const file = process.env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  // A client's own region provider is the SDK's chain (environment, then the shared config file's profile).
  // Loaded only here, on the way to an AWS call anyway.
  const { CloudTrailClient } = await import('@aws-sdk/client-cloudtrail');
  const client = new CloudTrailClient(profileFlag ? { profile: profileFlag } : {});
  try {
    return { region: await client.config.region(), from: `region of profile ${profile} in ${file}` };
  } catch {
    return { region: 'us-east-1', from: `default: no --region, AWS_REGION or region in profile ${profile}` };
  } finally {
    client.destroy();
  }
}

const REMOTE = /^(?:s3:\/\/|history:|logs:)/;

/** Whether the command will call AWS: an S3 or API source anywhere in its arguments, or an AWS-only command. */
function talksToAws(cmd: Command): boolean {
  const name = cmd.name();
  if (name === 'audit' || name === 'mirror') return true;
  if (cmd.parent?.name() === 'athena' && (name === 'setup' || name === 'query')) return true;
  if (name === 'validate' && cmd.args.length === 0) return true;
  const values = [...cmd.args, ...Object.values(cmd.opts()).flat()];
  return values.some((v) => typeof v === 'string' && REMOTE.test(v));
}

import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { asConfigErrorIfFatal, type AwsOptions } from '../source/aws.js';
import { collectEach } from './options.js';

/** Options that `validate` and `mirror` share, spelled as `aws cloudtrail validate-logs` spells them. */
export interface TrailScopeFlags {
  accountId: string[];
  region: string[];
  profile?: string;
  endpointUrl?: string;
  publicKeys: string[];
  jobs: string;
}


/** `verb` names what the command does to an account or region ("validate", "mirror") in the help text. */
export function addTrailScopeOptions(cmd: Command, verb: string): Command {
  return cmd
    .option('--account-id <id>', `account to ${verb}; repeat for several (default: every account found)`, collectEach, [])
    .option('--region <region>', `region to ${verb}; repeat for several (default: every region found)`, collectEach, [])
    .option('--profile <name>', 'AWS profile')
    .option('--endpoint-url <url>', 'S3 endpoint (CloudTrail: AWS_ENDPOINT_URL_CLOUDTRAIL)')
    .option('--public-keys <file>', 'public keys as printed by `aws cloudtrail list-public-keys` instead of calling ListPublicKeys; repeat for several regions', collectEach, [])
    .option('--jobs <n>', 'requests in flight', '16');
}

export function trailJobs(flags: TrailScopeFlags): number {
  const jobs = Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 512) throw new UsageError(`--jobs ${flags.jobs}: expected a whole number from 1 to 512`);
  return jobs;
}

export function trailAws(flags: TrailScopeFlags): AwsOptions {
  return {
    ...(flags.region[0] ? { region: flags.region[0] } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
  };
}

/** A missing bucket or rejected credentials means nothing could be checked: a configuration error (exit 2). */
export async function fatalAsConfig<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw asConfigErrorIfFatal(err, what) ?? err;
  }
}

import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { asConfigErrorIfFatal, type AwsOptions } from '../source/aws.js';
import { collectEach } from './options.js';
import { requireAccountFlag, requireRegionFlag } from '../source/regions.js';

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
    .option('--endpoint-url <url>', 'endpoint of S3 and CloudTrail; AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_CLOUDTRAIL win for their service')
    .option('--public-keys <file>', 'public keys as printed by `aws cloudtrail list-public-keys` instead of calling ListPublicKeys; repeat for several regions', collectEach, [])
    .option('--jobs <n>', 'requests in flight', '16');
}

export function trailJobs(flags: TrailScopeFlags): number {
  const jobs = Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 512) throw new UsageError(`--jobs ${flags.jobs}: expected a whole number from 1 to 512`);
  return jobs;
}

/** Also checks the scope flags, before anything is read: a typo must not validate or copy nothing. */
export function trailAws(flags: TrailScopeFlags): AwsOptions {
  for (const r of flags.region) requireRegionFlag(r);
  for (const a of flags.accountId) requireAccountFlag(a, '--account-id');
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

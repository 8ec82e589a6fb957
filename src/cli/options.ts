import { Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import type { AwsOptions } from '../source/aws.js';
import type { EventCategory, FilterSpec } from '../filter/spec.js';
import { checkWindow, parseTime } from './time.js';
import { requireAccountFlag, requireRegionFlag } from '../source/regions.js';

/**
 * Option groups shared by every command that scans events, so `events`, `find-deletion`, `count`, `hunt`
 * … accept the same sources, window, scope and filters with the same meaning.
 */
export interface RawScanOptions {
  profile?: string;
  region?: string[];
  endpointUrl?: string;
  jobs?: string;
  threads?: string;
  verbose?: boolean;
  quiet?: boolean;
  start?: string;
  end?: string;
  account?: string[];
  category?: string[];
  eventName?: string[];
  eventSource?: string[];
  user?: string[];
  accessKey?: string[];
  sourceIp?: string[];
  errors?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
  resource?: string[];
  match?: string[];
  output?: string;
  fields?: string;
  sort?: string;
  dedup?: boolean;
}

/** For repeatable options whose values may also be comma-separated (`--region a,b --region c`). */
export const collectList = (value: string, previous: string[] = []): string[] => previous.concat(value.split(',').map((v) => v.trim()).filter(Boolean));
/** For repeatable options whose values may hold commas (globs, paths, raw text). */
export const collectEach = (value: string, previous: string[] = []): string[] => previous.concat(value);

/** The help text of every `[source...]` argument. */
export const SOURCES_HELP = 'files, folders, globs, - (stdin), s3://bucket[/prefix], history:REGION, logs:GROUP';

export function addAwsOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'AWS profile from the shared config files')
    .option('--region <region>', 'AWS region: filters events and prunes trail keys; repeat for several (the first is the API region)', collectList)
    .option('--endpoint-url <url>', 'endpoint of every AWS service called (S3, CloudTrail for history:, CloudWatch Logs for logs:); AWS_ENDPOINT_URL_<SERVICE> wins for its service');
}

export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('-j, --jobs <n>', 'inputs read at once (default: 4 per core, at least 512 per worker thread for local files, 16 otherwise)')
    .option('--threads <n>', 'worker threads that decompress and search (default: one per core, or the main thread alone for local inputs of at most 4 MiB; 1 searches on the main thread)')
    .option('-v, --verbose', 'say which inputs were skipped on purpose (digests, other products), and how many each thread searched')
    .option('-q, --quiet', 'no progress line');
}

export function addWindowOptions(cmd: Command): Command {
  return cmd
    .option('--start <time>', 'events at or after this time: ISO 8601 or a duration ago (90m, 6h, 7d)')
    .option('--end <time>', 'events at or before this time: ISO 8601 or a duration ago')
    .option('--account <id>', 'the account that recorded the event (recipientAccountId; userIdentity.accountId when none is recorded), as the trail files it; repeatable; prunes trail keys', collectList);
}

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--event-name <name>', 'eventName, exact or a glob like Delete*; repeatable (OR)', collectList)
    .option('--event-source <source>', 'eventSource, e.g. s3.amazonaws.com; repeatable', collectList)
    .option('--user <who>', 'principal ARN, user name, principal id, role or session name, access key; globs allowed; repeatable', collectEach)
    .option('--access-key <id>', 'userIdentity.accessKeyId; repeatable', collectList)
    .option('--source-ip <ip|cidr>', 'sourceIPAddress, an IP or a CIDR block; repeatable', collectList)
    .option('--errors', 'only calls that failed (errorCode present)')
    .option('--no-errors', 'only calls that succeeded')
    .option('--read-only', 'only read-only calls')
    .option('--write-only', 'only write (mutating) calls')
    .addOption(new Option('--category <category>', 'management, data or insight; repeatable').argParser(collectList))
    .option('--resource <value>', 'a resources[].ARN or any string under requestParameters; globs allowed; repeatable', collectEach)
    .option('--match <text>', 'raw substring anywhere in the record; repeatable (OR)', collectEach);
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(outputOption(['table', 'ndjson', 'json', 'csv', 'timesketch'], 'ndjson'))
    .option('--fields <paths>', 'comma-separated dotted paths to print, each renamed with name=path if wished, e.g. eventTime,who=userIdentity.arn')
    .addOption(new Option('--sort <key>', 'sort by eventTime (buffers all matches); default is input order').choices(['time']))
    .option('--no-dedup', 'keep repeated deliveries of the same eventID');
}

export function addScanOptions(cmd: Command): Command {
  return addOutputOptions(addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd)))));
}

const CATEGORIES: EventCategory[] = ['management', 'data', 'insight'];

export function filterSpecFrom(o: RawScanOptions, now = Date.now()): FilterSpec {
  if (o.readOnly && o.writeOnly) throw new UsageError('--read-only and --write-only exclude each other');
  const spec: FilterSpec = {};
  if (o.eventName?.length) spec.eventNames = o.eventName;
  if (o.eventSource?.length) spec.eventSources = o.eventSource;
  if (o.user?.length) spec.users = o.user;
  if (o.accessKey?.length) spec.accessKeys = o.accessKey;
  if (o.sourceIp?.length) spec.sourceIps = o.sourceIp;
  if (o.region?.length) spec.regions = o.region.map((r) => requireRegionFlag(r));
  if (o.account?.length) spec.accounts = o.account.map((a) => requireAccountFlag(a));
  if (o.errors !== undefined) spec.errors = o.errors;
  if (o.readOnly) spec.readOnly = true;
  if (o.writeOnly) spec.readOnly = false;
  if (o.category?.length) {
    for (const c of o.category) if (!CATEGORIES.includes(c as EventCategory)) throw new UsageError(`--category ${c}: expected management, data or insight`);
    spec.categories = o.category as EventCategory[];
  }
  if (o.resource?.length) spec.resources = o.resource;
  if (o.match?.length) spec.match = o.match;
  if (o.start) spec.start = parseTime(o.start, '--start', now);
  if (o.end) spec.end = parseTime(o.end, '--end', now);
  checkWindow(spec.start, spec.end);
  return spec;
}

export function awsOptionsFrom(o: RawScanOptions): AwsOptions {
  const aws: AwsOptions = {};
  if (o.profile) aws.profile = o.profile;
  if (o.region?.[0]) aws.region = o.region[0];
  if (o.endpointUrl) aws.endpointUrl = o.endpointUrl;
  return aws;
}

export function jobsFrom(o: RawScanOptions): number {
  if (o.jobs === undefined) return Math.max(4, availableParallelism() * 4);
  const n = Number(o.jobs);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new UsageError(`--jobs ${o.jobs}: expected a whole number from 1 to 1024`);
  return n;
}

export function threadsFrom(o: { threads?: string | undefined }): number {
  if (o.threads === undefined) return availableParallelism();
  const n = Number(o.threads);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--threads ${o.threads}: expected a whole number from 1 to 256`);
  return n;
}

/**
 * `-o` speaks one vocabulary (table, ndjson, json, csv where it applies) and defaults the same way in every
 * command: a table for a person at a terminal, `machine` (the command's machine format) into a pipe or file.
 */
export function outputFormatFrom<F extends string>(given: string | undefined, isTTY: boolean, machine: F): F | 'table' {
  return (given as F | 'table' | undefined) ?? (isTTY ? 'table' : machine);
}

/** `-o` with the command's formats; the help names the defaults. */
export function outputOption(formats: readonly string[], machine: string, more = ''): Option {
  return new Option('-o, --output <format>', `${formats.join(', ')}${more} (default: table on a terminal, ${machine} otherwise)`).choices(formats);
}

import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { awsCallLog, regionFromOptions, type AwsCallRecord, type AwsOptions } from './aws.js';
import { connectTimeoutMs, requestTimeoutMs } from './s3-retry.js';

/**
 * SDK client factories: every client ctrail builds gets its region, profile, endpoint, timeouts, app id and
 * `--debug` log here. Kept apart from aws.ts because loading the SDK costs half a second: commands that only
 * read local files never import this module.
 */
/** One rule for every client: aws.ts's, which includes the profile's region resolved at the CLI edge. */
const regionFor = regionFromOptions;

/** The services ctrail calls, by the SDK's service id (which names their `AWS_ENDPOINT_URL_<SERVICE>`). */
export type AwsService = 'S3' | 'CloudTrail' | 'CloudWatch Logs' | 'CloudWatch' | 'SNS' | 'EventBridge' | 'KMS' | 'STS' | 'S3 Control' | 'Athena' | 'Glue';

/** `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS` for 'CloudWatch Logs', as the SDK and the AWS CLI spell it. */
export function endpointVariable(service: AwsService): string {
  return `AWS_ENDPOINT_URL_${service.toUpperCase().replace(/ /g, '_')}`;
}

/**
 * The endpoint a client for `service` is given: the service's own `AWS_ENDPOINT_URL_<SERVICE>`, then
 * `--endpoint-url`; undefined leaves the SDK to its own chain (`AWS_ENDPOINT_URL`, the profile's
 * `endpoint_url`, then AWS). The per-service variable wins over the flag, unlike in the AWS CLI, because one
 * ctrail run calls several services with one flag: the variable is the only way to send one of them
 * elsewhere (docs/global-options.md). `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` turns the variables off, as in
 * the SDK.
 */
export function endpointFor(service: AwsService, opts: AwsOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const ignoreVariables = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  // An empty variable is unset, as the SDK reads it.
  const own = ignoreVariables ? undefined : env[endpointVariable(service)] || undefined;
  return own ?? (opts.endpointUrl || undefined);
}

/** The endpoint calls to `service` will really reach when it is not AWS's own, the SDK's chain included. */
export function customEndpoint(service: AwsService, opts: AwsOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const ignoreVariables = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true';
  return endpointFor(service, opts, env) ?? (ignoreVariables ? undefined : env.AWS_ENDPOINT_URL || undefined);
}

let version: string | undefined;

/**
 * `ctrail/<version>`. The SDK writes it into the User-Agent as `app/ctrail-<version>` (it turns the slash
 * of a value into a dash), which CloudTrail records in each call's `userAgent`.
 */
export function userAgentAppId(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return `ctrail/${version}`;
}

/** What every client shares. */
export interface CommonClientConfig {
  region: string;
  profile?: string;
  endpoint?: string;
  maxAttempts: number;
  requestHandler: ReturnType<typeof timeouts>;
  userAgentAppId: string;
  logger?: SdkLogger;
}

/**
 * The settings of a client for `service` (audit's readers build their own clients from it). `maxAttempts: 1`
 * suits callers that pace and retry throttling themselves (the API sources).
 */
export function clientConfig(service: AwsService, opts: AwsOptions, region?: string, tuning: ClientTuning = {}): CommonClientConfig {
  return withEndpoint(endpointFor(service, opts), opts, region, tuning);
}

function withEndpoint(endpoint: string | undefined, opts: AwsOptions, region: string | undefined, tuning: ClientTuning): CommonClientConfig {
  const logger = debugLogger();
  return {
    region: region ?? regionFor(opts),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: tuning.maxAttempts ?? 5,
    // No request may wait for ever: a connection gets a few seconds, and an answer that stops arriving
    // fails after the idle timeout (and is then retried like any transient fault).
    requestHandler: timeouts(),
    userAgentAppId: userAgentAppId(),
    ...(logger ? { logger } : {}),
  };
}

export function createS3Client(opts: AwsOptions): S3Client {
  return new S3Client({
    // s3-store.ts retries each read READ_ATTEMPTS times on top of these, for faults the SDK cannot see.
    ...clientConfig('S3', opts, undefined, { maxAttempts: 3 }),
    // Local S3-compatible servers (and many private endpoints) only speak path-style addressing.
    forcePathStyle: customEndpoint('S3', opts) !== undefined,
    followRegionRedirects: true,
  });
}

export interface ClientTuning {
  maxAttempts?: number;
}

export function createCloudTrailClient(opts: AwsOptions, region?: string, tuning: ClientTuning = {}): CloudTrailClient {
  return new CloudTrailClient(clientConfig('CloudTrail', opts, region, tuning));
}

export function createCloudWatchLogsClient(opts: AwsOptions, region?: string, tuning: ClientTuning = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient(clientConfig('CloudWatch Logs', opts, region, tuning));
}

export function resolvedRegion(opts: AwsOptions): string {
  return regionFor(opts);
}

function timeouts(): { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean } {
  // Without throwOnRequestTimeout the handler only warns and goes on waiting.
  return { connectionTimeout: connectTimeoutMs(), requestTimeout: requestTimeoutMs(), throwOnRequestTimeout: true };
}

/** The SDK's logger interface, as far as ctrail implements it. */
interface SdkLogger {
  debug: (...content: unknown[]) => void;
  info: (...content: unknown[]) => void;
  warn: (...content: unknown[]) => void;
  error: (...content: unknown[]) => void;
}

interface LoggedCall {
  clientName?: unknown;
  commandName?: unknown;
  metadata?: { httpStatusCode?: unknown; attempts?: unknown };
  error?: unknown;
}

/**
 * Under `--debug`, a logger that turns the SDK's one record per finished call (its logger middleware calls
 * `info` on success and `error` on failure, after the retries) into an `AwsCallRecord`. The SDK's other log
 * lines (credential lookups, its own warnings) are not ctrail's to print.
 */
function debugLogger(): SdkLogger | undefined {
  const log = awsCallLog();
  if (!log) return undefined;
  const report = (content: unknown[]): void => {
    const call = content[0] as LoggedCall | undefined;
    if (typeof call !== 'object' || call === null || typeof call.commandName !== 'string') return;
    const record: AwsCallRecord = {
      service: String(call.clientName ?? '').replace(/Client$/, ''),
      operation: call.commandName.replace(/Command$/, ''),
    };
    const meta = call.metadata ?? (call.error as { $metadata?: LoggedCall['metadata'] } | undefined)?.$metadata;
    if (typeof meta?.httpStatusCode === 'number') record.status = meta.httpStatusCode;
    if (typeof meta?.attempts === 'number') record.attempts = meta.attempts;
    if (call.error !== undefined) record.error = call.error instanceof Error ? call.error.name : 'Error';
    log(record);
  };
  const ignore = (): void => {};
  return { debug: ignore, warn: ignore, info: (...c) => report(c), error: (...c) => report(c) };
}

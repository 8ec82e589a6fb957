import { S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsOptions } from './aws.js';
import { connectTimeoutMs, requestTimeoutMs } from './s3-retry.js';

/**
 * SDK client factories. Kept apart from aws.ts because loading the SDK costs half a second: commands that
 * only read local files never import this module.
 */
const DEFAULT_REGION = 'us-east-1';

function regionFor(opts: AwsOptions): string {
  return opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
}

function hasCustomS3Endpoint(opts: AwsOptions): boolean {
  return Boolean(opts.endpointUrl || process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
}

export function createS3Client(opts: AwsOptions): S3Client {
  return new S3Client({
    region: regionFor(opts),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
    // Local S3-compatible servers (and many private endpoints) only speak path-style addressing.
    forcePathStyle: hasCustomS3Endpoint(opts),
    followRegionRedirects: true,
    // s3-store.ts retries each read READ_ATTEMPTS times on top of these, for faults the SDK cannot see.
    maxAttempts: 3,
    // No request may wait for ever: a connection gets a few seconds, and an answer that stops arriving
    // fails after the idle timeout (and is then retried like any transient fault).
    requestHandler: timeouts(),
  });
}

/** `maxAttempts: 1` suits callers that pace and retry throttling themselves (the API sources). */
export interface ClientTuning {
  maxAttempts?: number;
}

export function createCloudTrailClient(opts: AwsOptions, region?: string, tuning: ClientTuning = {}): CloudTrailClient {
  return new CloudTrailClient({
    region: region ?? regionFor(opts),
    ...(opts.profile ? { profile: opts.profile } : {}),
    maxAttempts: tuning.maxAttempts ?? 5,
    requestHandler: timeouts(),
  });
}

/** Endpoint from AWS_ENDPOINT_URL_CLOUDWATCH_LOGS / AWS_ENDPOINT_URL, as the SDK resolves it itself. */
export function createCloudWatchLogsClient(opts: AwsOptions, region?: string, tuning: ClientTuning = {}): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    region: region ?? regionFor(opts),
    ...(opts.profile ? { profile: opts.profile } : {}),
    maxAttempts: tuning.maxAttempts ?? 5,
    requestHandler: timeouts(),
  });
}

export function resolvedRegion(opts: AwsOptions): string {
  return regionFor(opts);
}


/**
 * Shared settings for the other service clients (audit reads). Endpoints are left to the SDK, which honours
 * `AWS_ENDPOINT_URL_<SERVICE>` and `AWS_ENDPOINT_URL` on its own.
 */
export function serviceClientConfig(
  opts: AwsOptions,
  region?: string,
): { region: string; profile?: string; maxAttempts: number; requestHandler: ReturnType<typeof timeouts> } {
  return { region: region ?? regionFor(opts), ...(opts.profile ? { profile: opts.profile } : {}), maxAttempts: 5, requestHandler: timeouts() };
}

function timeouts(): { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean } {
  // Without throwOnRequestTimeout the handler only warns and goes on waiting.
  return { connectionTimeout: connectTimeoutMs(), requestTimeout: requestTimeoutMs(), throwOnRequestTimeout: true };
}

import { S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigError, describeError } from '../errors.js';

/** What the user said about AWS access. Everything else comes from the SDK's standard chain. */
export interface AwsOptions {
  region?: string;
  profile?: string;
  /** `--endpoint-url`: applies to S3 only, like the AWS CLI's flag on `aws s3`. */
  endpointUrl?: string;
}

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
    maxAttempts: 5,
  });
}

export function createCloudTrailClient(opts: AwsOptions, region?: string): CloudTrailClient {
  return new CloudTrailClient({
    region: region ?? regionFor(opts),
    ...(opts.profile ? { profile: opts.profile } : {}),
    maxAttempts: 5,
  });
}

export function resolvedRegion(opts: AwsOptions): string {
  return regionFor(opts);
}

/** Errors that mean the run cannot work at all (exit 2), as opposed to one unreadable object. */
export function asConfigErrorIfFatal(err: unknown, what: string): ConfigError | undefined {
  const name = err instanceof Error ? err.name : '';
  switch (name) {
    case 'CredentialsProviderError':
    case 'ProviderError':
      return new ConfigError(`no AWS credentials found (${describeError(err)}); set AWS_PROFILE or AWS_ACCESS_KEY_ID, or pass --profile`);
    case 'NoSuchBucket':
      return new ConfigError(`${what}: bucket does not exist`);
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'ExpiredToken':
    case 'InvalidToken':
      return new ConfigError(`${what}: credentials rejected (${name})`);
    default:
      if (err instanceof Error && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(err.message + String((err as { code?: unknown }).code ?? ''))) {
        return new ConfigError(`${what}: cannot reach the endpoint (${describeError(err)})`);
      }
      return undefined;
  }
}

/** One short phrase for an S3/AWS error on a single object. */
export function describeAwsError(err: unknown): string {
  if (err instanceof Error) {
    switch (err.name) {
      case 'NoSuchKey':
      case 'NotFound':
        return 'object not found';
      case 'AccessDenied':
      case 'Forbidden':
        return 'access denied';
      case 'InvalidObjectState':
        return 'object is archived (restore it from Glacier first)';
    }
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return 'object not found';
    if (status === 403) return 'access denied';
  }
  return describeError(err);
}

import { ConfigError, describeError } from '../errors.js';

/** What the user said about AWS access. Everything else comes from the SDK's standard chain. */
export interface AwsOptions {
  region?: string;
  profile?: string;
  /**
   * `--endpoint-url`: the endpoint of every service the run calls (S3 for buckets, CloudTrail for
   * `history:`, CloudWatch Logs for `logs:`, and the services `audit` reads); an `AWS_ENDPOINT_URL_<SERVICE>`
   * variable still wins for its own service (aws-clients.ts, docs/global-options.md).
   */
  endpointUrl?: string;
}

/** One AWS call as `--debug` reports it: after the SDK's retries, so `attempts` counts them. */
export interface AwsCallRecord {
  service: string;
  operation: string;
  /** The HTTP status of the last attempt; undefined when no answer came (a timeout, a refused connection). */
  status?: number;
  attempts?: number;
  /** The error's name when the call failed. */
  error?: string;
}

let callLog: ((call: AwsCallRecord) => void) | undefined;

/** Set by the CLI edge under `--debug`: every client built afterwards reports each call to it. */
export function setAwsCallLog(log: ((call: AwsCallRecord) => void) | undefined): void {
  callLog = log;
}

export function awsCallLog(): ((call: AwsCallRecord) => void) | undefined {
  return callLog;
}

/** The region calls go to when a source does not name one, and where that came from (said by --verbose). */
export interface RegionChoice {
  region: string;
  from: string;
}

let configured: RegionChoice | undefined;

/**
 * Records the region the SDK's provider chain gave (a profile's `region`), resolved once at the CLI edge
 * (cli/aws-region.ts) before any source or client is built, so every client signs for the same region.
 */
export function setConfiguredRegion(choice: RegionChoice | undefined): void {
  configured = choice;
}

/**
 * The region a call goes to when the source does not name one, without loading the SDK: `--region`, then
 * the environment, then the profile's region resolved at the edge, then us-east-1 (the SDK's own default
 * for a global view, as the AWS CLI has none).
 */
export function regionFromOptions(opts: AwsOptions): string {
  // An empty variable is unset, as the SDK reads it.
  return opts.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || configured?.region || 'us-east-1';
}

/** Errors that mean the run cannot work at all (exit 2), as opposed to one unreadable object. */
export function asConfigErrorIfFatal(err: unknown, what: string): ConfigError | undefined {
  // A source that already decided the run cannot go on (unknown log group, no such region).
  if (err instanceof ConfigError) return err;
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

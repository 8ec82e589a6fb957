import type { CloudTrailEvent, JsonObject } from '../cloudtrail/event.js';

export type CheckStatus = 'pass' | 'fail' | 'unknown';

/** What a check is judged on: one trail, one bucket, or the whole account. */
export type CheckScope = 'account' | 'trail' | 'bucket';

export interface CheckReferences {
  /** CIS AWS Foundations Benchmark v3.0.0 recommendation numbers, e.g. `3.1`. */
  cis: string[];
  /** AWS Security Hub control ids, e.g. `CloudTrail.1`. */
  securityHub: string[];
}

/** One row of the audit's answer (also the JSON schema of `checks[]`). */
export interface CheckResult {
  id: string;
  status: CheckStatus;
  /** ARN of the trail, `s3://bucket` or `account:<id>`. */
  resource: string;
  region: string;
  /** One line a person can act on: why it passed, failed or could not be judged. */
  detail: string;
  /** The values read that the judgement rests on. */
  evidence: JsonObject;
  references: CheckReferences;
  /** The aws-cli command(s) that would fix a failure. */
  remediation: string;
}

export interface AuditReport {
  account: string;
  regions: string[];
  checks: CheckResult[];
  /** With `--replay`: how often each metric filter and rule would have fired over the given history. */
  replay?: ReplayReport;
}

/**
 * The outcome of one API read. A refused or failed call is kept as a value so that the checks that need it
 * say `unknown` instead of guessing; `missing` means AWS answered that nothing is configured.
 */
export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

export const readOk = <T>(value: T): Read<T> => ({ ok: true, value });
export const readFailed = <T>(error: string): Read<T> => ({ ok: false, error });

/** Compiles patterns found in the account into event predicates (supplied by src/filter/dialects). */
export interface PatternEngines {
  /** A CloudWatch Logs metric filter pattern. Throws on a pattern it cannot parse. */
  filterPattern(text: string): (event: CloudTrailEvent) => boolean;
  /** An EventBridge rule's event pattern (JSON text), tested against the event as EventBridge delivers it. */
  eventPattern(json: string): (event: CloudTrailEvent) => boolean;
}

/** The two kinds of alerting pattern `--replay` runs over history. */
export type ReplayKind = 'metric-filter' | 'event-rule';

export interface ReplayResult {
  kind: ReplayKind;
  name: string;
  where: string;
  pattern: string;
  /** How many events it would have fired on. */
  fired: number;
  /** eventTime of the first and last such event. */
  first: string | null;
  last: string | null;
  error?: string;
}

export interface ReplayReport {
  /** Events read from the replay sources, and the time span they cover. */
  events: number;
  from: string | null;
  to: string | null;
  patterns: ReplayResult[];
}

import type { InputProblem } from '../errors.js';
import type { Pushdown } from './query-hints.js';

/**
 * One readable thing: a local file, an S3 object, stdin, or a page stream from an API source.
 * Byte sources (files, objects) yield raw, possibly compressed bytes; API sources (event history,
 * CloudWatch Logs) yield NDJSON, one CloudTrail event per line, so every unit goes through the same
 * decode → split → filter stages.
 */
export interface InputUnit {
  /** What the user sees in messages and in a result's `source`: a path, `s3://b/k`, `history:us-east-1`. */
  readonly name: string;
  /** Size in bytes when known up front (for progress and ETA). */
  readonly size?: number;
  /** Ordering key: units are emitted in this order whatever the concurrency. */
  readonly sortKey: string;
  /** A local file's path, so a worker thread can read the file itself; open() reads the same bytes. */
  readonly localPath?: string;
  open(signal?: AbortSignal): AsyncIterable<Uint8Array>;
}

export type UnitOrProblem = { unit: InputUnit } | { problem: InputProblem } | { skipped: string; reason: string };

/** Time/account/region scope a source may use to prune what it lists. Filtering stays exact downstream. */
export interface ScanScope {
  start?: Date;
  end?: Date;
  accounts?: string[];
  regions?: string[];
  /** Which CloudTrail folders to read: management/data events live under CloudTrail/, Insights under CloudTrail-Insight/. */
  categories?: Array<'management' | 'data' | 'insight'>;
  /**
   * Filters an API source may push down to its server (LookupEvents attribute, CloudWatch Logs filter
   * pattern). They must describe a superset of what the final matcher accepts; the matcher still decides.
   */
  hints?: Pushdown;
}

export interface Source {
  readonly label: string;
  /**
   * The source is laid out by account and region (a trail's `AWSLogs/` layout) and lists only the folders
   * a scope names, so a scan for one account and region reads that folder alone.
   */
  readonly readsByPlace?: boolean;
  units(scope: ScanScope, signal?: AbortSignal): AsyncIterable<UnitOrProblem>;
  /** What listing found, for the line that names a source that yielded no input ("listed 3 prefixes"). */
  listingSummary?(): string;
}

import { UsageError } from '../errors.js';

/**
 * A flat key space, as S3 has it: the trail layout, validate and mirror all think in keys. Local folders
 * are presented the same way (keys are `/`-separated paths relative to the root), so one planner serves both.
 */
export interface StoredObject {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

export type ListEntry = { object: StoredObject } | { commonPrefix: string };

export interface ObjectBody {
  body: AsyncIterable<Uint8Array>;
  metadata: Record<string, string>;
  size?: number;
  etag?: string;
}

export interface ObjectStore {
  /** `s3://bucket` or an absolute folder path. */
  readonly label: string;
  /** The key prefix the user named (`s3://bucket/prefix`), without a leading slash. */
  readonly rootPrefix: string;
  /** Entries in key (byte) order. With a delimiter, keys under the next delimiter are folded into commonPrefix. */
  list(prefix: string, opts?: { delimiter?: string; signal?: AbortSignal }): AsyncIterable<ListEntry>;
  get(key: string, signal?: AbortSignal): Promise<ObjectBody>;
  /** How a key is named in messages and results: `s3://bucket/key` or a path. */
  display(key: string): string;
  /** Folders a local walk did not enter because it had read them under another name (symlinks). */
  takeRepeats?(): Array<{ key: string; sameAs: string }>;
  /** The local file behind a key, for stores that are folders. */
  localPath?(key: string): string;
}

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) throw new UsageError(`${uri}: not an S3 URI (expected s3://bucket[/prefix])`);
  return { bucket: m[1], prefix: m[2] ?? '' };
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIRROR_FILES } from '../source/mirror-files.js';

export const MANIFEST_FILE = MIRROR_FILES.manifest;
export const KEYS_DIR = MIRROR_FILES.keysDir;
export const JOURNAL_FILE = MIRROR_FILES.journal;

/**
 * - complete: the file holds exactly the bytes S3 served (length, ETag and, for a log file a verified digest
 *   names, the digest's hash checked).
 * - absent: S3 answered "no such key" (a log file a digest names but the bucket lacks); validate reports it.
 * - failed / refused: not copied (`problem` says why); a re-run tries again.
 */
export type ObjectState = 'complete' | 'absent' | 'failed' | 'refused';

export interface ManifestObject {
  key: string;
  state: ObjectState;
  size: number;
  etag?: string;
  /** SHA-256 of the file's bytes as stored (compressed). */
  sha256: string;
  lastModified?: string;
  sidecar?: string;
  /** For a log file named by a digest whose signature verified: whether its content has the digest's hash. */
  digestHash?: 'match' | 'mismatch';
  problem?: string;
}

/** What GetTrailStatus said when the mirror was made, so an offline validation can explain the chain's tail. */
export interface TrailStatusSeen {
  trailArn: string;
  readAt: string;
  isLogging?: boolean;
  stopLoggingTime?: string;
  latestDigestDeliveryTime?: string;
  latestDeliveryTime?: string;
  /** Why the status could not be read (offline, access denied, ...). */
  error?: string;
}

export interface MirrorManifest {
  format: 'ctrail-mirror/1';
  source: string;
  bucket: string;
  /** Key prefix the mirror root stands for ("" or "prefix/"): S3 key = keyRoot + path below the root. */
  keyRoot: string;
  createdAt: string;
  metadataOnly: boolean;
  /** False when some object could not be copied: the folder is not a full copy of the window. */
  complete?: boolean;
  window: { start: string; end: string };
  accounts: string[];
  regions: string[];
  publicKeys: Record<string, string>;
  trailStatus?: TrailStatusSeen[];
  objects: ManifestObject[];
}

export async function readManifest(dir: string): Promise<MirrorManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const doc = JSON.parse(text) as Partial<MirrorManifest> | null;
  // A mirror folder may come from someone else: the fields the readers rely on are checked, not assumed.
  const ok =
    doc !== null &&
    typeof doc === 'object' &&
    doc.format === 'ctrail-mirror/1' &&
    typeof doc.bucket === 'string' &&
    typeof doc.keyRoot === 'string' &&
    typeof doc.window?.start === 'string' &&
    typeof doc.window.end === 'string' &&
    Array.isArray(doc.objects);
  if (!ok) throw new Error(`${MANIFEST_FILE}: not a ctrail mirror manifest`);
  return doc as MirrorManifest;
}

/**
 * What earlier runs recorded for each key: the manifest, then the journal of a run that did not finish (its
 * lines are newer). A torn last line is ignored. Records without a state come from before states existed:
 * they described files the old mirror wrote without checking them, so they are not trusted as complete.
 */
export async function readRecords(dir: string): Promise<Map<string, ManifestObject>> {
  const out = new Map<string, ManifestObject>();
  const manifest = await readManifest(dir).catch(() => undefined);
  for (const o of manifest?.objects ?? []) if (isRecord(o) && o.state) out.set(o.key, o);
  const journal = await readFile(join(dir, JOURNAL_FILE), 'utf8').catch(() => '');
  for (const line of journal.split('\n')) {
    if (!line) continue;
    try {
      const o = JSON.parse(line) as unknown;
      if (isRecord(o)) out.set(o.key, o);
    } catch {
      // an interrupted append
    }
  }
  return out;
}

function isRecord(o: unknown): o is ManifestObject {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  return typeof r['key'] === 'string' && typeof r['size'] === 'number' && typeof r['sha256'] === 'string';
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** File at the root of a mirror folder that says where its keys came from (README, "ctrail validate"). */
export const MANIFEST_FILE = 'ctrail-mirror.json';
/** Folder at the root of a mirror holding the public keys, one list-public-keys JSON per region. */
export const KEYS_DIR = 'ctrail-public-keys';

export interface MirrorManifest {
  format: 'ctrail-mirror/1';
  source: string;
  bucket: string;
  /** Key prefix the mirror root stands for ("" or "prefix/"): S3 key = keyRoot + path below the root. */
  keyRoot: string;
  createdAt: string;
  metadataOnly: boolean;
  window: { start: string; end: string };
  accounts: string[];
  regions: string[];
  publicKeys: Record<string, string>;
  objects: Array<{ key: string; size: number; etag?: string; sha256: string; lastModified?: string; sidecar?: string }>;
}

export async function readManifest(dir: string): Promise<MirrorManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const doc = JSON.parse(text) as MirrorManifest;
  if (doc.format !== 'ctrail-mirror/1' || typeof doc.bucket !== 'string') throw new Error(`${MANIFEST_FILE}: not a ctrail mirror manifest`);
  return doc;
}

import { readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { ObjectBody, ObjectStore, StoredObject } from '../source/object-store.js';
import { MIRROR_FILES } from '../source/mirror-files.js';
import { LocalStore } from '../source/store.js';

export const SIDECAR_SUFFIX = MIRROR_FILES.sidecarSuffix;

export interface Sidecar {
  format: 'ctrail-s3-metadata/1';
  bucket: string;
  key: string;
  etag?: string;
  lastModified?: string;
  /** S3 user metadata without the x-amz-meta- prefix, as the SDK returns it: signature, signature-algorithm, ... */
  metadata: Record<string, string>;
}

/**
 * One bucket as CloudTrail wrote it, read from S3 or from a mirror folder. Keys are always full S3 keys;
 * a mirror made from s3://bucket/prefix stores `prefix/` + key under its root, so keyRoot is stripped.
 */
export class TrailView {
  constructor(
    readonly bucket: string,
    readonly store: ObjectStore,
    readonly keyRoot = '',
  ) {}

  get local(): boolean {
    return this.store instanceof LocalStore;
  }

  uri(fullKey: string): string {
    return `s3://${this.bucket}/${fullKey}`;
  }

  storeKey(fullKey: string): string | undefined {
    return fullKey.startsWith(this.keyRoot) ? fullKey.slice(this.keyRoot.length) : undefined;
  }

  /** The file behind a key of a mirror folder; undefined for S3 and for keys that cannot name a file inside it. */
  localPath(fullKey: string): string | undefined {
    const rel = this.storeKey(fullKey);
    if (rel === undefined || !(this.store instanceof LocalStore)) return undefined;
    const path = this.store.localPath(rel);
    return path.startsWith(this.store.root + sep) ? path : undefined;
  }

  async *list(fullPrefix: string): AsyncIterable<StoredObject> {
    let prefix = fullPrefix;
    if (!prefix.startsWith(this.keyRoot)) {
      // A mirror of a deeper prefix cannot hold keys outside it.
      if (!this.keyRoot.startsWith(prefix)) return;
      prefix = this.keyRoot;
    }
    for await (const e of this.store.list(prefix.slice(this.keyRoot.length))) {
      if ('object' in e) yield { ...e.object, key: this.keyRoot + e.object.key };
    }
  }

  /**
   * The keys list() yields, in the same order, without sizes. A mirror folder is read with directory listings
   * alone: no stat per file, which is most of what listing thousands of log files costs.
   */
  async *keys(fullPrefix: string): AsyncIterable<string> {
    if (!(this.store instanceof LocalStore)) {
      for await (const o of this.list(fullPrefix)) yield o.key;
      return;
    }
    let prefix = fullPrefix;
    if (!prefix.startsWith(this.keyRoot)) {
      if (!this.keyRoot.startsWith(prefix)) return;
      prefix = this.keyRoot;
    }
    const rel = prefix.slice(this.keyRoot.length);
    const dirKey = rel.slice(0, rel.lastIndexOf('/') + 1);
    const keys = fileKeysUnder(this.store.root, dirKey).filter((k) => k.startsWith(rel));
    // S3 (and LocalStore.list) order keys by their UTF-8 bytes; for ASCII keys that is plain string order.
    if (keys.every((k) => /^[\x00-\x7f]*$/.test(k))) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    else keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const k of keys) yield this.keyRoot + k;
  }

  async *folders(fullPrefix: string): AsyncIterable<string> {
    const rel = this.storeKey(fullPrefix);
    if (rel === undefined) return;
    for await (const e of this.store.list(rel, { delimiter: '/' })) {
      if ('commonPrefix' in e) yield this.keyRoot + e.commonPrefix;
    }
  }

  /** Throws NotFoundError when the object does not exist. Local digests get their metadata from the sidecar. */
  async get(fullKey: string, withSidecar = false): Promise<ObjectBody> {
    const path = withSidecar ? this.localPath(fullKey) : undefined;
    if (path !== undefined) {
      // A digest of a mirror and its sidecar, a few KB each: read at once, without thread-pool round trips.
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (err) {
        if (isNotFound(err)) throw new NotFoundError(fullKey);
        throw err;
      }
      const sidecar = readSidecarSync(path + SIDECAR_SUFFIX);
      return { body: once(bytes), metadata: { ...(sidecar?.metadata ?? {}) }, size: bytes.length };
    }
    const rel = this.storeKey(fullKey);
    if (rel === undefined) throw new NotFoundError(fullKey);
    let obj: ObjectBody;
    try {
      obj = await this.store.get(rel);
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(fullKey);
      throw err;
    }
    if (withSidecar && this.store instanceof LocalStore) {
      const sidecar = await readSidecar(join(this.store.root, ...rel.split('/')) + SIDECAR_SUFFIX);
      obj.metadata = { ...(sidecar?.metadata ?? {}), ...obj.metadata };
    }
    return obj;
  }
}

export async function readSidecar(path: string): Promise<Sidecar | undefined> {
  try {
    return sidecarOf(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function readSidecarSync(path: string): Sidecar | undefined {
  try {
    return sidecarOf(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

function sidecarOf(text: string): Sidecar | undefined {
  const doc = JSON.parse(text) as Partial<Sidecar>;
  if (!doc || typeof doc.metadata !== 'object' || doc.metadata === null) return undefined;
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.metadata)) if (typeof v === 'string') metadata[k.toLowerCase()] = v;
  return { format: 'ctrail-s3-metadata/1', bucket: String(doc.bucket ?? ''), key: String(doc.key ?? ''), metadata };
}

/** Keys of the files below dirKey, at any depth, as LocalStore.walk finds them (symbolic links followed). */
function fileKeysUnder(root: string, dirKey: string): string[] {
  const out: string[] = [];
  const visit = (key: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, ...key.split('/').filter(Boolean)), { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw err;
    }
    for (const d of entries) {
      const child = key + d.name;
      if (d.isDirectory()) visit(child + '/');
      else if (d.isFile()) out.push(child);
      else if (d.isSymbolicLink()) {
        let st;
        try {
          st = statSync(join(root, ...child.split('/')));
        } catch {
          continue;
        }
        if (st.isFile()) out.push(child);
        else if (st.isDirectory()) visit(child + '/');
      }
    }
  };
  visit(dirKey);
  return out;
}

export class NotFoundError extends Error {
  constructor(key: string) {
    super(`${key}: not found`);
    this.name = 'NotFoundError';
  }
}

export function isNotFound(err: unknown): boolean {
  if (err instanceof NotFoundError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return true;
  if (err.name === 'NoSuchKey' || err.name === 'NotFound') return true;
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
}

/** The whole body of an object read through a view (digests, and log files small enough to hold). */
export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

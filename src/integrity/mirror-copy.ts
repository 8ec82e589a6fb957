import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CtrailError } from '../errors.js';
import { asConfigErrorIfFatal, describeAwsError } from '../source/aws.js';
import { LocalWriteError, classifyLocal, type MirrorTarget, type Refusal } from './mirror-target.js';
import { isNotFound, type TrailView } from './view.js';

/** One object's bytes in a temporary file beside its final path, checked against what S3 said it sent. */
export interface Fetched {
  partial: string;
  size: number;
  sha256: string;
  etag?: string;
  metadata: Record<string, string>;
}

/** How one fetch ended: bytes to place, S3's "no such key", a refusal of the local path, or a loss. */
export type FetchOutcome = { ok: true; fetched: Fetched } | { ok: false; absent: true } | { ok: false; refused: Refusal } | { ok: false; failed: string };

/** Whole attempts per object: the store retries requests; this restarts an object whose bytes did not check out. */
const ATTEMPTS = 4;
const BACKOFF_MS = 150;

/** The bytes received do not match what S3 said it sent: a transfer fault, never a verdict on the object. */
class TransferError extends Error {}

/** An S3 ETag of a single-part upload is the MD5 of the object; multipart ETags ("…-N") cannot be checked. */
export function plainEtag(etag: string | undefined): string | undefined {
  const m = /^"?([0-9a-f]{32})"?$/i.exec(etag ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Fetches `key` into a new temporary file in `dir`, restarting the object on transfer faults (bounded). */
export async function fetchChecked(view: TrailView, key: string, target: MirrorTarget, dir: string): Promise<FetchOutcome> {
  let last = '';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt) await sleep(BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
    try {
      return { ok: true, fetched: await fetchOnce(view, key, target, dir) };
    } catch (err) {
      if (err instanceof LocalWriteError || err instanceof CtrailError) throw err;
      if (err instanceof LocalRefusal) return { ok: false, refused: err.refusal };
      if (isNotFound(err)) return { ok: false, absent: true };
      const fatal = asConfigErrorIfFatal(err, view.uri(key));
      if (fatal) throw fatal;
      last = err instanceof TransferError ? err.message : describeAwsError(err);
    }
  }
  return { ok: false, failed: `${last} (after ${ATTEMPTS} attempts)` };
}

class LocalRefusal extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.detail);
  }
}

async function fetchOnce(view: TrailView, key: string, target: MirrorTarget, dir: string): Promise<Fetched> {
  const obj = await view.get(key);
  let created: Awaited<ReturnType<MirrorTarget['partial']>>;
  try {
    created = await target.partial(dir);
  } catch (err) {
    await drain(obj.body);
    throw new LocalRefusal(classifyLocal(err, dir));
  }
  const { path, handle } = created;
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  let ok = false;
  try {
    for await (const chunk of obj.body) {
      sha.update(chunk);
      md5.update(chunk);
      size += chunk.length;
      try {
        await handle.write(chunk);
      } catch (err) {
        throw new LocalRefusal(classifyLocal(err, path));
      }
    }
    try {
      await handle.datasync();
    } catch (err) {
      throw new LocalRefusal(classifyLocal(err, path));
    }
    if (obj.size !== undefined && size !== obj.size) throw new TransferError(`received ${size} of ${obj.size} bytes`);
    const expected = plainEtag(obj.etag);
    if (expected && md5.digest('hex') !== expected) throw new TransferError('the bytes received do not match the ETag S3 sent');
    ok = true;
  } finally {
    await handle.close().catch(() => undefined);
    if (!ok) await unlink(path).catch(() => undefined);
  }
  return { partial: path, size, sha256: sha.digest('hex'), ...(obj.etag ? { etag: obj.etag } : {}), metadata: obj.metadata };
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    for await (const _ of body) void _;
  } catch {
    // only releasing the connection
  }
}

/** SHA-256 and MD5 of a local file in one read. */
export async function hashFile(path: string): Promise<{ sha256: string; md5: string }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  for await (const c of createReadStream(path)) {
    sha.update(c as Buffer);
    md5.update(c as Buffer);
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('hex') };
}

import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, type GetObjectCommandOutput, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { ListEntry, ObjectBody, ObjectStore, StoredObject } from './object-store.js';
import { BodyChecksumError, ListingError, READ_ATTEMPTS, ShortBodyError, backoffMs, delay, idleGuarded, isTransient, requestTimeoutMs, withRetries } from './s3-retry.js';

/**
 * Objects up to this size are read whole, with retries, before any byte is handed on: a reset, short body
 * or checksum mismatch then costs a re-read, never a record emitted twice or half. (Trail files are
 * kilobytes to a few MiB; the worker path holds inputs this size whole anyway.) Bigger objects stream, and
 * a cut stream resumes with a Range request from the byte it reached.
 */
export const WHOLE_OBJECT_BYTES = 64 * 1024 * 1024;

/** ListObjectsV2 with pagination, and GetObject read whole (or resumed) with retries. Loaded lazily through LazyS3Store. */
export class S3Store implements ObjectStore {
  readonly label: string;
  readonly rootPrefix = '';
  readonly bucket: string;
  readonly client: S3Client;

  constructor(bucket: string, client: S3Client) {
    this.bucket = bucket;
    this.label = `s3://${bucket}`;
    this.client = client;
  }

  display(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async *list(prefix: string, opts: { delimiter?: string; signal?: AbortSignal } = {}): AsyncIterable<ListEntry> {
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await withRetries(
          () =>
            this.client.send(
              new ListObjectsV2Command({
                Bucket: this.bucket,
                Prefix: prefix,
                ContinuationToken: token,
                ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
              }),
              { abortSignal: opts.signal },
            ),
          opts.signal,
        );
      } catch (err) {
        if (opts.signal?.aborted || !isTransient(err)) throw err;
        throw new ListingError(prefix, err);
      }
      // S3 returns objects and common prefixes as two sorted lists; merge them so callers see key order.
      const objects = (page.Contents ?? []).filter((o) => o.Key !== undefined);
      const prefixes = (page.CommonPrefixes ?? []).map((p) => p.Prefix).filter((p): p is string => p !== undefined);
      let i = 0;
      let j = 0;
      while (i < objects.length || j < prefixes.length) {
        const o = objects[i];
        const p = prefixes[j];
        if (o && (p === undefined || o.Key! < p)) {
          const entry: StoredObject = { key: o.Key!, size: o.Size ?? 0 };
          if (o.ETag) entry.etag = o.ETag;
          if (o.LastModified) entry.lastModified = o.LastModified;
          yield { object: entry };
          i++;
        } else {
          yield { commonPrefix: p! };
          j++;
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async get(key: string, signal?: AbortSignal): Promise<ObjectBody> {
    const mismatches = new Set<string>();
    return withRetries(async () => {
      const ctl = new AbortController();
      const abort = linkAbort(ctl, signal);
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }), { abortSignal: ctl.signal });
        const body = out.Body as AsyncIterable<Uint8Array> | undefined;
        if (!body) throw new Error('empty response body');
        const release = () => {
          ctl.abort();
          (body as { destroy?: () => void }).destroy?.();
        };
        const result: ObjectBody = { body, metadata: out.Metadata ?? {} };
        if (out.ContentLength !== undefined) result.size = out.ContentLength;
        if (out.ETag) result.etag = out.ETag;
        if (out.ContentLength !== undefined && out.ContentLength > WHOLE_OBJECT_BYTES) {
          result.body = this.resumable(key, out, release, signal);
          return result;
        }
        let bytes: Buffer;
        try {
          bytes = await readAll(idleGuarded(body, requestTimeoutMs(), release), out.ContentLength);
        } catch (err) {
          release();
          throw err;
        }
        checkEtag(out, bytes, mismatches);
        result.body = slices(bytes);
        return result;
      } finally {
        abort.dispose();
      }
    }, signal);
  }

  /** A big object's body, resumed with a Range request (pinned to its ETag) wherever a transient fault cuts it. */
  private async *resumable(key: string, first: GetObjectCommandOutput, release: () => void, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const size = first.ContentLength!;
    const etag = first.ETag;
    let body = first.Body as AsyncIterable<Uint8Array>;
    let stop = release;
    let offset = 0;
    for (let failures = 0; ; ) {
      try {
        for await (const chunk of idleGuarded(body, requestTimeoutMs(), stop)) {
          offset += chunk.byteLength;
          yield chunk;
        }
        if (offset < size) throw new ShortBodyError(offset, size);
        return;
      } catch (err) {
        stop();
        // Past the end, a fault (say a checksum over bytes already handed on) cannot be undone by a re-read.
        if (offset >= size || signal?.aborted || ++failures >= READ_ATTEMPTS || !isTransient(err)) throw err;
        await delay(backoffMs(failures), signal);
        const ctl = new AbortController();
        const link = linkAbort(ctl, signal);
        const from = offset;
        const out = await withRetries(
          () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${from}-`, ...(etag ? { IfMatch: etag } : {}) }), { abortSignal: ctl.signal }),
          signal,
        ).finally(() => link.dispose());
        body = out.Body as AsyncIterable<Uint8Array>;
        stop = () => {
          ctl.abort();
          (body as { destroy?: () => void }).destroy?.();
        };
      }
    }
  }
}

function linkAbort(ctl: AbortController, signal: AbortSignal | undefined): { dispose(): void } {
  if (!signal) return { dispose: () => undefined };
  const onAbort = () => ctl.abort();
  if (signal.aborted) ctl.abort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { dispose: () => signal.removeEventListener('abort', onAbort) };
}

async function readAll(body: AsyncIterable<Uint8Array>, expected: number | undefined): Promise<Buffer> {
  if (expected !== undefined) {
    // Filled in place: holding the chunks and then concatenating them would need twice the object's size.
    const out = Buffer.allocUnsafe(expected);
    let at = 0;
    for await (const c of body) {
      if (at + c.byteLength > expected) throw new Error(`body longer than its Content-Length (${expected})`);
      out.set(c, at);
      at += c.byteLength;
    }
    if (at < expected) throw new ShortBodyError(at, expected);
    return out;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of body) {
    chunks.push(c);
    total += c.byteLength;
    if (total > WHOLE_OBJECT_BYTES) throw new Error(`body longer than ${WHOLE_OBJECT_BYTES} bytes without a Content-Length`);
  }
  return Buffer.concat(chunks, total);
}

/**
 * An object stored in one part without KMS or customer keys has its MD5 as ETag: a check that catches a
 * corrupted body even where S3 holds no checksum. A server whose ETags are not MD5s at all would fail it
 * every time, so the same wrong hash seen twice is taken as the object's real bytes.
 */
function checkEtag(out: GetObjectCommandOutput, bytes: Buffer, mismatches: Set<string>): void {
  const etag = /^"?([0-9a-f]{32})"?$/i.exec(out.ETag ?? '')?.[1]?.toLowerCase();
  if (!etag || out.SSECustomerAlgorithm || (out.ServerSideEncryption ?? '').startsWith('aws:kms')) return;
  const md5 = createHash('md5').update(bytes).digest('hex');
  if (md5 === etag || mismatches.has(md5)) return;
  mismatches.add(md5);
  throw new BodyChecksumError();
}

/** The object's bytes in 1 MiB views (no copies): downstream stages then work, and hold hits, a slice at a time. */
async function* slices(bytes: Buffer): AsyncGenerator<Uint8Array> {
  const SLICE = 1 << 20;
  for (let at = 0; at < bytes.length; at += SLICE) yield bytes.subarray(at, Math.min(bytes.length, at + SLICE));
}

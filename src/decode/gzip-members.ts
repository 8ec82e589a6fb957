import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

/**
 * Inflates only the FIRST gzip member of a stream, hashing its output as it goes.
 *
 * Node's gunzip reads every concatenated member and throws on non-gzip trailing bytes, while CloudTrail's
 * reference validator stops after the first member; parity on tampered files needs our own member walk.
 * The caller decides the verdict from the outcome, the hash and the count of bytes after the member.
 */
export type FirstMemberOutcome =
  | 'complete' // header, deflate data and a matching CRC32/ISIZE trailer
  | 'truncated' // the deflate stream or trailer ended early: the hash covers what inflated
  | 'corrupt' // not gzip, bad deflate data or a CRC/size mismatch
  ;

export interface FirstMemberResult {
  outcome: FirstMemberOutcome;
  /** Lowercase hex SHA-256 of the inflated bytes of the first member (what inflated before any failure). */
  sha256: string;
  inflatedBytes: number;
  /** Bytes that follow the first member's 8-byte trailer (another member, zeros or garbage). */
  trailingBytes: number;
  detail?: string;
}

const FTEXT_MASK = 0xe0; // reserved flag bits must be zero
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

/** Length of a complete gzip header at the start of buf, 0 if more bytes are needed, -1 if not gzip. */
export function gzipHeaderLength(buf: Uint8Array): number {
  if (buf.length >= 1 && buf[0] !== 0x1f) return -1;
  if (buf.length >= 2 && buf[1] !== 0x8b) return -1;
  if (buf.length >= 3 && buf[2] !== 8) return -1;
  if (buf.length < 10) return 0;
  const flags = buf[3]!;
  if (flags & FTEXT_MASK) return -1;
  let pos = 10;
  if (flags & FEXTRA) {
    if (buf.length < pos + 2) return 0;
    pos += 2 + (buf[pos]! | (buf[pos + 1]! << 8));
    if (buf.length < pos) return 0;
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      const nul = buf.indexOf(0, pos);
      if (nul < 0) return 0;
      pos = nul + 1;
    }
  }
  if (flags & FHCRC) pos += 2;
  return buf.length < pos ? 0 : pos;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export async function hashFirstGzipMember(body: AsyncIterable<Uint8Array>): Promise<FirstMemberResult> {
  const hash = createHash('sha256');
  let inflatedBytes = 0;
  let crc = 0;
  const iterator = body[Symbol.asyncIterator]();
  let pending: Uint8Array = new Uint8Array(0);
  let headerLen = 0;

  const finish = (outcome: FirstMemberOutcome, trailingBytes: number, detail?: string): FirstMemberResult => ({
    outcome,
    sha256: hash.digest('hex'),
    inflatedBytes,
    trailingBytes,
    ...(detail ? { detail } : {}),
  });

  // Header: gather bytes until it is complete.
  for (;;) {
    const found = gzipHeaderLength(pending);
    if (found < 0) {
      await iterator.return?.();
      return finish('corrupt', 0, 'not gzip data');
    }
    if (found > 0) {
      headerLen = found;
      break;
    }
    const next = await iterator.next();
    if (next.done) return finish(pending.length === 0 ? 'corrupt' : 'truncated', 0, 'incomplete gzip header');
    pending = concat(pending, next.value);
  }

  const inflate = zlib.createInflateRaw();
  let inflateError: Error | undefined;
  let ended = false;
  inflate.on('data', (d: Buffer) => {
    hash.update(d);
    crc = zlib.crc32(d, crc);
    inflatedBytes += d.length;
  });
  let failed!: () => void;
  // A destroyed stream never calls back pending writes: an error must wake the writer too.
  const failure = new Promise<void>((resolve) => (failed = resolve));
  const done = new Promise<void>((resolve) => {
    inflate.on('end', () => {
      ended = true;
      resolve();
    });
    inflate.on('error', (e: Error) => {
      inflateError = e;
      failed();
      resolve();
    });
  });

  // Deflate data: feed chunk by chunk; the engine stops consuming at the end of the member, which shows as
  // bytesWritten lagging behind what was fed. Keep only the chunk where that happened (plus what follows).
  let fed = 0;
  let afterDeflate: Uint8Array = new Uint8Array(0);
  let chunk: Uint8Array | undefined = pending.subarray(headerLen);
  while (chunk) {
    if (chunk.length > 0) {
      const c = chunk;
      fed += c.length;
      await Promise.race([new Promise<void>((resolve) => inflate.write(c, () => resolve())), failure]);
      if (inflateError) break;
      if (inflate.bytesWritten < fed || ended) {
        afterDeflate = c.subarray(c.length - (fed - inflate.bytesWritten));
        break;
      }
    }
    const next = await iterator.next();
    chunk = next.done ? undefined : next.value;
  }
  if (!ended && !inflateError) inflate.end();
  await done;
  if (inflateError) {
    await iterator.return?.();
    const truncated = (inflateError as { code?: string }).code === 'Z_BUF_ERROR';
    return finish(truncated ? 'truncated' : 'corrupt', 0, inflateError.message);
  }

  // Trailer: CRC32 + ISIZE, then count whatever follows.
  while (afterDeflate.length < 8) {
    const next = await iterator.next();
    if (next.done) return finish('truncated', 0, 'gzip trailer missing');
    afterDeflate = concat(afterDeflate, next.value);
  }
  const view = new DataView(afterDeflate.buffer, afterDeflate.byteOffset, afterDeflate.byteLength);
  const storedCrc = view.getUint32(0, true);
  const storedSize = view.getUint32(4, true);
  const trailingBytes = afterDeflate.length - 8 + (await drain(iterator));
  if (storedCrc !== crc >>> 0) return finish('corrupt', trailingBytes, 'gzip CRC mismatch');
  if (storedSize !== inflatedBytes % 2 ** 32) return finish('corrupt', trailingBytes, 'gzip size mismatch');
  return finish('complete', trailingBytes);
}

async function drain(iterator: AsyncIterator<Uint8Array>): Promise<number> {
  let n = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return n;
    n += next.value.length;
  }
}

/** Inflated output beyond this is hashed by the streaming walk instead, so one hostile file cannot exhaust memory. */
export const WHOLE_INFLATE_LIMIT = 64 * 1024 * 1024;

/**
 * The same result as hashFirstGzipMember for a file already in memory, in one inflate call with an output
 * buffer sized from the trailer's ISIZE (several times faster than the stream for the many small files of a
 * trail). Anything but a clean member with a matching trailer takes the streaming walk, so verdicts on
 * damaged files come from one implementation only.
 */
export async function hashFirstGzipMemberOf(buf: Uint8Array): Promise<FirstMemberResult> {
  return hashCleanFirstGzipMember(buf) ?? (await hashFirstGzipMember(oneChunk(buf)));
}

/** hashFirstGzipMemberOf's synchronous part: the result for a clean member, undefined for anything else. */
export function hashCleanFirstGzipMember(buf: Uint8Array): FirstMemberResult | undefined {
  const headerLen = gzipHeaderLength(buf);
  if (headerLen <= 0 || buf.length < headerLen + 8) return undefined;
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  // The last four bytes are the first member's ISIZE only when nothing follows it: a hint, used when
  // deflate could produce that much from this input (at most 1032:1) and it is within the limit.
  const hinted = bytes.readUInt32LE(bytes.length - 4);
  const plausible = hinted <= WHOLE_INFLATE_LIMIT && hinted <= bytes.length * 1032;
  const chunkSize = plausible ? Math.max(64 * 1024, hinted + 1) : 64 * 1024;
  let inflated: { buffer: Buffer; engine: zlib.InflateRaw };
  try {
    inflated = zlib.inflateRawSync(bytes.subarray(headerLen), { chunkSize, maxOutputLength: WHOLE_INFLATE_LIMIT, info: true }) as unknown as {
      buffer: Buffer;
      engine: zlib.InflateRaw;
    };
  } catch {
    return undefined;
  }
  const out = inflated.buffer;
  const trailerAt = headerLen + inflated.engine.bytesWritten;
  if (bytes.length < trailerAt + 8) return undefined;
  if (bytes.readUInt32LE(trailerAt) !== zlib.crc32(out) >>> 0) return undefined;
  if (bytes.readUInt32LE(trailerAt + 4) !== out.length % 2 ** 32) return undefined;
  return {
    outcome: 'complete',
    sha256: createHash('sha256').update(out).digest('hex'),
    inflatedBytes: out.length,
    trailingBytes: bytes.length - trailerAt - 8,
  };
}

async function* oneChunk(buf: Uint8Array): AsyncIterable<Uint8Array> {
  yield buf;
}

import { createGunzip, createZstdDecompress } from 'node:zlib';
import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { CUT, ZstdFrameWalker } from './zstd-frames.js';

/**
 * Turns a unit's raw bytes into plain bytes. The compression is sniffed from the first bytes, never taken
 * from a file name: CloudTrail copies are often renamed, re-compressed or delivered without extensions.
 */
export type Compression = 'gzip' | 'zstd' | 'plain';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return 'gzip';
  if (head.length >= 4 && ZSTD_MAGIC.every((b, i) => head[i] === b)) return 'zstd';
  return 'plain';
}

/** Reads enough of the stream to sniff, then yields every chunk (the sniffed ones first). */
async function peek(
  input: AsyncIterable<Uint8Array>,
  want: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Uint8Array>; whole: boolean }> {
  const it = input[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let total = 0;
  let done = false;
  while (total < want) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    seen.push(b);
    total += b.length;
  }
  // One more read tells whether the input came whole in what we have (a file read at once, a worker's buffer).
  let next: Uint8Array | undefined;
  if (!done) {
    const r = await it.next();
    if (r.done) done = true;
    else next = r.value;
  }
  const head = seen.length === 1 ? seen[0]! : Buffer.concat(seen);
  async function* rest(): AsyncIterable<Uint8Array> {
    if (head.length) yield head;
    if (next) yield next;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, rest: rest(), whole: done };
}

export interface Decoded {
  compression: Compression;
  bytes: AsyncIterable<Buffer>;
  /** The whole decoded input, when it was decoded in one piece (bytes then yields just this). */
  whole?: Buffer;
}

/** Whole gzip inputs up to this size are inflated in one call; bigger ones stream. */
const ONE_SHOT_INPUT_BYTES = 8 * 1024 * 1024;
/** ... and only while the output stays below this (a bomb falls back to the stream, which stays flat). */
const ONE_SHOT_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Decodes a whole input in one synchronous call when that is possible: plain bytes as they are, gzip of at
 * most ONE_SHOT_INPUT_BYTES inflated at once. Undefined for zstd, bigger inputs and damaged gzip, which take
 * the streaming way (that way reports the damage after passing on the records before it).
 */
export function decodeWholeSync(raw: Buffer): { compression: Compression; bytes: Buffer } | undefined {
  const compression = sniffCompression(raw);
  if (compression === 'plain') return { compression, bytes: raw };
  if (compression !== 'gzip' || raw.length > ONE_SHOT_INPUT_BYTES) return undefined;
  try {
    // The gzip trailer states the size (mod 2^32, and of the last member only): a hint, not a promise.
    // Sized to it, the output is one buffer instead of many 16 KiB pieces joined at the end.
    const hint = raw.length >= 18 ? raw.readUInt32LE(raw.length - 4) + 1 : 0;
    const chunkSize = Math.min(ONE_SHOT_OUTPUT_BYTES, Math.max(64 * 1024, hint));
    return { compression, bytes: zlib.gunzipSync(raw, { maxOutputLength: ONE_SHOT_OUTPUT_BYTES, chunkSize }) };
  } catch {
    return undefined;
  }
}

export async function decode(input: AsyncIterable<Uint8Array>): Promise<Decoded> {
  const { head, rest, whole } = await peek(input, 4);
  const compression = sniffCompression(head);
  if (compression === 'gzip' && whole) {
    // One call instead of a stream: no per-chunk callbacks or buffers.
    const plain = decodeWholeSync(head);
    if (plain) return decoded(compression, plain.bytes);
  }
  if (compression === 'plain') {
    if (whole) return decoded(compression, head);
    return {
      compression,
      bytes: (async function* () {
        for await (const chunk of rest) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      })(),
    };
  }
  const transform =
    compression === 'gzip'
      ? // A truncated stream must fail ("unexpected end of file") so the input is reported as damaged;
        // the records decoded before the cut have already been passed on by then.
        createGunzip({ chunkSize: 256 * 1024 })
      : // Node's native decoder (22.15+): no wasm heap to leak. It ends quietly at a cut, so untilCut checks.
        createZstdDecompress({ chunkSize: 256 * 1024 });
  const walker = compression === 'zstd' ? new ZstdFrameWalker() : undefined;
  const source = Readable.from(walker ? walked(rest, walker) : rest, { objectMode: false });
  source.on('error', (err) => transform.destroy(err));
  source.pipe(transform);
  const output = transform as AsyncIterable<Buffer>;
  return { compression, bytes: walker ? untilCut(output, walker) : output };
}

/** Feeds zstd input to the walker on its way to the decoder; a damaged structure fails the input at once. */
async function* walked(input: AsyncIterable<Uint8Array>, walker: ZstdFrameWalker): AsyncIterable<Uint8Array> {
  for await (const chunk of input) {
    const fault = walker.feed(chunk);
    if (fault) throw zstdError(fault);
    yield chunk;
  }
}

/**
 * The decoder's output, then a failure if the input ended inside a frame (as gzip's decoder fails at a cut):
 * the records before the cut are passed on first.
 */
async function* untilCut(output: AsyncIterable<Buffer>, walker: ZstdFrameWalker): AsyncIterable<Buffer> {
  try {
    yield* output;
  } catch (err) {
    // Newer decoders fail at a cut themselves, in gzip's words; name it the same way whichever finds it.
    const message = err instanceof Error ? err.message : String(err);
    throw zstdError(/unexpected end of file/.test(message) ? CUT : message);
  }
  const fault = walker.end();
  if (fault) throw zstdError(fault);
}

function zstdError(detail: string): Error {
  return new Error(`corrupt or truncated zstd data (${detail})`);
}

/** An input decoded in one piece. */
function decoded(compression: Compression, whole: Buffer): Decoded {
  return { compression, whole, bytes: (async function* () { yield whole; })() };
}

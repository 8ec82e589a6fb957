import zlib from 'node:zlib';
import { gzipHeaderLength } from './gzip-members.js';

/**
 * Inflates every gzip member of a stream, one after the other, and fails only after passing on the output
 * of every complete member. Node's gunzip fails on bytes after a member that are not another member
 * ("incorrect header check") and drops the output it had not yet pushed, so a log file with a few bytes of
 * junk appended lost all or half its records; `zcat` reads them all and warns. The junk stays a problem of
 * the file: the walk throws a Z_DATA_ERROR naming it once the records before it are out.
 */
export async function* gunzipMembers(input: AsyncIterable<Uint8Array>, chunkSize = 256 * 1024): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  let eof = false;
  const more = async (): Promise<boolean> => {
    if (eof) return false;
    const r = await it.next();
    if (r.done) {
      eof = true;
      return false;
    }
    const b = asBuffer(r.value);
    pending = pending.length ? Buffer.concat([pending, b]) : b;
    return true;
  };
  try {
    for (let member = 0; ; member++) {
      let header = gzipHeaderLength(pending);
      while (header === 0 && (await more())) header = gzipHeaderLength(pending);
      if (member > 0 && pending.length === 0 && eof) return;
      if (header <= 0) {
        if (member === 0) throw dataError(header < 0 ? 'incorrect header check' : 'unexpected end of file', 'Z_BUF_ERROR');
        throw dataError(`${pending.length + (await drain(it))} trailing bytes after the last complete gzip member`);
      }
      const rest = yield* inflateMember(pending.subarray(header), more, () => {
        const p = pending;
        pending = Buffer.alloc(0);
        return p;
      }, chunkSize);
      pending = rest;
    }
  } finally {
    await it.return?.();
  }
}

/**
 * One member's deflate data and trailer. `first` is what is already buffered after the header, `more` reads
 * on into the shared buffer and `take` empties it. Returns the bytes after the member's trailer.
 */
async function* inflateMember(
  first: Buffer,
  more: () => Promise<boolean>,
  take: () => Buffer,
  chunkSize: number,
): AsyncGenerator<Buffer, Buffer> {
  const inflate = zlib.createInflateRaw({ chunkSize });
  const out: Buffer[] = [];
  let crc = 0;
  let size = 0;
  let error: Error | undefined;
  let ended = false;
  inflate.on('data', (d: Buffer) => {
    out.push(d);
    crc = zlib.crc32(d, crc);
    size += d.length;
  });
  let wake!: () => void;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  inflate.on('error', (e: Error) => {
    error = e;
    wake();
  });
  inflate.on('end', () => {
    ended = true;
    wake();
  });
  take();
  let fed = 0;
  let after: Buffer | undefined;
  let chunk: Buffer | undefined = first;
  while (chunk) {
    if (chunk.length) {
      const c = chunk;
      fed += c.length;
      await Promise.race([new Promise<void>((resolve) => inflate.write(c, () => resolve())), stopped]);
      yield* out.splice(0);
      if (error) throw error;
      // The engine stops consuming at the member's end: what it did not take is the trailer and beyond.
      if (inflate.bytesWritten < fed || ended) {
        after = c.subarray(c.length - (fed - inflate.bytesWritten));
        break;
      }
    }
    chunk = (await more()) ? take() : undefined;
  }
  if (!ended && !error) inflate.end();
  await stopped;
  yield* out.splice(0);
  if (error) throw error;
  if (!after) throw dataError('unexpected end of file', 'Z_BUF_ERROR');
  let tail: Buffer = after;
  while (tail.length < 8) {
    if (!(await more())) throw dataError('unexpected end of file', 'Z_BUF_ERROR');
    tail = Buffer.concat([tail, take()]);
  }
  if (tail.readUInt32LE(0) !== crc >>> 0) throw dataError('incorrect data check');
  if (tail.readUInt32LE(4) !== size % 2 ** 32) throw dataError('incorrect length check');
  return tail.subarray(8);
}

async function drain(it: AsyncIterator<Uint8Array>): Promise<number> {
  let n = 0;
  for (;;) {
    const r = await it.next();
    if (r.done) return n;
    n += r.value.length;
  }
}

function dataError(message: string, code = 'Z_DATA_ERROR'): Error {
  return Object.assign(new Error(message), { code });
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { hashCleanFirstGzipMember, hashFirstGzipMember, hashFirstGzipMemberOf, type FirstMemberResult } from '../decode/gzip-members.js';

/**
 * Hashing the log files a digest names is nearly all of validate's CPU time, so it sits behind this narrow
 * interface: the chain walk hands over inputs and gets first-member results back, in process or from
 * worker threads (src/workers/hash-pool.ts). Verdicts are decided by the caller, never here.
 */
export type LogInput =
  /** A local file, read by whoever hashes it (a worker reads it itself, sparing the main thread the I/O). */
  | { path: string }
  /** Bytes already fetched (an S3 GET); handed over, the caller must not use them afterwards. */
  | { bytes: Uint8Array };

/**
 * `unreadable`: the file could not be read; the caller reads it again through its own store, which reports
 * the error in its usual words (not found, access denied, ...).
 */
export type LogHashResult = FirstMemberResult | { unreadable: true };

export interface LogHasher {
  /** One result per input, in input order. */
  hash(inputs: LogInput[]): Promise<LogHashResult[]>;
  close(): Promise<void>;
}

/** Files larger than this are streamed rather than read whole: memory stays flat whatever one file weighs (CloudTrail writes files far smaller). */
export const WHOLE_READ_LIMIT = 8 * 1024 * 1024;

export async function hashLogInput(input: LogInput): Promise<LogHashResult> {
  if ('bytes' in input) return hashFirstGzipMemberOf(input.bytes);
  const bytes = readSmallFile(input.path);
  if (bytes === 'unreadable') return { unreadable: true };
  // The bytes live in the shared scratch buffer: hash them before anything else runs, or copy them.
  if (bytes) return hashCleanFirstGzipMember(bytes) ?? (await hashFirstGzipMemberOf(Buffer.from(bytes)));
  try {
    return await hashFirstGzipMember(createReadStream(input.path, { highWaterMark: 1 << 20 }));
  } catch {
    return { unreadable: true };
  }
}

/**
 * Reused for every file read whole on this thread: allocating (and stat'ing) each of thousands of 20 KB log
 * files costs more than reading it. Grows up to WHOLE_READ_LIMIT.
 */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

/** A view of the whole file in the scratch buffer (valid until the next read), or undefined when too large. */
function readSmallFile(path: string): Buffer | undefined | 'unreadable' {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 'unreadable';
  }
  try {
    let got = 0;
    for (;;) {
      if (got === scratch.length) {
        if (scratch.length > WHOLE_READ_LIMIT) return undefined;
        const bigger = Buffer.allocUnsafeSlow(Math.min(scratch.length * 2, WHOLE_READ_LIMIT + 1));
        bigger.set(scratch);
        scratch = bigger;
      }
      const n = readSync(fd, scratch, got, scratch.length - got, null);
      if (n === 0) return scratch.subarray(0, got);
      got += n;
    }
  } catch {
    return 'unreadable';
  } finally {
    closeSync(fd);
  }
}

/** Hashes on the calling thread (`--threads 1`). */
export function inProcessLogHasher(): LogHasher {
  return {
    async hash(inputs) {
      const out: LogHashResult[] = [];
      for (const input of inputs) out.push(await hashLogInput(input));
      return out;
    },
    async close() {},
  };
}

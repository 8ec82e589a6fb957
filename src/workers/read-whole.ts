import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads a whole local file into `scratch` when it fits, and returns a view of it: no allocation and no
 * fstat (a worker reads thousands of 20 KB trail files, and allocating each one's buffer cost more than the
 * read). A bigger file gets a buffer of its own. The view is only valid until the next call with the same
 * scratch: callers must be done with it (or have copied what they keep) by then. Reads until end of file,
 * so a named pipe works too.
 */
export function readWholeInto(path: string, scratch: Buffer): Buffer {
  const fd = openSync(path, 'r');
  try {
    let filled = 0;
    while (filled < scratch.length) {
      const n = readSync(fd, scratch, filled, scratch.length - filled, null);
      if (n === 0) return scratch.subarray(0, filled);
      filled += n;
    }
    const chunks = [Buffer.from(scratch)];
    for (;;) {
      const chunk = Buffer.allocUnsafe(scratch.length);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return Buffer.concat(chunks);
      chunks.push(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

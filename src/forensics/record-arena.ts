import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Append-only storage for many small text records, outside the JavaScript heap: a large trail yields
 * hundreds of thousands of credential-issuing events, and as objects on the heap they (and the garbage
 * collector's headroom over them) would dominate the process. The first `memoryBytes` stay in memory;
 * the rest go to an unlinked temporary file (page cache, not this process's memory), so the footprint
 * stays flat however large the trail. If no temporary file can be made, everything stays in memory.
 */
export interface RecordArenaOptions {
  /** Bytes kept in memory before records go to the temporary file. */
  memoryBytes?: number;
}

/** Where a record lies: read it back with `read(at, length)`. */
export interface RecordRef {
  at: number;
  length: number;
}

const CHUNK_BYTES = 1 << 20;
const READ_BLOCK_BYTES = 64 * 1024;
export const DEFAULT_MEMORY_BYTES = 8 * 1024 * 1024;

interface Segment {
  start: number;
  end: number;
  /** In memory, or undefined when in the file at `fileAt`. */
  bytes?: Buffer;
  fileAt: number;
}

interface SpillFile {
  fd: number;
  size: number;
}

const closeFile = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
});

export class RecordArena {
  private readonly segments: Segment[] = [];
  private tail: Buffer = Buffer.allocUnsafeSlow(0);
  private tailStart = 0;
  private tailUsed = 0;
  private inMemory = 0;
  private file: SpillFile | undefined;
  private fileFailed = false;
  private block: { start: number; end: number; bytes: Buffer } | undefined;
  private readonly memoryBytes: number;

  constructor(opts: RecordArenaOptions = {}) {
    this.memoryBytes = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
  }

  /** Bytes held in memory (for tests and diagnostics). */
  get memoryUsed(): number {
    return this.inMemory + this.tail.length;
  }

  /** Whether some records are in the temporary file. */
  get spilled(): boolean {
    return this.file !== undefined;
  }

  append(text: string): RecordRef {
    const length = Buffer.byteLength(text, 'utf8');
    if (this.tailUsed + length > this.tail.length) {
      this.seal();
      this.tail = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, length));
    }
    const at = this.tailStart + this.tailUsed;
    this.tail.write(text, this.tailUsed, 'utf8');
    this.tailUsed += length;
    return { at, length };
  }

  read(at: number, length: number): string {
    if (at >= this.tailStart) return this.tail.toString('utf8', at - this.tailStart, at - this.tailStart + length);
    const segment = this.segmentAt(at);
    if (segment.bytes) return segment.bytes.toString('utf8', at - segment.start, at - segment.start + length);
    return this.readFile(segment, at, length);
  }

  /** Moves the tail into the segment list: into the file once memory is full, else kept as it is. */
  private seal(): void {
    if (this.tailUsed === 0) return;
    const start = this.tailStart;
    const end = start + this.tailUsed;
    const file = this.inMemory + this.tailUsed > this.memoryBytes ? this.openFile() : undefined;
    if (file && this.writeTail(file)) {
      this.segments.push({ start, end, fileAt: file.size });
      file.size += this.tailUsed;
    } else {
      // Keep only the used part: the rest of the chunk would be memory held for nothing.
      const bytes = this.tailUsed === this.tail.length ? this.tail : Buffer.from(this.tail.subarray(0, this.tailUsed));
      this.segments.push({ start, end, bytes, fileAt: 0 });
      this.inMemory += bytes.length;
    }
    this.tailStart = end;
    this.tailUsed = 0;
  }

  /** False when the disk refuses (full, quota): the records then stay in memory from here on. */
  private writeTail(file: SpillFile): boolean {
    try {
      let written = 0;
      while (written < this.tailUsed) written += writeSync(file.fd, this.tail, written, this.tailUsed - written, file.size + written);
      return true;
    } catch {
      this.fileFailed = true;
      return false;
    }
  }

  private openFile(): SpillFile | undefined {
    if (this.fileFailed) return undefined;
    if (this.file) return this.file;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'ctrail-'));
      const path = join(dir, 'records');
      const fd = openSync(path, 'w+', 0o600);
      try {
        // Unlinked at once: nothing is left behind whatever way the process ends.
        unlinkSync(path);
        rmdirSync(dir);
      } catch {
        process.once('exit', () => {
          try {
            closeSync(fd);
            unlinkSync(path);
            rmdirSync(dir);
          } catch {
            // Best effort.
          }
        });
      }
      this.file = { fd, size: 0 };
      closeFile.register(this, fd);
    } catch {
      this.fileFailed = true;
    }
    return this.file;
  }

  private segmentAt(at: number): Segment {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.start <= at) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo]!;
  }

  /** Reads through a block cache, so walking the records in order costs one read per block. */
  private readFile(segment: Segment, at: number, length: number): string {
    const b = this.block;
    if (b && at >= b.start && at + length <= b.end) return b.bytes.toString('utf8', at - b.start, at - b.start + length);
    const size = Math.min(Math.max(READ_BLOCK_BYTES, length), segment.end - at);
    const bytes = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(this.file!.fd, bytes, got, size - got, segment.fileAt + (at - segment.start) + got);
      if (n === 0) throw new Error('credential index: temporary file is shorter than written');
      got += n;
    }
    this.block = { start: at, end: at + size, bytes };
    return bytes.toString('utf8', 0, length);
  }
}

/**
 * Integer ids filed under string keys, in typed arrays: one chain entry per id instead of a Map entry
 * and a list. Keys are hashed, never stored; a lookup returns every id filed under a key with the same
 * hash, in the order filed, and the caller drops the ones whose record names another key.
 */
export class HashChains {
  private heads = new Int32Array(1024).fill(-1);
  private ids = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private next = new Int32Array(1024);
  private count = 0;

  add(key: string, id: number): void {
    if (this.count === this.ids.length) this.growEntries();
    const h = hashString(key);
    const entry = this.count++;
    this.ids[entry] = id;
    this.hashes[entry] = h;
    const slot = h & (this.heads.length - 1);
    this.next[entry] = this.heads[slot]!;
    this.heads[slot] = entry;
    // A load of up to one entry per slot: chains stay short and the table costs at most 8 bytes an entry.
    if (this.count > this.heads.length) this.rehash(this.heads.length * 2);
  }

  /** Ids filed under keys hashing like `key`, oldest first. */
  candidates(key: string): number[] {
    const h = hashString(key);
    const out: number[] = [];
    for (let e = this.heads[h & (this.heads.length - 1)]!; e !== -1; e = this.next[e]!) if (this.hashes[e] === h) out.push(this.ids[e]!);
    return out.reverse();
  }

  private growEntries(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(Math.ceil(a.length * 1.5));
      b.set(a);
      return b;
    };
    this.ids = grow(this.ids);
    this.hashes = grow(this.hashes);
    this.next = grow(this.next);
  }

  private rehash(size: number): void {
    this.heads = new Int32Array(size).fill(-1);
    // Entries are relinked oldest first, so each chain stays newest first.
    for (let e = 0; e < this.count; e++) {
      const slot = this.hashes[e]! & (size - 1);
      this.next[e] = this.heads[slot]!;
      this.heads[slot] = e;
    }
  }
}

/** FNV-1a over UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

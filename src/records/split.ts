/**
 * Streaming record splitter. It finds the byte range of every record in decoded bytes without parsing
 * JSON, so the pre-filter can reject most records before any allocation, and memory stays flat whatever
 * the file size: only the record under construction is carried between chunks.
 *
 * It understands every container CloudTrail data arrives in:
 *   {"Records":[{...},{...}]}        CloudTrail log files
 *   {"Events":[{...}], "NextToken"}  `aws cloudtrail lookup-events` output
 *   [{...},{...}]                    a bare array of events or envelopes
 *   {...}\n{...}\n                   NDJSON (ctrail output, CloudTrail Lake exports, EventBridge archives)
 *   {...}                            a single event or envelope
 * What a record *is* (event, lookup entry, envelope) is decided after parsing, in unwrap.ts.
 */

import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './json-bytes.js';

/** Keys whose array value holds the records, in the containers we know. */
const CONTAINER_KEYS = new Set(['Records', 'Events']);

/**
 * A record bigger than this is skipped (and counted) rather than held: the splitter carries at most this
 * many bytes of one record, and the records after it are still read.
 */
export const MAX_RECORD_BYTES = 128 * 1024 * 1024;

/**
 * A record nested deeper than this (objects and arrays, counted from the record itself) is skipped here,
 * before anything walks it: projection, patterns, Sigma and attribution all recurse, and CloudTrail events
 * nest a few dozen levels at most.
 */
export const MAX_RECORD_DEPTH = 128;

export class SplitError extends Error {}

export class RecordSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Scan position in buf. */
  private pos = 0;
  private depth = 0;
  /** Depth that an item's opening brace brings us to; 0 while undecided at top level. */
  private itemDepth = 0;
  private itemStart = -1;
  /** Top-level object that may turn out to be a container: we watch its depth-1 keys. */
  private topIsObject = false;
  private expectKey = false;
  private lastKey = '';
  /** Depth of the container array whose elements are items (0 = none). */
  private containerDepth = 0;
  private started = false;
  private offsetBase = 0;
  /** Inside a string whose opening quote is behind `pos` (a long string is scanned once, never again). */
  private inString = false;
  /** …and the byte before `pos` is a backslash that escapes the next one. */
  private escaped = false;
  /** Why the item being read is dropped instead of kept (too big, too deep); undefined when it is kept. */
  private skipping: string | undefined;
  private skipped: string[] = [];
  /**
   * Where a record that spans chunks is assembled. It grows by doubling, and new bytes are appended after
   * the carried ones, so a record of n bytes costs O(n) copying, not a copy of everything so far per chunk.
   * Bytes already handed out as records are never written over.
   */
  private store: Buffer | undefined;
  private storeUsed = 0;

  /** `maxRecordBytes` is for tests; every run uses MAX_RECORD_BYTES. */
  constructor(private readonly maxRecordBytes = MAX_RECORD_BYTES) {}

  /** Feeds bytes; returns the records completed by them, as views into internal buffers. */
  push(chunk: Buffer): Buffer[] {
    if (this.pos >= this.buf.length && this.itemStart < 0) {
      this.offsetBase += this.buf.length;
      this.buf = chunk;
      this.pos = 0;
    } else {
      const keepFrom = this.itemStart >= 0 ? Math.min(this.itemStart, this.pos) : this.pos;
      const carry = this.buf.subarray(keepFrom);
      this.offsetBase += keepFrom;
      this.buf = carry.length ? this.append(carry, chunk) : chunk;
      this.pos -= keepFrom;
      if (this.itemStart >= 0) this.itemStart -= keepFrom;
    }
    const out: Buffer[] = [];
    this.scan(out);
    if (this.itemStart >= 0 && this.buf.length - this.itemStart > this.maxRecordBytes) {
      this.skipping = `larger than ${this.maxRecordBytes >= 1 << 20 ? `${this.maxRecordBytes >> 20} MiB` : `${this.maxRecordBytes} bytes`}`;
      this.itemStart = -1;
    }
    return out;
  }

  /** Reasons for the records skipped since the last call (one entry per record). */
  takeSkipped(): string[] {
    if (this.skipped.length === 0) return this.skipped;
    const out = this.skipped;
    this.skipped = [];
    return out;
  }

  private append(carry: Buffer, chunk: Buffer): Buffer {
    const store = this.store;
    if (
      store &&
      carry.buffer === store.buffer &&
      carry.byteOffset + carry.length === store.byteOffset + this.storeUsed &&
      this.storeUsed + chunk.length <= store.length
    ) {
      chunk.copy(store, this.storeUsed);
      this.storeUsed += chunk.length;
      return store.subarray(carry.byteOffset - store.byteOffset, this.storeUsed);
    }
    const need = carry.length + chunk.length;
    // A short carry (a record cut at a chunk boundary) is the common case: an exact copy, as before.
    if (carry.length <= chunk.length) return Buffer.concat([carry, chunk], need);
    const next = Buffer.allocUnsafe(Math.min(Math.max(need * 2, 1 << 16), this.maxRecordBytes + 2 * chunk.length + (1 << 16)));
    carry.copy(next, 0);
    chunk.copy(next, carry.length);
    this.store = next;
    this.storeUsed = need;
    return next.subarray(0, need);
  }

  /** Call at end of input; throws if the input stopped in the middle of a record or container. */
  end(): void {
    if (!this.started) {
      const rest = this.buf.subarray(this.pos);
      if (rest.every(isSpace)) throw new SplitError('empty input');
    }
    if (this.depth > 0 || this.pos < this.buf.length || this.inString) {
      throw new SplitError(`truncated JSON at byte ${this.offsetBase + this.pos}`);
    }
  }

  private scan(out: Buffer[]): void {
    const buf = this.buf;
    const len = buf.length;
    let i = this.pos;
    if (this.inString) {
      const close = stringEndFrom(buf, i, this.escaped);
      if (close < 0) {
        // The byte an escape applied to is consumed; only backslashes after it can escape the next chunk.
        const from = this.escaped ? i + 1 : i;
        if (from <= len) this.escaped = endsEscaping(buf, from);
        this.pos = len;
        return;
      }
      this.inString = false;
      i = close + 1;
    }
    while (i < len) {
      const b = buf[i]!;
      if (b === QUOTE) {
        const close = findStringEnd(buf, i + 1);
        if (close < 0) {
          const needsText = (this.topIsObject && this.depth === 1 && this.expectKey) || this.depth === 0;
          // A key or a bare string is rescanned whole from its quote when the next chunk comes (they are
          // short); any other string is only scanned on from where this chunk ends.
          if (needsText) break;
          this.inString = true;
          this.escaped = endsEscaping(buf, i + 1);
          i = len;
          break;
        }
        if (this.topIsObject && this.depth === 1 && this.expectKey) {
          this.lastKey = buf.toString('latin1', i + 1, close);
          this.expectKey = false;
        } else if (this.depth === 0) {
          // A bare JSON string between records (e.g. a stray NDJSON line) is a record that is not an
          // event: pass it on so it is counted and reported, never dropped silently.
          this.started = true;
          out.push(buf.subarray(i, close + 1));
        }
        i = close + 1;
        continue;
      }
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        if (this.depth === 0) this.startTopLevel(b, i);
        else if (
          b === OPEN_BRACKET &&
          this.topIsObject &&
          this.depth === 1 &&
          this.containerDepth === 0 &&
          CONTAINER_KEYS.has(this.lastKey)
        ) {
          // The top-level object is a container: drop it as an item and take its array's elements.
          this.containerDepth = 2;
          this.itemDepth = 3;
          this.itemStart = -1;
          this.skipping = undefined;
        }
        this.depth++;
        if (b === OPEN_BRACE && this.depth === this.itemDepth && this.itemStart < 0 && !this.skipping) this.itemStart = i;
        else if (this.itemStart >= 0 && this.depth - this.itemDepth >= MAX_RECORD_DEPTH) {
          this.skipping = `nested deeper than ${MAX_RECORD_DEPTH} levels`;
          this.itemStart = -1;
        }
        if (this.topIsObject && this.depth === 1) this.expectKey = true;
        i++;
        continue;
      }
      if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (this.depth === 0) throw new SplitError(`unbalanced '${String.fromCharCode(b)}' at byte ${this.offsetBase + i}`);
        if (b === CLOSE_BRACE && this.depth === this.itemDepth) {
          if (this.itemStart >= 0) out.push(buf.subarray(this.itemStart, i + 1));
          else if (this.skipping) this.skipped.push(this.skipping);
          this.itemStart = -1;
          this.skipping = undefined;
        }
        this.depth--;
        if (this.containerDepth && this.depth < this.containerDepth) {
          this.containerDepth = 0;
          this.itemDepth = -1; // rest of the container holds no records (e.g. NextToken)
        }
        if (this.depth === 0) this.finishTopLevel();
        i++;
        continue;
      }
      if (this.depth === 0) {
        if (!isSpace(b) && b !== COMMA) {
          if (!this.started && i === 0 && b === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
            i += 3; // UTF-8 byte order mark
            continue;
          }
          throw new SplitError(`not JSON: unexpected ${describeByte(b)} at byte ${this.offsetBase + i}`);
        }
      } else if (this.topIsObject && this.depth === 1) {
        if (b === COMMA) this.expectKey = true;
        else if (b === COLON) this.expectKey = false;
      }
      i++;
    }
    this.pos = i;
  }

  private startTopLevel(b: number, i: number): void {
    this.started = true;
    this.containerDepth = 0;
    this.lastKey = '';
    if (b === OPEN_BRACKET) {
      this.topIsObject = false;
      this.itemDepth = 2;
      this.itemStart = -1;
    } else {
      // Undecided: an item unless it proves to be a container.
      this.topIsObject = true;
      this.itemDepth = 1;
      this.itemStart = i;
    }
  }

  private finishTopLevel(): void {
    // A dropped top-level value that was not closed as an item (a too-deep array, say) still counts.
    if (this.skipping) this.skipped.push(this.skipping);
    this.skipping = undefined;
    this.topIsObject = false;
    this.expectKey = false;
    this.itemDepth = 0;
  }
}

/** Index of the closing quote of a string whose content starts at `from`, or -1 if not in buf yet. */
export function findStringEnd(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; k >= from && buf[k] === BACKSLASH; k--) backslashes++;
    if ((backslashes & 1) === 0) return q;
    i = q + 1;
  }
}

/** Like findStringEnd, from the middle of a string; `escaped` when the byte at `from` is escaped. */
function stringEndFrom(buf: Buffer, from: number, escaped: boolean): number {
  if (escaped) {
    if (from >= buf.length) return -1;
    from++;
  }
  return findStringEnd(buf, from);
}

/** Does buf end (from `from` on) in an odd run of backslashes, escaping the next chunk's first byte? */
function endsEscaping(buf: Buffer, from: number): boolean {
  let n = 0;
  for (let k = buf.length - 1; k >= from && buf[k] === BACKSLASH; k--) n++;
  return (n & 1) === 1;
}

function describeByte(b: number): string {
  if (b >= 0x21 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  return `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * A byte needle searched by its rarest byte. `Buffer.indexOf` with a multi-byte needle runs at about
 * 3 GB/s on CloudTrail text (its first byte is usually a common letter), while a search for one byte is a
 * memchr at 20+ GB/s: looking for the needle's least frequent byte and checking the bytes around each hit
 * is 2–3 times faster overall, and the pre-filter runs over every decoded byte of every input.
 */

/**
 * Printable ASCII from the most to the least frequent in CloudTrail JSON. Measured over the real records in
 * fixtures/real (`byteRanking`, kept in step by a test); bytes not listed are rarer than any listed.
 */
export const CLOUDTRAIL_BYTES_BY_FREQUENCY = ' "es:rnatoi1c,duAlImp-402yvg{}536bf.wC7\\9T8SRNPDBEV/MKhk[]zZqxFUWOHLj_J+GQX()*;Y';

/** The ranking CLOUDTRAIL_BYTES_BY_FREQUENCY is made from: printable bytes by count, ties by byte value. */
export function byteRanking(samples: Iterable<Uint8Array>): string {
  const counts = new Float64Array(256);
  for (const s of samples) for (const b of s) counts[b]!++;
  const printable: number[] = [];
  for (let b = 0x20; b < 0x7f; b++) if (counts[b]! > 0) printable.push(b);
  printable.sort((a, b) => counts[b]! - counts[a]! || a - b);
  return String.fromCharCode(...printable);
}

const RANK = (() => {
  const rank = new Uint16Array(256).fill(0xffff);
  for (let i = 0; i < CLOUDTRAIL_BYTES_BY_FREQUENCY.length; i++) rank[CLOUDTRAIL_BYTES_BY_FREQUENCY.charCodeAt(i)] = i;
  return rank;
})();

/**
 * After this many anchor hits that were not the needle, and if they come more often than one per
 * DENSE_SPAN bytes, the anchor byte is common in this input (text unlike the table's): the rest of the
 * search goes to Buffer.indexOf, so no input makes the search slower than plain indexOf by much.
 */
const PATIENCE = 64;
const DENSE_SPAN = 48;

/** Bytes of the first input a needle meets that are counted to choose its anchor. */
const SAMPLE_BYTES = 64 * 1024;

export class ByteNeedle {
  readonly bytes: Buffer;
  /** Offset in the needle of the byte searched for, and that byte: the rarest, by the table at first. */
  private anchorAt: number;
  private anchor: number;
  private calibrated = false;

  constructor(needle: Buffer | string) {
    this.bytes = typeof needle === 'string' ? Buffer.from(needle) : needle;
    this.anchorAt = this.rarest((b) => RANK[b]!);
    this.anchor = this.bytes[this.anchorAt] ?? 0;
  }

  /** Offset of the needle byte that `score` ranks rarest (highest), the table breaking ties. */
  private rarest(score: (byte: number) => number): number {
    let at = 0;
    for (let i = 1; i < this.bytes.length; i++) {
      const a = this.bytes[i]!;
      const b = this.bytes[at]!;
      if (score(a) > score(b) || (score(a) === score(b) && RANK[a]! > RANK[b]!)) at = i;
    }
    return at;
  }

  /**
   * Real inputs differ from the table (one trail is full of upper-case key ids, another of hex): the first
   * sizeable input is counted once, and the needle's least frequent byte in it becomes the anchor.
   */
  private calibrate(hay: Buffer): void {
    this.calibrated = true;
    const counts = new Uint32Array(256);
    const end = Math.min(hay.length, SAMPLE_BYTES);
    for (let i = 0; i < end; i++) counts[hay[i]!]!++;
    this.anchorAt = this.rarest((b) => -counts[b]!);
    this.anchor = this.bytes[this.anchorAt]!;
  }

  /** Whether the needle occurs in `hay`. */
  in(hay: Buffer): boolean {
    return this.indexIn(hay) >= 0;
  }

  /** Where the needle first occurs in `hay` at or after `from`, or -1. Same answer as hay.indexOf(needle, from). */
  indexIn(hay: Buffer, from = 0): number {
    const needle = this.bytes;
    const n = needle.length;
    if (n < 2) return hay.indexOf(needle, from);
    if (!this.calibrated && hay.length >= SAMPLE_BYTES) this.calibrate(hay);
    const first = needle[0]!;
    const last = needle[n - 1]!;
    const lastStart = hay.length - n;
    let misses = 0;
    let p = hay.indexOf(this.anchor, from + this.anchorAt);
    while (p >= 0) {
      const start = p - this.anchorAt;
      if (start > lastStart) return -1;
      if (hay[start] === first && hay[start + n - 1] === last && hay.compare(needle, 0, n, start, start + n) === 0) return start;
      if (++misses >= PATIENCE && p - from < misses * DENSE_SPAN) return hay.indexOf(needle, start + 1);
      p = hay.indexOf(this.anchor, p + 1);
    }
    return -1;
  }
}

/** Groups at most this large are searched one needle after another; larger ones as a NeedleSet. */
export const NEEDLE_SET_MIN = 16;

/** The longest prefix a NeedleSet searches for, and how many distinct prefixes it accepts searching. */
const PREFIX_MAX = 8;
const PREFIX_BUCKETS_MAX = 16;
const SHORT_NEEDLE = 4;

/**
 * Many needles at once, each occurrence found exactly. Searching thousands of keys one after another
 * (an activity closure's second pass) made a scan cost keys × bytes: here the needles are bucketed by a
 * prefix they share (`"ASIA`, `"AKIA`), each prefix is searched once like any needle, and at every place
 * it occurs the bytes that follow are looked up in a hash set of the bucket's needles, one length at a
 * time. Whether some needle occurs is answered exactly as `needles.some((n) => hay.includes(n))`.
 */
export class NeedleSet {
  private readonly buckets: Array<{ prefix: ByteNeedle; lengths: number[]; texts: Set<string> }> = [];
  /**
   * Needles shorter than SHORT_NEEDLE, searched each on its own: as a prefix they would make every
   * needle's prefix that short, and a two-byte prefix such as `"A` occurs everywhere in CloudTrail JSON.
   */
  private readonly shorts: ByteNeedle[] = [];
  /** An empty needle occurs in every input. */
  private readonly always: boolean;

  constructor(needles: ReadonlyArray<Buffer | string>) {
    const distinct = new Map<string, Buffer>();
    for (const n of needles) {
      const b = typeof n === 'string' ? Buffer.from(n) : n;
      distinct.set(b.toString('latin1'), b);
    }
    this.always = [...distinct.values()].some((b) => b.length === 0);
    for (const b of distinct.values()) if (b.length > 0 && b.length < SHORT_NEEDLE) this.shorts.push(new ByteNeedle(b));
    const bytes = [...distinct.values()].filter((b) => b.length >= SHORT_NEEDLE);
    const width = prefixWidth(bytes);
    const byPrefix = new Map<string, Buffer[]>();
    for (const b of bytes) {
      const p = b.toString('latin1', 0, width);
      (byPrefix.get(p) ?? byPrefix.set(p, []).get(p)!).push(b);
    }
    for (const [p, members] of byPrefix) {
      // latin1 maps each byte to one character, so equal strings are equal bytes, whatever the encoding.
      this.buckets.push({ prefix: new ByteNeedle(Buffer.from(p, 'latin1')), lengths: [...new Set(members.map((m) => m.length))].sort((a, b) => a - b), texts: new Set(members.map((m) => m.toString('latin1'))) });
    }
  }

  /** How many prefixes are searched per input (for tests: the point of the set is that this stays small). */
  get passes(): number {
    return this.buckets.length + this.shorts.length;
  }

  /** Whether any of the needles occurs in `hay`. */
  in(hay: Buffer): boolean {
    if (this.always) return true;
    for (const needle of this.shorts) if (needle.in(hay)) return true;
    for (const { prefix, lengths, texts } of this.buckets) {
      for (let at = prefix.indexIn(hay); at >= 0; at = prefix.indexIn(hay, at + 1)) {
        for (const length of lengths) {
          if (at + length > hay.length) break;
          if (texts.has(hay.toString('latin1', at, at + length))) return true;
        }
      }
    }
    return false;
  }
}

/**
 * The prefix width: as long as possible (fewer places to look up), but short enough that the needles
 * share few prefixes (each is one pass over the input). Never longer than the shortest needle.
 */
function prefixWidth(needles: readonly Buffer[]): number {
  let shortest = Infinity;
  for (const n of needles) shortest = Math.min(shortest, n.length);
  for (let width = Math.min(PREFIX_MAX, shortest); width > 1; width--) {
    const distinct = new Set(needles.map((n) => n.toString('latin1', 0, width)));
    if (distinct.size <= PREFIX_BUCKETS_MAX) return width;
  }
  return 1;
}

/**
 * The eventIDs a scan has printed, for dropping repeated deliveries. A broad scan of a large trail prints
 * millions of events, and a Set of their ID strings costs about 100 bytes each (190 MB at 5 GB of logs).
 * CloudTrail eventIDs are lowercase UUIDs: those are kept as their 128 bits in an open-addressing table
 * (16 bytes a slot, at most half full), exactly, with no hashing of the text and no string kept alive.
 * Any other ID goes to an ordinary Set.
 *
 * Memory is bounded: IDs are kept in two generations of at most `generation` IDs each (2^20 by default:
 * at most 32 MB of table each, 64 MB in all). When the newer one is full the older one is dropped, so a
 * repeated delivery is always dropped when at most `generation` distinct IDs came between the two (repeated
 * deliveries are nearly always close: overlapping files, a trail and its copy of the same hour); one further
 * back is printed again. `forgotten` counts the IDs dropped that way, for the one line that says so.
 */
export const DEDUP_GENERATION = 1 << 20;

export class EventIdSet {
  private current: Generation;
  private previous: Generation | undefined;
  private readonly words = new Uint32Array(4);
  /** IDs dropped with an older generation: a later repeat of one of them is not recognised. */
  forgotten = 0;

  constructor(private readonly generation = DEDUP_GENERATION) {
    this.current = new Generation();
  }

  /** IDs held now (both generations). */
  get size(): number {
    return this.current.size + (this.previous?.size ?? 0);
  }

  /** Adds `id`; false when it is held already. */
  add(id: string): boolean {
    const w = this.words;
    const uuid = parseUuid(id, w);
    if (this.previous?.has(id, uuid ? w : undefined)) return false;
    if (!this.current.add(id, uuid ? w : undefined)) return false;
    if (this.current.size >= this.generation) {
      this.forgotten += this.previous?.size ?? 0;
      this.previous = this.current;
      this.current = new Generation();
    }
    return true;
  }
}

/** One generation of IDs: UUIDs in the 128-bit table, the all-zero UUID aside, any other ID in a Set. */
class Generation {
  /** Four 32-bit words per slot; a slot of four zero words is empty (the all-zero UUID is kept aside). */
  private slots = new Uint32Array(4 * 1024);
  private used = 0;
  private zero = false;
  private readonly others = new Set<string>();

  get size(): number {
    return this.used + (this.zero ? 1 : 0) + this.others.size;
  }

  /** Whether the ID is held; `w` is its UUID's words, or undefined when it is no lowercase UUID. */
  has(id: string, w: Uint32Array | undefined): boolean {
    if (!w) return this.others.has(id);
    if ((w[0]! | w[1]! | w[2]! | w[3]!) === 0) return this.zero;
    return find(this.slots, w) >= 0;
  }

  /** Adds the ID; false when it was held already. */
  add(id: string, w: Uint32Array | undefined): boolean {
    if (!w) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
    if ((w[0]! | w[1]! | w[2]! | w[3]!) === 0) {
      if (this.zero) return false;
      this.zero = true;
      return true;
    }
    if ((this.used + 1) * 2 > this.slots.length / 4) this.grow();
    if (!insert(this.slots, w)) return false;
    this.used++;
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    const w = new Uint32Array(4);
    for (let i = 0; i < old.length; i += 4) {
      if ((old[i]! | old[i + 1]! | old[i + 2]! | old[i + 3]!) === 0) continue;
      w.set(old.subarray(i, i + 4));
      insert(this.slots, w);
    }
  }
}

function slotOf(slots: Uint32Array, w: Uint32Array): number {
  const mask = slots.length / 4 - 1;
  const h = Math.imul(w[0]! ^ Math.imul(w[1]!, 0x9e3779b1) ^ Math.imul(w[2]!, 0x85ebca6b) ^ Math.imul(w[3]!, 0xc2b2ae35), 0x27d4eb2f);
  return (h ^ (h >>> 15)) & mask;
}

/** The slot holding the 128-bit key (linear probing), or -1. */
function find(slots: Uint32Array, w: Uint32Array): number {
  const mask = slots.length / 4 - 1;
  for (let h = slotOf(slots, w); ; h = (h + 1) & mask) {
    const at = h * 4;
    const a = slots[at]!;
    const b = slots[at + 1]!;
    const c = slots[at + 2]!;
    const d = slots[at + 3]!;
    if ((a | b | c | d) === 0) return -1;
    if (a === w[0] && b === w[1] && c === w[2] && d === w[3]) return h;
  }
}

/** Inserts the 128-bit key unless present (linear probing); false when it was present. */
function insert(slots: Uint32Array, w: Uint32Array): boolean {
  const mask = slots.length / 4 - 1;
  let h = slotOf(slots, w);
  for (;;) {
    const at = h * 4;
    const a = slots[at]!;
    const b = slots[at + 1]!;
    const c = slots[at + 2]!;
    const d = slots[at + 3]!;
    if ((a | b | c | d) === 0) {
      slots[at] = w[0]!;
      slots[at + 1] = w[1]!;
      slots[at + 2] = w[2]!;
      slots[at + 3] = w[3]!;
      return true;
    }
    if (a === w[0] && b === w[1] && c === w[2] && d === w[3]) return false;
    h = (h + 1) & mask;
  }
}

/** Dash positions of the 8-4-4-4-12 form. */
const DASHES = [8, 13, 18, 23];

/** Parses a lowercase UUID into four words; false for anything else (upper case is another ID as text). */
function parseUuid(id: string, out: Uint32Array): boolean {
  if (id.length !== 36) return false;
  for (const d of DASHES) if (id.charCodeAt(d) !== 0x2d) return false;
  let word = 0;
  let nibbles = 0;
  let k = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const c = id.charCodeAt(i);
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x61 + 10;
    else return false;
    word = (word << 4) | v;
    if (++nibbles === 8) {
      out[k++] = word >>> 0;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

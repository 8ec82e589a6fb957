import { decode, decodeWholeSync } from '../decode/decode.js';
import type { RecordMatcher } from './matcher.js';
import { looksLikeJson, mayContainCandidates, needlesOf, searchRecords, type RecordHit, type SearchStats } from './search.js';

/**
 * One input's raw bytes → decode → split → pre-filter → parse → match: the whole search of one input, the
 * same on every thread. The orchestrator (pipeline/scan.ts) runs it for inputs it keeps, a worker
 * (workers/search-entry.ts) for inputs it is sent.
 */
export async function* searchInput(input: AsyncIterable<Uint8Array>, matcher: RecordMatcher, stats: SearchStats): AsyncGenerator<RecordHit[]> {
  const decoded = await decode(input);
  if (decoded.whole && !mayHoldCandidates(decoded.whole, matcher)) {
    // Nothing in this input can pass the pre-filter: skip splitting and parsing (its records go uncounted).
    stats.bytes += decoded.whole.length;
    return;
  }
  yield* searchRecords(decoded.bytes, matcher, stats);
}

/**
 * The synchronous first look at a whole input (a worker's local file): decoded in one call where it can be,
 * and dismissed at once when no record in it can pass the pre-filter, which is most inputs of a needle
 * query. `search` is the rest of the work, and undefined when the input was dismissed. Gives the same
 * results and errors as searchInput on the same bytes.
 */
export function screenInput(raw: Buffer, matcher: RecordMatcher, stats: SearchStats): { search?: () => AsyncIterable<RecordHit[]> } {
  const plain = decodeWholeSync(raw);
  if (!plain) return { search: () => searchInput(single(raw), matcher, stats) };
  if (!mayHoldCandidates(plain.bytes, matcher)) {
    stats.bytes += plain.bytes.length;
    return {};
  }
  return { search: () => searchRecords(single(plain.bytes), matcher, stats) };
}

/** Whether a whole decoded input can hold a record that passes the matcher's pre-filter. */
export function mayHoldCandidates(whole: Buffer, matcher: RecordMatcher): boolean {
  return !matcher.needles.length || !looksLikeJson(whole) || mayContainCandidates(whole, needlesOf(matcher));
}

async function* single<T extends Uint8Array>(bytes: T): AsyncIterable<T> {
  yield bytes;
}

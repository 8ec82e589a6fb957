import type { MatcherRecipe } from '../filter/recipe.js';
import type { SerializedError } from './protocol.js';

/** What a search worker is started with: the matcher travels as a recipe and is compiled in the worker. */
export interface SearchWorkerData {
  recipe: MatcherRecipe;
}

/** An input as it travels: its raw bytes (moved, not copied), or a local path the worker reads itself. */
export type SearchInput = { bytes: Uint8Array } | { path: string };

/**
 * Hits travel as one buffer of JSON texts: for each hit, the record's own bytes when it may be printed as
 * is (`raw`), otherwise the event re-serialised; `ends[i]` is where hit i's text ends. The main thread
 * parses a hit's text only if something reads its `event`.
 */
export interface HitBatch {
  text: Uint8Array;
  ends: Uint32Array;
  /** 1 when hit i's text is the record's raw bytes. */
  raw: Uint8Array;
  /** Each hit's eventID (null when it has none), so de-duplication needs no parsing. */
  ids: Array<string | null>;
}

/** A task's replies: any number of HITS, then one DONE. */
export type SearchReply =
  | { code: 'HITS'; id: number; records: number; batch: HitBatch }
  | { code: 'DONE'; id: number; records: number; bytesRead: number; bad: Array<[string, number]>; error?: SerializedError };

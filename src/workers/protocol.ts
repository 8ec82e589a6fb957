import type { MatcherRecipe } from '../filter/recipe.js';

/**
 * The closed set of messages between the pool (main thread) and a search worker. Only data crosses:
 * the matcher travels as a recipe and is compiled in the worker; inputs travel as their raw bytes.
 */
export type ToWorker =
  | { code: 'SEARCH'; id: number; input: { bytes: Uint8Array } | { path: string } }
  | { code: 'CLOSE' };

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

export type FromWorker =
  | { code: 'READY' }
  | { code: 'INIT_FAILED'; message: string }
  | { code: 'HITS'; id: number; records: number; batch: HitBatch }
  | { code: 'DONE'; id: number; records: number; bytesRead: number; bad: Array<[string, number]>; error?: SerializedError };

export interface SerializedError {
  message: string;
  code?: string;
  name?: string;
}

export interface WorkerData {
  recipe: MatcherRecipe;
}

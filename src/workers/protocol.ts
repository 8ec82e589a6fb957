import type { MatcherRecipe } from '../filter/recipe.js';

/**
 * The closed set of messages between the pool (main thread) and a search worker. Only data crosses:
 * the matcher travels as a recipe and is compiled in the worker; inputs travel as their raw bytes.
 */
/**
 * Trail files are small (tens of KB), so one message per file would cost about as much as searching it:
 * tasks and their results travel in batches (all tasks handed out in one turn of the main thread's event
 * loop; all results of one batch, flushed early when they grow large).
 */
export type ToWorker =
  | { code: 'SEARCH'; tasks: SearchTask[] }
  | { code: 'CLOSE' };

export interface SearchTask {
  id: number;
  input: { bytes: Uint8Array } | { path: string };
}

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

export type TaskMessage =
  | { code: 'HITS'; id: number; records: number; batch: HitBatch }
  | { code: 'DONE'; id: number; records: number; bytesRead: number; bad: Array<[string, number]>; error?: SerializedError };

export type FromWorker =
  | { code: 'READY' }
  | { code: 'INIT_FAILED'; message: string }
  | { code: 'RESULTS'; messages: TaskMessage[] };

export interface SerializedError {
  message: string;
  code?: string;
  name?: string;
}

export interface WorkerData {
  recipe: MatcherRecipe;
}

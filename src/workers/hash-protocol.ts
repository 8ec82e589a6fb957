import type { LogHashResult, LogInput } from '../integrity/log-hash.js';

/** Messages between HashWorkerPool (hash-pool.ts) and its workers (hash-entry.ts). */
export interface HashTask {
  id: number;
  input: LogInput;
}

/** Main → worker: many files per message, since a message costs about as much as hashing a small file. */
export interface HashBatch {
  tasks: HashTask[];
}

export type HashOutcome = { id: number; result: LogHashResult } | { id: number; error: string };

/** Worker → main: the outcomes of one whole batch. */
export interface HashedBatch {
  outcomes: HashOutcome[];
}

import type { LogHashResult, LogInput } from '../integrity/log-hash.js';

/** A log-hashing task's one reply (hash-pool.ts ↔ hash-entry.ts); the input is a LogInput. */
export type HashReply = { id: number; result: LogHashResult } | { id: number; error: string };

export type { LogInput };

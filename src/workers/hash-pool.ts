import type { LogHasher, LogHashResult, LogInput } from '../integrity/log-hash.js';
import type { HashReply } from './hash-protocol.js';
import { WorkerPool } from './pool.js';

/**
 * Hashes log files on worker threads (`ctrail validate --threads N`). Files wait in the pool and go out in
 * batches of up to 32, two batches per worker at most (one working, one waiting), so a worker never idles
 * on a round trip and all finish together.
 */
export function hashWorkers(threads: number): LogHasher {
  const pool = new WorkerPool<LogInput, HashReply>(threads, {
    name: 'hash',
    entry: new URL('./hash-entry.js', import.meta.url),
    batching: { kind: 'bounded', maxBatch: 32, perWorker: 2 },
    isLast: () => true,
    // Move whole buffers instead of copying them; a slice of a shared buffer is copied.
    transferOf: (input) => ('bytes' in input && input.bytes.byteOffset === 0 && input.bytes.byteLength === input.bytes.buffer.byteLength ? (input.bytes.buffer as ArrayBuffer) : undefined),
  });
  // Workers boot while the main thread lists folders and checks the first digests.
  pool.start();
  return {
    hash: (inputs) =>
      Promise.all(
        inputs.map(
          (input) =>
            new Promise<LogHashResult>((resolve, reject) => {
              try {
                pool.run(input, {
                  reply: (r) => ('error' in r ? reject(new Error(`log hashing failed: ${r.error}`)) : resolve(r.result)),
                  failed: reject,
                });
              } catch (err) {
                reject(err as Error);
              }
            }),
        ),
      ),
    close: () => pool.close(),
  };
}

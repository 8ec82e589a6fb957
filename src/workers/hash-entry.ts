import { parentPort } from 'node:worker_threads';
import { hashLogInput } from '../integrity/log-hash.js';
import type { HashBatch, HashedBatch, HashOutcome } from './hash-protocol.js';

/** A log-hashing worker: batches are handled one after another, each answered with one message. */
const port = parentPort;
if (!port) throw new Error('hash-entry.js runs as a worker thread only');

let queue = Promise.resolve();
port.on('message', (batch: HashBatch) => {
  queue = queue.then(async () => {
    const outcomes: HashOutcome[] = [];
    for (const task of batch.tasks) {
      try {
        outcomes.push({ id: task.id, result: await hashLogInput(task.input) });
      } catch (err) {
        outcomes.push({ id: task.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    const reply: HashedBatch = { outcomes };
    port.postMessage(reply);
  });
});

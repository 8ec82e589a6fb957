import { parentPort } from 'node:worker_threads';
import { hashLogInput } from '../integrity/log-hash.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { HashReply, LogInput } from './hash-protocol.js';

/** A log-hashing worker: batches are hashed one after another, each answered with one message. */
const port = parentPort;
if (!port) throw new Error('hash-entry.js runs as a worker thread only');
const send = (msg: FromWorker<HashReply>) => port.postMessage(msg);

let queue = Promise.resolve();
let closed = false;
port.on('message', (msg: ToWorker<LogInput>) => {
  if (msg.code === 'CLOSE') {
    // Batches not yet started are dropped; the one under way finishes, and then the thread exits.
    closed = true;
    port.close();
    return;
  }
  queue = queue.then(async () => {
    if (closed) return;
    const replies: HashReply[] = [];
    for (const task of msg.tasks) {
      try {
        replies.push({ id: task.id, result: await hashLogInput(task.input) });
      } catch (err) {
        replies.push({ id: task.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (!closed) send({ code: 'REPLIES', replies });
  });
});
send({ code: 'READY' });

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { compileRecipe } from '../filter/recipe.js';
import type { RecordMatcher } from '../filter/matcher.js';
import { searchInput } from '../pipeline/scan.js';
import { newStats, type RecordHit } from '../records/search.js';
import type { FromWorker, HitBatch, SearchTask, SerializedError, TaskMessage, ToWorker, WorkerData } from './protocol.js';

/**
 * The worker side: compiles the recipe once, then runs the pipeline's own searchInput on each input it is
 * sent and streams the hits back. It knows nothing about what the matcher or the input is.
 */
const port = parentPort!;
const send = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

/** Results wait here until the batch is done or they grow past OUTBOX_BYTES. */
let outbox: TaskMessage[] = [];
let outboxTransfer: ArrayBuffer[] = [];
let outboxBytes = 0;
const OUTBOX_BYTES = 1 << 20;

function post(msg: TaskMessage, transfer?: ArrayBuffer): void {
  outbox.push(msg);
  if (transfer) {
    outboxTransfer.push(transfer);
    outboxBytes += transfer.byteLength;
  }
  if (outboxBytes >= OUTBOX_BYTES) flushOutbox();
}

function flushOutbox(): void {
  if (!outbox.length) return;
  send({ code: 'RESULTS', messages: outbox }, outboxTransfer);
  outbox = [];
  outboxTransfer = [];
  outboxBytes = 0;
}

/** Batches run one after another; each ends by sending what it produced. */
let queue: Promise<void> = Promise.resolve();

/**
 * Every input leaves a dead decoded buffer outside the JS heap, and V8 only collects after tens of MB of
 * them per thread, which alone would push a scan past its memory budget. A full collection after every
 * RELEASE_EVERY decoded bytes keeps it flat for a few milliseconds each.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const RELEASE_EVERY = 24 * 1024 * 1024;
let decodedSinceGc = 0;

/** Hits are sent in batches of about this many text bytes, so the main thread can start printing early. */
const BATCH_BYTES = 1 << 20;

let matcher: RecordMatcher | undefined;
const ready = compileRecipe((workerData as WorkerData).recipe).then(
  (m) => {
    matcher = m;
    send({ code: 'READY' });
  },
  (err: unknown) => send({ code: 'INIT_FAILED', message: (err as Error).message ?? String(err) }),
);

port.on('message', (msg: ToWorker) => {
  switch (msg.code) {
    case 'SEARCH': {
      const tasks: SearchTask[] = msg.tasks;
      queue = queue
        .then(() => ready)
        .then(async () => {
          // Results of the first half go back early: the main thread hands out the next batch while this
          // thread searches the second half, instead of this thread idling for that round trip.
          const half = tasks.length >> 1;
          for (let i = 0; i < tasks.length; i++) {
            await search(tasks[i]!.id, tasks[i]!.input);
            if (i + 1 === half) flushOutbox();
          }
          flushOutbox();
        });
      return;
    }
    case 'CLOSE':
      port.close();
      return;
    default:
      throw new Error(`search worker: unknown message ${JSON.stringify(msg)}`);
  }
});

async function search(id: number, source: { bytes: Uint8Array } | { path: string }): Promise<void> {
  const stats = newStats();
  let pending: RecordHit[] = [];
  let pendingBytes = 0;
  let sentRecords = 0;
  const flush = () => {
    if (!pending.length) return;
    const batch = encode(pending);
    pending = [];
    pendingBytes = 0;
    post({ code: 'HITS', id, records: stats.records - sentRecords, batch }, batch.text.buffer as ArrayBuffer);
    sentRecords = stats.records;
  };
  let error: SerializedError | undefined;
  let bytesRead = 0;
  try {
    // A worker reads local files itself: synchronously, since nothing else waits on this thread.
    const bytes = 'path' in source ? readFileSync(source.path) : source.bytes;
    bytesRead = bytes.byteLength;
    const input = (async function* () {
      yield bytes;
    })();
    for await (const hits of searchInput(input, matcher!, stats)) {
      for (const h of hits) {
        pending.push(h);
        pendingBytes += h.raw ? h.raw.length : 1024;
      }
      if (pendingBytes >= BATCH_BYTES) flush();
    }
  } catch (err) {
    const e = err as Error & { code?: unknown };
    error = { message: e.message ?? String(err), name: e.name };
    if (typeof e.code === 'string') error.code = e.code;
  }
  flush();
  decodedSinceGc += stats.bytes;
  if (decodedSinceGc >= RELEASE_EVERY) {
    decodedSinceGc = 0;
    collectGarbage();
  }
  const done: TaskMessage = { code: 'DONE', id, records: stats.records - sentRecords, bytesRead, bad: [...stats.bad] };
  if (error) done.error = error;
  post(done);
}

function encode(hits: RecordHit[]): HitBatch {
  const texts: Buffer[] = [];
  const raw = new Uint8Array(hits.length);
  const ids: Array<string | null> = [];
  let total = 0;
  hits.forEach((h, i) => {
    const t = h.raw ?? Buffer.from(JSON.stringify(h.event));
    if (h.raw) raw[i] = 1;
    texts.push(t);
    total += t.length;
    ids.push(typeof h.event.eventID === 'string' ? h.event.eventID : null);
  });
  // An unpooled buffer of its own: transferring a slice of Node's shared pool would detach the pool.
  const text = Buffer.allocUnsafeSlow(total);
  const ends = new Uint32Array(hits.length);
  let at = 0;
  texts.forEach((t, i) => {
    t.copy(text, at);
    at += t.length;
    ends[i] = at;
  });
  return { text, ends, raw, ids };
}

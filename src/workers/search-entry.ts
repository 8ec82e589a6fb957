import { parentPort, workerData } from 'node:worker_threads';
import { compileRecipe } from '../filter/recipe.js';
import type { RecordMatcher } from '../records/matcher.js';
import { screenInput } from '../records/searcher.js';
import { newStats, type RecordHit, type SearchStats } from '../records/search.js';
import { serializeError, type FromWorker, type Task, type ToWorker } from './protocol.js';
import { collectGarbage } from './gc.js';
import { readWholeInto } from './read-whole.js';
import type { HitBatch, SearchInput, SearchReply, SearchWorkerData } from './search-protocol.js';

/**
 * A search worker: compiles the recipe once, with the same compileRecipe as the main thread, then runs the
 * searcher (records/searcher.ts) on each input it is sent and streams the hits back. It knows nothing about
 * what the matcher or the input is.
 */
const port = parentPort!;
const send = (msg: FromWorker<SearchReply>, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

/**
 * Results wait here until a quarter of the work this thread holds is done (or they grow past OUTBOX_BYTES,
 * or the queue runs dry). Each result frees the main thread to hand out another input, so sending them in
 * groups makes the next tasks arrive in groups too, while this thread still has three quarters left to do.
 * (Sending after every input, or after half of every batch, shrinks the batches to one input each, and then
 * the messages cost as much as the searching.)
 */
let outbox: SearchReply[] = [];
let outboxTransfer: ArrayBuffer[] = [];
let outboxBytes = 0;
let outboxDone = 0;
const OUTBOX_BYTES = 1 << 20;

function post(msg: SearchReply, transfer?: ArrayBuffer): void {
  outbox.push(msg);
  if (msg.code === 'DONE') outboxDone++;
  if (transfer) {
    outboxTransfer.push(transfer);
    outboxBytes += transfer.byteLength;
  }
  if (outboxBytes >= OUTBOX_BYTES) flushOutbox();
}

function flushOutbox(): void {
  if (!outbox.length) return;
  send({ code: 'REPLIES', replies: outbox }, outboxTransfer);
  outbox = [];
  outboxTransfer = [];
  outboxBytes = 0;
  outboxDone = 0;
}

/** Tasks received and not yet started, in the order they came. */
const queue: Array<Task<SearchInput>> = [];
let pumping = false;

async function pump(): Promise<void> {
  pumping = true;
  await ready;
  while (queue.length) {
    const task = queue.shift()!;
    // Most inputs are dismissed synchronously; only those with candidates take async steps.
    const more = search(task.id, task.input);
    if (more) await more;
    if (queue.length === 0 || outboxDone * 4 >= outboxDone + queue.length) {
      flushOutbox();
      // Let the main thread's answer (more tasks) in before going on.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  pumping = false;
}

/**
 * Every input leaves a dead decoded buffer outside the JS heap, and V8 only collects after tens of MB of
 * them per thread, which alone would push a scan past its memory budget: so this thread collects after
 * every RELEASE_EVERY decoded bytes. When inputs were only screened (most of a needle query), their buffers'
 * handles died young and a scavenge frees them, well under a millisecond. When records were parsed, the
 * allocations triggered V8's own scavenges while an input was still in use, which moved its buffer's handle
 * to the old generation: then only a full collection (a few milliseconds) frees it, and skipping it lets the
 * process grow by hundreds of MB that the allocator does not give back.
 */
const RELEASE_EVERY = 8 * 1024 * 1024;
/**
 * Parsed records per collection interval above which the collection is a full one, made less often. A
 * forensics scan parses one record in ten (the credential-issuing calls): enough to promote buffers.
 */
const PARSED_FOR_FULL_GC = 100;
const FULL_GC_EVERY = 24 * 1024 * 1024;
/** Even a scan that parses nothing promotes a little per input; a full collection now and then keeps it flat. */
const FULL_GC_AT_LEAST_EVERY = 256 * 1024 * 1024;
let parsedSinceGc = 0;
let decodedSinceFullGc = 0;
let decodedSinceGc = 0;

/** Local files are read into this; most trail files are tens of KB. */
const scratch = Buffer.allocUnsafeSlow(4 * 1024 * 1024);

/** Hits are sent in batches of about this many text bytes, so the main thread can start printing early. */
const BATCH_BYTES = 1 << 20;

let matcher: RecordMatcher | undefined;
const ready = compileRecipe((workerData as SearchWorkerData).recipe).then(
  (m) => {
    matcher = m;
    send({ code: 'READY' });
  },
  (err: unknown) => send({ code: 'INIT_FAILED', message: (err as Error).message ?? String(err) }),
);

port.on('message', (msg: ToWorker<SearchInput>) => {
  switch (msg.code) {
    case 'TASKS':
      queue.push(...msg.tasks);
      if (!pumping) void pump();
      return;
    case 'CLOSE':
      // The task under way finishes (its replies go nowhere); then nothing keeps this thread alive.
      queue.length = 0;
      port.close();
      return;
    default:
      throw new Error(`search worker: unknown message ${JSON.stringify(msg)}`);
  }
});

function search(id: number, source: SearchInput): Promise<void> | undefined {
  const stats = newStats();
  let bytesRead = 0;
  let rest: (() => AsyncIterable<RecordHit[]>) | undefined;
  try {
    // A worker reads local files itself: synchronously, since nothing else waits on this thread. The scratch
    // buffer is reused by the next task only: hits are copied out (encode) before this task finishes.
    const bytes = 'path' in source ? readWholeInto(source.path, scratch) : Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
    bytesRead = bytes.byteLength;
    rest = screenInput(bytes, matcher!, stats).search;
  } catch (err) {
    finish(id, stats, bytesRead, 0, err);
    return undefined;
  }
  if (!rest) {
    finish(id, stats, bytesRead, 0);
    return undefined;
  }
  return searchRest(id, rest, stats, bytesRead);
}

async function searchRest(id: number, rest: () => AsyncIterable<RecordHit[]>, stats: SearchStats, bytesRead: number): Promise<void> {
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
  let error: unknown;
  try {
    for await (const hits of rest()) {
      for (const h of hits) {
        pending.push(h);
        pendingBytes += h.raw ? h.raw.length : 1024;
      }
      if (pendingBytes >= BATCH_BYTES) flush();
    }
  } catch (err) {
    error = err;
  }
  flush();
  finish(id, stats, bytesRead, sentRecords, error);
}

/** Ends a task: its remaining record count, skipped records and error, if any. */
function finish(id: number, stats: SearchStats, bytesRead: number, sentRecords: number, err?: unknown): void {
  decodedSinceGc += stats.bytes;
  decodedSinceFullGc += stats.bytes;
  parsedSinceGc += stats.parsed;
  const full = parsedSinceGc > PARSED_FOR_FULL_GC || decodedSinceFullGc >= FULL_GC_AT_LEAST_EVERY;
  if (decodedSinceGc >= (full ? FULL_GC_EVERY : RELEASE_EVERY)) {
    if (full) {
      collectGarbage();
      decodedSinceFullGc = 0;
    } else collectGarbage('minor');
    decodedSinceGc = 0;
    parsedSinceGc = 0;
  }
  const done: SearchReply = { code: 'DONE', id, records: stats.records - sentRecords, bytesRead, bad: [...stats.bad] };
  if (err !== undefined) done.error = serializeError(err);
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

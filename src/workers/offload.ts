import { isAscii } from 'node:buffer';
import type { MatcherRecipe } from '../filter/recipe.js';
import type { ScanHit, UnitOffload } from '../pipeline/scan.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import type { SearchStats } from '../records/search.js';
import type { InputUnit } from '../source/types.js';
import { WorkerPool, type TaskKind } from './pool.js';
import type { HitBatch, SearchInput, SearchReply, SearchWorkerData } from './search-protocol.js';

/**
 * Sends whole inputs to a pool of search workers. The main thread reads the input (a file read or an S3
 * GET, which therefore overlaps the workers' CPU work), hands the bytes over without copying, and gets
 * back hits that parse their event only when something reads it. Results and errors are those of the
 * in-process search, so output is the same bytes whatever the thread count.
 */
export interface WorkerOffloadOptions {
  threads: number;
  recipe: MatcherRecipe;
  /**
   * Larger inputs (and those of unknown size: stdin, API streams) are streamed in-process instead, so a
   * single huge file never sits whole in memory.
   */
  maxInputBytes?: number;
}

export const DEFAULT_MAX_INPUT_BYTES = 32 * 1024 * 1024;

export interface WorkerOffload extends UnitOffload {
  /** Inputs each worker thread has searched, in the order the threads were started. */
  tasksDone(): number[];
}

export function workerOffload(opts: WorkerOffloadOptions): WorkerOffload {
  const pool = new WorkerPool(opts.threads, searchTasks(opts.recipe));
  const max = opts.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  return {
    accepts: (unit: InputUnit) => {
      if (unit.size === undefined || unit.size > max) return false;
      // Workers start with the first input they can take, so their start-up overlaps the listing of the
      // rest; a scan of stdin or an API source starts none (and need not wait for one to stop).
      pool.start();
      return true;
    },
    search: (unit, input, stats, read, signal) => searchInWorker(pool, unit, input, stats, read, max, signal),
    close: () => pool.close(),
    tasksDone: () => pool.tasksDone(),
  };
}

/**
 * Inputs in flight when workers search. Tasks travel in batches, and a worker idles from the end of one
 * batch until the main thread has handed out the next; a deep queue hides that round trip. A local file
 * in flight costs only its path (the worker reads it), so local scans queue deep: on the 1 GB bench,
 * 128 per thread instead of 16 took the needle query from ~2.5 s to ~1.9 s with the same peak memory,
 * and 512 rides out the main thread's pauses (a folder listed, a garbage collection) that still left the
 * workers idle at times. Other inputs are held whole on the main thread while queued: 16 per thread.
 */
export function offloadDepth(threads: number, localOnly: boolean): number {
  return (localOnly ? 512 : 16) * threads;
}

function searchTasks(recipe: MatcherRecipe): TaskKind<SearchInput, SearchReply> {
  const data: SearchWorkerData = { recipe };
  return {
    name: 'search',
    entry: new URL('./search-entry.js', import.meta.url),
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
    // The scan's jobs bound the inputs in flight; the worker decides when to answer (search-entry.ts).
    batching: { kind: 'eager' },
    isLast: (r) => r.code === 'DONE',
    transferOf: (input) => ('bytes' in input ? wholeBuffer(input.bytes) : undefined),
  };
}

/** A buffer that is all of its ArrayBuffer can be moved; a slice of a shared one would be copied. */
function wholeBuffer(bytes: Uint8Array): ArrayBuffer | undefined {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : undefined;
}


async function* searchInWorker(
  pool: WorkerPool<SearchInput, SearchReply>,
  unit: InputUnit,
  input: AsyncIterable<Uint8Array>,
  stats: SearchStats,
  read: (bytes: number) => void,
  max: number,
  signal?: AbortSignal,
): AsyncGenerator<ScanHit[]> {
  const task: SearchInput = unit.localPath !== undefined ? { path: unit.localPath } : { bytes: await readWhole(input, max) };
  const queue: Array<SearchReply | Error> = [];
  let wake: (() => void) | undefined;
  const push = (m: SearchReply | Error) => {
    queue.push(m);
    wake?.();
    wake = undefined;
  };
  pool.run(task, { reply: push, failed: push });
  for (;;) {
    if (signal?.aborted) return;
    const msg = queue.shift();
    if (!msg) {
      await new Promise<void>((r) => (wake = r));
      continue;
    }
    if (msg instanceof Error) throw msg;
    stats.records += msg.records;
    if (msg.code === 'HITS') {
      yield decodeBatch(msg.batch);
      continue;
    }
    if ('path' in task) read(msg.bytesRead);
    for (const [reason, count] of msg.bad) stats.bad.set(reason, (stats.bad.get(reason) ?? 0) + count);
    if (msg.error) throw Object.assign(new Error(msg.error.message), msg.error);
    return;
  }
}

/** Reads an input whole into a buffer of its own, so it can be transferred (moved, not copied) to a worker. */
async function readWhole(input: AsyncIterable<Uint8Array>, max: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of input) {
    chunks.push(chunk);
    total += chunk.byteLength;
    if (total > max * 2) throw new Error(`input grew past its listed size while being read (${total} bytes)`);
  }
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

function decodeBatch(batch: HitBatch): ScanHit[] {
  const text = Buffer.from(batch.text.buffer, batch.text.byteOffset, batch.text.byteLength);
  const hits: ScanHit[] = new Array(batch.ends.length);
  let start = 0;
  for (let i = 0; i < batch.ends.length; i++) {
    const end = batch.ends[i]!;
    hits[i] = new WorkerHit(text.subarray(start, end), batch.raw[i] === 1, batch.ids[i] ?? null);
    start = end;
  }
  return hits;
}

/**
 * A hit from a worker: its event is parsed from the text on first read (most printed hits never need it).
 * A class with the parse behind a getter costs a tenth of an object with its own accessor, and a broad scan
 * makes one per printed event. `event` is therefore not an own property: copy it, never spread a hit.
 */
class WorkerHit implements ScanHit {
  source = '';
  readonly raw: Buffer | undefined;
  #parsed: CloudTrailEvent | undefined;

  constructor(
    private readonly text: Buffer,
    isRaw: boolean,
    readonly eventIdHint: string | null,
  ) {
    this.raw = isRaw ? text : undefined;
  }

  get event(): CloudTrailEvent {
    return (this.#parsed ??= JSON.parse(isAscii(this.text) ? this.text.toString('latin1') : this.text.toString('utf8')) as CloudTrailEvent);
  }
}

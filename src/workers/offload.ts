import { isAscii } from 'node:buffer';
import type { MatcherRecipe } from '../filter/recipe.js';
import type { ScanHit, UnitOffload } from '../pipeline/scan.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import type { SearchStats } from '../records/search.js';
import type { InputUnit } from '../source/types.js';
import { WorkerPool } from './pool.js';
import type { HitBatch, TaskMessage } from './protocol.js';

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

export function workerOffload(opts: WorkerOffloadOptions): UnitOffload {
  const pool = new WorkerPool(opts.threads, { recipe: opts.recipe });
  pool.start();
  const max = opts.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  return {
    accepts: (unit: InputUnit) => unit.size !== undefined && unit.size <= max,
    search: (unit, input, stats, read, signal) => searchInWorker(pool, unit, input, stats, read, max, signal),
    close: () => pool.close(),
  };
}


async function* searchInWorker(
  pool: WorkerPool,
  unit: InputUnit,
  input: AsyncIterable<Uint8Array>,
  stats: SearchStats,
  read: (bytes: number) => void,
  max: number,
  signal?: AbortSignal,
): AsyncGenerator<ScanHit[]> {
  const task = unit.localPath !== undefined ? { path: unit.localPath } : { bytes: await readWhole(input, max) };
  const queue: Array<TaskMessage | Error> = [];
  let wake: (() => void) | undefined;
  const push = (m: TaskMessage | Error) => {
    queue.push(m);
    wake?.();
    wake = undefined;
  };
  pool.run(task, { message: push, failed: push });
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

import { Worker } from 'node:worker_threads';
import type { FromWorker, SearchTask, TaskMessage, ToWorker, WorkerData } from './protocol.js';

/**
 * A fixed set of search workers. Tasks go to the least busy worker; each task's messages are delivered to
 * the handler given with it, in the order the worker sent them. A worker that dies fails its tasks and is
 * replaced. Plumbing only: what a task does is decided in entry.ts and the pipeline.
 */
export interface TaskHandler {
  message(msg: TaskMessage): void;
  /** The worker failed outside any task's control (crashed, could not start). */
  failed(err: Error): void;
}

interface Slot {
  worker: Worker;
  tasks: Map<number, TaskHandler>;
  ready: Promise<void>;
  /** Tasks handed out in this turn of the event loop, sent together. */
  outbox: SearchTask[];
  transfer: ArrayBuffer[];
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly data: WorkerData,
  ) {}

  private spawn(): Slot {
    const worker = new Worker(new URL('./entry.js', import.meta.url), { workerData: this.data, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    // Idle workers must not keep the process alive after the last task.
    worker.unref();
    const slot: Slot = { worker, tasks: new Map(), ready: Promise.resolve(), outbox: [], transfer: [] };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        switch (msg.code) {
          case 'READY':
            resolve();
            return;
          case 'INIT_FAILED':
            reject(new Error(msg.message));
            this.fail(slot, new Error(`search worker could not start: ${msg.message}`));
            return;
          case 'RESULTS':
            for (const m of msg.messages) {
              const handler = slot.tasks.get(m.id);
              if (m.code === 'DONE') slot.tasks.delete(m.id);
              handler?.message(m);
            }
            if (slot.tasks.size === 0) worker.unref();
            return;
          default:
            this.fail(slot, new Error(`search worker sent an unknown message: ${JSON.stringify(msg)}`));
        }
      });
      worker.on('error', (err) => {
        reject(err);
        this.fail(slot, err);
      });
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(slot, new Error(`search worker stopped (exit code ${code})`));
      });
    });
    slot.ready.catch(() => undefined);
    return slot;
  }

  private fail(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    void slot.worker.terminate();
    for (const t of tasks) t.failed(err);
  }

  /** Starts every worker now, so their start-up overlaps the listing of the first inputs. */
  start(): void {
    while (!this.closed && this.slots.length < this.size) this.slots.push(this.spawn());
  }

  /** Starts a task: `bytes` are transferred (the caller must not use them afterwards). */
  run(input: { bytes: Uint8Array } | { path: string }, handler: TaskHandler): void {
    if (this.closed) throw new Error('worker pool is closed');
    if (this.slots.length < this.size) this.slots.push(this.spawn());
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.tasks.size < slot.tasks.size) slot = s;
    const id = this.nextId++;
    slot.tasks.set(id, handler);
    slot.worker.ref();
    const bytes = 'bytes' in input ? input.bytes : undefined;
    if (bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) slot.transfer.push(bytes.buffer as ArrayBuffer);
    slot.outbox.push({ id, input });
    if (slot.outbox.length === 1) setImmediate(() => this.send(slot));
  }

  private send(slot: Slot): void {
    if (!slot.outbox.length || !this.slots.includes(slot)) return;
    const msg: ToWorker = { code: 'SEARCH', tasks: slot.outbox };
    const transfer = slot.transfer;
    slot.outbox = [];
    slot.transfer = [];
    slot.worker.postMessage(msg, transfer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

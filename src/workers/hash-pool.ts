import { Worker } from 'node:worker_threads';
import type { LogHasher, LogHashResult, LogInput } from '../integrity/log-hash.js';
import type { HashBatch, HashedBatch, HashTask } from './hash-protocol.js';

/**
 * Hashes log files on a fixed set of worker threads (`ctrail validate --threads N`). Files queue here and
 * go out in batches: each worker has at most two batches outstanding (one working, one waiting), so it never
 * idles on a round trip, and batch sizes shrink as the queue drains so the workers finish together.
 */
const MAX_BATCH = 32;
const BATCHES_PER_WORKER = 2;

interface Pending {
  task: HashTask;
  resolve(result: LogHashResult): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  batches: number;
  tasks: Map<number, Pending>;
}

export class HashWorkerPool implements LogHasher {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private pumpScheduled = false;
  private closed = false;

  constructor(readonly size: number) {
    // Workers boot while the main thread lists folders and checks the first digests.
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  hash(inputs: LogInput[]): Promise<LogHashResult[]> {
    if (this.closed) return Promise.reject(new Error('hash worker pool is closed'));
    const results = inputs.map(
      (input) => new Promise<LogHashResult>((resolve, reject) => this.queue.push({ task: { id: this.nextId++, input }, resolve, reject })),
    );
    if (!this.pumpScheduled) {
      // Files asked for in the same turn of the event loop travel together.
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
    return Promise.all(results);
  }

  private pump(): void {
    while (this.slots.length < this.size && this.queue.length) this.slots.push(this.spawn());
    for (;;) {
      const free = this.slots.filter((s) => s.batches < BATCHES_PER_WORKER);
      if (!free.length || !this.queue.length) return;
      free.sort((a, b) => a.batches - b.batches);
      const slot = free[0]!;
      const n = Math.min(MAX_BATCH, Math.ceil(this.queue.length / this.slots.length));
      this.send(slot, this.queue.splice(0, n));
    }
  }

  private send(slot: Slot, items: Pending[]): void {
    const transfer: ArrayBuffer[] = [];
    for (const p of items) {
      slot.tasks.set(p.task.id, p);
      if ('bytes' in p.task.input) {
        const b = p.task.input.bytes;
        // Move whole buffers instead of copying them; a slice of a shared buffer is copied.
        if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && !transfer.includes(b.buffer as ArrayBuffer)) transfer.push(b.buffer as ArrayBuffer);
      }
    }
    slot.batches++;
    slot.worker.ref();
    const batch: HashBatch = { tasks: items.map((p) => p.task) };
    slot.worker.postMessage(batch, transfer);
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./hash-entry.js', import.meta.url));
    const slot: Slot = { worker, batches: 0, tasks: new Map() };
    // Idle workers must not keep the process alive.
    worker.unref();
    worker.on('message', (msg: HashedBatch) => {
      slot.batches--;
      for (const o of msg.outcomes) {
        const p = slot.tasks.get(o.id);
        if (!p) continue;
        slot.tasks.delete(o.id);
        if ('error' in o) p.reject(new Error(`log hashing failed: ${o.error}`));
        else p.resolve(o.result);
      }
      if (slot.batches === 0) worker.unref();
      this.pump();
    });
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(slot, new Error(`hash worker stopped (exit code ${code})`));
    });
    return slot;
  }

  private fail(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    void slot.worker.terminate();
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    for (const p of tasks) p.reject(err);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FromWorker, Reply, Task, ToWorker } from './protocol.js';

/**
 * A fixed set of worker threads for one kind of task (search, hash). Tasks go out in batches under the
 * kind's batching policy; each task's replies reach the handler given with it, in the order the worker
 * sent them. A worker that dies fails its tasks and is replaced. Plumbing only: what a task does is decided
 * by the worker entry and the caller.
 *
 * Closing is a handshake, never a kill: each worker is asked to stop (it drops the tasks not yet started,
 * finishes the one under way and returns from its event loop), and close() resolves only once every thread
 * has exited. Tearing a thread down while V8 still had background work for it (a worker still starting,
 * or one left idle until the process exit) crashed Node at exit (`NodePlatform::ForIsolate`).
 */
export type Batching =
  /**
   * Every task goes out at once to the worker with the fewest unfinished tasks; the tasks handed out in one
   * turn of the event loop travel in one message. The caller bounds how many are in flight.
   */
  | { kind: 'eager' }
  /**
   * Tasks wait in the pool. Each worker holds at most `perWorker` batches of at most `maxBatch` tasks (one
   * working, one waiting: it never idles on a round trip), and batches shrink as the queue drains, so the
   * workers finish together.
   */
  | { kind: 'bounded'; maxBatch: number; perWorker: number };

export interface TaskKind<In, R extends Reply> {
  /** Names the workers in errors ("search worker stopped (exit code 1)"). */
  name: string;
  entry: URL;
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
  batching: Batching;
  /** Whether this reply is its task's last. */
  isLast(reply: R): boolean;
  /** A buffer to move to the worker with the input instead of copying it. */
  transferOf?(input: In): ArrayBuffer | undefined;
}

export interface TaskHandler<R> {
  reply(r: R): void;
  /** The worker failed outside the task's control (crashed, could not start); no more replies come. */
  failed(err: Error): void;
}

/** A worker that does not stop this long after being asked (a task stuck in native code) is terminated. */
const STOP_GRACE_MS = 10_000;

interface Slot<R> {
  worker: Worker;
  /** Spawn order: the index of this worker's count in tasksDone(). */
  index: number;
  tasks: Map<number, TaskHandler<R>>;
  /** Bounded batching: each unfinished task's batch, and the batches not finished. */
  batchOf: Map<number, { left: number }>;
  batches: number;
  exited: Promise<void>;
}

interface Queued<In, R> {
  task: Task<In>;
  handler: TaskHandler<R>;
}

export class WorkerPool<In, R extends Reply> {
  private readonly slots: Array<Slot<R>> = [];
  private readonly queue: Array<Queued<In, R>> = [];
  private readonly done: number[] = [];
  /** Every thread ever started and not yet exited, including failed ones being torn down. */
  private readonly running = new Set<Promise<void>>();
  private nextId = 1;
  private pumpScheduled = false;
  private closing: Promise<void> | undefined;

  constructor(
    readonly size: number,
    private readonly kind: TaskKind<In, R>,
  ) {
    openPools.add(this);
  }

  /** Starts every worker now, so their start-up overlaps the caller's first steps (listing, reading). */
  start(): void {
    while (!this.closing && this.slots.length < this.size) this.slots.push(this.spawn());
  }

  /** Queues a task; a transferred input buffer must not be used by the caller afterwards. */
  run(input: In, handler: TaskHandler<R>): void {
    if (this.closing) throw new Error(`${this.kind.name} worker pool is closed`);
    this.queue.push({ task: { id: this.nextId++, input }, handler });
    if (!this.pumpScheduled) {
      // Tasks handed out in the same turn of the event loop travel together.
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  /** Tasks finished by each worker, in the order the workers were started (for --verbose and tests). */
  tasksDone(): number[] {
    return [...this.done];
  }

  private pump(): void {
    if (this.closing || !this.queue.length) return;
    this.start();
    const batching = this.kind.batching;
    if (batching.kind === 'eager') {
      const outbox = new Map<Slot<R>, Array<Queued<In, R>>>();
      for (const q of this.queue.splice(0)) {
        const slot = this.leastBusy(this.slots, (s) => s.tasks.size);
        slot.tasks.set(q.task.id, q.handler);
        (outbox.get(slot) ?? outbox.set(slot, []).get(slot)!).push(q);
      }
      for (const [slot, items] of outbox) this.send(slot, items);
      return;
    }
    for (;;) {
      const free = this.slots.filter((s) => s.batches < batching.perWorker);
      if (!free.length || !this.queue.length) return;
      const slot = this.leastBusy(free, (s) => s.batches);
      const items = this.queue.splice(0, Math.min(batching.maxBatch, Math.ceil(this.queue.length / this.slots.length)));
      const batch = { left: items.length };
      slot.batches++;
      for (const q of items) {
        slot.tasks.set(q.task.id, q.handler);
        slot.batchOf.set(q.task.id, batch);
      }
      this.send(slot, items);
    }
  }

  /** The least loaded worker; on a tie, the one that has done least, so every thread gets work from the start. */
  private leastBusy(slots: Array<Slot<R>>, load: (s: Slot<R>) => number): Slot<R> {
    let best = slots[0]!;
    for (const s of slots) {
      const d = load(s) - load(best);
      if (d < 0 || (d === 0 && this.done[s.index]! < this.done[best.index]!)) best = s;
    }
    return best;
  }

  private send(slot: Slot<R>, items: Array<Queued<In, R>>): void {
    const transfer: ArrayBuffer[] = [];
    for (const q of items) {
      const buffer = this.kind.transferOf?.(q.task.input);
      if (buffer && !transfer.includes(buffer)) transfer.push(buffer);
    }
    const msg: ToWorker<In> = { code: 'TASKS', tasks: items.map((q) => q.task) };
    slot.worker.postMessage(msg, transfer);
  }

  private spawn(): Slot<R> {
    const worker = new Worker(this.kind.entry, {
      workerData: this.kind.workerData,
      ...(this.kind.resourceLimits ? { resourceLimits: this.kind.resourceLimits } : {}),
    });
    let exited!: () => void;
    const slot: Slot<R> = {
      worker,
      index: this.done.push(0) - 1,
      tasks: new Map(),
      batchOf: new Map(),
      batches: 0,
      exited: new Promise<void>((resolve) => (exited = resolve)),
    };
    this.running.add(slot.exited);
    void slot.exited.then(() => this.running.delete(slot.exited));
    worker.on('message', (msg: FromWorker<R>) => {
      switch (msg.code) {
        case 'READY':
          return;
        case 'INIT_FAILED':
          this.fail(slot, new Error(`${this.kind.name} worker could not start: ${msg.message}`));
          return;
        case 'REPLIES':
          for (const r of msg.replies) this.deliver(slot, r);
          if (this.kind.batching.kind === 'bounded') this.pump();
          return;
        default:
          this.fail(slot, new Error(`${this.kind.name} worker sent an unknown message: ${JSON.stringify(msg)}`));
      }
    });
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', (code) => {
      exited();
      if (!this.closing) this.fail(slot, new Error(`${this.kind.name} worker stopped (exit code ${code})`));
    });
    return slot;
  }

  private deliver(slot: Slot<R>, r: R): void {
    const handler = slot.tasks.get(r.id);
    if (!handler) return;
    if (this.kind.isLast(r)) {
      slot.tasks.delete(r.id);
      this.done[slot.index]!++;
      const batch = slot.batchOf.get(r.id);
      if (batch) {
        slot.batchOf.delete(r.id);
        if (--batch.left === 0) slot.batches--;
      }
    }
    handler.reply(r);
  }

  private fail(slot: Slot<R>, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const handlers = [...slot.tasks.values()];
    slot.tasks.clear();
    slot.batchOf.clear();
    // A broken worker cannot be asked to stop; its exit is still awaited by close().
    void slot.worker.terminate().catch(() => undefined);
    for (const h of handlers) h.failed(err);
    // Tasks still queued get a new worker.
    if (!this.closing && this.queue.length) this.pump();
  }

  /** Stops every worker and resolves once every thread has exited. Tasks not finished get no more replies. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.queue.length = 0;
    const slots = this.slots.splice(0);
    const bye: ToWorker<In> = { code: 'CLOSE' };
    for (const s of slots) s.worker.postMessage(bye);
    await Promise.all(
      slots.map(async (s) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_GRACE_MS)));
        if ((await Promise.race([s.exited, late])) === 'late') await s.worker.terminate().catch(() => undefined);
        clearTimeout(timer);
      }),
    );
    await Promise.all([...this.running]);
    openPools.delete(this);
  }
}

const openPools = new Set<{ close(): Promise<void> }>();

/**
 * Closes every pool still open and waits for its threads: the CLI's last step, so that no command, whatever
 * way it ended (an error, a reader gone away), leaves a thread for the process exit to tear down.
 */
export async function closeWorkerPools(): Promise<void> {
  await Promise.all([...openPools].map((p) => p.close()));
}

import type { Writable } from 'node:stream';
import { ConfigError, describeError } from '../errors.js';

/**
 * Buffered, back-pressured text output. When the reader goes away (`ctrail … | head -1`), the first EPIPE
 * marks the writer closed and calls onClosed, so the scan stops reading instead of failing.
 */
export class OutputWriter {
  private pending: Array<string | Buffer> = [];
  private pendingHasBytes = false;
  private pendingBytes = 0;
  private drainWaiter: Promise<void> | undefined;
  closed = false;
  /** A write that failed for a reason other than the reader leaving (a full disk, say); end() reports it. */
  private failure: unknown;

  constructor(
    private readonly out: Writable,
    private readonly onClosed: () => void = () => undefined,
    private readonly flushAt = 64 * 1024,
  ) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') this.failure ??= err;
      this.close();
    });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.onClosed();
  }

  /**
   * Queues text (or bytes that are already UTF-8, such as a record's own ASCII bytes: no string round trip);
   * resolves once there is room again (await it to respect back-pressure).
   */
  write(text: string | Buffer): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (typeof text !== 'string') this.pendingHasBytes = true;
    this.pending.push(text);
    this.pendingBytes += text.length;
    // Bytes are a record's own text, whose newline comes in the next write: flushing between the two could
    // leave an interrupted reader with half a line. Strings are whole lines (or whole JSON array items).
    if (this.pendingBytes >= this.flushAt && (typeof text === 'string' || text[text.length - 1] === 0x0a)) return this.flush();
    return undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.closed || this.pending.length === 0) return this.drainWaiter;
    const text = this.pendingHasBytes
      ? Buffer.concat(this.pending.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))
      : (this.pending as string[]).join('');
    this.pending = [];
    this.pendingHasBytes = false;
    this.pendingBytes = 0;
    const ok = this.out.write(text);
    // A synchronous stream (a file, /dev/full) can fail inside write() and close us there: nothing to await.
    if (this.closed) return undefined;
    if (!ok && !this.drainWaiter) {
      this.drainWaiter = new Promise<void>((resolve) => {
        const done = () => {
          this.out.off('drain', done).off('close', done).off('error', done);
          this.drainWaiter = undefined;
          resolve();
        };
        // A stream that failed never drains and need not close.
        this.out.on('drain', done).on('close', done).on('error', done);
      });
    }
    return this.drainWaiter;
  }

  async end(): Promise<void> {
    await this.flush();
    if (!this.closed && !this.out.errored && !this.out.destroyed) {
      // Settle the last write: a failed one reports its error on a later tick, and an errored stream never
      // drains, so 'error' and 'close' end the wait too (an unsettled wait would let the process exit 0).
      await new Promise<void>((resolve) => {
        const done = () => {
          this.out.off('drain', done).off('error', done).off('close', done);
          resolve();
        };
        this.out.on('error', done).on('close', done);
        if (this.out.writableNeedDrain) this.out.on('drain', done);
        else this.out.write('', done);
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const errored = this.out.errored as NodeJS.ErrnoException | null;
    if (errored && errored.code !== 'EPIPE' && errored.code !== 'ERR_STREAM_DESTROYED') this.failure ??= errored;
    if (this.failure !== undefined) throw new ConfigError(`cannot write the output: ${describeError(this.failure)}`);
  }
}

/**
 * Writes a report that is whole before printing (forensics, validate, audit, mirror) and waits until the
 * reader has taken it. A reader that goes away ends the writing quietly; the report's exit code stands,
 * since the answer was complete before the first byte went out.
 */
export async function writeReport(out: Writable, text: string): Promise<void> {
  const writer = new OutputWriter(out);
  void writer.write(text);
  await writer.end();
}

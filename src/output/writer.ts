import type { Writable } from 'node:stream';

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

  constructor(
    private readonly out: Writable,
    private readonly onClosed: () => void = () => undefined,
    private readonly flushAt = 64 * 1024,
  ) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') this.close();
      else throw err;
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
    if (this.pendingBytes >= this.flushAt) return this.flush();
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
    if (!ok && !this.drainWaiter) {
      this.drainWaiter = new Promise<void>((resolve) => {
        const done = () => {
          this.out.off('drain', done);
          this.out.off('close', done);
          this.drainWaiter = undefined;
          resolve();
        };
        this.out.on('drain', done);
        this.out.on('close', done);
      });
    }
    return this.drainWaiter;
  }

  async end(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      if (this.out.writableNeedDrain) this.out.once('drain', () => resolve());
      else resolve();
    });
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

import type { Writable } from 'node:stream';

/**
 * Buffered, back-pressured text output. When the reader goes away (`ctrail … | head -1`), the first EPIPE
 * marks the writer closed and calls onClosed, so the scan stops reading instead of failing.
 */
export class OutputWriter {
  private pending: string[] = [];
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

  /** Queues text; resolves once there is room again (await it to respect back-pressure). */
  write(text: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= this.flushAt) return this.flush();
    return undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.closed || this.pending.length === 0) return this.drainWaiter;
    const text = this.pending.join('');
    this.pending = [];
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

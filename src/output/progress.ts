import type { ScanProgress } from '../pipeline/scan.js';

/**
 * One self-rewriting status line on stderr while a person watches a terminal. Never on stdout, never when
 * stderr is redirected, and cleared before any other message is printed so lines do not interleave.
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(
    private readonly progress: ScanProgress,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = 250,
    /** More to show, e.g. the API sources' pages and request rate. */
    private readonly extra?: () => string | undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.render(), this.intervalMs);
    this.timer.unref();
  }

  clear(): void {
    if (this.shown) {
      this.stream.write('\r\x1b[2K');
      this.shown = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private render(): void {
    const p = this.progress;
    const secs = Math.max(0.001, (Date.now() - p.startedAt) / 1000);
    const parts = [
      `${p.unitsDone}/${p.unitsListed}${p.listingDone ? '' : '+'} files`,
      formatBytes(p.bytesRead) + (p.listingDone && p.bytesTotal ? ` of ${formatBytes(p.bytesTotal)}` : ''),
      `${formatCount(p.records / secs)} events/s`,
      `${p.matched} matched`,
    ];
    if (p.problems) parts.push(`${p.problems} skipped`);
    const extra = this.extra?.();
    if (extra) parts.push(extra);
    if (p.listingDone && p.bytesTotal > 0 && p.bytesRead > 0 && p.bytesRead < p.bytesTotal) {
      const eta = ((p.bytesTotal - p.bytesRead) / p.bytesRead) * secs;
      parts.push(`ETA ${formatDuration(eta)}`);
    }
    const line = parts.join(' · ');
    const width = this.stream.columns ?? 100;
    this.stream.write('\r\x1b[2K' + line.slice(0, Math.max(10, width - 1)));
    this.shown = true;
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

import { formatBytes, type AthenaProgress } from '../athena/client.js';
import { formatDuration } from './progress.js';
import { neutralize } from './sanitize.js';

/**
 * The progress of one Athena query on stderr: state, data scanned and its cost at $5 per TB. On a terminal
 * the line is rewritten in place as polls come back; elsewhere (a log file, CI) nothing is written until the
 * one final line, so a log holds the figure without a line per poll.
 */
export class AthenaProgressLine {
  private last: AthenaProgress | undefined;
  private drawn = false;

  constructor(
    private readonly stderr: NodeJS.WritableStream,
    private readonly isTTY: boolean,
    private readonly quiet = false,
  ) {}

  readonly update = (p: AthenaProgress): void => {
    this.last = p;
    if (!this.isTTY || this.quiet) return;
    this.stderr.write(`\r\x1b[K${describe(p)}`);
    this.drawn = true;
  };

  /** Clears the live line, before another line (an error) or the rows are written. */
  clear(): void {
    if (this.drawn) this.stderr.write('\r\x1b[K');
    this.drawn = false;
  }

  /** The one line that stays: how the query ended, what it scanned and cost. */
  finish(outcome?: string): void {
    this.clear();
    if (this.quiet || !this.last) return;
    this.stderr.write(`ctrail: ${describe(this.last, outcome)}\n`);
  }
}

export function describe(p: AthenaProgress, outcome?: string): string {
  const parts = [
    `athena query ${neutralize(p.queryId)} ${neutralize(outcome ?? p.state)}`,
    `${formatBytes(p.bytesScanned)} scanned`,
    `$${formatCost(p.costUsd)}`,
    formatDuration(p.elapsedMs / 1000),
  ];
  return parts.join(' · ');
}

/** Cents once it reaches them; below, enough digits that a small scan does not read as free. */
export function formatCost(usd: number): string {
  if (usd >= 0.01 || usd === 0) return usd.toFixed(2);
  return usd.toPrecision(2);
}


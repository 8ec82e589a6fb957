import type { ApiProgress } from '../source/api-pacing.js';
import { formatDuration } from './progress.js';

/**
 * Collects the progress reports of the API sources (event history, CloudWatch Logs) and renders them as one
 * segment of the progress line: pages, events, request rate, and the longest estimated time left.
 */
export class ApiProgressBoard {
  private readonly bySource = new Map<string, ApiProgress>();
  private readonly startedAt = Date.now();

  readonly update = (p: ApiProgress): void => {
    this.bySource.set(p.source, p);
  };

  summary(now = Date.now()): string | undefined {
    if (this.bySource.size === 0) return undefined;
    let pages = 0;
    let events = 0;
    let requests = 0;
    let throttled = 0;
    let eta: number | undefined;
    for (const p of this.bySource.values()) {
      pages += p.pages;
      events += p.events;
      requests += p.requests;
      throttled += p.throttled;
      if (!p.done && p.etaSeconds !== undefined) eta = Math.max(eta ?? 0, p.etaSeconds);
    }
    const secs = Math.max(0.001, (now - this.startedAt) / 1000);
    const parts = [`API ${pages} pages`, `${events} events`, `${(requests / secs).toFixed(1)} req/s`];
    if (throttled) parts.push(`${throttled} throttled`);
    if (eta !== undefined) parts.push(`API ETA ${formatDuration(eta)}`);
    return parts.join(' · ');
  }
}

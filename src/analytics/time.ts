/** Durations and timestamps for the analytics, which work on whole periods of UTC time. */

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `5m`, `1h`, `7d`, `2w` → milliseconds; undefined when not a positive whole duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
  return ms > 0 ? ms : undefined;
}

export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const size = UNIT_MS[unit]!;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * Milliseconds since the epoch of a CloudTrail eventTime. Besides the normal `2024-01-01T00:00:00Z`, data
 * lake exports write `2025-03-26 16:43:57.000000000` (space, nanoseconds, no zone, meaning UTC).
 */
export function eventTimeMs(eventTime: unknown): number | undefined {
  if (typeof eventTime !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(eventTime.trim());
  if (!m) return undefined;
  const fraction = m[3] ? `.${m[3].slice(0, 3).padEnd(3, '0')}` : '';
  const ms = Date.parse(`${m[1]}T${m[2]}${fraction}${m[4] ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function floorTo(ms: number, stepMs: number): number {
  return Math.floor(ms / stepMs) * stepMs;
}

export type EventStream<T> = AsyncIterable<T> | Iterable<T>;

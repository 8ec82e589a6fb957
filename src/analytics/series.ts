/**
 * Time series of matching events: one series per distinct value of the --by fields, one point per
 * --interval period. Like a CloudWatch metric filter, each event contributes a value (1 by default, or a
 * numeric field), and each period keeps the statistics CloudWatch keeps: sample count, sum, min and max.
 */
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { groupValue, numericValue } from './fields.js';
import { eventTimeMs } from '../cloudtrail/time.js';
import { floorTo, type EventStream } from './time.js';

export interface PeriodStats {
  /** Number of datapoints (matching events, or events carrying the value field). */
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface Series {
  /** Values of the --by fields, in --by order; empty when not grouping. */
  readonly key: readonly string[];
  /** One entry per period of TimeSeries.periods; undefined = no datapoint in that period. */
  readonly points: ReadonlyArray<PeriodStats | undefined>;
  readonly total: number;
}

export interface TimeSeries {
  readonly intervalMs: number;
  readonly by: readonly string[];
  /** Start of each period (ms since epoch, aligned to the interval in UTC). */
  readonly periods: readonly number[];
  /** Sorted by total, largest first, then by key. */
  readonly series: readonly Series[];
  /** Events that had no usable eventTime (or no numeric value field) and were not counted. */
  readonly uncounted: number;
}

export interface SeriesOptions {
  intervalMs: number;
  by?: readonly string[];
  /** Field whose number is the metric value; default: each event counts 1. */
  valueField?: string;
  /** Window; periods outside are not reported. Defaults to the span of the events. */
  start?: number;
  end?: number;
}

/** Most periods a series may have, so a tiny interval over a long window fails clearly instead of eating memory. */
export const MAX_PERIODS = 200_000;

export async function countSeries(events: EventStream<CloudTrailEvent>, options: SeriesOptions): Promise<TimeSeries> {
  const by = options.by ?? [];
  const step = options.intervalMs;
  const buckets = new Map<string, { key: string[]; periods: Map<number, PeriodStats>; total: number }>();
  let first = Infinity;
  let last = -Infinity;
  let uncounted = 0;
  for await (const event of events) {
    const t = eventTimeMs(event.eventTime);
    if (t === undefined) {
      uncounted++;
      continue;
    }
    if ((options.start !== undefined && t < options.start) || (options.end !== undefined && t >= options.end)) continue;
    const value = options.valueField === undefined ? 1 : numericValue(event, options.valueField);
    if (value === undefined) {
      uncounted++;
      continue;
    }
    const period = floorTo(t, step);
    first = Math.min(first, period);
    last = Math.max(last, period);
    const key = by.map((f) => groupValue(event, f));
    const id = JSON.stringify(key);
    let b = buckets.get(id);
    if (!b) buckets.set(id, (b = { key, periods: new Map(), total: 0 }));
    const s = b.periods.get(period);
    if (s) {
      s.count++;
      s.sum += value;
      s.min = Math.min(s.min, value);
      s.max = Math.max(s.max, value);
    } else {
      b.periods.set(period, { count: 1, sum: value, min: value, max: value });
    }
    b.total += value;
  }
  const from = options.start !== undefined ? floorTo(options.start, step) : first;
  const to = options.end !== undefined ? floorTo(options.end - 1, step) : last;
  const periods: number[] = [];
  if (Number.isFinite(from) && Number.isFinite(to)) {
    if ((to - from) / step + 1 > MAX_PERIODS) {
      throw new RangeError(`${Math.round((to - from) / step) + 1} periods exceed the limit of ${MAX_PERIODS}; use a longer interval`);
    }
    for (let p = from; p <= to; p += step) periods.push(p);
  }
  const series = [...buckets.values()]
    .map((b) => ({ key: b.key, total: b.total, points: periods.map((p) => b.periods.get(p)) }))
    .sort((a, b) => b.total - a.total || a.key.join('\u0000').localeCompare(b.key.join('\u0000')));
  return { intervalMs: step, by, periods, series, uncounted };
}

/** Adds all series into one (the metric without dimensions). */
export function totalSeries(ts: TimeSeries): Series {
  const points = ts.periods.map((_, i) => {
    let acc: PeriodStats | undefined;
    for (const s of ts.series) {
      const p = s.points[i];
      if (!p) continue;
      acc = acc
        ? { count: acc.count + p.count, sum: acc.sum + p.sum, min: Math.min(acc.min, p.min), max: Math.max(acc.max, p.max) }
        : { ...p };
    }
    return acc;
  });
  return { key: [], points, total: ts.series.reduce((n, s) => n + s.total, 0) };
}

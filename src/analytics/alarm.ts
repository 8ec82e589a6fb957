/**
 * CloudWatch-style alarm evaluation over a series, e.g. `sum > 10 for 2 periods` or
 * `max >= 3 for 3 out of 5 periods`.
 *
 * As in CloudWatch: each period's statistic is compared with the threshold; the alarm is in ALARM when at
 * least M ("datapoints to alarm") of the last N ("evaluation periods") periods breach, OK otherwise, and
 * INSUFFICIENT_DATA until N periods exist. Missing data is treated as not breaching
 * (TreatMissingData = notBreaching): sum and count of an empty period are 0, and avg/min/max of an empty
 * period are missing.
 */
import { UsageError } from '../errors.js';
import type { PeriodStats, Series } from './series.js';

export type Statistic = 'sum' | 'count' | 'avg' | 'min' | 'max';
export type Comparison = '>' | '>=' | '<' | '<=';

export interface AlarmSpec {
  statistic: Statistic;
  comparison: Comparison;
  threshold: number;
  /** M: breaching periods needed within the window. */
  datapointsToAlarm: number;
  /** N: periods in the evaluation window. */
  evaluationPeriods: number;
  /** The text the user gave, for display. */
  text: string;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface PeriodVerdict {
  start: number;
  /** The statistic for the period; undefined = missing data. */
  value: number | undefined;
  breaching: boolean;
  /** State after evaluating at the end of this period. */
  state: AlarmState;
}

export interface AlarmResult {
  spec: AlarmSpec;
  periods: PeriodVerdict[];
  /** When the alarm would first have gone into ALARM: the end of the period that tipped it. */
  firstAlarm?: number;
  /** Each run of consecutive periods evaluated as ALARM: from the start of the first to the end of the last. */
  alarms: Array<{ from: number; to: number }>;
}

const STAT_NAMES: Readonly<Record<string, Statistic>> = {
  sum: 'sum',
  count: 'count',
  samplecount: 'count',
  avg: 'avg',
  average: 'avg',
  min: 'min',
  minimum: 'min',
  max: 'max',
  maximum: 'max',
};

/**
 * Parses `STAT OP THRESHOLD [for N period(s)] [for M out of N periods]`.
 * STAT: sum, count (SampleCount), avg|average, min|minimum, max|maximum. OP: > >= < <=.
 */
export function parseAlarm(text: string): AlarmSpec {
  const m =
    /^\s*([a-z][a-z0-9.]*)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*(?:for\s+(\d+)\s*(?:out\s+of\s+(\d+)\s*)?periods?\s*)?$/i.exec(text);
  if (!m) {
    throw new UsageError(`--alarm "${text}": expected e.g. "sum > 10", "sum > 10 for 2 periods" or "max >= 5 for 3 out of 5 periods"`);
  }
  const statistic = STAT_NAMES[m[1]!.toLowerCase()];
  if (!statistic) throw new UsageError(`--alarm "${text}": unknown statistic "${m[1]}" (sum, count, avg, min, max)`);
  const first = m[4] === undefined ? 1 : Number(m[4]);
  const outOf = m[5] === undefined ? first : Number(m[5]);
  if (first < 1 || outOf < first) {
    throw new UsageError(`--alarm "${text}": need 1 <= datapoints (${first}) <= evaluation periods (${outOf})`);
  }
  return {
    statistic,
    comparison: m[2] as Comparison,
    threshold: Number(m[3]),
    datapointsToAlarm: first,
    evaluationPeriods: outOf,
    text: text.trim(),
  };
}

function statistic(p: PeriodStats | undefined, stat: Statistic): number | undefined {
  if (stat === 'sum') return p?.sum ?? 0;
  if (stat === 'count') return p?.count ?? 0;
  if (!p) return undefined;
  return stat === 'avg' ? p.sum / p.count : stat === 'min' ? p.min : p.max;
}

function breaches(value: number | undefined, spec: AlarmSpec): boolean {
  if (value === undefined) return false;
  switch (spec.comparison) {
    case '>': return value > spec.threshold;
    case '>=': return value >= spec.threshold;
    case '<': return value < spec.threshold;
    case '<=': return value <= spec.threshold;
  }
}

export function evaluateAlarm(spec: AlarmSpec, periods: readonly number[], series: Series, intervalMs: number): AlarmResult {
  const verdicts: PeriodVerdict[] = [];
  const alarms: Array<{ from: number; to: number }> = [];
  let firstAlarm: number | undefined;
  periods.forEach((start, i) => {
    const value = statistic(series.points[i], spec.statistic);
    const breaching = breaches(value, spec);
    let state: AlarmState = 'INSUFFICIENT_DATA';
    if (i + 1 >= spec.evaluationPeriods) {
      let n = breaching ? 1 : 0;
      for (let j = i - spec.evaluationPeriods + 1; j < i; j++) if (verdicts[j]!.breaching) n++;
      state = n >= spec.datapointsToAlarm ? 'ALARM' : 'OK';
    }
    verdicts.push({ start, value, breaching, state });
    const end = start + intervalMs;
    if (state === 'ALARM') {
      firstAlarm ??= end;
      const lastStretch = alarms.at(-1);
      if (lastStretch && lastStretch.to === start) lastStretch.to = end;
      else alarms.push({ from: start, to: end });
    }
  });
  return { spec, periods: verdicts, alarms, ...(firstAlarm !== undefined ? { firstAlarm } : {}) };
}

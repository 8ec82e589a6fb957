import type { AlarmResult, AlarmSpec } from '../analytics/alarm.js';
import type { Series, TimeSeries } from '../analytics/series.js';
import { formatDuration, isoTime as iso } from '../cloudtrail/time.js';
import { csvRow } from './csv.js';
import { neutralize } from './sanitize.js';
import { displayWidth, renderFitted, truncateToWidth, type FitColumn, type FitOptions } from './fit.js';

/** What `ctrail count` computed, ready to print in any of its formats. */
export interface CountView {
  ts: TimeSeries;
  /** The series shown (after --top). */
  series: readonly Series[];
  by: readonly string[];
  metric: 'count' | 'sum';
  alarm?: AlarmSpec;
  /** One alarm evaluation per shown series, with --alarm. */
  results?: AlarmResult[];
}

type Row = Record<string, string | number | boolean | null>;


function label(v: CountView, s: Series): string {
  return v.by.length ? v.by.map((f, i) => `${f}=${s.key[i]}`).join(' ') : 'all events';
}

/** One row per series and period: time, the --by fields, the metric and, with --alarm, its state. */
export function seriesRows(v: CountView): Row[] {
  return v.series.flatMap((s, si) =>
    v.ts.periods.map((p, pi) => {
      const stats = s.points[pi];
      const row: Row = { time: iso(p) };
      v.by.forEach((f, i) => (row[f] = s.key[i]!));
      row[v.metric] = v.metric === 'sum' ? stats?.sum ?? 0 : stats?.count ?? 0;
      const verdict = v.results?.[si]!.periods[pi];
      if (verdict) {
        row[v.alarm!.statistic] = verdict.value ?? null;
        row.state = verdict.state;
      }
      return row;
    }),
  );
}

function headersOf(v: CountView, rows: Row[]): string[] {
  return rows.length ? Object.keys(rows[0]!) : ['time', ...v.by, v.metric];
}

/** NDJSON: the rows, then one line per alarm evaluation. */
export function* seriesNdjson(v: CountView, rows: Row[]): Generator<string> {
  for (const row of rows) yield JSON.stringify(row) + '\n';
  for (const [si, r] of (v.results ?? []).entries()) {
    const key = Object.fromEntries(v.by.map((f, i) => [f, v.series[si]!.key[i]]));
    yield JSON.stringify({ alarm: r.spec.text, ...key, firstAlarm: r.firstAlarm !== undefined ? iso(r.firstAlarm) : null, alarms: r.alarms.map((a) => ({ from: iso(a.from), to: iso(a.to) })) }) + '\n';
  }
}

export function* seriesCsv(v: CountView, rows: Row[]): Generator<string> {
  const headers = headersOf(v, rows);
  yield csvRow(headers);
  for (const row of rows) yield csvRow(headers.map((h) => (row[h] === null ? '' : String(row[h]))));
}

/** The time and the metric matter most, then the --by fields in their order; the alarm's statistic least. */
function seriesColumns(v: CountView, headers: string[]): FitColumn[] {
  return headers.map((h, i) => {
    if (i === 0) return { header: h, priority: 1, min: 20 };
    if (h === v.metric) return { header: h, priority: 2, min: 5 };
    if (h === 'state') return { header: h, priority: 3, min: 5 };
    const by = v.by.indexOf(h);
    return by >= 0 ? { header: h, priority: 4 + by, min: 12 } : { header: h, priority: 4 + v.by.length, min: 6 };
  });
}

export function seriesTable(v: CountView, rows: Row[], color: boolean, fit: FitOptions = { width: 80, wide: false }, notes?: (line: string) => void): string {
  const headers = headersOf(v, rows);
  const cells = rows.map((row) => headers.map((h) => neutralize(row[h] === null ? '-' : String(row[h]))));
  return renderFitted(seriesColumns(v, headers), cells, fit, color, notes);
}

export function alarmSummary(v: CountView): string {
  const results = v.results ?? [];
  const spec = v.alarm!;
  if (results.length === 0) return `alarm "${spec.text}": no data\n`;
  return results
    .map((r, i) => {
      const who = neutralize(label(v, v.series[i]!));
      if (r.firstAlarm === undefined) return `alarm "${spec.text}" (${who}): never in ALARM\n`;
      const stretches = r.alarms.map((a) => `${iso(a.from)} → ${iso(a.to)}`).join(', ');
      return `alarm "${spec.text}" (${who}): first ALARM at ${iso(r.firstAlarm)}; in ALARM ${stretches}\n`;
    })
    .join('');
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const CHART_WIDTH = 80;

/** One sparkline per series; long windows are folded so a line fits a terminal, and `^` marks ALARM periods. */
export function seriesChart(v: CountView): string {
  const { ts, series, results, metric } = v;
  if (ts.periods.length === 0) return 'no matching events\n';
  const fold = Math.max(1, Math.ceil(ts.periods.length / CHART_WIDTH));
  const cells = Math.ceil(ts.periods.length / fold);
  const first = ts.periods[0]!;
  const last = ts.periods.at(-1)! + ts.intervalMs;
  let out = `${iso(first)} → ${iso(last)}, one column = ${formatDuration(ts.intervalMs * fold)}\n`;
  const labels = series.map((s) => neutralize(label(v, s)));
  // Display widths: a label cut or padded by string length splits a character and misaligns the bars.
  const width = Math.min(60, Math.max(...labels.map((l) => displayWidth(l))));
  series.forEach((s, si) => {
    const values = Array.from({ length: cells }, (_, c) => {
      let n = 0;
      for (let i = c * fold; i < Math.min((c + 1) * fold, ts.periods.length); i++) n += metric === 'sum' ? s.points[i]?.sum ?? 0 : s.points[i]?.count ?? 0;
      return n;
    });
    const max = Math.max(...values);
    const line = values.map((n) => (n === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((n / max) * (BARS.length - 1)))])).join('');
    const cut = truncateToWidth(labels[si]!, width);
    const name = cut + ' '.repeat(width - displayWidth(cut));
    out += `${name} ${line} total ${s.total}, peak ${max}\n`;
    const r = results?.[si];
    if (r) {
      const marks = Array.from({ length: cells }, (_, c) => {
        for (let i = c * fold; i < Math.min((c + 1) * fold, ts.periods.length); i++) if (r.periods[i]!.state === 'ALARM') return '^';
        return ' ';
      }).join('');
      if (marks.trim()) out += `${' '.repeat(width)} ${marks} ALARM\n`;
    }
  });
  return out;
}

import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import { evaluateAlarm, parseAlarm, type AlarmResult, type AlarmSpec } from '../analytics/alarm.js';
import { countSeries, type Series, type TimeSeries } from '../analytics/series.js';
import { formatDuration, parseDuration } from './time.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { neutralize } from '../output/sanitize.js';
import { OutputWriter } from '../output/writer.js';
import { addAwsOptions, addFilterOptions, addRunOptions, addWindowOptions, type RawScanOptions } from './options.js';
import { addRuleOptions, ruleRecipeFrom, type RawRuleOptions } from './rule-options.js';
import { recipeOf } from '../filter/recipe.js';
import { ScanPlan } from './scan-plan.js';
import type { CliIO } from './io.js';
import { EXIT } from './exit.js';
import { isoTime as iso } from '../cloudtrail/time.js';

interface RawCountOptions extends RawScanOptions, RawRuleOptions {
  by?: string;
  interval: string;
  value?: string;
  alarm?: string;
  top?: string;
}

type CountFormat = 'table' | 'ndjson' | 'csv' | 'chart';

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('count')
    .description('count matching events per time interval (optionally per field), and replay a CloudWatch-style alarm on the counts')
    .argument('[source...]', 'files, folders, globs, - (stdin), s3://bucket[/prefix], history:REGION, logs:GROUP')
    .option('--by <fields>', 'comma-separated fields to group by: eventName, userIdentity.arn, errorCode, principal, …')
    .option('--interval <duration>', 'period length: 60s, 5m, 1h, 1d', '5m')
    .option('--value <field>', 'sum this numeric field instead of counting events (like a metric filter value $.field)')
    .option('--alarm <expr>', `CloudWatch-style alarm, e.g. 'sum > 10 for 2 periods' or 'max >= 3 for 3 out of 5 periods'`)
    .option('--top <n>', 'only the n largest series');
  addRuleOptions(addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd)))));
  cmd
    .addOption(new Option('-o, --output <format>', 'table, ndjson, csv or chart (default: table on a terminal, ndjson otherwise)').choices(['table', 'ndjson', 'csv', 'chart']))
    .action(async (sources: string[], raw: RawCountOptions) => {
      process.exitCode = await runCount(io, sources, raw);
    });
}


export async function runCount(io: CliIO, sourceArgs: string[], raw: RawCountOptions): Promise<number> {
  const intervalMs = parseDuration(raw.interval, '--interval');
  const alarm = raw.alarm !== undefined ? parseAlarm(raw.alarm) : undefined;
  const by = raw.by ? raw.by.split(',').map((f) => f.trim()).filter(Boolean) : [];
  let top: number | undefined;
  if (raw.top !== undefined) {
    top = Number(raw.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top ${raw.top}: expected a whole number of at least 1`);
  }
  const rules = ruleRecipeFrom(raw);
  const plan = new ScanPlan(io, raw, sourceArgs);
  const format: CountFormat = (raw.output as CountFormat | undefined) ?? (io.stdoutIsTTY ? 'table' : 'ndjson');
  const writer = new OutputWriter(io.stdout, () => plan.controller.abort());

  async function* events(): AsyncGenerator<CloudTrailEvent> {
    for await (const hit of plan.scan({ recipe: recipeOf(plan.flags, rules) })) yield hit.event;
  }
  let ts: TimeSeries;
  try {
    ts = await countSeries(events(), {
      intervalMs,
      by,
      ...(raw.value ? { valueField: raw.value } : {}),
      // --start/--end fix the window, so quiet periods at either edge are shown too (--end is inclusive).
      ...(plan.spec.start ? { start: plan.spec.start.getTime() } : {}),
      ...(plan.spec.end ? { end: plan.spec.end.getTime() + 1 } : {}),
    });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`--interval ${raw.interval}: ${err.message}`);
    throw err;
  } finally {
    plan.stopProgress();
  }
  const series = top !== undefined ? ts.series.slice(0, top) : ts.series;
  const results = alarm ? series.map((s) => evaluateAlarm(alarm, ts.periods, s, ts.intervalMs)) : undefined;
  const label = (s: Series): string => (by.length ? by.map((f, i) => `${f}=${s.key[i]}`).join(' ') : 'all events');
  const metric = raw.value ? 'sum' : 'count';

  const rows = series.flatMap((s, si) =>
    ts.periods.map((p, pi) => {
      const stats = s.points[pi];
      const row: Record<string, string | number | boolean | null> = { time: iso(p) };
      by.forEach((f, i) => (row[f] = s.key[i]!));
      row[metric] = raw.value ? stats?.sum ?? 0 : stats?.count ?? 0;
      const verdict = results?.[si]!.periods[pi];
      if (verdict) {
        row[alarm!.statistic] = verdict.value ?? null;
        row.state = verdict.state;
      }
      return row;
    }),
  );

  if (format === 'ndjson') {
    for (const row of rows) await writer.write(JSON.stringify(row) + '\n');
    results?.forEach((r, si) => {
      const key = Object.fromEntries(by.map((f, i) => [f, series[si]!.key[i]]));
      writer.write(JSON.stringify({ alarm: r.spec.text, ...key, firstAlarm: r.firstAlarm !== undefined ? iso(r.firstAlarm) : null, alarms: r.alarms.map((a) => ({ from: iso(a.from), to: iso(a.to) })) }) + '\n');
    });
  } else if (format === 'csv') {
    const headers = rows.length ? Object.keys(rows[0]!) : ['time', ...by, metric];
    await writer.write(headers.map(csvCell).join(',') + '\n');
    for (const row of rows) await writer.write(headers.map((h) => csvCell(row[h] === null ? '' : String(row[h]))).join(',') + '\n');
    if (results) io.stderr.write(alarmSummary(results, series, label, alarm!));
  } else if (format === 'table') {
    const headers = rows.length ? Object.keys(rows[0]!) : ['time', ...by, metric];
    const table = new Table({ head: headers, style: { head: io.color ? ['cyan'] : [], border: io.color ? ['grey'] : [] } });
    for (const row of rows) table.push(headers.map((h) => neutralize(row[h] === null ? '-' : String(row[h]))));
    await writer.write(table.toString() + '\n');
    if (results) await writer.write(alarmSummary(results, series, label, alarm!));
  } else {
    await writer.write(chart(ts, series, label, results, metric));
    if (results) await writer.write(alarmSummary(results, series, label, alarm!));
  }
  await writer.end();
  if (writer.closed) return EXIT.OK;
  if (ts.uncounted > 0) io.stderr.write(`ctrail: ${ts.uncounted} matching event${ts.uncounted === 1 ? '' : 's'} not counted (no usable eventTime${raw.value ? ` or no number in ${raw.value}` : ''})\n`);
  return plan.finish() ? EXIT.SKIPPED : EXIT.OK;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function alarmSummary(results: AlarmResult[], series: readonly Series[], label: (s: Series) => string, spec: AlarmSpec): string {
  if (results.length === 0) return `alarm "${spec.text}": no data\n`;
  return results
    .map((r, i) => {
      const who = neutralize(label(series[i]!));
      if (r.firstAlarm === undefined) return `alarm "${spec.text}" (${who}): never in ALARM\n`;
      const stretches = r.alarms.map((a) => `${iso(a.from)} → ${iso(a.to)}`).join(', ');
      return `alarm "${spec.text}" (${who}): first ALARM at ${iso(r.firstAlarm)}; in ALARM ${stretches}\n`;
    })
    .join('');
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const CHART_WIDTH = 80;

/** One sparkline per series; long windows are folded so a line fits a terminal, and `^` marks ALARM periods. */
function chart(ts: TimeSeries, series: readonly Series[], label: (s: Series) => string, results: AlarmResult[] | undefined, metric: 'count' | 'sum'): string {
  if (ts.periods.length === 0) return 'no matching events\n';
  const fold = Math.max(1, Math.ceil(ts.periods.length / CHART_WIDTH));
  const cells = Math.ceil(ts.periods.length / fold);
  const first = ts.periods[0]!;
  const last = ts.periods.at(-1)! + ts.intervalMs;
  let out = `${iso(first)} → ${iso(last)}, one column = ${formatDuration(ts.intervalMs * fold)}\n`;
  const labels = series.map((s) => neutralize(label(s)));
  const width = Math.min(60, Math.max(...labels.map((l) => l.length)));
  series.forEach((s, si) => {
    const values = Array.from({ length: cells }, (_, c) => {
      let v = 0;
      for (let i = c * fold; i < Math.min((c + 1) * fold, ts.periods.length); i++) v += metric === 'sum' ? s.points[i]?.sum ?? 0 : s.points[i]?.count ?? 0;
      return v;
    });
    const max = Math.max(...values);
    const line = values.map((v) => (v === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))])).join('');
    const name = labels[si]!.length > width ? labels[si]!.slice(0, width - 1) + '…' : labels[si]!.padEnd(width);
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

import { UsageError } from '../errors.js';
import { evaluateAlarm, parseAlarm } from '../analytics/alarm.js';
import { countSeries, type TimeSeries } from '../analytics/series.js';
import { parseDuration } from './time.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { alarmSummary, seriesChart, seriesCsv, seriesNdjson, seriesRows, seriesTable, type CountView } from '../output/series.js';
import { OutputWriter } from '../output/writer.js';
import { addAwsOptions, addFilterOptions, addRunOptions, addWindowOptions, outputFormatFrom, outputOption, SOURCES_HELP, type RawScanOptions } from './options.js';
import { addRuleOptions, ruleRecipeFrom, type RawRuleOptions } from './rule-options.js';
import { ScanPlan } from './scan-plan.js';
import { recipeOf } from '../filter/recipe.js';
import type { Register } from './register.js';
import type { CliIO } from './io.js';
import { EXIT, searchExit, type ExitCode } from './exit.js';
import { addWideOption, fitFrom, TableNotes } from './table-fit.js';
import { scanSourcesFor } from './athena-engine.js';
import { addEngineOptions, type RawEngineOptions } from './engine-options.js';

interface RawCountOptions extends RawScanOptions, RawRuleOptions, RawEngineOptions {
  by?: string;
  interval: string;
  value?: string;
  alarm?: string;
  top?: string;
  wide?: boolean;
}

type CountFormat = 'table' | 'ndjson' | 'csv' | 'chart';

export const register: Register = (cmd, io, done) => {
  cmd
    .argument('[source...]', SOURCES_HELP)
    .option('--by <fields>', 'comma-separated fields to group by: eventName, userIdentity.arn, errorCode, principal, …')
    .option('--interval <duration>', 'period length: 60s, 5m, 1h, 1d', '5m')
    .option('--value <field>', 'sum this numeric field instead of counting events (like a metric filter value $.field)')
    .option('--alarm <expr>', `CloudWatch-style alarm, e.g. 'sum > 10 for 2 periods' or 'max >= 3 for 3 out of 5 periods'`)
    .option('--top <n>', 'only the n largest series');
  addEngineOptions(addRuleOptions(addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd))))));
  addWideOption(cmd.addOption(outputOption(['table', 'ndjson', 'csv', 'chart'], 'ndjson')))
    .action(async (sources: string[], raw: RawCountOptions) => done(await runCount(io, sources, raw)));
};

export async function runCount(io: CliIO, sourceArgs: string[], raw: RawCountOptions): Promise<ExitCode> {
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
  const format = outputFormatFrom<CountFormat>(raw.output, io.stdoutIsTTY, 'ndjson');
  const writer = new OutputWriter(io.stdout, () => plan.controller.abort());

  async function* events(): AsyncGenerator<CloudTrailEvent> {
    const sources = await scanSourcesFor(io, raw, sourceArgs, plan.spec);
    for await (const hit of plan.scan({ recipe: recipeOf(plan.flags, rules), ...sources })) yield hit.event;
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
  const view: CountView = {
    ts,
    series,
    by,
    metric: raw.value ? 'sum' : 'count',
    ...(alarm ? { alarm, results: series.map((s) => evaluateAlarm(alarm, ts.periods, s, ts.intervalMs)) } : {}),
  };
  const rows = seriesRows(view);
  const notes = new TableNotes(io);
  if (format === 'ndjson') {
    for (const line of seriesNdjson(view, rows)) await writer.write(line);
  } else if (format === 'csv') {
    for (const line of seriesCsv(view, rows)) await writer.write(line);
    // The alarm verdicts go to stderr so the CSV stays one table.
    if (alarm) io.stderr.write(alarmSummary(view));
  } else {
    await writer.write(format === 'table' ? seriesTable(view, rows, io.color, fitFrom(io, raw), notes.add) : seriesChart(view));
    if (alarm) await writer.write(alarmSummary(view));
  }
  await writer.end();
  if (writer.closed) return EXIT.OK;
  notes.flush();
  if (ts.uncounted > 0) io.stderr.write(`ctrail: ${ts.uncounted} matching event${ts.uncounted === 1 ? '' : 's'} not counted (no usable eventTime${raw.value ? ` or no number in ${raw.value}` : ''})\n`);
  return searchExit(ts.series.length > 0, plan.finish());
}

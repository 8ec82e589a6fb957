import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { detectInsights, INSIGHT_DEFAULTS, INSIGHT_TYPES, toInsightsEvents, type InsightType } from '../analytics/insights.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { insightSummary, insightsTable } from '../output/insights.js';
import { OutputWriter } from '../output/writer.js';
import { addAwsOptions, addFilterOptions, addRunOptions, addWindowOptions, collectList, outputFormatFrom, outputOption, SOURCES_HELP, type RawScanOptions } from './options.js';
import { ScanPlan } from './scan-plan.js';
import { formatDuration, parseDuration, parseTime } from './time.js';
import { isoTime as iso } from '../cloudtrail/time.js';
import type { Register } from './register.js';
import type { CliIO } from './io.js';
import { EXIT, searchExit, type ExitCode } from './exit.js';
import { addWideOption, fitFrom, TableNotes } from './table-fit.js';

interface RawInsightsOptions extends RawScanOptions {
  baseline: string;
  type?: string[];
  perPrincipal?: boolean;
  sigma: string;
  minRate: string;
  mergeGap: string;
  top: string;
  wide?: boolean;
}

type InsightsFormat = 'table' | 'ndjson' | 'cloudtrail';

export const register: Register = (cmd, io, done) => {
  cmd
    .argument('[source...]', SOURCES_HELP)
    .option('--baseline <duration>', 'baseline period just before --start (the sources must cover it)', formatDuration(INSIGHT_DEFAULTS.baselineMs))
    .addOption(new Option('--type <type>', 'ApiCallRateInsight or ApiErrorRateInsight; repeatable (default: both)').argParser(collectList))
    .option('--per-principal', 'one baseline per API and calling principal, not per API')
    .option('--sigma <k>', 'a minute is anomalous above baseline mean + k standard deviations', String(INSIGHT_DEFAULTS.sigma))
    .option('--min-rate <n>', '…and above n calls per minute', String(INSIGHT_DEFAULTS.minPerMinute))
    .option('--merge-gap <minutes>', 'quiet minutes allowed inside one insight', String(INSIGHT_DEFAULTS.mergeGapMinutes))
    .option('--top <n>', 'contributors listed per attribute', String(INSIGHT_DEFAULTS.topContributors));
  addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd))));
  addWideOption(cmd.addOption(outputOption(['table', 'ndjson', 'cloudtrail'], 'ndjson', ' (ndjson: one summary per insight; cloudtrail: Insights events, Start and End)')))
    .action(async (sources: string[], raw: RawInsightsOptions) => done(await runInsights(io, sources, raw)));
};

function number(text: string, flag: string, min: number, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} ${text}: expected ${integer ? 'a whole number' : 'a number'} of at least ${min}`);
  }
  return n;
}

export async function runInsights(io: CliIO, sourceArgs: string[], raw: RawInsightsOptions): Promise<ExitCode> {
  const baselineMs = parseDuration(raw.baseline, '--baseline');
  if (baselineMs % 60_000 !== 0) throw new UsageError(`--baseline ${raw.baseline}: expected whole minutes, e.g. 90m, 12h, 7d`);
  const types = raw.type ?? [...INSIGHT_TYPES];
  for (const t of types) if (!INSIGHT_TYPES.includes(t as InsightType)) throw new UsageError(`--type ${t}: expected ApiCallRateInsight or ApiErrorRateInsight`);
  const sigma = number(raw.sigma, '--sigma', 0, false);
  const minPerMinute = number(raw.minRate, '--min-rate', 0, false);
  const mergeGapMinutes = number(raw.mergeGap, '--merge-gap', 0, true);
  const topContributors = number(raw.top, '--top', 1, true);

  // The scan reaches back one baseline before --start; detection then splits baseline from analysis.
  const start = raw.start ? parseTime(raw.start, '--start').getTime() : undefined;
  const end = raw.end ? parseTime(raw.end, '--end').getTime() + 1 : undefined;
  const scanRaw: RawScanOptions = { ...raw };
  if (start !== undefined) scanRaw.start = iso(start - baselineMs);
  const plan = new ScanPlan(io, scanRaw, sourceArgs);
  const format = outputFormatFrom<InsightsFormat>(raw.output, io.stdoutIsTTY, 'ndjson');
  const writer = new OutputWriter(io.stdout, () => plan.controller.abort());

  async function* events(): AsyncGenerator<CloudTrailEvent> {
    for await (const hit of plan.scan({ recipe: plan.flags })) yield hit.event;
  }
  let report;
  try {
    report = await detectInsights(events(), {
      types: types as InsightType[],
      baselineMs,
      sigma,
      minPerMinute,
      mergeGapMinutes,
      topContributors,
      ...(raw.perPrincipal ? { perPrincipal: true } : {}),
      ...(start !== undefined ? { start } : {}),
      ...(end !== undefined ? { end } : {}),
    });
  } finally {
    plan.stopProgress();
  }

  if (report.shortfall) {
    const { coveredMs, neededMs } = report.shortfall;
    plan.notice(
      `insights: the data is too short for the ${formatDuration(neededMs)} baseline: it needs ${formatDuration(neededMs)} of events before the first minute ` +
        `it analyses, and the events read give ${formatDuration(coveredMs)} (read older logs, or pass a shorter --baseline)`,
    );
  }
  const notes = new TableNotes(io);
  if (format === 'ndjson') {
    for (const i of report.insights) await writer.write(JSON.stringify(insightSummary(i)) + '\n');
  } else if (format === 'cloudtrail') {
    for (const i of report.insights) for (const e of toInsightsEvents(i)) await writer.write(JSON.stringify(e) + '\n');
  } else {
    await writer.write(insightsTable(report, raw.perPrincipal === true, io.color, fitFrom(io, raw), notes.add));
  }
  await writer.end();
  if (writer.closed) return EXIT.OK;
  notes.flush();
  return searchExit(report.insights.length > 0, plan.finish());
}

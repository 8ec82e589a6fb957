import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import { detectInsights, INSIGHT_DEFAULTS, INSIGHT_TYPES, toInsightsEvents, type Insight, type InsightType } from '../analytics/insights.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { neutralize } from '../output/sanitize.js';
import { OutputWriter } from '../output/writer.js';
import { addAwsOptions, addFilterOptions, addRunOptions, addWindowOptions, type RawScanOptions } from './options.js';
import { ScanPlan } from './scan-plan.js';
import { formatDuration, parseDuration, parseTime } from './time.js';
import type { CliIO } from './io.js';
import { EXIT } from './exit.js';
import { isoTime as iso } from '../cloudtrail/time.js';
import { serviceOf } from '../cloudtrail/arn.js';

interface RawInsightsOptions extends RawScanOptions {
  baseline: string;
  type?: string[];
  perPrincipal?: boolean;
  sigma: string;
  minRate: string;
  mergeGap: string;
  top: string;
}

type InsightsFormat = 'table' | 'ndjson' | 'cloudtrail';

const collect = (value: string, previous: string[] = []) => previous.concat(value.split(',').map((v) => v.trim()).filter(Boolean));

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('insights')
    .description('find unusual rates of write calls (ApiCallRateInsight) and errors (ApiErrorRateInsight), as CloudTrail Insights would have')
    .argument('[source...]', 'files, folders, globs, - (stdin), s3://bucket[/prefix], history:REGION, logs:GROUP')
    .option('--baseline <duration>', 'baseline period just before --start (the sources must cover it)', formatDuration(INSIGHT_DEFAULTS.baselineMs))
    .addOption(new Option('--type <type>', 'ApiCallRateInsight or ApiErrorRateInsight; repeatable (default: both)').argParser(collect))
    .option('--per-principal', 'one baseline per API and calling principal, not per API')
    .option('--sigma <k>', 'a minute is anomalous above baseline mean + k standard deviations', String(INSIGHT_DEFAULTS.sigma))
    .option('--min-rate <n>', '…and above n calls per minute', String(INSIGHT_DEFAULTS.minPerMinute))
    .option('--merge-gap <minutes>', 'quiet minutes allowed inside one insight', String(INSIGHT_DEFAULTS.mergeGapMinutes))
    .option('--top <n>', 'contributors listed per attribute', String(INSIGHT_DEFAULTS.topContributors));
  addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd))));
  cmd
    .addOption(new Option('-o, --output <format>', 'table, ndjson (one summary per insight) or cloudtrail (Insights events, Start and End)').choices(['table', 'ndjson', 'cloudtrail']))
    .action(async (sources: string[], raw: RawInsightsOptions) => {
      process.exitCode = await runInsights(io, sources, raw);
    });
}

function number(text: string, flag: string, min: number, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} ${text}: expected ${integer ? 'a whole number' : 'a number'} of at least ${min}`);
  }
  return n;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

export async function runInsights(io: CliIO, sourceArgs: string[], raw: RawInsightsOptions): Promise<number> {
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
  const format: InsightsFormat = (raw.output as InsightsFormat | undefined) ?? (io.stdoutIsTTY ? 'table' : 'ndjson');
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

  if (format === 'ndjson') {
    for (const i of report.insights) await writer.write(JSON.stringify(summary(i)) + '\n');
  } else if (format === 'cloudtrail') {
    for (const i of report.insights) for (const e of toInsightsEvents(i)) await writer.write(JSON.stringify(e) + '\n');
  } else {
    await writer.write(
      `baseline ${iso(report.baselineStart)} → ${iso(report.start)}, analysed ${iso(report.start)} → ${iso(report.end)}: ` +
        `${report.insights.length} insight${report.insights.length === 1 ? '' : 's'}\n`,
    );
    if (report.insights.length) {
      const head = ['start', 'end', 'min', 'type', 'api', 'region', ...(raw.perPrincipal ? ['principal'] : []), 'peak/min', 'avg/min', 'baseline/min', 'top principal'];
      const table = new Table({ head, style: { head: io.color ? ['cyan'] : [], border: io.color ? ['grey'] : [] } });
      for (const i of report.insights) {
        const topArn = i.attributions.find((a) => a.attribute === 'userIdentityArn')?.insight[0];
        table.push(
          [
            iso(i.start), iso(i.end), String(i.durationMinutes), i.insightType === 'ApiCallRateInsight' ? 'call rate' : 'error rate',
            `${serviceOf(i.eventSource)}:${i.eventName}`, i.region, ...(raw.perPrincipal ? [i.principal ?? '-'] : []),
            String(i.peak.count), String(round(i.insight.average)), String(round(i.baseline.average)),
            topArn ? `${topArn.value} (${round((topArn.count / i.insight.total) * 100)}%)` : '-',
          ].map(neutralize),
        );
      }
      await writer.write(table.toString() + '\n');
    }
  }
  await writer.end();
  if (writer.closed) return EXIT.OK;
  return plan.finish() ? EXIT.SKIPPED : EXIT.OK;
}

/** One insight as NDJSON: times in ISO 8601, everything else as computed. */
function summary(i: Insight): Record<string, unknown> {
  return {
    ...i,
    start: iso(i.start),
    end: iso(i.end),
    peak: { time: iso(i.peak.minute), count: i.peak.count },
  };
}

import { Option, type Command } from 'commander';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { UsageError } from '../errors.js';
import { OutputWriter } from '../output/writer.js';
import type { CliIO } from './io.js';
import type { RawScanOptions } from './options.js';

interface RawAuditOptions {
  trail?: string[];
  region?: string[];
  minRetentionDays?: string;
  output?: 'table' | 'json';
  profile?: string;
  replay?: string[];
  start?: string;
  end?: string;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []) => previous.concat(value.split(',').map((v) => v.trim()).filter(Boolean));

export function register(program: Command, io: CliIO): void {
  program
    .command('audit')
    .description("check that the account's CloudTrail evidence can be trusted and that its alerts would fire")
    .option('--trail <name|arn>', 'audit only this trail; repeat for several (default: every trail found)', collect)
    .option('--region <region>', 'where to look for trails; repeat for several (default: the SDK region; trails of other regions are found through it)', collect)
    .option('--min-retention-days <n>', 'shortest acceptable lifecycle expiry for log objects', '365')
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .option('--profile <name>', 'AWS profile from the shared config files')
    .option('--replay <source...>', 'also run every metric filter and EventBridge rule found over this history (any source `events` takes)')
    .option('--start <time>', 'with --replay: events at or after this time (ISO 8601 or 90m, 6h, 7d ago)')
    .option('--end <time>', 'with --replay: events at or before this time')
    .option('-q, --quiet', 'with --replay: no progress line')
    .action(async (raw: RawAuditOptions) => {
      process.exitCode = await runAuditCommand(io, raw);
    });
}

export async function runAuditCommand(io: CliIO, raw: RawAuditOptions): Promise<number> {
  const minRetentionDays = Number(raw.minRetentionDays ?? '365');
  if (!/^\d+$/.test(raw.minRetentionDays ?? '365') || !Number.isSafeInteger(minRetentionDays)) {
    throw new UsageError(`--min-retention-days: expected a whole number of days, got "${raw.minRetentionDays}"`);
  }
  if ((raw.start || raw.end) && !raw.replay?.length) throw new UsageError('--start and --end apply to --replay');
  // Sources are resolved before any AWS call, so a mistyped source is a usage error that costs nothing.
  const { ScanPlan } = await import('./scan-plan.js');
  const scanRaw: RawScanOptions = { profile: raw.profile, start: raw.start, end: raw.end, quiet: raw.quiet };
  const plan = raw.replay?.length ? new ScanPlan(io, scanRaw, raw.replay) : undefined;

  // Loaded on use: the AWS SDK costs half a second at start-up, which other commands should not pay.
  const { collectFacts } = await import('../audit/collect.js');
  const { runChecks, exitCodeFor } = await import('../audit/checks.js');
  const { patternEngines } = await import('../audit/engines.js');
  const { renderJson, renderTable } = await import('../audit/render.js');
  const facts = await collectFacts({
    aws: { ...(raw.profile ? { profile: raw.profile } : {}), ...(raw.region?.[0] ? { region: raw.region[0] } : {}) },
    regions: raw.region ?? [],
    trails: raw.trail ?? [],
  });
  const report = runChecks(facts, { minRetentionDays, engines: patternEngines });
  let skipped = false;
  if (plan) {
    const { patternsFromFacts, replay } = await import('../audit/replay.js');
    async function* events(): AsyncGenerator<CloudTrailEvent> {
      for await (const hit of plan!.scan({ recipe: plan!.flags })) yield hit.event;
    }
    report.replay = await replay(events(), patternsFromFacts(facts, patternEngines));
    skipped = plan.finish();
  }
  const writer = new OutputWriter(io.stdout);
  const text = raw.output === 'json' ? renderJson(report) : renderTable(report, { color: io.color, width: io.stdout.columns });
  await writer.write(text);
  await writer.end();
  return skipped ? 1 : exitCodeFor(report);
}

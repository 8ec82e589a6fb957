import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { UsageError } from '../errors.js';
import { writeReport } from '../output/writer.js';
import type { Register } from './register.js';
import { checkExit, type ExitCode } from './exit.js';
import type { CliIO } from './io.js';
import { collectList, outputFormatFrom, outputOption, type RawScanOptions } from './options.js';
import { requireRegionFlag } from '../source/regions.js';
import { addWideOption, fitFrom, TableNotes } from './table-fit.js';

interface RawAuditOptions {
  trail?: string[];
  region?: string[];
  minRetentionDays?: string;
  output?: string;
  profile?: string;
  endpointUrl?: string;
  replay?: string[];
  start?: string;
  end?: string;
  quiet?: boolean;
  wide?: boolean;
}

export const register: Register = (cmd, io, done) => {
  cmd
    .option('--trail <name|arn>', 'audit only this trail; repeat for several (default: every trail found)', collectList)
    .option('--region <region>', 'where to look for trails; repeat for several (default: the SDK region; trails of other regions are found through it)', collectList)
    .option('--min-retention-days <n>', 'shortest acceptable lifecycle expiry for log objects', '365')
    .addOption(outputOption(['table', 'json'], 'json'))
    .option('--profile <name>', 'AWS profile from the shared config files')
    .option('--endpoint-url <url>', 'endpoint of every service audit reads (and of --replay sources); AWS_ENDPOINT_URL_<SERVICE> wins for its service')
    .option('--replay <source...>', 'also run every metric filter and EventBridge rule found over this history (any source `events` takes)')
    .option('--start <time>', 'with --replay: events at or after this time (ISO 8601 or 90m, 6h, 7d ago)')
    .option('--end <time>', 'with --replay: events at or before this time')
    .option('-q, --quiet', 'with --replay: no progress line');
  addWideOption(cmd).action(async (raw: RawAuditOptions) => done(await runAuditCommand(io, raw)));
};

export async function runAuditCommand(io: CliIO, raw: RawAuditOptions): Promise<ExitCode> {
  const minRetentionDays = Number(raw.minRetentionDays ?? '365');
  if (!/^\d+$/.test(raw.minRetentionDays ?? '365') || !Number.isSafeInteger(minRetentionDays)) {
    throw new UsageError(`--min-retention-days: expected a whole number of days, got "${raw.minRetentionDays}"`);
  }
  for (const r of raw.region ?? []) requireRegionFlag(r);
  if ((raw.start || raw.end) && !raw.replay?.length) throw new UsageError('--start and --end apply to --replay');
  // Sources are resolved before any AWS call, so a mistyped source is a usage error that costs nothing.
  const { ScanPlan } = await import('./scan-plan.js');
  const scanRaw: RawScanOptions = { profile: raw.profile, endpointUrl: raw.endpointUrl, start: raw.start, end: raw.end, quiet: raw.quiet };
  const plan = raw.replay?.length ? new ScanPlan(io, scanRaw, raw.replay) : undefined;

  // Loaded on use: the AWS SDK costs half a second at start-up, which other commands should not pay.
  const { collectFacts } = await import('../audit/collect.js');
  const { runChecks } = await import('../audit/checks.js');
  const { patternEngines } = await import('../audit/engines.js');
  const { renderJson, renderTable } = await import('../output/audit.js');
  const facts = await collectFacts({
    aws: {
      ...(raw.profile ? { profile: raw.profile } : {}),
      ...(raw.region?.[0] ? { region: raw.region[0] } : {}),
      ...(raw.endpointUrl ? { endpointUrl: raw.endpointUrl } : {}),
    },
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
  const format = outputFormatFrom(raw.output, io.stdoutIsTTY, 'json');
  const notes = new TableNotes(io);
  await writeReport(io.stdout, format === 'json' ? renderJson(report) : renderTable(report, { color: io.color, ...fitFrom(io, raw), notes: notes.add }));
  notes.flush();
  // A failed check is definite; an undecided one (`unknown`: an API call refused or failed) or an
  // unreadable replay input leaves the audit incomplete.
  return checkExit(
    report.checks.some((c) => c.status === 'fail'),
    skipped || report.checks.some((c) => c.status === 'unknown'),
  );
}

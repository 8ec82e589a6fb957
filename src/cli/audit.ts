import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { OutputWriter } from '../output/writer.js';
import type { CliIO } from './io.js';

interface RawAuditOptions {
  trail?: string[];
  region?: string[];
  minRetentionDays?: string;
  output?: 'table' | 'json';
  profile?: string;
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
    .action(async (raw: RawAuditOptions) => {
      process.exitCode = await runAuditCommand(io, raw);
    });
}

export async function runAuditCommand(io: CliIO, raw: RawAuditOptions): Promise<number> {
  const minRetentionDays = Number(raw.minRetentionDays ?? '365');
  if (!Number.isInteger(minRetentionDays) || minRetentionDays < 0) {
    throw new UsageError(`--min-retention-days: expected a whole number of days, got "${raw.minRetentionDays}"`);
  }
  // Loaded on use: the AWS SDK costs half a second at start-up, which other commands should not pay.
  const { runAudit, exitCodeFor } = await import('../audit/audit.js');
  const { patternEngines } = await import('../audit/engines.js');
  const { renderJson, renderTable } = await import('../audit/render.js');
  const report = await runAudit({
    aws: { ...(raw.profile ? { profile: raw.profile } : {}), ...(raw.region?.[0] ? { region: raw.region[0] } : {}) },
    regions: raw.region ?? [],
    trails: raw.trail ?? [],
    minRetentionDays,
    engines: patternEngines,
  });
  const writer = new OutputWriter(io.stdout);
  const text = raw.output === 'json' ? renderJson(report) : renderTable(report, { color: io.color, width: io.stdout.columns });
  await writer.write(text);
  await writer.end();
  return exitCodeFor(report);
}

import type { Command } from 'commander';
import { renderTraceReport } from '../forensics/summary.js';
import { parseTraceTarget, traceCredentials, tracePart } from '../forensics/trace.js';
import { tracePushdown } from '../forensics/pushdown.js';
import type { CliIO } from './io.js';
import { addForensicsOptions, exitCode, forensicsScan, writeOut, type RawForensicsOptions } from './forensics-scan.js';

export function register(program: Command, io: CliIO): void {
  addForensicsOptions(
    program
      .command('trace')
      .description('the attribution chain alone: from an access key or session back to the principal behind it')
      .argument('<who>', 'access key id (AKIA…/ASIA…) or principal ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, federated-user, IAM user)')
      .argument('[source...]', 'files, folders, globs, - (stdin), s3://bucket[/prefix], history:REGION, logs:GROUP'),
  ).action(async (who: string, sources: string[], raw: RawForensicsOptions) => {
    process.exitCode = await runTrace(io, who, sources, raw);
  });
}

export async function runTrace(io: CliIO, who: string, sourceArgs: string[], raw: RawForensicsOptions): Promise<number> {
  const target = parseTraceTarget(who);
  const scan = forensicsScan(io, sourceArgs, raw);
  const report = await traceCredentials(target, scan.main(tracePart.recipe(target), tracePushdown(target)), { accept: scan.accept, lookBackMs: scan.lookBackMs, ...(scan.evidence ? { evidence: scan.evidence } : {}) }, scan.identity());
  scan.plan.stopProgress();
  const format = raw.output ?? (io.stdoutIsTTY ? 'table' : 'ndjson');
  if (format === 'table') await writeOut(io, renderTraceReport(who, report));
  else if (format === 'json') await writeOut(io, JSON.stringify(report.results, null, 2) + '\n');
  else await writeOut(io, report.results.map((r) => JSON.stringify(r) + '\n').join(''));
  return exitCode(report.results.length > 0, scan.plan);
}

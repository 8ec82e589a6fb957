import type { Command } from 'commander';
import { findDeletionPart, findDeletions } from '../forensics/find-deletion.js';
import { parseResourceQuery } from '../forensics/resource.js';
import { deletionPushdown } from '../forensics/pushdown.js';
import { renderDeletionReport } from '../forensics/summary.js';
import type { CliIO } from './io.js';
import { addForensicsOptions, exitCode, forensicsScan, writeOut, type RawForensicsOptions } from './forensics-scan.js';

interface RawFindDeletionOptions extends RawForensicsOptions {
  type?: string;
}

export function register(program: Command, io: CliIO): void {
  addForensicsOptions(
    program
      .command('find-deletion')
      .description('who deleted a resource: every deletion and failed attempt, and the chain from the acting session back to the person')
      .argument('<resource>', 'ARN, name or id: bucket, table, instance id, role, function, stack, DB id, KMS key id or alias, secret, log group, trail, …')
      .argument('[source...]', 'files, folders, globs, - (stdin), s3://bucket[/prefix], history:REGION, logs:GROUP')
      .option('--type <type>', 'kind of resource when a name is ambiguous, e.g. dynamodb:table, s3:bucket, iam:role (or a service: dynamodb)'),
  ).action(async (resource: string, sources: string[], raw: RawFindDeletionOptions) => {
    process.exitCode = await runFindDeletion(io, resource, sources, raw);
  });
}

export async function runFindDeletion(io: CliIO, resource: string, sourceArgs: string[], raw: RawFindDeletionOptions): Promise<number> {
  const query = parseResourceQuery(resource, raw.type);
  const scan = forensicsScan(io, sourceArgs, raw);
  const report = await findDeletions(query, scan.main(findDeletionPart.recipe(query), deletionPushdown(query)), { accept: scan.accept, lookBackMs: scan.lookBackMs, ...(scan.evidence ? { evidence: scan.evidence } : {}) }, scan.identity());
  scan.plan.stopProgress();
  const format = raw.output ?? (io.stdoutIsTTY ? 'table' : 'ndjson');
  if (format === 'table') await writeOut(io, renderDeletionReport(resource, report));
  else if (format === 'json') await writeOut(io, JSON.stringify(report.results, null, 2) + '\n');
  else await writeOut(io, report.results.map((r) => JSON.stringify(r) + '\n').join(''));
  return exitCode(report.results.length > 0, scan.plan);
}

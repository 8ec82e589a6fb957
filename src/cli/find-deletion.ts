import { findDeletionPart, findDeletions } from '../forensics/find-deletion.js';
import { parseResourceQuery } from '../forensics/resource.js';
import { deletionPushdown } from '../forensics/pushdown.js';
import { renderDeletionReport } from '../output/deletion.js';
import type { Register } from './register.js';
import type { CliIO } from './io.js';
import type { ExitCode } from './exit.js';
import { SOURCES_HELP } from './options.js';
import { finishReport } from './report.js';
import { addWideOption, fitFrom, TableNotes } from './table-fit.js';
import { forensicNarrowFor } from './athena-engine.js';
import type { RawEngineOptions } from './engine-options.js';
import { addForensicsOptions, forensicsScan, type RawForensicsOptions } from './forensics-scan.js';

interface RawFindDeletionOptions extends RawForensicsOptions, RawEngineOptions {
  type?: string;
  wide?: boolean;
}

export const register: Register = (cmd, io, done) => {
  addWideOption(addForensicsOptions(
    cmd
      .argument('<resource>', 'ARN, name or id: bucket, table, instance id, role, function, stack, DB id, KMS key id or alias, secret, log group, trail, …')
      .argument('[source...]', SOURCES_HELP)
      .option('--type <type>', 'kind of resource when a name is ambiguous, e.g. dynamodb:table, s3:bucket, iam:role (or a service: dynamodb)'),
    'the answer, a table and the chains',
  )).action(async (resource: string, sources: string[], raw: RawFindDeletionOptions) => done(await runFindDeletion(io, resource, sources, raw)));
};

export async function runFindDeletion(io: CliIO, resource: string, sourceArgs: string[], raw: RawFindDeletionOptions): Promise<ExitCode> {
  const query = parseResourceQuery(resource, raw.type);
  const scan = forensicsScan(io, sourceArgs, raw, forensicNarrowFor(io, raw, sourceArgs, 'find-deletion', resource, raw.type));
  const report = await findDeletions(query, scan.main(findDeletionPart.recipe(query), deletionPushdown(query)), { accept: scan.accept, lookBackMs: scan.lookBackMs, ...(scan.evidence ? { evidence: scan.evidence } : {}) }, scan.identity());
  const notes = new TableNotes(io);
  // Related calls alone (a role's policies removed, the role still there) are not a deletion found.
  const code = await finishReport(io, raw.output, scan.plan, report.results.some((r) => r.match !== 'related'), {
    table: () => renderDeletionReport(resource, report, fitFrom(io, raw), notes.add),
    json: () => report.results,
    rows: () => report.results,
  });
  notes.flush();
  return code;
}

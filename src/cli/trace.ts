import { renderTraceReport } from '../output/deletion.js';
import { parseTraceTarget, traceCredentials, tracePart } from '../forensics/trace.js';
import { tracePushdown } from '../forensics/pushdown.js';
import type { Register } from './register.js';
import type { CliIO } from './io.js';
import type { ExitCode } from './exit.js';
import { SOURCES_HELP } from './options.js';
import { finishReport } from './report.js';
import { forensicNarrowFor } from './athena-engine.js';
import type { RawEngineOptions } from './engine-options.js';
import { addForensicsOptions, forensicsScan, type RawForensicsOptions } from './forensics-scan.js';

export const register: Register = (cmd, io, done) => {
  addForensicsOptions(
    cmd
      .argument('<who>', 'access key id (AKIA…/ASIA…) or principal ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, federated-user, IAM user)')
      .argument('[source...]', SOURCES_HELP),
    'the answer and each credential\'s chain',
  ).action(async (who: string, sources: string[], raw: RawForensicsOptions & RawEngineOptions) => done(await runTrace(io, who, sources, raw)));
};

export async function runTrace(io: CliIO, who: string, sourceArgs: string[], raw: RawForensicsOptions & RawEngineOptions): Promise<ExitCode> {
  const target = parseTraceTarget(who);
  const scan = forensicsScan(io, sourceArgs, raw, forensicNarrowFor(io, raw, sourceArgs, 'trace', who));
  const report = await traceCredentials(target, scan.main(tracePart.recipe(target), tracePushdown(target)), { accept: scan.accept, lookBackMs: scan.lookBackMs, ...(scan.evidence ? { evidence: scan.evidence } : {}) }, scan.identity());
  return finishReport(io, raw.output, scan.plan, report.results.length > 0, {
    table: () => renderTraceReport(who, report),
    json: () => report.results,
    rows: () => report.results,
  });
}

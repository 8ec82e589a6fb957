import { writeReport } from '../output/writer.js';
import { searchExit, type ExitCode } from './exit.js';
import type { CliIO } from './io.js';
import { outputFormatFrom } from './options.js';
import type { ScanPlan } from './scan-plan.js';

/** The three views of a forensics report (find-deletion, trace, activity): `-o table`, `-o json`, `-o ndjson`. */
export interface ReportViews {
  table(): string;
  json(): unknown;
  rows(): readonly unknown[];
}

/** Prints the report in the asked format (table on a terminal, NDJSON into a pipe) and returns its exit code. */
export async function finishReport(io: CliIO, output: string | undefined, plan: ScanPlan, found: boolean, views: ReportViews): Promise<ExitCode> {
  plan.stopProgress();
  const format = outputFormatFrom<'ndjson' | 'json'>(output, io.stdoutIsTTY, 'ndjson');
  const text = format === 'table' ? views.table() : format === 'json' ? JSON.stringify(views.json(), null, 2) + '\n' : views.rows().map((r) => JSON.stringify(r) + '\n').join('');
  await writeReport(io.stdout, text);
  return searchExit(found, plan.finish());
}

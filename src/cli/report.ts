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
  /** `-o timesketch`, where the command has it: the lines, and the stderr line for events left out. */
  timeline?(): { text: string; leftOut: string | undefined };
}

/** Prints the report in the asked format (table on a terminal, NDJSON into a pipe) and returns its exit code. */
export async function finishReport(io: CliIO, output: string | undefined, plan: ScanPlan, found: boolean, views: ReportViews): Promise<ExitCode> {
  plan.stopProgress();
  const format = outputFormatFrom<'ndjson' | 'json' | 'timesketch'>(output, io.stdoutIsTTY, 'ndjson');
  if (format === 'timesketch' && views.timeline) {
    const { text, leftOut } = views.timeline();
    await writeReport(io.stdout, text);
    if (leftOut) io.stderr.write(leftOut);
    return searchExit(found, plan.finish() || leftOut !== undefined);
  }
  const text = format === 'table' ? views.table() : format === 'json' ? JSON.stringify(views.json(), null, 2) + '\n' : views.rows().map((r) => JSON.stringify(r) + '\n').join('');
  await writeReport(io.stdout, text);
  return searchExit(found, plan.finish());
}

import type { Writable } from 'node:stream';
import { OutputWriter, writeReport } from '../output/writer.js';
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
  if (format === 'ndjson') await writeRows(io.stdout, views.rows());
  else await writeReport(io.stdout, format === 'table' ? views.table() : JSON.stringify(views.json(), null, 2) + '\n');
  return searchExit(found, plan.finish());
}

/**
 * NDJSON a row at a time, waiting for the reader: activity's rows carry whole events (12 MB for a 5,600-event
 * closure), and the text built whole before writing was the largest thing the process ever held.
 */
async function writeRows(out: Writable, rows: readonly unknown[]): Promise<void> {
  const writer = new OutputWriter(out);
  for (const r of rows) {
    if (writer.closed) break;
    const wait = writer.write(JSON.stringify(r) + '\n');
    if (wait) await wait;
  }
  await writer.end();
}

import { createPrinter, type OutputFormat, type PrintedEvent } from '../output/events/printers.js';
import { parseFields } from '../output/events/fields.js';
import { OutputWriter } from '../output/writer.js';
import { addScanOptions, outputFormatFrom, SOURCES_HELP, type RawScanOptions } from './options.js';
import { ScanPlan } from './scan-plan.js';
import { recipeOf } from '../filter/recipe.js';
import { addRuleOptions, ruleRecipeFrom, type RawRuleOptions } from './rule-options.js';
import type { Register } from './register.js';
import type { CliIO } from './io.js';
import { eventTimeMs } from '../cloudtrail/time.js';
import { EXIT, searchExit, type ExitCode } from './exit.js';
import { addWideOption, fitFrom, TableNotes } from './table-fit.js';
import { scanSourcesFor } from './athena-engine.js';
import { addEngineOptions, type RawEngineOptions } from './engine-options.js';

export const register: Register = (cmd, io, done) => {
  addWideOption(addEngineOptions(addRuleOptions(addScanOptions(cmd.argument('[source...]', SOURCES_HELP))))).action(async (sources: string[], raw: RawScanOptions & RawRuleOptions & RawEngineOptions) =>
    done(await runEvents(io, sources, raw)),
  );
};

export async function runEvents(io: CliIO, sourceArgs: string[], raw: RawScanOptions & RawRuleOptions & RawEngineOptions & { wide?: boolean }): Promise<ExitCode> {
  const rules = ruleRecipeFrom(raw);
  const plan = new ScanPlan(io, raw, sourceArgs);
  const format = outputFormatFrom<OutputFormat>(raw.output, io.stdoutIsTTY, 'ndjson');
  const writer = new OutputWriter(io.stdout, () => plan.controller.abort());
  const notes = new TableNotes(io);
  const printerOpts = { ...(raw.fields ? { fields: parseFields(raw.fields) } : {}), color: io.color, fit: fitFrom(io, raw), notes: notes.add };
  const printer = createPrinter(format, writer, printerOpts);
  const sorted: PrintedEvent[] | undefined = raw.sort === 'time' ? [] : undefined;
  let found = false;
  try {
    const sources = await scanSourcesFor(io, raw, sourceArgs, plan.spec);
    scan: for await (const batch of plan.scanBatches({ recipe: recipeOf(plan.flags, rules), ...sources })) {
      for (const hit of batch) {
        if (writer.closed) break scan;
        found = true;
        if (sorted) {
          sorted.push(hit);
          continue;
        }
        const wait = printer.print(hit);
        if (wait) await wait;
      }
    }
    if (sorted) {
      // By instant, not text (a Lake time and an ISO time of one second differ as text); a stable sort keeps
      // input order among events of the same instant, and events without a readable time go last.
      const at = new Map(sorted.map((h) => [h, eventTimeMs(h.event.eventTime) ?? Infinity]));
      sorted.sort((a, b) => at.get(a)! - at.get(b)! || 0);
      for (const hit of sorted) {
        if (writer.closed) break;
        const wait = printer.print(hit);
        if (wait) await wait;
      }
    }
    plan.stopProgress();
    await printer.end();
  } finally {
    plan.stopProgress();
  }
  if (writer.closed) return EXIT.OK; // the reader went away (`| head`): it took what it wanted
  notes.flush();
  const leftOut = printer.leftOut?.();
  if (leftOut) io.stderr.write(leftOut);
  return searchExit(found, plan.finish() || leftOut !== undefined);
}

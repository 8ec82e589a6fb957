import { createPrinter, type OutputFormat, type PrintedEvent } from '../output/events/printers.js';
import { parseFields } from '../output/events/fields.js';
import { OutputWriter } from '../output/writer.js';
import { addScanOptions, outputFormatFrom, SOURCES_HELP, type RawScanOptions } from './options.js';
import { ScanSession } from './scan-session.js';
import { addRuleOptions, ruleMatcherFrom, type RawRuleOptions } from './rule-options.js';
import type { Register } from './register.js';
import type { CliIO } from './io.js';
import { EXIT, searchExit, type ExitCode } from './exit.js';

export const register: Register = (cmd, io, done) => {
  addRuleOptions(addScanOptions(cmd.argument('[source...]', SOURCES_HELP))).action(async (sources: string[], raw: RawScanOptions & RawRuleOptions) =>
    done(await runEvents(io, sources, raw)),
  );
};

export async function runEvents(io: CliIO, sourceArgs: string[], raw: RawScanOptions & RawRuleOptions): Promise<ExitCode> {
  const extra = ruleMatcherFrom(raw);
  const session = new ScanSession(io, raw, sourceArgs);
  const format = outputFormatFrom<OutputFormat>(raw.output, io.stdoutIsTTY, 'ndjson');
  const writer = new OutputWriter(io.stdout, () => session.controller.abort());
  const printerOpts = raw.fields ? { fields: parseFields(raw.fields), color: io.color } : { color: io.color };
  const printer = createPrinter(format, writer, printerOpts);
  const sorted: PrintedEvent[] | undefined = raw.sort === 'time' ? [] : undefined;
  let found = false;
  try {
    scan: for await (const batch of session.scanBatches(extra ? { extra, extraRecipe: extra.recipe } : {})) {
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
      // A stable sort keeps input order among events of the same second.
      sorted.sort((a, b) => (a.event.eventTime < b.event.eventTime ? -1 : a.event.eventTime > b.event.eventTime ? 1 : 0));
      for (const hit of sorted) {
        if (writer.closed) break;
        const wait = printer.print(hit);
        if (wait) await wait;
      }
    }
    session.stopProgress();
    await printer.end();
  } finally {
    session.stopProgress();
  }
  if (writer.closed) return EXIT.OK; // the reader went away (`| head`): it took what it wanted
  return searchExit(found, session.finish());
}

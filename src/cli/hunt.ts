import { UsageError, describeError } from '../errors.js';
import type { SigmaSource } from '../filter/dialects/sigma.js';
import { HuntTable, huntTimelineLine, ruleInfo } from '../output/hunt.js';
import { TimelineSkips } from '../output/timesketch.js';
import { neutralize } from '../output/sanitize.js';
import { OutputWriter } from '../output/writer.js';
import { addAwsOptions, addFilterOptions, addRunOptions, addWindowOptions, collectEach, outputFormatFrom, outputOption, SOURCES_HELP, type RawScanOptions } from './options.js';
import { ScanPlan } from './scan-plan.js';
import type { Register } from './register.js';
import type { CliIO } from './io.js';
import { EXIT, searchExit, type ExitCode } from './exit.js';
import { readSigmaSources } from './rule-options.js';
import { addWideOption, fitFrom } from './table-fit.js';

interface RawHuntOptions extends RawScanOptions {
  rules: string[];
  wide?: boolean;
}

type HuntFormat = 'table' | 'ndjson' | 'timesketch';

export const register: Register = (cmd, io, done) => {
  cmd
    .argument('[source...]', SOURCES_HELP)
    .requiredOption('--rules <dir|file>', 'Sigma rule file or folder (searched recursively for .yml/.yaml); repeatable', collectEach);
  addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd))));
  addWideOption(cmd.addOption(outputOption(['table', 'ndjson', 'timesketch'], 'ndjson'))).action(async (sources: string[], raw: RawHuntOptions) => done(await runHunt(io, sources, raw)));
};

export async function runHunt(io: CliIO, sourceArgs: string[], raw: RawHuntOptions): Promise<ExitCode> {
  // Loaded here, not at start-up: the YAML parser is the CLI's largest module and only hunt needs it.
  const { firingRules, loadSigmaSources } = await import('../filter/dialects/sigma.js');
  const sources: SigmaSource[] = [];
  for (const path of raw.rules) {
    try {
      sources.push(...(await readSigmaSources(path)));
    } catch (err) {
      throw new UsageError(`--rules ${path}: ${describeError(err)}`);
    }
  }
  // The same parse the scan's recipe compiles to on this thread (remembered by the array): rules are read once.
  const { rules, skipped } = loadSigmaSources(sources);
  for (const s of skipped) {
    io.stderr.write(`ctrail: rule ${neutralize(s.file)}${s.title ? ` (${neutralize(s.title)})` : ''} skipped: ${neutralize(s.reason)}\n`);
  }
  if (rules.length === 0) throw new UsageError(`--rules ${raw.rules.join(', ')}: no runnable Sigma rules for product aws / service cloudtrail`);
  const plan = new ScanPlan(io, raw, sourceArgs);
  const format = outputFormatFrom<HuntFormat>(raw.output, io.stdoutIsTTY, 'ndjson');
  const writer = new OutputWriter(io.stdout, () => plan.controller.abort());
  const table = format === 'table' ? new HuntTable(io.color, fitFrom(io, raw)) : undefined;
  const skips = new TimelineSkips();
  let hits = 0;
  try {
    for await (const hit of plan.scan({ recipe: { ...plan.flags, sigma: sources } })) {
      if (writer.closed) break;
      for (const rule of firingRules(rules, hit.event)) {
        hits++;
        if (format === 'ndjson') {
          await writer.write(JSON.stringify({ rule: ruleInfo(rule), source: hit.source, event: hit.event }) + '\n');
        } else if (format === 'timesketch') {
          const line = huntTimelineLine(rule, hit.event, hit.source);
          if (line === undefined) skips.add(hit.event);
          else await writer.write(line);
        } else table!.add(rule, hit.event);
      }
    }
  } finally {
    plan.stopProgress();
  }
  if (table) {
    for (const page of table.pages()) {
      if (writer.closed) break;
      await writer.write(page);
    }
  }
  await writer.end();
  const note = table?.note();
  if (note && !writer.closed) io.stderr.write(note);
  if (writer.closed) return EXIT.OK;
  const leftOut = skips.line();
  if (leftOut) io.stderr.write(leftOut);
  if (!raw.quiet) io.stderr.write(`ctrail: ${hits} hit${hits === 1 ? '' : 's'} from ${rules.length} Sigma rule${rules.length === 1 ? '' : 's'} (Detection Rule License 1.1; authors as listed)\n`);
  return searchExit(hits > 0, plan.finish() || leftOut !== undefined);
}

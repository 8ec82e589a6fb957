import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { UsageError, describeError } from '../errors.js';
import type { SigmaRule, SigmaSource } from '../filter/dialects/sigma.js';
import { principalLabel } from '../cloudtrail/principal.js';
import { eventNameOf, eventSourceOf } from '../cloudtrail/event.js';
import { neutralize } from '../output/sanitize.js';
import { OutputWriter } from '../output/writer.js';
import { addAwsOptions, addFilterOptions, addRunOptions, addWindowOptions, type RawScanOptions } from './options.js';
import { ScanPlan } from './scan-plan.js';
import type { CliIO } from './io.js';
import { EXIT } from './exit.js';
import { serviceOf } from '../cloudtrail/arn.js';

interface RawHuntOptions extends RawScanOptions {
  rules: string[];
}

type HuntFormat = 'table' | 'ndjson';

const collectRaw = (value: string, previous: string[] = []) => previous.concat(value);

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('hunt')
    .description('run SigmaHQ rules for AWS CloudTrail over the sources; each hit names the rule, its level, id and author')
    .argument('[source...]', 'files, folders, globs, - (stdin), s3://bucket[/prefix], history:REGION, logs:GROUP')
    .requiredOption('--rules <dir|file>', 'Sigma rule file or folder (searched recursively for .yml/.yaml); repeatable', collectRaw);
  addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd))));
  cmd
    .addOption(new Option('-o, --output <format>', 'table or ndjson (default: table on a terminal, ndjson otherwise)').choices(['table', 'ndjson']))
    .action(async (sources: string[], raw: RawHuntOptions) => {
      process.exitCode = await runHunt(io, sources, raw);
    });
}

function ruleInfo(r: SigmaRule): Record<string, unknown> {
  return {
    title: r.title,
    ...(r.id ? { id: r.id } : {}),
    ...(r.level ? { level: r.level } : {}),
    ...(r.status ? { status: r.status } : {}),
    ...(r.author ? { author: r.author } : {}),
    file: r.file,
    ...(r.references.length ? { references: r.references } : {}),
    license: 'DRL-1.1',
  };
}

export async function runHunt(io: CliIO, sourceArgs: string[], raw: RawHuntOptions): Promise<number> {
  // Loaded here, not at start-up: the YAML parser is the CLI's largest module and only hunt needs it.
  const { firingRules, loadSigmaSources, readSigmaSources } = await import('../filter/dialects/sigma.js');
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
  const format: HuntFormat = (raw.output as HuntFormat | undefined) ?? (io.stdoutIsTTY ? 'table' : 'ndjson');
  const writer = new OutputWriter(io.stdout, () => plan.controller.abort());
  const head = ['time', 'level', 'rule', 'rule id', 'author', 'event', 'principal', 'source IP'];
  let table = format === 'table' ? newTable(head, io.color) : undefined;
  let rows = 0;
  let hits = 0;
  try {
    for await (const hit of plan.scan({ recipe: { ...plan.flags, sigma: sources } })) {
      if (writer.closed) break;
      for (const rule of firingRules(rules, hit.event)) {
        hits++;
        if (format === 'ndjson') {
          await writer.write(JSON.stringify({ rule: ruleInfo(rule), source: hit.source, event: hit.event }) + '\n');
        } else {
          const e = hit.event;
          table!.push(
            [e.eventTime, rule.level ?? '-', rule.title, rule.id ?? '-', rule.author ?? '-', `${serviceOf(eventSourceOf(e))}:${eventNameOf(e)}`, principalLabel(e), e.sourceIPAddress ?? ''].map(neutralize),
          );
          // Pages keep memory bounded and let a long hunt start printing early.
          if (++rows >= 500) {
            await writer.write(table!.toString() + '\n');
            table = newTable(head, io.color);
            rows = 0;
          }
        }
      }
    }
  } finally {
    plan.stopProgress();
  }
  if (table && rows > 0) await writer.write(table.toString() + '\n');
  await writer.end();
  if (writer.closed) return EXIT.OK;
  if (!raw.quiet) io.stderr.write(`ctrail: ${hits} hit${hits === 1 ? '' : 's'} from ${rules.length} Sigma rule${rules.length === 1 ? '' : 's'} (Detection Rule License 1.1; authors as listed)\n`);
  return plan.finish() ? EXIT.SKIPPED : EXIT.OK;
}

function newTable(head: string[], color: boolean): Table.Table {
  return new Table({ head, style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] } });
}

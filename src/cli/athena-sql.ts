import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { neutralize } from '../output/sanitize.js';
import { writeReport } from '../output/writer.js';
import { unexpressedFlags } from '../athena/passes.js';
import type { ProgramContext } from './register.js';
import { ATHENA_COMMANDS, plannedPasses, type AthenaCommand } from './athena-commands.js';
import { engineSettingsFrom } from './athena-engine.js';
import type { RawEngineOptions } from './engine-options.js';
import { parseLookBack } from './forensics-scan.js';
import { filterSpecFrom, type RawScanOptions } from './options.js';
import type { CliIO } from './io.js';
import { EXIT, type ExitCode } from './exit.js';

/**
 * `ctrail athena sql COMMAND [args]`: the SQL `--engine athena` would run for the same command line, each
 * pass labelled, without running anything. The command's own options are parsed by the command's own
 * definition, so every flag means here what it means there.
 */
export function registerSql(athena: Command, io: CliIO, done: (code: ExitCode) => void, program: ProgramContext): void {
  athena
    .command('sql')
    .description(`print the SQL that --engine athena would run: ctrail athena sql COMMAND [args] (${ATHENA_COMMANDS.join(', ')})`)
    .argument('<command>', ATHENA_COMMANDS.join(', '))
    .argument('[args...]', "the command's arguments and options, as you would give them")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (command: string, args: string[]) => done(await printSql(io, program, command, args)));
}

interface Parsed {
  positional: string[];
  raw: RawScanOptions & RawEngineOptions & { lookBack?: string; type?: string };
}

async function parseAs(io: CliIO, program: ProgramContext, command: AthenaCommand, args: string[]): Promise<Parsed> {
  const sub = new Command(command).exitOverride().configureOutput({ writeErr: (s) => io.stderr.write(s), writeOut: (s) => io.stdout.write(s), outputError: (s, write) => write('ctrail: ' + s.replace(/^error: /, '')) });
  const register = await program.registerOf(command);
  if (!register) throw new UsageError(`athena sql ${command}: not a command`);
  register(sub, io, () => undefined, program);
  let parsed: Parsed | undefined;
  sub.action((...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    parsed = { positional: cmd.processedArgs.flatMap((v: unknown) => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [])), raw: cmd.opts() };
  });
  await sub.parseAsync(args, { from: 'user' });
  if (!parsed) throw new UsageError(`athena sql ${command}: nothing to print`);
  return parsed;
}

export async function printSql(io: CliIO, program: ProgramContext, command: string, args: string[]): Promise<ExitCode> {
  if (command === '--help' || command === '-h') {
    await writeReport(io.stdout, `Usage: ctrail athena sql COMMAND [args...]\n\nPrints the SQL that COMMAND --engine athena would run, each pass labelled, without running it.\nCOMMAND: ${ATHENA_COMMANDS.join(', ')}; its arguments and options as you would give them (docs/athena.md).\n`);
    return EXIT.OK;
  }
  if (!(ATHENA_COMMANDS as readonly string[]).includes(command)) throw new UsageError(`athena sql ${command}: expected one of ${ATHENA_COMMANDS.join(', ')}`);
  const cmd = command as AthenaCommand;
  const { positional, raw } = await parseAs(io, program, cmd, args);
  if (raw.category?.includes('insight')) throw new UsageError('athena sql: --category insight: Insights events are not in the CloudTrail table');
  const spec = filterSpecFrom(raw);
  const settings = engineSettingsFrom(raw);
  const subject = cmd === 'events' || cmd === 'count' ? undefined : positional[0];
  const passes = plannedPasses(cmd, subject, raw.type, spec, parseLookBack(raw.lookBack), { table: settings.table });
  const loose = unexpressedFlags(spec);
  const lines: string[] = [];
  if (loose.length) lines.push(`-- narrows nothing in SQL (ctrail applies it to the records it reads): ${loose.join(', ')}`);
  for (const p of passes) lines.push(`-- ${p.label}`, `${p.sql};`, '');
  // The SQL carries the user's own values: escaped for a terminal, byte for byte into a file or pipe.
  const text = lines.map((l) => (io.stdoutIsTTY ? neutralize(l) : l)).join('\n');
  await writeReport(io.stdout, text.endsWith('\n') ? text : text + '\n');
  return EXIT.OK;
}

import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { CtrailError, describeError } from '../errors.js';
import { neutralize } from '../output/sanitize.js';
import { COMMANDS } from './commands.js';
import { processIO, type CliIO } from './io.js';
import type { ProgramContext } from './register.js';
import { EXIT, errorExit, type ExitCode } from './exit.js';
import { applyColor, COLOR_CHOICES, colorWanted, type ColorWhen } from './color.js';
import { commandNamed, hoistGlobalOptions, onlyGlobalOptions } from './global-options.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

interface ProgramOptions {
  color?: ColorWhen;
  debug?: boolean;
}

/** Which commands get their real options and action; the rest are light stubs from commands.ts. */
export type LoadChoice = { kind: 'named'; name: string | undefined } | { kind: 'all' };

/** The `help` footer of one command: its examples, as a reader would type them. */
export function examplesHelp(examples: readonly string[]): string {
  return examples.length ? `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}` : '';
}

/**
 * The one place the commander tree is built: for a run (only the named command loads its code), and whole
 * for `completion` and the man page (scripts/gen-man.ts), so all three read the same options and help.
 */
export async function buildProgram(io: CliIO, load: LoadChoice, done: (c: ExitCode) => void = () => {}): Promise<Command> {
  const program = new Command('ctrail');
  program
    .description('Fast, exact AWS CloudTrail log forensics')
    .version(version())
    .addOption(new Option('--color <when>', 'colour in tables: auto (a terminal, unless NO_COLOR), always, never; FORCE_COLOR=1 as always').choices(COLOR_CHOICES))
    .option('--debug', 'one stderr line per AWS call (service, operation, status, attempts), and the stack of an internal error')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      '\n--profile, --region, --endpoint-url and -o/--output may also come before the command, as with the AWS CLI.\n' +
        examplesHelp(['ctrail events fixtures/demo --event-name "Delete*"', 'ctrail --profile prod find-deletion my-bucket s3://org-trail/AWSLogs/', 'ctrail help events']),
    )
    .exitOverride()
    .configureOutput({
      writeErr: (s) => io.stderr.write(s),
      writeOut: (s) => io.stdout.write(s),
      outputError: (s, write) => write('ctrail: ' + s.replace(/^error: /, '')),
    });
  const context: ProgramContext = {
    registerOf: async (name) => (Object.hasOwn(COMMANDS, name) ? (await COMMANDS[name]!.load()).register : undefined),
    wholeTree: () => buildProgram(io, { kind: 'all' }),
  };
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const cmd = program.command(name).description(entry.summary).exitOverride();
    if (load.kind === 'all' || name === load.name) {
      (await entry.load()).register(cmd, io, done, context);
    } else {
      // A stub lists the command as its real self would ("events [options] [source...]") and never runs.
      if (entry.args) cmd.arguments(entry.args);
      cmd.addOption(new Option('--options').hideHelp());
    }
    cmd.addHelpText('after', examplesHelp(entry.examples ?? []));
  }
  return program;
}

/**
 * The CLI edge: the only place that turns errors into messages and sets the exit code (commands return
 * theirs; cli/exit.ts holds the table). Every failure becomes one line on stderr; a stack trace is printed
 * only with --debug.
 */
export async function main(rawArgv: string[], io: CliIO = processIO()): Promise<void> {
  let code: ExitCode = EXIT.OK;
  // Only the command named (`ctrail X …` or `ctrail help X`) loads its code: --help, --version and a
  // misspelt name list the others from the light table in commands.ts.
  const named = commandNamed(rawArgv);
  // `ctrail --profile p` and nothing after: commander would call --profile unknown (the program level does
  // not define it), which is not the mistake.
  if (onlyGlobalOptions(rawArgv)) {
    io.stderr.write(`ctrail: ${neutralize(rawArgv.slice(2).join(' '))}: a command must follow (run with --help for usage)\n`);
    process.exitCode = EXIT.USAGE;
    return;
  }
  const loadedCommand = named !== undefined && Object.hasOwn(COMMANDS, named);
  const program = await buildProgram(io, { kind: 'named', name: named }, (c) => {
    code = c;
  });
  // `ctrail --profile p events …` as the AWS CLI takes it: the command (or subcommand) parses its own options.
  const argv = hoistGlobalOptions(rawArgv, (path) => subcommandsOf(program, path));

  program.hook('preAction', async (_program, action) => {
    const opts = program.opts<ProgramOptions>();
    applyColor(io, colorWanted(opts.color, process.env, io.stdoutIsTTY));
    if (opts.debug) {
      const { setAwsCallLog } = await import('../source/aws.js');
      setAwsCallLog((c) => {
        const status = c.status === undefined ? 'no answer' : String(c.status);
        const attempts = c.attempts === undefined ? '' : `, ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`;
        io.stderr.write(`ctrail: debug: ${neutralize(c.service)} ${neutralize(c.operation)}: ${status}${c.error ? ` ${neutralize(c.error)}` : ''}${attempts}\n`);
      });
    }
    const { resolveAwsRegion } = await import('./aws-region.js');
    await resolveAwsRegion(action, io);
  });
  try {
    await program.parseAsync(argv);
    process.exitCode = code;
  } catch (err) {
    process.exitCode = exitCodeFor(err, io, Boolean(program.opts<ProgramOptions>().debug));
  } finally {
    // Scans close their workers however they end; any pool still open is closed here, and its threads are
    // waited for: a thread left for the process exit to tear down could crash Node on the way out.
    // Loaded only after a command ran, so --help and --version stay free of command code.
    if (loadedCommand) await (await import('../workers/pool.js')).closeWorkerPools();
  }
}

/** The names of the subcommands under a command path, from the tree built for this run. */
function subcommandsOf(program: Command, path: readonly string[]): string[] {
  let cmd: Command | undefined = program;
  for (const name of path) cmd = cmd?.commands.find((c) => c.name() === name || c.aliases().includes(name));
  return cmd ? cmd.commands.flatMap((c) => [c.name(), ...c.aliases()]) : [];
}

export function exitCodeFor(err: unknown, io: Pick<CliIO, 'stderr'>, debug: boolean): ExitCode {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    return EXIT.USAGE; // commander has already printed the message
  }
  // Messages carry names from the evidence and text from services (an S3 key, an error body): the last
  // gate before the terminal. A stack keeps its lines.
  if (err instanceof CtrailError) io.stderr.write(`ctrail: ${neutralize(err.message)}\n`);
  else {
    io.stderr.write(`ctrail: internal error: ${neutralize(describeError(err))} (run with --debug for details, and please report it)\n`);
    if ((debug || process.env.CTRAIL_DEBUG) && err instanceof Error && err.stack) io.stderr.write(err.stack.split('\n').map(neutralize).join('\n') + '\n');
  }
  return errorExit(err);
}

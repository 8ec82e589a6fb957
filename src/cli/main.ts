import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { CtrailError, describeError } from '../errors.js';
import { COMMANDS } from './commands.js';
import { processIO, type CliIO } from './io.js';
import { EXIT, errorExit, type ExitCode } from './exit.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The CLI edge: the only place that turns errors into messages and sets the exit code (commands return
 * theirs; cli/exit.ts holds the table). Every failure becomes one line on stderr; a stack trace is printed
 * only with CTRAIL_DEBUG=1.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<void> {
  const program = new Command('ctrail');
  program
    .description('Fast, exact AWS CloudTrail log forensics')
    .version(version())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => io.stderr.write(s),
      writeOut: (s) => io.stdout.write(s),
      outputError: (s, write) => write('ctrail: ' + s.replace(/^error: /, '')),
    });
  let code: ExitCode = EXIT.OK;
  const done = (c: ExitCode): void => {
    code = c;
  };
  // Only the command named (`ctrail X …` or `ctrail help X`) loads its code: --help, --version and a
  // misspelt name list the others from the light table in commands.ts.
  const named = argv[2] === 'help' ? argv[3] : argv[2];
  let loadedCommand = false;
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const cmd = program.command(name).description(entry.summary).exitOverride();
    if (name === named) {
      loadedCommand = true;
      (await entry.load()).register(cmd, io, done);
    } else {
      // A stub lists the command as its real self would ("events [options] [source...]") and never runs.
      if (entry.args) cmd.arguments(entry.args);
      cmd.addOption(new Option('--options').hideHelp());
    }
  }

  try {
    await program.parseAsync(argv);
    process.exitCode = code;
  } catch (err) {
    process.exitCode = exitCodeFor(err, io);
  } finally {
    // Scans close their workers however they end; any pool still open is closed here, and its threads are
    // waited for: a thread left for the process exit to tear down could crash Node on the way out.
    // Loaded only after a command ran, so --help and --version stay free of command code.
    if (loadedCommand) await (await import('../workers/pool.js')).closeWorkerPools();
  }
}

function exitCodeFor(err: unknown, io: CliIO): ExitCode {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    return EXIT.USAGE; // commander has already printed the message
  }
  if (err instanceof CtrailError) io.stderr.write(`ctrail: ${err.message}\n`);
  else {
    io.stderr.write(`ctrail: internal error: ${describeError(err)} (set CTRAIL_DEBUG=1 for details, and please report it)\n`);
    if (process.env.CTRAIL_DEBUG && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
  }
  return errorExit(err);
}

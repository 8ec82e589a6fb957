import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { CtrailError, describeError } from '../errors.js';
import { commandModules } from './commands.js';
import { processIO, type CliIO } from './io.js';
import { EXIT } from './exit.js';
import { closeWorkerPools } from '../workers/pool.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The CLI edge: the only place that turns errors into messages and exit codes. Every failure becomes one
 * line on stderr; a stack trace is printed only with CTRAIL_DEBUG=1.
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
  // A run of one command loads only that command's code (start-up time is a quarter of a small query);
  // help, a misspelt command and `ctrail help X` need them all.
  const named = argv[2] !== undefined && Object.hasOwn(commandModules, argv[2]) ? [commandModules[argv[2]]!] : Object.values(commandModules);
  for (const load of named) (await load()).register(program, io);
  for (const cmd of program.commands) cmd.exitOverride();

  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err, io);
  } finally {
    // Scans close their workers however they end; any pool still open is closed here, and its threads are
    // waited for: a thread left for the process exit to tear down could crash Node on the way out.
    await closeWorkerPools();
  }
}

function exitCodeFor(err: unknown, io: CliIO): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    return EXIT.USAGE; // commander has already printed the message
  }
  if (err instanceof CtrailError) {
    io.stderr.write(`ctrail: ${err.message}\n`);
    return EXIT.USAGE;
  }
  io.stderr.write(`ctrail: internal error: ${describeError(err)} (set CTRAIL_DEBUG=1 for details, and please report it)\n`);
  if (process.env.CTRAIL_DEBUG && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
  return EXIT.USAGE;
}

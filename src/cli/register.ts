import type { Command } from 'commander';
import type { CliIO } from './io.js';
import type { ExitCode } from './exit.js';

/**
 * What a command module exports: it fills in the command `main` made for it (options, argument help,
 * action) and hands its exit code to `done`; `main` alone sets the process's exit code.
 */
export type Register = (cmd: Command, io: CliIO, done: (code: ExitCode) => void, program: ProgramContext) => void;

/**
 * What a command may ask of the program around it. `main` hands it in, so no command imports `main` or the
 * command table: the table loads the commands, and a command that reached back for it would close a circle.
 */
export interface ProgramContext {
  /** Another command's register (`athena sql` parses that command's arguments with its own definition). */
  registerOf(name: string): Promise<Register | undefined>;
  /** The whole tree, every command with its real options (`completion` walks it). */
  wholeTree(): Promise<Command>;
}

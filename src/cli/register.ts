import type { Command } from 'commander';
import type { CliIO } from './io.js';
import type { ExitCode } from './exit.js';

/**
 * What a command module exports: it fills in the command `main` made for it (options, argument help,
 * action) and hands its exit code to `done`; `main` alone sets the process's exit code.
 */
export type Register = (cmd: Command, io: CliIO, done: (code: ExitCode) => void) => void;

import type { Command } from 'commander';
import { terminalWidth, type FitOptions } from '../output/fit.js';
import type { CliIO } from './io.js';

/** `--wide`, for every command that prints a table. */
export function addWideOption(cmd: Command): Command {
  return cmd.option('--wide', 'tables show every column and every cell whole (default: fit the terminal, cutting long cells with …)');
}

/** The terminal's width (else COLUMNS, else 80) and --wide. */
export function fitFrom(io: CliIO, raw: { wide?: boolean }): FitOptions {
  return { width: terminalWidth(io.stdout), wide: raw.wide === true };
}

/** Where a fitted table's one note goes: stderr, with the scan's other notes. */
export const notesTo =
  (io: CliIO) =>
  (line: string): void => {
    io.stderr.write(line);
  };

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

/**
 * A fitted table's note (what it left out), held until the table itself is out: stdout is buffered, so a
 * line written to stderr at once would come before the table on a terminal.
 */
export class TableNotes {
  private lines: string[] = [];
  constructor(private readonly io: CliIO) {}
  readonly add = (line: string): void => {
    this.lines.push(line);
  };
  /** Writes the held lines; call after the output has ended. */
  flush(): void {
    for (const line of this.lines) this.io.stderr.write(line);
    this.lines = [];
  }
}

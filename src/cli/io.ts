import chalk from 'chalk';
import { isatty } from 'node:tty';
import type { InputProblem } from '../errors.js';
import { neutralize } from '../output/sanitize.js';

/** The process's streams and what we know about who reads them; passed to commands instead of globals. */
export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  color: boolean;
}

export function processIO(): CliIO {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const color = !noColor && Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb';
  if (!color) chalk.level = 0;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Touching process.stdin opens a stream on fd 0 (and, on a pipe, a socket): only when a command reads it.
    get stdin() {
      return process.stdin;
    },
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdinIsTTY: isatty(0),
    color,
  };
}

/** `ctrail: <source>: <problem>`; both parts may come from hostile data (S3 keys, file names). */
export function formatProblem(p: InputProblem): string {
  return `ctrail: ${neutralize(p.source)}: ${neutralize(p.problem)}\n`;
}

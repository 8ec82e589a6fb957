import { isatty } from 'node:tty';
import { applyColor, colorWanted } from './color.js';
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
  // --color, when given, changes this before the command runs (main.ts).
  const color = colorWanted(undefined, process.env, Boolean(process.stdout.isTTY));
  applyColor({ color }, color);
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

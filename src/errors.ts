/**
 * Errors are values inside the pipeline. Two kinds exist:
 *  - InputProblem: one input (file, object, API page) could not be read. The scan goes on; the CLI prints
 *    `ctrail: <source>: <problem>` and the exit code says the answer is incomplete (3).
 *  - CtrailError: the run cannot start or must stop (bad flag, unknown bucket, no credentials). The CLI
 *    prints one line and exits 2.
 */
export interface InputProblem {
  source: string;
  problem: string;
}

/** The run cannot start; the subclass names whose side the fix is on. cli/exit.ts maps all of them to 2. */
export class CtrailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CtrailError';
  }
}

export class UsageError extends CtrailError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class ConfigError extends CtrailError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Receives problems as they happen; the CLI edge prints them and counts them for the exit code. */
export interface ProblemSink {
  problem(p: InputProblem): void;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const name = err.name && err.name !== 'Error' ? err.name : typeof code === 'string' ? code : '';
    const msg = err.message || name || 'unknown error';
    return name && !msg.includes(name) ? `${name}: ${msg}` : msg;
  }
  return String(err);
}

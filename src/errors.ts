/**
 * Errors are values inside the pipeline. Two kinds exist:
 *  - InputProblem: one input (file, object, API page) could not be read. The scan goes on; the CLI prints
 *    `ctrail: <source>: <problem>` and the exit code says something was skipped.
 *  - CtrailError: the run cannot start or must stop (bad flag, unknown bucket, no credentials). The CLI
 *    prints one line and exits 2.
 */
export interface InputProblem {
  source: string;
  problem: string;
}

export type Fault = 'usage' | 'config' | 'input' | 'internal';

export class CtrailError extends Error {
  readonly fault: Fault;
  constructor(message: string, fault: Fault = 'usage') {
    super(message);
    this.name = 'CtrailError';
    this.fault = fault;
  }
}

export class UsageError extends CtrailError {
  constructor(message: string) {
    super(message, 'usage');
    this.name = 'UsageError';
  }
}

export class ConfigError extends CtrailError {
  constructor(message: string) {
    super(message, 'config');
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

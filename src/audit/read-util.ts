import { describeError } from '../errors.js';
import type { Read } from './types.js';

function errorName(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { Code?: unknown }).Code;
    return err.name && err.name !== 'Error' ? err.name : typeof code === 'string' ? code : '';
  }
  return '';
}

/** A short reason for a failed read, leading with the refusal when it is one (the case users must fix). */
export function describeReadError(err: unknown): string {
  const name = errorName(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized|Forbidden/i.test(name) || status === 403) {
    return `access denied (${name || 'HTTP 403'})`;
  }
  return describeError(err).split('\n')[0]!.slice(0, 300);
}

/**
 * Runs one API read. `notConfigured` lists the error names by which AWS says "there is no such
 * configuration" (for example NoSuchBucketPolicy): those become `null`, a real answer, not a failure.
 */
export async function attempt<T>(call: () => Promise<T>, notConfigured: readonly string[] = []): Promise<Read<T | null>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    if (notConfigured.includes(errorName(err))) return { ok: true, value: null };
    return { ok: false, error: describeReadError(err) };
  }
}

/** Like `attempt` for reads that have no "not configured" answer. */
export async function read<T>(call: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, error: describeReadError(err) };
  }
}


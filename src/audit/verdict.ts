import type { JsonObject, JsonValue } from '../cloudtrail/event.js';
import type { CheckStatus, Read } from './types.js';

/** What one check concluded about one resource, before references and remediation are attached. */
export interface Verdict {
  status: CheckStatus;
  detail: string;
  evidence: JsonObject;
}

export const pass = (detail: string, evidence: JsonObject = {}): Verdict => ({ status: 'pass', detail, evidence });
export const fail = (detail: string, evidence: JsonObject = {}): Verdict => ({ status: 'fail', detail, evidence });
export const unknown = (detail: string, evidence: JsonObject = {}): Verdict => ({ status: 'unknown', detail, evidence });

/** Turns facts into JSON evidence (drops undefined, keeps null as "not configured"). */
export function toJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return null;
}

/** Evidence for a read: its value, or `{error}` when the call failed. */
export function readEvidence<T>(r: Read<T>): JsonValue {
  return r.ok ? toJson(r.value) : { error: r.error };
}

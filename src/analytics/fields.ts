import type { CloudTrailEvent } from '../cloudtrail/event.js';

/** Shown for a --by field the event does not have. */
export const MISSING = '-';

/**
 * Value of a dotted field path (`eventName`, `userIdentity.arn`, `requestParameters.bucketName`) as text,
 * for grouping. `principal` is a shorthand for the acting identity (its ARN, else principal ID, else type).
 */
export function groupValue(event: CloudTrailEvent, field: string): string {
  if (field === 'principal') return principalOf(event);
  let cur: unknown = event;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return MISSING;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined) return MISSING;
  if (cur === null) return 'null';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function principalOf(event: CloudTrailEvent): string {
  const id = event.userIdentity;
  return id?.arn || id?.principalId || id?.invokedBy || id?.type || MISSING;
}

/** Numeric value of a field, for metric values taken from the event (like a metric filter's `$.field`). */
export function numericValue(event: CloudTrailEvent, field: string): number | undefined {
  let cur: unknown = event;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === 'number' && Number.isFinite(cur)) return cur;
  if (typeof cur === 'string' && cur.trim() !== '' && Number.isFinite(Number(cur))) return Number(cur);
  return undefined;
}

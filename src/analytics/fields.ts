import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { splitDotted, valueAt } from '../cloudtrail/json.js';
import { MISSING, principalKey } from '../cloudtrail/principal.js';

/**
 * Value of a dotted field path (`eventName`, `userIdentity.arn`, `requestParameters.bucketName`) as text,
 * for grouping. `principal` is a shorthand for the acting identity (its ARN, else principal ID, else type).
 */
export function groupValue(event: CloudTrailEvent, field: string): string {
  if (field === 'principal') return principalKey(event);
  const v = valueAt(event, splitDotted(field));
  if (v === undefined) return MISSING;
  if (v === null) return 'null';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Numeric value of a field, for metric values taken from the event (like a metric filter's `$.field`). */
export function numericValue(event: CloudTrailEvent, field: string): number | undefined {
  const v = valueAt(event, splitDotted(field));
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

import { isCloudTrailEvent, type CloudTrailEvent } from '../cloudtrail/event.js';

/**
 * Every container reduces to the original CloudTrail event object. This decides what one split record is.
 *  - a CloudTrail event                                  → itself
 *  - a lookup-events entry {EventId, CloudTrailEvent:"…"} → the embedded event (a JSON string)
 *  - an EventBridge envelope {detail-type, detail}       → detail
 */
export type RecordKind = 'event' | 'lookup' | 'eventbridge';

export type Unwrapped = { event: CloudTrailEvent; kind: RecordKind } | { error: string };

/** EventBridge detail-types that carry a CloudTrail event in `detail`. */
export const CLOUDTRAIL_DETAIL_TYPES = new Set([
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Console Action via CloudTrail',
  'AWS Service Event via CloudTrail',
  'AWS Insight via CloudTrail',
]);

export function unwrapRecord(value: unknown): Unwrapped {
  if (isCloudTrailEvent(value)) return { event: value, kind: 'event' };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'record is not a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.CloudTrailEvent === 'string') {
    let inner: unknown;
    try {
      inner = JSON.parse(v.CloudTrailEvent);
    } catch {
      return { error: 'lookup-events entry has a CloudTrailEvent that is not valid JSON' };
    }
    return isCloudTrailEvent(inner) ? { event: inner, kind: 'lookup' } : { error: 'lookup-events entry does not hold a CloudTrail event' };
  }
  const detailType = v['detail-type'];
  if (typeof detailType === 'string' && 'detail' in v) {
    if (!CLOUDTRAIL_DETAIL_TYPES.has(detailType)) return { error: `EventBridge event of detail-type "${detailType}" is not from CloudTrail` };
    return isCloudTrailEvent(v.detail) ? { event: v.detail, kind: 'eventbridge' } : { error: 'EventBridge envelope without a CloudTrail event in detail' };
  }
  if ('digestStartTime' in v || 'logFiles' in v) return { error: 'this is a CloudTrail digest file, not a log file' };
  if (typeof v.eventName === 'string' && typeof v.eventTime !== 'string') {
    // Re-shipped copies (e.g. through Logstash) sometimes drop eventTime for their own timestamp field.
    return { error: 'record has no eventTime (a re-shipped copy, not the event as CloudTrail wrote it?)' };
  }
  return { error: 'record is not a CloudTrail event' };
}

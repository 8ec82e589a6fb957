import { serviceOf } from './arn.js';
import { isCloudTrailEvent, type CloudTrailEvent } from './event.js';
import { eventTimeMs, isoTime } from './time.js';

/**
 * The containers a CloudTrail event travels in, both ways. Unwrapping reduces every container to the original
 * event object; wrapping rebuilds the EventBridge envelope a rule is matched against.
 *  - a CloudTrail event                                  → itself
 *  - a lookup-events entry {EventId, CloudTrailEvent:"…"} → the embedded event (a JSON string)
 *  - an EventBridge envelope {detail-type, detail}       → detail
 */
export type RecordKind = 'event' | 'lookup' | 'eventbridge';

export type Unwrapped = { event: CloudTrailEvent; kind: RecordKind } | { error: string };

/** CloudTrail `eventType` → the `detail-type` EventBridge gives the event: the one table, read both ways. */
export const DETAIL_TYPES: Readonly<Record<string, string>> = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
  AwsCloudTrailInsight: 'AWS Insight via CloudTrail',
};

const EVENT_TYPE_BY_DETAIL_TYPE: ReadonlyMap<string, string> = new Map(Object.entries(DETAIL_TYPES).map(([k, v]) => [v, k]));

/** The CloudTrail `eventType` behind a detail-type; undefined for an EventBridge event not from CloudTrail. */
export function eventTypeOfDetailType(detailType: string): string | undefined {
  return EVENT_TYPE_BY_DETAIL_TYPE.get(detailType);
}

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
    if (eventTypeOfDetailType(detailType) === undefined) return { error: `EventBridge event of detail-type "${detailType}" is not from CloudTrail` };
    return isCloudTrailEvent(v.detail) ? { event: v.detail, kind: 'eventbridge' } : { error: 'EventBridge envelope without a CloudTrail event in detail' };
  }
  if ('digestStartTime' in v || 'logFiles' in v) return { error: 'this is a CloudTrail digest file, not a log file' };
  if (typeof v.eventName === 'string' && typeof v.eventTime !== 'string') {
    // Re-shipped copies (e.g. through Logstash) sometimes drop eventTime for their own timestamp field.
    return { error: 'record has no eventTime (a re-shipped copy, not the event as CloudTrail wrote it?)' };
  }
  return { error: 'record is not a CloudTrail event' };
}

/** `ec2.amazonaws.com` → `aws.ec2`. */
export function eventBridgeSource(eventSource: string): string {
  return `aws.${serviceOf(eventSource)}`;
}

export function detailType(event: CloudTrailEvent): string {
  if (event.eventCategory === 'Insight') return DETAIL_TYPES.AwsCloudTrailInsight!;
  return DETAIL_TYPES[event.eventType ?? ''] ?? DETAIL_TYPES.AwsApiCall!;
}

/** EventBridge's timestamps are ISO 8601 UTC without a fraction of a second, whatever form the event used. */
export function envelopeTime(eventTime: string): string {
  if (eventTime.length === 20 && eventTime.endsWith('Z')) return eventTime;
  const ms = eventTimeMs(eventTime);
  return ms === undefined ? eventTime : isoTime(ms, 's');
}

/** The event as EventBridge delivers it to a rule. */
export function eventBridgeEnvelope(event: CloudTrailEvent): Record<string, unknown> {
  return {
    version: '0',
    id: event.eventID ?? '',
    'detail-type': detailType(event),
    source: eventBridgeSource(event.eventSource ?? ''),
    account: event.recipientAccountId ?? event.userIdentity?.accountId ?? '',
    time: envelopeTime(event.eventTime ?? ''),
    region: event.awsRegion ?? '',
    resources: [],
    detail: event,
  };
}

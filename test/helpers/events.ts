import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';

/**
 * A management API call shaped like CloudTrail writes it, for analytics tests that need many events at
 * chosen times. Overrides replace top-level fields.
 */
export function apiCallAt(time: string | number, over: Partial<CloudTrailEvent> = {}): CloudTrailEvent {
  const eventTime = typeof time === 'number' ? new Date(time).toISOString().replace(/\.000Z$/, 'Z') : time;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEOPS',
      arn: 'arn:aws:iam::123456789012:user/ops',
      accountId: '123456789012',
      userName: 'ops',
    },
    eventTime,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateTags',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.20',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6',
    requestParameters: { resourcesSet: { items: [{ resourceId: 'i-0abc' }] } },
    responseElements: { _return: true },
    eventID: `ev-${eventTime}-${Math.abs(hash(JSON.stringify(over)))}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
    ...over,
  };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

/** `count` copies of an event per minute for each minute in [fromMinute, toMinute) after `t0`. */
export function perMinute(t0: number, fromMinute: number, toMinute: number, count: number, over: Partial<CloudTrailEvent> = {}): CloudTrailEvent[] {
  const out: CloudTrailEvent[] = [];
  for (let m = fromMinute; m < toMinute; m++) {
    for (let i = 0; i < count; i++) out.push(apiCallAt(t0 + m * 60_000 + i * 1000, over));
  }
  return out;
}

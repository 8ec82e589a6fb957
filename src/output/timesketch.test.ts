import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { MAX_DEPTH } from '../cloudtrail/json.js';
import { flatten, timesketchLine, timesketchMessage, type FlatValue } from './timesketch.js';

const base = {
  eventVersion: '1.09',
  eventTime: '2026-03-14T04:02:11Z',
  eventSource: 'dynamodb.amazonaws.com',
  eventName: 'DeleteTable',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/ops-session', accountId: '111122223333' },
  requestParameters: { tableName: 'orders' },
  resources: [{ ARN: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders', type: 'AWS::DynamoDB::Table' }],
  eventID: 'e1',
} as unknown as CloudTrailEvent;

function parse(line: string | undefined): Record<string, unknown> {
  assert.ok(line !== undefined && line.endsWith('\n') && !line.slice(0, -1).includes('\n'), 'one line');
  return JSON.parse(line) as Record<string, unknown>;
}

test('a line holds message, datetime, timestamp (µs) and timestamp_desc, then the event flattened to dotted keys', () => {
  const o = parse(timesketchLine(base));
  assert.equal(o.message, 'assumed-role/Admin/ops-session dynamodb:DeleteTable arn:aws:dynamodb:us-east-1:111122223333:table/orders');
  assert.equal(o.datetime, '2026-03-14T04:02:11Z');
  assert.equal(o.timestamp, Date.parse('2026-03-14T04:02:11Z') * 1000);
  assert.ok(Number.isSafeInteger(o.timestamp));
  assert.equal(o.timestamp_desc, 'Event Recorded');
  assert.equal(o['userIdentity.arn'], 'arn:aws:sts::111122223333:assumed-role/Admin/ops-session');
  assert.equal(o['resources.0.ARN'], 'arn:aws:dynamodb:us-east-1:111122223333:table/orders');
  assert.equal(o['requestParameters.tableName'], 'orders');
  assert.equal(Object.keys(o).slice(0, 4).join(), 'message,datetime,timestamp,timestamp_desc');
});

test('times in other forms are written as ISO 8601 UTC; an unreadable time gives no line', () => {
  const lake = parse(timesketchLine({ ...base, eventTime: '2026-03-14 04:02:11.250000000' }));
  assert.equal(lake.datetime, '2026-03-14T04:02:11.250Z');
  assert.equal(lake.timestamp, Date.parse('2026-03-14T04:02:11.250Z') * 1000);
  const offset = parse(timesketchLine({ ...base, eventTime: '2026-03-14T06:02:11+02:00' }));
  assert.equal(offset.datetime, '2026-03-14T04:02:11Z');
  for (const bad of ['yesterday', '', 1e300, undefined]) assert.equal(timesketchLine({ ...base, eventTime: bad } as unknown as CloudTrailEvent), undefined, String(bad));
});

test('event keys that clash with Timesketch’s own go under cloudtrail.<key>', () => {
  const o = parse(timesketchLine({ ...base, message: 'from the log', timestamp: 'spoofed', datetime: 1, timestamp_desc: 'x', 'cloudtrail.message': 'also there' } as unknown as CloudTrailEvent));
  assert.equal(o.timestamp_desc, 'Event Recorded');
  assert.equal(o['cloudtrail.message'], 'also there');
  assert.equal(o['cloudtrail.cloudtrail.message'], 'from the log');
  assert.equal(o['cloudtrail.timestamp'], 'spoofed');
  assert.equal(o['cloudtrail.datetime'], 1);
  assert.equal(o['cloudtrail.timestamp_desc'], 'x');
});

test('deep nesting is bounded: below MAX_DEPTH a branch is kept as its JSON text', () => {
  let deep: unknown = 'bottom';
  for (let i = 0; i < 120; i++) deep = { a: deep };
  const o = parse(timesketchLine({ ...base, requestParameters: deep } as unknown as CloudTrailEvent));
  const key = Object.keys(o).find((k) => k.startsWith('requestParameters.'))!;
  assert.equal(key.split('.').length, MAX_DEPTH);
  assert.equal(typeof o[key], 'string');
  let inner = JSON.parse(o[key] as string) as unknown;
  let levels = 0;
  while (typeof inner === 'object' && inner !== null) {
    inner = (inner as { a: unknown }).a;
    levels++;
  }
  assert.equal(levels + MAX_DEPTH - 1, 120, 'nothing is lost');
  assert.equal(inner, 'bottom');
});

test('control characters: the line is valid JSON with no raw C0, C1 or bidi control, and parses back to the exact text', () => {
  const evil = 'Delete\u001b[2J\u009b31m\u202eeman\u0007\u2028x';
  const line = timesketchLine({ ...base, eventName: evil, errorCode: '\r\nFAKE' } as unknown as CloudTrailEvent)!;
  assert.doesNotMatch(line.slice(0, -1), /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  const o = parse(line);
  assert.equal(o.eventName, evil);
  assert.match(o.message as string, /\(failed: \r\nFAKE\)$/);
});

test('flatten keeps empty objects and arrays, and a __proto__ key is data, not a prototype', () => {
  const out: Record<string, FlatValue> = Object.create(null) as Record<string, FlatValue>;
  flatten(JSON.parse('{"a":{},"b":[],"c":[1,{"d":null}],"__proto__":{"polluted":true}}'), '', out);
  assert.deepEqual(Object.entries(out), [
    ['a', {}],
    ['b', []],
    ['c.0', 1],
    ['c.1.d', null],
    ['__proto__.polluted', true],
  ]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const o = parse(timesketchLine({ ...base, requestParameters: JSON.parse('{"__proto__":"x"}') as Record<string, unknown> } as unknown as CloudTrailEvent));
  assert.equal(o['requestParameters.__proto__'], 'x');
});

test('the message says who did what to what; without resources, the first plain request parameters', () => {
  assert.equal(timesketchMessage({ ...base, resources: undefined } as unknown as CloudTrailEvent), 'assumed-role/Admin/ops-session dynamodb:DeleteTable tableName=orders');
  assert.equal(timesketchMessage({ ...base, resources: undefined, requestParameters: null, errorCode: 'AccessDenied' } as unknown as CloudTrailEvent), 'assumed-role/Admin/ops-session dynamodb:DeleteTable (failed: AccessDenied)');
});

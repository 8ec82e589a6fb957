import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrapRecord } from './unwrap.js';

const event = { eventVersion: '1.08', eventTime: '2026-03-14T04:02:11Z', eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', awsRegion: 'us-east-1' };

test('a CloudTrail event is itself', () => {
  assert.deepEqual(unwrapRecord(event), { event, kind: 'event' });
});

test('a lookup-events entry yields the embedded event', () => {
  const r = unwrapRecord({ EventId: 'x', CloudTrailEvent: JSON.stringify(event) });
  assert.deepEqual(r, { event, kind: 'lookup' });
});

test('an EventBridge envelope of each CloudTrail detail-type yields detail', () => {
  for (const dt of ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Service Event via CloudTrail', 'AWS Insight via CloudTrail']) {
    assert.deepEqual(unwrapRecord({ version: '0', 'detail-type': dt, source: 'aws.dynamodb', detail: event }), { event, kind: 'eventbridge' });
  }
});

test('an EventBridge event from another product is rejected with its detail-type', () => {
  const r = unwrapRecord({ 'detail-type': 'Object Created', source: 'aws.s3', detail: { bucket: {} } });
  assert.ok('error' in r && r.error.includes('Object Created'));
});

test('a digest file is named as such', () => {
  const r = unwrapRecord({ awsAccountId: '1', digestStartTime: 'x', logFiles: [] });
  assert.ok('error' in r && /digest/.test(r.error));
});

test('a lookup entry with broken JSON is rejected', () => {
  const r = unwrapRecord({ CloudTrailEvent: '{"eventName":' });
  assert.ok('error' in r && /not valid JSON/.test(r.error));
});

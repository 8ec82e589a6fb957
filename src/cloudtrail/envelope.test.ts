import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventBridgeEnvelope, envelopeTime, unwrapRecord } from './envelope.js';

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

const lakeEvent = { eventVersion: '1.08', eventID: 'id-1', eventTime: '2025-03-26 16:43:57.000000000', eventSource: 'bedrock.amazonaws.com', eventName: 'DeleteGuardrail', awsRegion: 'us-west-2', eventType: 'AwsServiceEvent', recipientAccountId: '111122223333' };

test('wrapping and unwrapping EventBridge use one detail-type table, both ways', () => {
  const envelope = eventBridgeEnvelope(lakeEvent);
  assert.equal(envelope['detail-type'], 'AWS Service Event via CloudTrail');
  assert.equal(envelope.source, 'aws.bedrock');
  assert.deepEqual(unwrapRecord(JSON.parse(JSON.stringify(envelope))), { event: lakeEvent, kind: 'eventbridge' });
  assert.match((unwrapRecord({ 'detail-type': 'EC2 Instance State-change Notification', detail: lakeEvent }) as { error: string }).error, /not from CloudTrail/);
});

test('the envelope time is ISO UTC without a fraction, also for a Lake-form eventTime', () => {
  assert.equal(envelopeTime('2025-03-26 16:43:57.000000000'), '2025-03-26T16:43:57Z');
  assert.equal(envelopeTime('2024-03-05T10:11:12.345Z'), '2024-03-05T10:11:12Z');
  assert.equal(envelopeTime('2024-03-05T10:11:12Z'), '2024-03-05T10:11:12Z');
  assert.equal(envelopeTime('not a time'), 'not a time');
});

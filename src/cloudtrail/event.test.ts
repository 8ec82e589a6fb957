import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventNameOf, eventSourceOf, isCloudTrailEvent, type CloudTrailEvent } from './event.js';

test('isCloudTrailEvent: the minimum shape, Insights events included', () => {
  assert.ok(isCloudTrailEvent({ eventTime: '2026-03-14T04:00:00Z', eventName: 'GetObject', eventSource: 's3.amazonaws.com' }));
  assert.ok(isCloudTrailEvent({ eventTime: '2026-03-14T04:00:00Z', eventType: 'AwsCloudTrailInsight', insightDetails: { eventName: 'PutObject' } }));
  for (const bad of [null, [], 'x', { eventName: 'GetObject', eventSource: 's3.amazonaws.com' }, { eventTime: 1, eventName: 'a', eventSource: 'b' }, { eventTime: 't', eventType: 'AwsCloudTrailInsight' }]) {
    assert.equal(isCloudTrailEvent(bad), false, JSON.stringify(bad));
  }
});

test('eventNameOf and eventSourceOf read Insights events from insightDetails', () => {
  const insight: unknown = { eventTime: 't', eventType: 'AwsCloudTrailInsight', insightDetails: { eventName: 'PutObject', eventSource: 's3.amazonaws.com' } };
  if (!isCloudTrailEvent(insight)) throw new Error('an Insights event is an event');
  assert.equal(eventNameOf(insight), 'PutObject');
  assert.equal(eventSourceOf(insight), 's3.amazonaws.com');
  const plain: CloudTrailEvent = { eventTime: 't', eventName: 'GetObject', eventSource: 'kms.amazonaws.com', awsRegion: 'us-east-1' };
  assert.equal(eventNameOf(plain), 'GetObject');
  assert.equal(eventSourceOf(plain), 'kms.amazonaws.com');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordsSeen, recordKey } from './event-fields.js';

const call = { eventID: 'e-1', eventName: 'DeleteTrail', eventTime: '2026-03-14T04:00:00Z', recipientAccountId: '111111111111' };

test('a record delivered twice is met once; the key is wider than the eventID', () => {
  const seen = new RecordsSeen();
  assert.equal(seen.firstSighting(call), true);
  assert.equal(seen.firstSighting({ ...call }), false);
  // Real logs reuse eventIDs across different calls.
  assert.equal(seen.firstSighting({ ...call, eventName: 'StopLogging' }), true);
  assert.equal(seen.firstSighting({ ...call, recipientAccountId: '222222222222' }), true);
  assert.equal(seen.firstSighting({ ...call, eventTime: '2026-03-14T04:00:01Z' }), true);
});

test('a record without an eventID is always new: it cannot be told from another call at the same time', () => {
  const seen = new RecordsSeen();
  const { eventID: _, ...anonymous } = call;
  assert.equal(seen.firstSighting(anonymous), true);
  assert.equal(seen.firstSighting(anonymous), true);
  assert.equal(recordKey(anonymous), '|DeleteTrail|2026-03-14T04:00:00Z|111111111111');
});

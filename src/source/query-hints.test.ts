import { test } from 'node:test';
import assert from 'node:assert/strict';
import { andHints, hintsFromSpec } from './query-hints.js';

test('hintsFromSpec keeps only what a server matches with ctrail meaning', () => {
  assert.deepEqual(
    hintsFromSpec({ eventNames: ['DeleteBucket', 'DeleteBucket'], eventSources: ['s3.amazonaws.com'], accessKeys: ['AKIA1'], readOnly: false }),
    { eventNames: ['DeleteBucket'], eventSources: ['s3.amazonaws.com'], accessKeyIds: ['AKIA1'], readOnly: false },
  );
  // One glob among the names makes the whole OR-list unusable as a literal query.
  assert.deepEqual(hintsFromSpec({ eventNames: ['DeleteBucket', 'Put*'] }), {});
  // --user and --resource are never pushed down (see the function's comment).
  assert.deepEqual(hintsFromSpec({ users: ['alice'], resources: ['bucket'] } as Parameters<typeof hintsFromSpec>[0]), {});
});

test('andHints intersects fields both sides constrain', () => {
  assert.deepEqual(andHints({ eventNames: ['DeleteBucket', 'ListBuckets'] }, { eventNames: ['DeleteBucket', 'DeleteTable'], resourceNames: ['b'] }), {
    eventNames: ['DeleteBucket'],
    resourceNames: ['b'],
  });
  assert.deepEqual(andHints({ eventNames: ['A'], readOnly: false }, { eventNames: ['B'], readOnly: true }), { eventNames: ['A'], readOnly: false });
  assert.deepEqual(andHints({}, { accessKeyIds: ['AKIA1'] }), { accessKeyIds: ['AKIA1'] });
});

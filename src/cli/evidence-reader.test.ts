import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clustered } from './evidence-reader.js';

const DAY = 86_400_000;

test('spans that overlap or lie within two days are read as one; far ones apart', () => {
  assert.deepEqual(clustered([{ fromMs: 10 * DAY, toMs: 11 * DAY }, { fromMs: 0, toMs: DAY }, { fromMs: 2 * DAY, toMs: 3 * DAY }]), [
    { fromMs: 0, toMs: 3 * DAY },
    { fromMs: 10 * DAY, toMs: 11 * DAY },
  ]);
});

test('however many far-apart spans the records name, a pass reads at most four', () => {
  const spans = Array.from({ length: 50 }, (_, i) => ({ fromMs: i * 10 * DAY, toMs: i * 10 * DAY + DAY }));
  assert.deepEqual(clustered(spans), [{ fromMs: 0, toMs: 490 * DAY + DAY }]);
  assert.equal(clustered(spans.slice(0, 4)).length, 4);
});

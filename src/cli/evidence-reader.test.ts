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

test('however many far-apart spans the records name, a pass reads at most four, cut at the widest gaps', () => {
  const spans = Array.from({ length: 50 }, (_, i) => ({ fromMs: 20_000 * DAY + i * 10 * DAY, toMs: 20_000 * DAY + i * 10 * DAY + DAY }));
  assert.equal(clustered(spans.slice(0, 4)).length, 4);
  // A record dated 1970 stays a span of its own rather than stretching the read over 55 years.
  const odd = [{ fromMs: 0, toMs: DAY }, { fromMs: 5_000 * DAY, toMs: 5_001 * DAY }, { fromMs: 9_000 * DAY, toMs: 9_001 * DAY }, ...spans];
  assert.deepEqual(clustered(odd), [
    { fromMs: 0, toMs: DAY },
    { fromMs: 5_000 * DAY, toMs: 5_001 * DAY },
    { fromMs: 9_000 * DAY, toMs: 9_001 * DAY },
    { fromMs: 20_000 * DAY, toMs: 20_491 * DAY },
  ]);
});

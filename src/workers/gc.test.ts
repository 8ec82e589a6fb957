import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectGarbage } from './gc.js';

// The collection is what keeps a worker's and a forensics pass's memory flat: it must really run on a
// process started without --expose-gc (as ctrail is), and free what nothing reaches.
function unreachable(): WeakRef<object> {
  return new WeakRef({ payload: new Array(1000).fill('x') });
}

test('collectGarbage frees an unreachable object, started without --expose-gc', async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc');
  const ref = unreachable();
  // A WeakRef's target is kept until the end of the current job: let the job end first.
  await new Promise((r) => setImmediate(r));
  collectGarbage();
  assert.equal(ref.deref(), undefined);
});

test('a minor collection runs too', () => {
  assert.doesNotThrow(() => collectGarbage('minor'));
});

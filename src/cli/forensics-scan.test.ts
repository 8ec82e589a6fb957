import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../errors.js';
import { parseLookBack } from './forensics-scan.js';

test('--look-back takes minutes, hours or days up to 30 days', () => {
  assert.equal(parseLookBack(undefined), 36 * 3_600_000);
  assert.equal(parseLookBack('90m'), 90 * 60_000);
  assert.equal(parseLookBack('2d'), 2 * 86_400_000);
  for (const bad of ['0h', '31d', 'forever', '12']) assert.throws(() => parseLookBack(bad), UsageError, bad);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTime } from './time.js';
import { UsageError } from '../errors.js';

test('ISO times with an offset are converted to UTC, not relabelled (unlike the AWS CLI)', () => {
  assert.equal(parseTime('2026-03-14T02:00:00+02:00', '--start-time').toISOString(), '2026-03-14T00:00:00.000Z');
});

test('the compact forms the AWS docs print, plain dates and zone-less times are UTC', () => {
  assert.equal(parseTime('20160129T19:00:00Z', '--start-time').toISOString(), '2016-01-29T19:00:00.000Z');
  assert.equal(parseTime('20260314T020000Z', '--start-time').toISOString(), '2026-03-14T02:00:00.000Z');
  assert.equal(parseTime('2026-03-14', '--start-time').toISOString(), '2026-03-14T00:00:00.000Z');
  assert.equal(parseTime('2026-03-14T05:06', '--end-time').toISOString(), '2026-03-14T05:06:00.000Z');
});

test('ambiguous or invalid dates are usage errors', () => {
  for (const bad of ['03/04/2026', 'yesterday', '2026-13-01', '']) assert.throws(() => parseTime(bad, '--start-time'), UsageError, bad);
});

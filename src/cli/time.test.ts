import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationMs, formatDuration, parseDuration, parseTime } from './time.js';
import { UsageError } from '../errors.js';

const iso = (d: Date): string => d.toISOString();

test('ISO times with an offset are converted to UTC, not relabelled (unlike the AWS CLI)', () => {
  assert.equal(iso(parseTime('2026-03-14T02:00:00+02:00', '--start-time')), '2026-03-14T00:00:00.000Z');
  assert.equal(iso(parseTime('2026-03-14T02:00:00-0530', '--start')), '2026-03-14T07:30:00.000Z');
  assert.equal(iso(parseTime('20260314T020000+0200', '--start')), '2026-03-14T00:00:00.000Z');
});

test('basic and extended forms, dates and zone-less times are the same UTC instant for every flag', () => {
  for (const flag of ['--start', '--start-time']) {
    assert.equal(iso(parseTime('20260314T040000Z', flag)), '2026-03-14T04:00:00.000Z');
    assert.equal(iso(parseTime('2026-03-14T04:00:00Z', flag)), '2026-03-14T04:00:00.000Z');
    assert.equal(iso(parseTime('20160129T19:00:00Z', flag)), '2016-01-29T19:00:00.000Z');
    assert.equal(iso(parseTime('20260314', flag)), '2026-03-14T00:00:00.000Z');
    assert.equal(iso(parseTime('2026-03-14', flag)), '2026-03-14T00:00:00.000Z');
    assert.equal(iso(parseTime('2026-03-14T05:06', flag)), '2026-03-14T05:06:00.000Z');
    assert.equal(iso(parseTime('2026-03-14 05:06:07.250', flag)), '2026-03-14T05:06:07.250Z');
  }
});

test('a duration given as a time means that long before now, for every time flag', () => {
  const now = Date.UTC(2026, 2, 14, 12);
  for (const flag of ['--start', '--start-time', '--end-time']) {
    assert.equal(iso(parseTime('7d', flag, now)), '2026-03-07T12:00:00.000Z');
    assert.equal(iso(parseTime('90m', flag, now)), '2026-03-14T10:30:00.000Z');
  }
});

test('ambiguous or invalid times are usage errors naming the flag', () => {
  for (const bad of ['03/04/2026', 'yesterday', '2026-13-01', '2026-02-30', '2026-03-14T25:00Z', '', '0d', '12']) {
    assert.throws(() => parseTime(bad, '--start-time'), (e: unknown) => e instanceof UsageError && e.message.startsWith('--start-time'), bad);
  }
});

test('one duration grammar for --look-back, --interval and --baseline', () => {
  assert.equal(durationMs('90s'), 90_000);
  assert.equal(durationMs('5m'), 300_000);
  assert.equal(durationMs('1.5h'), 5_400_000);
  assert.equal(durationMs('2w'), 1_209_600_000);
  assert.equal(durationMs('0m'), undefined);
  assert.equal(durationMs('5 minutes'), undefined);
  assert.equal(parseDuration('2d', '--look-back', 30 * 86_400_000), 2 * 86_400_000);
  assert.throws(() => parseDuration('31d', '--look-back', 30 * 86_400_000), /--look-back 31d: at most 30d/);
  assert.throws(() => parseDuration('soon', '--interval'), /--interval soon: not a duration/);
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(7 * 86_400_000), '1w');
});

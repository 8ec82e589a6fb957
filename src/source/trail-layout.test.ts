import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayFolders, folderInWindow, keyWindow, parseTrailKey } from './trail-layout.js';

test('parses a trail key with prefix and organisation', () => {
  const k = parseTrailKey('logs/AWSLogs/o-abc123def4/111122223333/CloudTrail/us-east-1/2026/03/14/111122223333_CloudTrail_us-east-1_20260314T0405Z_AbC.json.gz');
  assert.deepEqual(k, {
    prefix: 'logs',
    org: 'o-abc123def4',
    account: '111122223333',
    product: 'CloudTrail',
    region: 'us-east-1',
    year: 2026,
    month: 3,
    day: 14,
    file: '111122223333_CloudTrail_us-east-1_20260314T0405Z_AbC.json.gz',
    fileTime: new Date('2026-03-14T04:05:00Z'),
  });
});

test('parses digest and insight keys and rejects others', () => {
  assert.equal(parseTrailKey('AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/14/x_CloudTrail-Digest_eu-west-1_t_20260314T0405Z.json.gz')?.product, 'CloudTrail-Digest');
  assert.equal(parseTrailKey('AWSLogs/111122223333/CloudTrail-Insight/eu-west-1/2026/03/14/f.json.gz')?.product, 'CloudTrail-Insight');
  assert.equal(parseTrailKey('AWSLogs/111122223333/Config/eu-west-1/2026/03/14/f.json.gz')?.product, undefined);
  assert.equal(parseTrailKey('random/file.json'), undefined);
});

test('a window is padded by an hour before and a day after for delivery lag', () => {
  const w = keyWindow(new Date('2026-03-14T00:30:00Z'), new Date('2026-03-14T06:00:00Z'))!;
  assert.deepEqual(dayFolders(w), ['2026/03/13/', '2026/03/14/', '2026/03/15/']);
  assert.equal(w.earliestFileTime, Date.parse('2026-03-13T23:30:00Z'));
  const w2 = keyWindow(new Date('2026-03-14T12:00:00Z'), new Date('2026-03-14T13:00:00Z'))!;
  assert.deepEqual(dayFolders(w2), ['2026/03/14/', '2026/03/15/']);
});

test('year and month folders are pruned by the padded window', () => {
  const w = keyWindow(new Date('2026-03-01T12:00:00Z'), new Date('2026-03-31T00:00:00Z'))!;
  assert.equal(folderInWindow(w, 2025), false);
  assert.equal(folderInWindow(w, 2026), true);
  assert.equal(folderInWindow(w, 2026, 2), false);
  assert.equal(folderInWindow(w, 2026, 3), true);
  assert.equal(folderInWindow(w, 2026, 4), true, 'the day after the window is in April');
  assert.equal(folderInWindow(w, 2026, 4, 2), false);
  assert.equal(folderInWindow(undefined, 1999), true);
});

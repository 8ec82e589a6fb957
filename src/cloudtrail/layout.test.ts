import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ORG_RE, accountOfLayoutPath, buildDigestKey, buildLogKey, dayFolders, fileNameTime, folderInWindow, keyWindow, normalisePrefix, parseDigestKey, parseLogKey, relativeToAwsLogs,
} from './layout.js';

test('log keys parse with prefix and organisation, and build back to the same key', () => {
  const key = 'logs/AWSLogs/o-abc123def4/111122223333/CloudTrail/us-east-1/2026/03/14/111122223333_CloudTrail_us-east-1_20260314T0405Z_AbC.json.gz';
  const k = parseLogKey(key);
  assert.deepEqual(k, { key, prefix: 'logs/', orgId: 'o-abc123def4', account: '111122223333', region: 'us-east-1', time: new Date('2026-03-14T04:05:00Z') });
  assert.equal(buildLogKey({ ...k!, delivered: new Date('2026-03-14T04:05:59Z'), unique: 'AbC' }), key);
  assert.deepEqual(fileNameTime('111122223333_CloudTrail_us-east-1_20260314T0405Z_AbC.json.gz'), new Date('2026-03-14T04:05:00Z'));
  assert.equal(fileNameTime('111122223333_CloudTrail_us-east-1_20261314T0405Z_AbC.json.gz'), undefined);
});

test('digest keys: trail names with underscores, backfill, and a round trip through buildDigestKey', () => {
  const key = 'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/14/111122223333_CloudTrail-Digest_eu-west-1_my_trail_us-east-1_20260314T040512Z_backfill.json.gz';
  const d = parseDigestKey(key)!;
  assert.equal(d.trailName, 'my_trail');
  assert.equal(d.homeRegion, 'us-east-1');
  assert.equal(d.stamp, '20260314T040512Z');
  assert.deepEqual(d.time, new Date('2026-03-14T04:05:12Z'));
  assert.equal(d.backfill, true);
  assert.equal(buildDigestKey({ ...d, end: d.time }), key);
  assert.equal(parseDigestKey(key.replace('/111122223333_', '/444455556666_')), undefined, 'the name must agree with the folder');
});

test('one organization id pattern: o- and 10 to 32 lower-case letters or digits', () => {
  assert.ok(ORG_RE.test('o-abc123def4'));
  assert.ok(!ORG_RE.test('o-abc'));
  assert.ok(!ORG_RE.test('o-ABC123DEF4'));
  assert.equal(parseLogKey('AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/2026/03/14/111122223333_CloudTrail_us-east-1_20260314T0405Z_A.json.gz'), undefined);
  assert.equal(accountOfLayoutPath('AWSLogs/o-abcdefghij/111122223333/CloudTrail/'), '111122223333');
  assert.equal(accountOfLayoutPath('AWSLogs/111122223333/'), '111122223333');
  assert.equal(accountOfLayoutPath('AWSLogs/'), undefined);
});

test('prefixes and the AWSLogs split', () => {
  assert.equal(normalisePrefix('/a/b/'), 'a/b/');
  assert.equal(normalisePrefix(undefined), '');
  assert.deepEqual(relativeToAwsLogs('p/AWSLogs/111122223333/'), { root: 'p/', rest: 'AWSLogs/111122223333/' });
  assert.deepEqual(relativeToAwsLogs('AWSLogs/'), { root: '', rest: 'AWSLogs/' });
  assert.equal(relativeToAwsLogs('p/other/'), undefined);
  assert.deepEqual(dayFolders(new Date('2026-02-28T23:00:00Z'), new Date('2026-03-01T00:00:00Z')), ['2026/02/28/', '2026/03/01/']);
});

test('a window is padded by an hour before and a day after for delivery lag', () => {
  const w = keyWindow(new Date('2026-03-14T00:30:00Z'), new Date('2026-03-14T06:00:00Z'))!;
  assert.deepEqual(dayFolders(w.firstDay, w.lastDay), ['2026/03/13/', '2026/03/14/', '2026/03/15/']);
  assert.equal(w.earliestFileTime, Date.parse('2026-03-13T23:30:00Z'));
  const w2 = keyWindow(new Date('2026-03-14T12:00:00Z'), new Date('2026-03-14T13:00:00Z'))!;
  assert.deepEqual(dayFolders(w2.firstDay, w2.lastDay), ['2026/03/14/', '2026/03/15/']);
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

test('the Athena location template and the folder names discovery trusts', async () => {
  const { accountsFolder, logDayFolderTemplate, dateFolderNumber, dayFolderName, REGION_FOLDER_RE } = await import('./layout.js');
  assert.equal(accountsFolder('p/', 'o-aa11bb22cc'), 'p/AWSLogs/o-aa11bb22cc/');
  assert.equal(accountsFolder('', undefined), 'AWSLogs/');
  assert.equal(logDayFolderTemplate('p/', 'o-aa11bb22cc'), 'p/AWSLogs/o-aa11bb22cc/${account}/CloudTrail/${region}/${day}');
  assert.equal(logDayFolderTemplate('', undefined), 'AWSLogs/${account}/CloudTrail/${region}/${day}');
  assert.equal(dateFolderNumber('2024', 'year'), 2024);
  assert.equal(dateFolderNumber('13', 'month'), undefined);
  assert.equal(dateFolderNumber('1', 'day'), undefined);
  assert.equal(dayFolderName(2024, 2, 9), '2024/02/09');
  for (const ok of ['us-east-1', 'ap-southeast-7', 'us-gov-west-1', 'eu-central-2']) assert.ok(REGION_FOLDER_RE.test(ok), ok);
  for (const bad of ['us-east-1,x', 'US-EAST-1', 'global', "us-east-1'", 'us-east-1/..']) assert.ok(!REGION_FOLDER_RE.test(bad), bad);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDigestKey, buildLogKey } from '../cloudtrail/layout.js';
import { LocalWriteError, MirrorTarget, PARTIAL_PREFIX, classifyLocal, targetFor } from './mirror-target.js';
import { tempDir } from '../../test/helpers/temp.js';

const scope = { prefix: 'p/', account: '111111111111', region: 'us-east-1' };
const log = buildLogKey({ ...scope, delivered: new Date('2026-03-14T01:05:00Z'), unique: 'AbCdEf0123456789' });
const digest = buildDigestKey({ ...scope, trailName: 'my_trail.1', homeRegion: 'us-east-1', end: new Date('2026-03-14T01:17:28Z') });

test('a key of the trail layout under the mirrored prefix maps to its path below the root', () => {
  assert.deepEqual(targetFor(log, 'p/', 'log'), { ok: true, segments: log.slice(2).split('/') });
  assert.deepEqual(targetFor(digest, 'p/', 'digest'), { ok: true, segments: digest.slice(2).split('/') });
  const org = buildLogKey({ ...scope, orgId: 'o-abcdefghij', delivered: new Date('2026-03-14T01:05:00Z'), unique: 'x1' });
  assert.equal(targetFor(org, 'p/', 'log').ok, true);
});

test('keys that leave the folder, do not fit the layout or name another kind of file are hostile', () => {
  const day = 'p/AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/';
  const name = log.slice(log.lastIndexOf('/') + 1);
  const hostile = [
    `${day}../../../../../../../../${name}`,
    `${day}../../../../../../../../AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/${name}`,
    `p/x/../AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/${name}`,
    `p//AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/${name}`,
    `${day}./${name}`,
    `${day}sub/${name}`,
    `${day}..\\..\\${name}`,
    `q/AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/${name}`,
    `${day}111111111111_CloudTrail_us-east-1_20260314T0105Z_x/../../y.json.gz`,
    `${day}outside.json.gz`,
  ];
  for (const k of hostile) {
    const t = targetFor(k, 'p/', 'log');
    assert.equal(t.ok, false, k);
    assert.equal(!t.ok && t.kind, 'hostile-key', k);
  }
  // A digest key is not a log file, and the other way round.
  assert.equal(targetFor(digest, 'p/', 'log').ok, false);
  assert.equal(targetFor(log, 'p/', 'digest').ok, false);
  // A trail name with "/" in a digest name would add folders.
  const sneaky = digest.replace('my_trail.1', 'a/../../b');
  assert.equal(targetFor(sneaky, 'p/', 'digest').ok, false);
});

test('a file name longer than file systems allow is named as such, not left to fail silently', () => {
  const long = buildLogKey({ ...scope, delivered: new Date('2026-03-14T01:05:00Z'), unique: 'L'.repeat(600) });
  const t = targetFor(long, 'p/', 'log');
  assert.equal(!t.ok && t.kind, 'name-too-long');
  assert.equal(classifyLocal(Object.assign(new Error('x'), { code: 'ENAMETOOLONG' }), '/m').kind, 'name-too-long');
});

test('a full or read-only disk ends the run as one LocalWriteError; other local errors stay per object', () => {
  for (const code of ['ENOSPC', 'EDQUOT', 'EROFS']) {
    assert.throws(() => classifyLocal(Object.assign(new Error(`${code}: no`), { code }), '/m/f'), (e: unknown) => e instanceof LocalWriteError && e.code === code);
  }
  assert.equal(classifyLocal(Object.assign(new Error('x'), { code: 'ELOOP' }), '/m').kind, 'target-occupied');
});

test('folders that are symbolic links are refused, never followed; stale partial files are swept', async () => {
  const root = tempDir('ctrail-target-');
  const outside = tempDir('ctrail-target-outside-');
  mkdirSync(join(root, 'AWSLogs', '111111111111'), { recursive: true });
  symlinkSync(outside, join(root, 'AWSLogs', '111111111111', 'CloudTrail'));
  mkdirSync(join(root, 'AWSLogs', '111111111111', 'CloudTrail-Digest'));
  writeFileSync(join(root, 'AWSLogs', '111111111111', 'CloudTrail-Digest', `${PARTIAL_PREFIX}0011223344aa`), 'half');
  const target = await MirrorTarget.open(root, false);
  const t = targetFor(log, 'p/', 'log');
  assert.ok(t.ok);
  const refused = await target.folders(t.segments);
  assert.equal(refused?.kind, 'target-occupied');
  assert.match(refused!.detail, /AWSLogs\/111111111111\/CloudTrail in the mirror folder is a symbolic link/);
  assert.deepEqual(readdirSync(outside), []);
  const d = targetFor(digest, 'p/', 'digest');
  assert.ok(d.ok);
  assert.equal(await target.folders(d.segments), undefined);
  assert.deepEqual(readdirSync(join(root, 'AWSLogs', '111111111111', 'CloudTrail-Digest')), ['us-east-1']);
});

test('two keys differing only in case collide on a case-folding file system and are both kept elsewhere', async () => {
  const upper = log.replace('AbCdEf', 'ABCDEF');
  const a = targetFor(log, 'p/', 'log');
  const b = targetFor(upper, 'p/', 'log');
  assert.ok(a.ok && b.ok);
  const folding = await MirrorTarget.open(tempDir('ctrail-fold-'), true);
  assert.equal(folding.claim(log, a.segments), undefined);
  assert.equal(folding.claim(log, a.segments), undefined, 'the same key again is no collision');
  const c = folding.claim(upper, b.segments);
  assert.equal(c?.kind, 'case-collision');
  assert.ok(c!.detail.includes(log));
  const sensitive = await MirrorTarget.open(tempDir('ctrail-case-'), false);
  assert.equal(sensitive.claim(log, a.segments), undefined);
  assert.equal(sensitive.claim(upper, b.segments), undefined);
});

test('the case-folding probe reads the file system itself and leaves nothing behind', async () => {
  const root = tempDir('ctrail-probe-');
  const t = await MirrorTarget.open(root);
  // The test machines' file systems (Linux) are case-sensitive.
  assert.equal(t.caseInsensitive, process.platform === 'linux' ? false : t.caseInsensitive);
  assert.deepEqual(readdirSync(root), []);
});

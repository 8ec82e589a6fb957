import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';
import { TrailFixture, makeKey } from '../helpers/trail-fixture.js';
import { tempDir } from '../helpers/temp.js';

// Evidence is hostile: one record shaped to hurt must cost only itself, never the file or the run.
const tmp = tempDir('ctrail-hostile-');

function event(id: string, extra = ''): string {
  return `{"eventVersion":"1.08","eventID":"${id}","eventName":"PutObject","eventTime":"2026-03-14T00:00:00Z","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1"${extra}}`;
}

function deep(levels: number): string {
  return ',"requestParameters":' + '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

function trail(levels: number): string {
  const dir = join(tmp, `deep-${levels}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a-bad.json.gz'), gzipSync(`{"Records":[${event('before')},${event('deep', deep(levels))},${event('after', ',"requestParameters":{"bucketName":"b"}')}]}`));
  writeFileSync(join(dir, 'b-good.json.gz'), gzipSync(`{"Records":[${event('other')}]}`));
  return dir;
}

for (const levels of [5_000, 1_000_000]) {
  for (const threads of ['1', '2']) {
    for (const extra of [['--fields', 'eventID,requestParameters'], ['--pattern', '{"detail":{"requestParameters":{"bucketName":["b"]}}}'], []]) {
      test(`a record ${levels} levels deep is one problem line (threads ${threads}, ${extra.join(' ') || 'no filter'}); the rest is read`, async () => {
        const r = await runCli(['events', trail(levels), '--threads', threads, ...extra, '-o', 'ndjson']);
        assert.equal(r.code, 1, r.stderr);
        const ids = r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { eventID?: string }).eventID);
        const expected = extra[0] === '--pattern' ? ['after'] : ['before', 'after', 'other'];
        if (extra[0] !== '--fields') assert.deepEqual(ids, expected);
        else assert.deepEqual(ids, ['before', 'after', 'other']);
        assert.match(r.stderr, /a-bad\.json\.gz: 1 record skipped: record nested deeper than \d+ levels/);
        assert.doesNotMatch(r.stderr, /RangeError|internal error|b-good/);
      });
    }
  }
}

test('symbolic link loops in a folder are read once and named once', async () => {
  const dir = join(tmp, 'loops');
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'a', 'b', 'one.json'), `{"Records":[${event('one')}]}`);
  writeFileSync(join(dir, 'top.json'), `{"Records":[${event('top')}]}`);
  symlinkSync('..', join(dir, 'a', 'b', 'up'));
  symlinkSync('../..', join(dir, 'a', 'b', 'upup'));
  const r = await runCli(['events', dir, '-o', 'ndjson']);
  const ids = r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { eventID: string }).eventID);
  assert.deepEqual(ids.sort(), ['one', 'top']);
  const loops = r.stderr.split('\n').filter((l) => l.includes('symbolic link loop'));
  assert.equal(loops.length, 2, r.stderr);
  assert.match(loops.join('\n'), /a\/b\/up\/?: symbolic link loop/);
  assert.match(loops.join('\n'), /a\/b\/upup\/?: symbolic link loop/);
  assert.equal(r.code, 1);
});

test('events on a mirror folder reads its logs and passes over the mirror\'s own files', async () => {
  const fx = new TrailFixture();
  const key = makeKey();
  fx.addChain({ bucket: 'mirrored', prefix: '', account: '111111111111', region: 'us-east-1', trailName: 'main', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 2, key });
  const dir = join(tmp, 'mirror');
  fx.writeMirror(dir, 'mirrored', { window: { start: new Date('2026-03-14T00:00:00Z'), end: new Date('2026-03-14T03:00:00Z') }, keys: [key] });
  const r = await runCli(['events', dir, '-o', 'ndjson', '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 8);
  assert.match(r.stderr, /ctrail-mirror\.json: ctrail mirror metadata, not a log/);
  assert.match(r.stderr, /ctrail-public-keys\/?: ctrail mirror public keys, not logs/);
});

test('a full disk on stdout is one line and a non-zero exit, not a stack trace', async () => {
  const full = openSync('/dev/full', 'w');
  try {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      // Output small enough to be written in the final flush, so the failure meets the end of the run.
      const args = ['events', join(repoRoot, 'fixtures/demo'), '--event-name', 'StopLogging'];
      const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr, 'ctrail: cannot write the output: ENOSPC: no space left on device, write\n');
  } finally {
    closeSync(full);
  }
});

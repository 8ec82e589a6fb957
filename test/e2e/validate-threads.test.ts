import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import { TrailFixture, logBody, makeKey, type FixtureKey } from '../helpers/trail-fixture.js';
import { buildLogKey } from '../../src/cloudtrail/layout.js';
import { tempDir } from '../helpers/temp.js';

/**
 * ctrail validate hashes log files on worker threads (--threads N) or on the main thread (--threads 1): the
 * verdicts, text, JSON and exit code must be the same bytes either way, from a mirror folder and from S3.
 * The trail mixes every log-file verdict across accounts, regions and digests, so results come back from
 * the workers in batches and out of order.
 */
// The table form (the words of aws cloudtrail validate-logs); into a pipe the default is JSON.
const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T07:00:00Z', '-o', 'table'];
const FIRST_END = new Date('2026-03-14T01:17:28Z');
const BUCKET = 'threads-trail-bucket';
const tmp = tempDir('ctrail-validate-threads-');
const mirror = join(tmp, 'mirror');

let key: FixtureKey;
let fx: TrailFixture;
let s3: LocalS3;
/** A valid log file that the mirror holds behind a symbolic link. */
const symlinked: string[] = [];

function regzip(obj: { body: Buffer }, edit: (text: string) => string): void {
  obj.body = gzipSync(Buffer.from(edit(gunzipSync(obj.body).toString('utf8'))));
}

before(async () => {
  key = makeKey();
  fx = new TrailFixture();
  const chains = [];
  for (const account of ['111111111111', '222222222222']) {
    for (const region of ['us-east-1', 'eu-west-1']) {
      chains.push(fx.addChain({ bucket: BUCKET, prefix: '', account, region, trailName: 'trail', homeRegion: 'us-east-1', firstEnd: FIRST_END, hours: 7, logsPerHour: 5, key }));
    }
  }
  const [a, b, c, d] = chains as [typeof chains[0], typeof chains[0], typeof chains[0], typeof chains[0]];
  const log = (chain: typeof a, digest: number, i: number) => fx.get(BUCKET, chain[digest]!.logKeys[i]!);
  regzip(log(a, 1, 0), (t) => t.replace('PutObject', 'DeleteBucket'));
  log(a, 2, 3).body = log(a, 2, 3).body.subarray(0, log(a, 2, 3).body.length - 20);
  log(a, 4, 1).body = Buffer.from('{"Records":[]}');
  log(b, 0, 2).body = Buffer.concat([log(b, 0, 2).body, logBody('111111111111', 'eu-west-1', [new Date('2026-03-14T00:30:00Z')])]);
  log(b, 3, 4).body = Buffer.concat([log(b, 3, 4).body, Buffer.alloc(9)]);
  const deflateDamaged = Buffer.from(log(c, 5, 0).body);
  deflateDamaged[20]! ^= 0xff;
  log(c, 5, 0).body = deflateDamaged;
  fx.delete(BUCKET, c[2]!.logKeys[2]!);
  fx.delete(BUCKET, d[6]!.logKeys[4]!);
  // A trailer that lies about the size: only the first member counts, whatever the last four bytes say.
  const lying = log(d, 1, 1);
  lying.body = Buffer.concat([lying.body, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0x7f])]);
  fx.put(BUCKET, buildLogKey({ prefix: '', account: '222222222222', region: 'us-east-1', delivered: new Date('2026-03-14T03:40:00Z'), unique: 'Injected0000001' }), {
    body: logBody('222222222222', 'us-east-1', [new Date('2026-03-14T03:35:00Z')]),
  });
  fx.writeMirror(mirror, BUCKET, { window: { start: new Date(0), end: new Date(0) }, keys: [key] });
  // In the mirror only: a log file reached through a symbolic link, and one replaced by a folder.
  const viaLink = d[3]!.logKeys[0]!;
  renameSync(join(mirror, viaLink), join(tmp, 'moved.json.gz'));
  symlinkSync(join(tmp, 'moved.json.gz'), join(mirror, viaLink));
  symlinked.push(viaLink);
  const folder = d[4]!.logKeys[2]!;
  rmSync(join(mirror, folder));
  mkdirSync(join(mirror, folder));
  s3 = await startS3Server();
});

after(async () => {
  await s3?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function same(a: CliResult, b: CliResult, what: string): void {
  assert.equal(b.stdout, a.stdout, `${what}: stdout`);
  assert.equal(b.stderr, a.stderr, `${what}: stderr`);
  assert.equal(b.code, a.code, `${what}: exit code`);
}

test('a mirror: --threads 1, 2 and 3 print the same verdicts, text and JSON', async () => {
  for (const extra of [[], ['--verbose'], ['-o', 'json']]) {
    const [one, two, three] = await Promise.all(['1', '2', '3'].map((n) => runCli(['validate', mirror, ...WINDOW, ...extra, '--threads', n])));
    same(one!, two!, `--threads 2 ${extra.join(' ')}`);
    same(one!, three!, `--threads 3 ${extra.join(' ')}`);
    assert.equal(one!.code, 1);
  }
  // Problems are listed in walk order, not in the order checks finish: --jobs changes nothing either.
  const [sequential, wide] = await Promise.all([
    runCli(['validate', mirror, ...WINDOW, '-o', 'json', '--threads', '1', '--jobs', '1']),
    runCli(['validate', mirror, ...WINDOW, '-o', 'json', '--threads', '2', '--jobs', '64']),
  ]);
  same(sequential, wide, '--jobs 1 --threads 1 and --jobs 64 --threads 2');
  const text = await runCli(['validate', mirror, ...WINDOW, '--threads', '2']);
  for (const verdict of ["hash value doesn't match", 'invalid format', 'unexpected data after end of compressed stream', 'not found']) {
    assert.ok(text.stderr.includes(`INVALID: ${verdict}\n`), `${verdict} reported`);
  }
  assert.match(text.stderr, /UNREFERENCED: no digest lists this log file/);
  assert.doesNotMatch(text.stderr, new RegExp(symlinked[0]!.replace(/[.]/g, '\\.')), 'a log file behind a symbolic link is read');
  const json = JSON.parse((await runCli(['validate', mirror, ...WINDOW, '-o', 'json'])).stdout) as { problems: Array<{ kind: string }> };
  const kinds = json.problems.map((p) => p.kind).sort();
  assert.deepEqual(kinds, [
    'log-appended-data',
    'log-appended-data',
    'log-appended-data',
    'log-hash-mismatch',
    'log-hash-mismatch',
    'log-invalid-format',
    'log-invalid-format',
    'log-not-found',
    'log-not-found',
    'log-not-found',
    'unreferenced-log',
  ]);
});

test('S3 (bytes fetched on the main thread, hashed in workers): --threads 1 and 2 print the same', async () => {
  await s3.createBucket(BUCKET);
  for (const [k, obj] of fx.buckets.get(BUCKET)!) await s3.put(BUCKET, k, obj.body, obj.metadata);
  const ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key], 'eu-west-1': [key] }, trails: [] });
  try {
    const env = { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint };
    for (const extra of [[], ['-o', 'json']]) {
      const one = await runCli(['validate', `s3://${BUCKET}/`, ...WINDOW, ...extra, '--threads', '1'], { env });
      const two = await runCli(['validate', `s3://${BUCKET}/`, ...WINDOW, ...extra, '--threads', '2', '--jobs', '3'], { env });
      same(one, two, `S3 ${extra.join(' ')}`);
      assert.equal(one.code, 1);
    }
  } finally {
    await ct.stop();
  }
});

test('--threads must be a whole number from 1 to 256', async () => {
  const r = await runCli(['validate', mirror, ...WINDOW, '--threads', '0']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'ctrail: --threads 0: expected a whole number from 1 to 256\n');
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import { TrailFixture, logBody, makeKey, type FixtureKey } from '../helpers/trail-fixture.js';
import type { JsonApiStandin } from '../helpers/json-api-standin.js';
import { buildDigestKey, buildLogKey } from '../../src/cloudtrail/layout.js';
import { tempDir } from '../helpers/temp.js';

const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T03:10:00Z'];
const ACCOUNT = '111111111111';
const DAY = `p/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/03/14/`;
let s3: LocalS3;
let key: FixtureKey;
let ct: JsonApiStandin;
let env: NodeJS.ProcessEnv;
const tmp = tempDir('ctrail-mirror-hostile-');

before(async () => {
  s3 = await startS3Server();
  key = makeKey();
  ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key] }, trails: [] });
  env = { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint };
});
after(async () => {
  await ct.stop();
  await s3.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A clean, signed trail (3 digests, 6 log files) in bucket `name` under `p/`; `extra` adds objects before upload. */
async function trail(name: string, extra: (fx: TrailFixture) => void = () => undefined): Promise<TrailFixture> {
  const fx = new TrailFixture();
  fx.addChain({ bucket: name, prefix: 'p/', account: ACCOUNT, region: 'us-east-1', trailName: 'tr', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 3, key });
  extra(fx);
  await s3.createBucket(name);
  for (const [k, o] of fx.buckets.get(name)!) await s3.put(name, k, o.body, o.metadata);
  return fx;
}

/** Every file below `dir`, as "/"-joined relative paths. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

function logsOf(fx: TrailFixture, bucket: string): string[] {
  return [...fx.buckets.get(bucket)!.keys()].filter((k) => k.includes('/CloudTrail/'));
}

test('traversal keys, keys outside the layout and over-long names are refused and named; nothing is written outside the mirror', async () => {
  const escape = `${DAY}../../../../../../../../escaped/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/03/14/${ACCOUNT}_CloudTrail_us-east-1_20260314T0200Z_EVILaaaaaaaaaaaa.json.gz`;
  const misfit = `${DAY}../../../../../../../../outside.json.gz`;
  const long = `${DAY}${ACCOUNT}_CloudTrail_us-east-1_20260314T0200Z_${'L'.repeat(600)}.json.gz`;
  const fx = await trail('hostile-keys', (f) => {
    for (const k of [escape, misfit, long]) f.put('hostile-keys', k, { body: logBody(ACCOUNT, 'us-east-1', [new Date('2026-03-14T01:58:00Z')], 'evil') });
  });
  const base = join(tmp, 'keys');
  const dir = join(base, 'mirror');
  const m = await runCli(['mirror', 's3://hostile-keys/p', dir, ...WINDOW], { env });
  assert.equal(m.code, 3, m.stderr);
  // Whatever form the server keeps the keys in, no file lands outside the mirror folder.
  assert.deepEqual(readdirSync(base), ['mirror']);
  const stored = (await listKeys('hostile-keys')).filter((k) => k.includes('..') || k.includes('LLLL'));
  assert.equal(stored.length, 3, `the server keeps the hostile keys as they are: ${stored.join(', ')}`);
  for (const k of stored) {
    const kind = k.includes('LLLL') ? 'name-too-long' : 'hostile-key';
    assert.ok(m.stderr.includes(`ctrail: s3://hostile-keys/${k}: ${kind}: `), `${k} named as ${kind}:\n${m.stderr}`);
  }
  assert.match(m.stderr, /^ctrail: mirror incomplete: 3 object\(s\) not copied \(named above\)$/m);
  const good = logsOf(fx, 'hostile-keys').filter((k) => !stored.includes(k));
  for (const k of good) assert.deepEqual(readFileSync(join(dir, k.slice(2))), fx.get('hostile-keys', k).body);
  assert.ok(!files(dir).some((f) => f.includes('EVIL') || f.includes('LLLL') || f.includes('outside')), files(dir).join('\n'));
  const manifest = JSON.parse(readFileSync(join(dir, 'ctrail-mirror.json'), 'utf8')) as { complete: boolean; objects: Array<{ key: string; state: string }> };
  assert.equal(manifest.complete, false);
  assert.deepEqual(manifest.objects.filter((o) => o.state === 'refused').map((o) => o.key).sort(), [...stored].sort());
});

test('a forged digest does not direct what is fetched; a signed digest naming a path outside the mirror is refused', async () => {
  const planted = buildLogKey({ prefix: 'p/', account: ACCOUNT, region: 'us-east-1', delivered: new Date('2025-01-01T00:30:00Z'), unique: 'PLANTEDxxxxxxxxx' });
  const traversal = `${DAY}../../../../../../../../.ssh/authorized_keys`;
  const attacker = makeKey();
  const digestDoc = (k: string, refs: string[]) => ({
    awsAccountId: ACCOUNT,
    digestStartTime: '2026-03-14T01:00:00Z',
    digestEndTime: '2026-03-14T02:00:00Z',
    digestS3Bucket: 'forged',
    digestS3Object: k,
    digestPublicKeyFingerprint: '',
    previousDigestSignature: null,
    previousDigestS3Bucket: null,
    previousDigestS3Object: null,
    previousDigestHashValue: null,
    logFiles: refs.map((s3Object) => ({ s3Bucket: 'forged', s3Object, hashValue: '00'.repeat(32), hashAlgorithm: 'SHA-256' })),
  });
  const forgedKey = buildDigestKey({ prefix: 'p/', account: ACCOUNT, region: 'us-east-1', trailName: 'evil', homeRegion: 'us-east-1', end: new Date('2026-03-14T02:00:00Z') });
  const signedKey = buildDigestKey({ prefix: 'p/', account: ACCOUNT, region: 'us-east-1', trailName: 'tr2', homeRegion: 'us-east-1', end: new Date('2026-03-14T02:00:00Z') });
  await trail('forged', (f) => {
    f.put('forged', planted, { body: logBody(ACCOUNT, 'us-east-1', [new Date('2025-01-01T00:20:00Z')], 'planted') });
    f.put('forged', traversal, { body: Buffer.from('ssh-ed25519 AAAA attacker\n') });
    f.putDigest({ bucket: 'forged', key: forgedKey, signer: attacker, doc: { ...digestDoc(forgedKey, [planted, traversal]), digestPublicKeyFingerprint: attacker.fingerprint } });
    f.putDigest({ bucket: 'forged', key: signedKey, signer: key, doc: { ...digestDoc(signedKey, [traversal]), digestPublicKeyFingerprint: key.fingerprint } });
  });
  const home = join(tmp, 'forged', 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA original\n');
  const dir = join(home, 'mirror');
  const m = await runCli(['mirror', 's3://forged/p', dir, ...WINDOW], { env });
  assert.equal(readFileSync(join(home, '.ssh', 'authorized_keys'), 'utf8'), 'ssh-ed25519 AAAA original\n');
  assert.deepEqual(readdirSync(home).sort(), ['.ssh', 'mirror']);
  assert.ok(!existsSync(join(dir, planted.slice(2))), 'the forged digest made mirror fetch an object outside the window');
  assert.ok(!s3.requests.some((r) => r.method === 'GET' && r.url.includes('PLANTED')), 'the planted object was requested');
  assert.ok(m.stderr.includes(`ctrail: note: s3://forged/${forgedKey} is signed with a key not found in us-east-1`), m.stderr);
  // The forged digest itself is evidence: it is mirrored byte for byte.
  assert.ok(existsSync(join(dir, forgedKey.slice(2))));
  // The traversal named by the digest that verifies is refused and named.
  assert.match(m.stderr, /^ctrail: s3:\/\/forged\/p\/AWSLogs\/111111111111\/CloudTrail\/us-east-1\/2026\/03\/14\/\.\.\/.*\.ssh\/authorized_keys: hostile-key: /m);
  assert.equal(m.stderr.match(/authorized_keys: hostile-key: /g)?.length, 1, 'named once, although both listed and named by a digest');
  assert.equal(m.code, 3);
});

test('links and foreign files already in the mirror folder are neither followed nor overwritten', async () => {
  const fx = await trail('occupied');
  const base = join(tmp, 'occupied');
  const dir = join(base, 'mirror');
  const [linked, foreign] = logsOf(fx, 'occupied');
  const victim = join(base, 'victim.txt');
  const outside = join(base, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(victim, 'do not touch\n');
  mkdirSync(dirname(join(dir, linked!.slice(2))), { recursive: true });
  symlinkSync(victim, join(dir, linked!.slice(2)));
  writeFileSync(join(dir, foreign!.slice(2)), 'my own notes\n');
  symlinkSync(outside, join(dir, 'AWSLogs', ACCOUNT, 'CloudTrail-Digest'));
  const m = await runCli(['mirror', 's3://occupied/p', dir, ...WINDOW], { env });
  assert.equal(m.code, 3, m.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'do not touch\n');
  assert.equal(readFileSync(join(dir, foreign!.slice(2)), 'utf8'), 'my own notes\n');
  assert.deepEqual(readdirSync(outside), []);
  assert.ok(m.stderr.includes(`ctrail: s3://occupied/${linked}: target-occupied: the mirror path is a symbolic link`), m.stderr);
  assert.ok(m.stderr.includes(`ctrail: s3://occupied/${foreign}: target-occupied: a file with other content`), m.stderr);
  const digests = [...fx.buckets.get('occupied')!.keys()].filter((k) => k.includes('CloudTrail-Digest'));
  for (const d of digests) assert.ok(m.stderr.includes(`ctrail: s3://occupied/${d}: target-occupied: AWSLogs/${ACCOUNT}/CloudTrail-Digest in the mirror folder is a symbolic link`), m.stderr);
  assert.match(m.stderr, /mirror incomplete: 5 object\(s\) not copied/);
});

test('a re-run resumes: damaged, missing and partial files are fetched again, intact ones are not, and --metadata-only never blesses a damaged file', async () => {
  const fx = await trail('resume');
  const dir = join(tmp, 'resume');
  const first = await runCli(['mirror', 's3://resume/p', dir, ...WINDOW], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /: 9 objects copied, 0 kept, 1 public-key file\(s\)\n$/);
  const online = await runCli(['validate', 's3://resume/p', ...WINDOW], { env });
  assert.equal(online.code, 0, online.stderr);
  const [truncated, removed, flipped] = logsOf(fx, 'resume');
  const body = fx.get('resume', truncated!).body;
  writeFileSync(join(dir, truncated!.slice(2)), body.subarray(0, body.length - 40));
  rmSync(join(dir, removed!.slice(2)));
  const other = fx.get('resume', flipped!).body;
  writeFileSync(join(dir, flipped!.slice(2)), Buffer.concat([other.subarray(0, 20), Buffer.from([other[20]! ^ 1]), other.subarray(21)]));
  writeFileSync(join(dirname(join(dir, truncated!.slice(2))), '.ctrail-partial-0123456789ab'), body.subarray(0, 10));
  await s3.clearLog();
  const again = await runCli(['mirror', '--metadata-only', 's3://resume/p', dir, ...WINDOW], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /: 3 objects copied, 6 kept, /);
  await s3.settle();
  const paths = s3.requests.filter((r) => r.method === 'GET').map((r) => decodeURIComponent(r.url.split('?')[0]!));
  const logGets = paths.filter((u) => u.includes('/CloudTrail/') && u.endsWith('.json.gz')).map((u) => u.slice(u.indexOf('/p/') + 1));
  assert.deepEqual(logGets.sort(), [truncated, removed, flipped].sort());
  for (const k of logsOf(fx, 'resume')) assert.deepEqual(readFileSync(join(dir, k.slice(2))), fx.get('resume', k).body, k);
  assert.ok(!files(dir).some((f) => f.includes('.ctrail-partial-')), 'a partial file was left behind');
  assert.ok(!existsSync(join(dir, 'ctrail-mirror.journal')));
  const manifest = JSON.parse(readFileSync(join(dir, 'ctrail-mirror.json'), 'utf8')) as { complete: boolean; objects: Array<{ key: string; state: string; sha256: string; digestHash?: string }> };
  assert.equal(manifest.complete, true);
  for (const o of manifest.objects) {
    assert.equal(o.state, 'complete', o.key);
    assert.equal(o.sha256, createHash('sha256').update(fx.get('resume', o.key).body).digest('hex'), o.key);
    if (o.key.includes('/CloudTrail/')) assert.equal(o.digestHash, 'match', o.key);
  }
  const offline = await runCli(['validate', dir, ...WINDOW]);
  assert.equal(offline.stdout, online.stdout);
  assert.equal(offline.code, 0, offline.stderr);
  assert.ok(gunzipSync(readFileSync(join(dir, truncated!.slice(2)))).length > 0);
});

async function listKeys(bucket: string): Promise<string[]> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const out: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }));
    for (const o of page.Contents ?? []) out.push(o.Key!);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return out;
}

test('under 30% seeded S3 faults mirror copies every object exactly, no damaged file carries a final name, and the copy validates like the bucket', async () => {
  const { startFaultProxy } = await import('../helpers/fault-proxy.js');
  const fx = await trail('faulty', (f) => {
    f.addChain({ bucket: 'faulty', prefix: 'p/', account: '222222222222', region: 'us-east-1', trailName: 'tr', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 3, logsPerHour: 4, key });
  });
  const objects = fx.buckets.get('faulty')!;
  const online = await runCli(['validate', 's3://faulty/p', ...WINDOW], { env });
  for (const seed of [16, 3, 5]) {
    // Hangs are left out: request timeouts belong to the S3 store, and a hung request would only slow this down.
    const proxy = await startFaultProxy({ target: s3.endpoint, seed, rate: 0.3, faults: ['status-500', 'status-503', 'slowdown', 'reset', 'short', 'corrupt'] });
    try {
      const dir = join(tmp, `faulty-${seed}`);
      const m = await runCli(['mirror', 's3://faulty/p', dir, ...WINDOW], { env: { ...env, AWS_ENDPOINT_URL_S3: proxy.endpoint } });
      assert.ok(proxy.faults.some((f) => f.kind === 'reset' || f.kind === 'short' || f.kind === 'corrupt'), 'the proxy damaged some bodies');
      assert.equal(m.code, 0, `seed ${seed}: ${m.stderr}`);
      assert.match(m.stdout, /: 24 objects copied, 0 kept, /);
      // Every object is there, and every file with a final name holds exactly the bytes of its object.
      for (const f of files(dir)) {
        if (f.startsWith('ctrail-') || f.endsWith('.s3-metadata.json')) continue;
        assert.deepEqual(readFileSync(join(dir, f)), objects.get(`p/${f}`)?.body, `seed ${seed}: ${f}`);
      }
      for (const k of objects.keys()) assert.ok(existsSync(join(dir, k.slice(2))), `seed ${seed}: ${k} missing`);
      const offline = await runCli(['validate', dir, ...WINDOW]);
      assert.equal(offline.stdout, online.stdout);
      assert.equal(offline.stderr, online.stderr);
      assert.equal(offline.code, online.code);
    } finally {
      await proxy.stop();
    }
  }
});

test('mirror records the trail status it saw (GetTrailStatus), and what it could not read', async () => {
  const { CloudTrailClient, CreateTrailCommand, StartLoggingCommand, StopLoggingCommand } = await import('@aws-sdk/client-cloudtrail');
  const account = '111122223333';
  const fx = new TrailFixture();
  fx.addChain({ bucket: 'status', prefix: 'p/', account, region: 'us-east-1', trailName: 'audit', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 2, key });
  fx.addChain({ bucket: 'status', prefix: 'p/', account, region: 'us-east-1', trailName: 'gone', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:37:28Z'), hours: 1, key });
  await s3.createBucket('status');
  for (const [k, o] of fx.buckets.get('status')!) await s3.put('status', k, o.body, o.metadata);
  const trails = new CloudTrailClient({ endpoint: s3.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } });
  try {
    await trails.send(new CreateTrailCommand({ Name: 'audit', S3BucketName: 'status', S3KeyPrefix: 'p' }));
    await trails.send(new StartLoggingCommand({ Name: 'audit' }));
    await trails.send(new StopLoggingCommand({ Name: 'audit' }));
  } finally {
    trails.destroy();
  }
  const keysFile = join(tmp, 'status-keys.json');
  writeFileSync(keysFile, fx.publicKeysJson());
  const dir = join(tmp, 'status');
  // CloudTrail is moto here (it has GetTrailStatus); the keys come from a file.
  const m = await runCli(['mirror', 's3://status/p', dir, ...WINDOW, '--public-keys', keysFile], { env: { ...env, AWS_ENDPOINT_URL_CLOUDTRAIL: s3.endpoint } });
  assert.equal(m.code, 0, m.stderr);
  const manifest = JSON.parse(readFileSync(join(dir, 'ctrail-mirror.json'), 'utf8')) as { trailStatus: Array<Record<string, unknown>> };
  assert.equal(manifest.trailStatus.length, 2);
  const [audit, gone] = manifest.trailStatus;
  assert.equal(audit!['trailArn'], `arn:aws:cloudtrail:us-east-1:${account}:trail/audit`);
  assert.equal(audit!['isLogging'], false);
  assert.match(String(audit!['stopLoggingTime']), /^\d{4}-\d\d-\d\dT/);
  assert.equal(audit!['error'], undefined);
  assert.equal(gone!['trailArn'], `arn:aws:cloudtrail:us-east-1:${account}:trail/gone`);
  assert.match(String(gone!['error']), /TrailNotFound/);
  assert.equal(gone!['isLogging'], undefined);
});

test('a full disk ends the run in one line with a non-zero code, leaves no partial file under a final name, and a re-run resumes', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const fx = await trail('full-disk');
  const mount = join(tmp, 'small-disk');
  mkdirSync(mount);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24k', 'tmpfs', mount], { stdio: 'ignore' });
  } catch {
    t.skip('cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN)');
    return;
  }
  try {
    const dir = join(mount, 'mirror');
    const m = await runCli(['mirror', 's3://full-disk/p', dir, ...WINDOW], { env });
    assert.equal(m.code, 3, m.stderr);
    assert.match(m.stderr, /^ctrail: mirror .*: cannot write \(ENOSPC: .*\); the copy is incomplete, re-run to resume\n$/);
    assert.doesNotMatch(m.stderr, /internal error|\n {4}at /);
    const objects = fx.buckets.get('full-disk')!;
    const written = files(dir).filter((f) => !f.startsWith('ctrail-') && !f.endsWith('.s3-metadata.json'));
    assert.ok(written.length < objects.size, 'the disk was meant to fill up before the end');
    for (const f of written) assert.deepEqual(readFileSync(join(dir, f)), objects.get(`p/${f}`)?.body, f);
    execFileSync('mount', ['-o', 'remount,size=1m', mount], { stdio: 'ignore' });
    const again = await runCli(['mirror', 's3://full-disk/p', dir, ...WINDOW], { env });
    assert.equal(again.code, 0, again.stderr);
    // Files that got their final name before the disk filled are intact and kept, whether or not the journal recorded them.
    assert.match(again.stdout, new RegExp(`: ${objects.size - written.length} objects copied, ${written.length} kept, `));
    for (const k of objects.keys()) assert.deepEqual(readFileSync(join(dir, k.slice(2))), objects.get(k)!.body, k);
  } finally {
    execFileSync('umount', [mount], { stdio: 'ignore' });
  }
});

test('an interrupted run (SIGINT) leaves no partial file under a final name, and the next run keeps what it finished', async () => {
  const { spawn } = await import('node:child_process');
  const { cliPath } = await import('../helpers/cli.js');
  const { startFaultProxy } = await import('../helpers/fault-proxy.js');
  const fx = await trail('interrupted');
  const objects = fx.buckets.get('interrupted')!;
  // Some log file GETs get no answer, so the run is still busy when it is interrupted.
  const proxy = await startFaultProxy({ target: s3.endpoint, seed: 7, rate: 0.5, faults: ['hang'], hangMs: 120_000, match: (_m, url) => url.includes('/CloudTrail/') && url.includes('.json.gz') });
  const dir = join(tmp, 'interrupted');
  const journal = join(dir, 'ctrail-mirror.journal');
  try {
    const child = spawn(process.execPath, [cliPath, 'mirror', 's3://interrupted/p', dir, ...WINDOW], {
      env: { ...process.env, ...env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait (bounded) until the three digests are journalled and a log file GET is being held, then interrupt.
    // Both are needed: on a loaded machine the digests can be journalled before any log file is asked for.
    const digestsDone = () => existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 3;
    for (let i = 0; i < 600 && !(digestsDone() && proxy.faults.length > 0); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(proxy.faults.length > 0, 'some requests were held');
    child.kill('SIGINT');
    assert.equal(await exited, 'SIGINT');
  } finally {
    await proxy.stop();
  }
  const finished = readFileSync(journal, 'utf8').split('\n').filter(Boolean).length;
  assert.ok(finished >= 3);
  const named = files(dir).filter((f) => !f.startsWith('ctrail-') && !f.endsWith('.s3-metadata.json') && !f.includes('.ctrail-partial-'));
  assert.ok(named.length < objects.size, 'the run was interrupted before the end');
  for (const f of named) assert.deepEqual(readFileSync(join(dir, f)), objects.get(`p/${f}`)?.body, f);
  const again = await runCli(['mirror', 's3://interrupted/p', dir, ...WINDOW], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`: ${objects.size - named.length} objects copied, ${named.length} kept, `));
  for (const k of objects.keys()) assert.deepEqual(readFileSync(join(dir, k.slice(2))), objects.get(k)!.body, k);
  assert.ok(!files(dir).some((f) => f.includes('.ctrail-partial-') || f === 'ctrail-mirror.journal'));
});

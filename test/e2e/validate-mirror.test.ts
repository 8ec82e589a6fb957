import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import { TrailFixture, logBody, makeKey, type FixtureKey } from '../helpers/trail-fixture.js';
import { buildLogKey } from '../../src/cloudtrail/layout.js';
import { tempDir } from '../helpers/temp.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';

const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T06:00:00Z'];
let s3: LocalS3;
let key: FixtureKey;
const tmp = tempDir('ctrail-mirror-');

before(async () => {
  s3 = await startS3Server();
  key = makeKey();
});
after(async () => {
  await s3.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A trail with one edited log, one deleted digest and one injected log (5 digests + 13 logs), in bucket `name` under prefix `p/`. */
async function damagedTrail(name: string): Promise<TrailFixture> {
  const fx = new TrailFixture();
  const chain = fx.addChain({ bucket: name, prefix: 'p/', account: '111111111111', region: 'us-east-1', trailName: 'tr', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 6, key });
  const log = fx.get(name, chain[1]!.logKeys[0]!);
  log.body = gzipSync(Buffer.from(gunzipSync(log.body).toString().replace('fixture', 'attacker')));
  fx.delete(name, chain[4]!.key);
  fx.put(name, buildLogKey({ prefix: 'p/', account: '111111111111', region: 'us-east-1', delivered: new Date('2026-03-14T02:30:00Z'), unique: 'INJECTEDyyyyyyyy' }), {
    body: logBody('111111111111', 'us-east-1', [new Date('2026-03-14T02:29:00Z')]),
  });
  await s3.createBucket(name);
  for (const [k, o] of fx.buckets.get(name)!) await s3.put(name, k, o.body, o.metadata);
  return fx;
}

test('mirror then validate offline gives the verdicts of validating the bucket', async () => {
  await damagedTrail('round-trip');
  const ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key] }, trails: [] });
  const env = { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint };
  try {
    const online = await runCli(['validate', '-o', 'table', 's3://round-trip/p', ...WINDOW], { env });
    assert.equal(online.code, 1);
    const dir = join(tmp, 'rt');
    const m = await runCli(['mirror', 's3://round-trip/p', dir, ...WINDOW], { env });
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /^Mirrored s3:\/\/round-trip\/p\/ to .*: 18 objects copied, 0 kept, 1 public-key file\(s\)\n$/);
    const manifest = JSON.parse(readFileSync(join(dir, 'ctrail-mirror.json'), 'utf8')) as { bucket: string; keyRoot: string; objects: Array<{ key: string; sha256: string; etag?: string; sidecar?: string }> };
    assert.equal(manifest.bucket, 'round-trip');
    assert.equal(manifest.keyRoot, 'p/');
    const digest = manifest.objects.find((o) => o.sidecar)!;
    const sidecar = JSON.parse(readFileSync(join(dir, digest.sidecar!), 'utf8')) as { metadata: Record<string, string> };
    assert.equal(sidecar.metadata['signature-algorithm'], 'SHA256withRSA');
    assert.match(sidecar.metadata['signature']!, /^[0-9a-f]{512}$/);
    // Offline: no endpoint reachable for CloudTrail or S3.
    const offline = await runCli(['validate', '-o', 'table', dir, ...WINDOW], { env: { AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' } });
    assert.equal(offline.stdout, online.stdout);
    assert.equal(offline.stderr, online.stderr);
    assert.equal(offline.code, online.code);
    assert.match(offline.stderr, /INVALID: hash value doesn't match/);
    assert.match(offline.stderr, /INVALID: not found/);
    assert.match(offline.stderr, /UNREFERENCED/);
  } finally {
    await ct.stop();
  }
});

test('mirror --metadata-only completes an aws s3 sync copy (signatures, keys, manifest) without re-downloading logs', async () => {
  const fx = await damagedTrail('sync-copy');
  const ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key] }, trails: [] });
  const env = { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint };
  try {
    const online = await runCli(['validate', '-o', 'table', 's3://sync-copy/p', ...WINDOW], { env });
    const dir = join(tmp, 'sync');
    // What `aws s3 sync s3://sync-copy/p DIR` leaves: the bytes, no metadata, no keys.
    const synced = new TrailFixture();
    for (const [k, o] of fx.buckets.get('sync-copy')!) synced.put('sync-copy', k, { body: o.body });
    synced.writeMirror(dir, 'sync-copy', { keyRoot: 'p/', window: { start: new Date(0), end: new Date(0) }, keys: [], manifest: false });
    rmSync(join(dir, 'ctrail-public-keys'), { recursive: true });
    s3.clearLog();
    const m = await runCli(['mirror', '--metadata-only', 's3://sync-copy/p', dir, ...WINDOW], { env });
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /0 objects copied, 18 kept/);
    const logGets = s3.requests.filter((r) => r.method === 'GET' && r.url.includes('/CloudTrail/') && r.url.includes('.json.gz'));
    assert.deepEqual(logGets, [], 'log files are not downloaded again');
    assert.ok(existsSync(join(dir, 'ctrail-public-keys', 'us-east-1.json')));
    const offline = await runCli(['validate', '-o', 'table', dir, ...WINDOW]);
    assert.equal(offline.stdout, online.stdout);
    assert.equal(offline.stderr, online.stderr);
    assert.equal(offline.code, 1);
  } finally {
    await ct.stop();
  }
});

test('a folder without a manifest learns its bucket and prefix from its newest digest', async () => {
  const fx = await damagedTrail('no-manifest');
  const ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key] }, trails: [] });
  const env = { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint };
  try {
    const online = await runCli(['validate', '-o', 'table', 's3://no-manifest/p', ...WINDOW], { env });
    const dir = join(tmp, 'no-manifest');
    fx.writeMirror(dir, 'no-manifest', { keyRoot: 'p/', window: { start: new Date(0), end: new Date(0) }, keys: [key], manifest: false });
    const offline = await runCli(['validate', '-o', 'table', dir, ...WINDOW]);
    assert.equal(offline.stderr, online.stderr);
    assert.equal(offline.stdout, online.stdout.replace('s3://no-manifest/p/', 's3://no-manifest/p/'));
    assert.equal(offline.code, 1);
  } finally {
    await ct.stop();
  }
});

test('mirror: a folder whose listing keeps failing is named, and every other folder is still copied', async () => {
  const fx = new TrailFixture();
  for (const region of ['us-east-1', 'eu-west-1']) {
    fx.addChain({ bucket: 'two-regions', prefix: 'p/', account: '111111111111', region, trailName: 'tr', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 3, key });
  }
  await s3.createBucket('two-regions');
  for (const [k, o] of fx.buckets.get('two-regions')!) await s3.put('two-regions', k, o.body, o.metadata);
  const lost = 'p/AWSLogs/111111111111/CloudTrail/eu-west-1/2026/03/14/';
  const proxy = await startFaultProxy({ target: s3.endpoint, seed: 1, rate: 1, faults: ['slowdown'], maxConsecutive: Infinity, match: (_m, url) => url.includes('list-type=2') && decodeURIComponent(url).includes(`prefix=${lost}`) });
  const ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key], 'eu-west-1': [key] }, trails: [] });
  try {
    const dir = join(tmp, 'lost-listing');
    const m = await runCli(['mirror', 's3://two-regions/p', dir, ...WINDOW], { env: { ...s3.env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint, CTRAIL_REQUEST_TIMEOUT_MS: '1500' } });
    assert.notEqual(m.code, 0, m.stderr);
    assert.match(m.stderr, new RegExp(`s3://two-regions/${lost}: copy-failed: listing failed`));
    assert.equal(m.stderr.split('\n').filter((l) => l.includes('listing failed')).length, 1, m.stderr);
    // Every log file of the lost folder is named by a digest, so the copy is still whole: the same objects as
    // a mirror made without faults.
    const clean = join(tmp, 'no-faults');
    const c = await runCli(['mirror', 's3://two-regions/p', clean, ...WINDOW], { env: { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint } });
    assert.equal(c.code, 0, c.stderr);
    const objects = (d: string) => (JSON.parse(readFileSync(join(d, 'ctrail-mirror.json'), 'utf8')) as { objects: Array<{ key: string; sha256?: string }> }).objects;
    const copied = (d: string) => objects(d).filter((o) => o.sha256).map((o) => `${o.key} ${o.sha256}`).sort();
    assert.ok(copied(clean).some((k) => k.includes('/eu-west-1/')) && copied(clean).some((k) => k.includes('/us-east-1/')));
    assert.deepEqual(copied(dir), copied(clean));
    // The manifest keeps the folder that could not be listed, as not copied.
    assert.deepEqual(objects(dir).filter((o) => !o.sha256).map((o) => o.key), [lost]);
  } finally {
    await ct.stop();
    await proxy.stop();
  }
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot, runCli } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { layoutTrail, makeEvent, iamUser } from '../helpers/trail-builder.js';

const demo = join(repoRoot, 'fixtures/demo');
let s3: LocalS3;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

async function listRequests(): Promise<Array<{ prefix: string; delimiter: string | null; token: boolean }>> {
  await s3.settle();
  return s3.requests
    .filter((r) => r.method === 'GET' && r.url.includes('list-type=2'))
    .map((r) => {
      const u = new URL(r.url, 'http://x');
      return { prefix: u.searchParams.get('prefix') ?? '', delimiter: u.searchParams.get('delimiter'), token: u.searchParams.has('continuation-token') };
    });
}

async function objectGets(bucket: string): Promise<string[]> {
  await s3.settle();
  return s3.requests
    .filter((r) => r.method === 'GET' && !r.url.includes('list-type') && r.url.startsWith(`/${bucket}/`))
    .map((r) => decodeURIComponent(new URL(r.url, 'http://x').pathname.slice(bucket.length + 2)));
}

const BULK = 1100;

before(async () => {
  s3 = await startS3Server();
  await s3.createBucket('demo-trail');
  for (const file of walk(demo)) {
    await s3.put('demo-trail', 'logs/' + relative(demo, file).split('\\').join('/'), readFileSync(file));
  }
  // Things a trail bucket also holds, which must be passed over.
  await s3.put('demo-trail', 'logs/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/14/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260314T0430Z.json.gz', gzipSync('{"digestStartTime":"x","logFiles":[]}'));
  await s3.put('demo-trail', 'logs/AWSLogs/111122223333/Config/us-east-1/2026/03/14/ConfigSnapshot/x.json.gz', gzipSync('{"configurationItems":[]}'));

  // More than one page of keys (ListObjectsV2 returns at most 1000).
  await s3.createBucket('bulk-trail');
  const user = iamUser('222233334444', 'batch', 'AKIAZ7BATCH000000001');
  const events = Array.from({ length: BULK }, (_, i) =>
    makeEvent({ eventTime: new Date(Date.UTC(2026, 2, 10, 0, 0) + i * 60_000).toISOString().replace('.000Z', 'Z'), eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', userIdentity: user, awsRegion: 'ap-south-1' }, String(i)),
  );
  // One file a minute puts all the keys in one day folder, so that folder takes two pages to list.
  const files = layoutTrail(events, { windowMinutes: 1 });
  assert.equal(files.length, BULK);
  for (let i = 0; i < files.length; i += 50) {
    await Promise.all(files.slice(i, i + 50).map((f) => s3.put('bulk-trail', f.key, f.body)));
  }
});

after(async () => {
  await s3?.stop();
});

test('s3:// gives the same output as the same trail on disk', async () => {
  const local = await runCli(['events', demo]);
  const remote = await runCli(['events', 's3://demo-trail/logs', '--endpoint-url', s3.endpoint], { env: s3.env });
  assert.equal(remote.code, 0, remote.stderr);
  assert.equal(remote.stderr, '');
  assert.ok(local.stdout.length > 10_000);
  assert.equal(remote.stdout, local.stdout);
});

test('AWS_ENDPOINT_URL_S3 alone points the client at the local server', async () => {
  const r = await runCli(['events', 's3://demo-trail/logs/', '--event-name', 'StopLogging'], { env: s3.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).eventName, 'StopLogging');
});

test('pagination: every one of more than 1000 keys is read', async () => {
  await s3.clearLog();
  const r = await runCli(['events', 's3://bulk-trail', '--fields', 'eventID'], { env: s3.env });
  assert.equal(r.code, 0, r.stderr);
  const ids = r.stdout.trim().split('\n');
  assert.equal(ids.length, BULK);
  assert.equal(new Set(ids).size, BULK);
  assert.ok((await listRequests()).some((l) => l.token), 'a continuation token was used');
  assert.equal((await objectGets('bulk-trail')).length, BULK);
});

test('layout pruning: a window, an account and a region list and fetch only the keys that can match', async () => {
  await s3.clearLog();
  const r = await runCli(
    ['events', 's3://demo-trail/logs', '--start', '2026-03-14T04:00:00Z', '--end', '2026-03-14T04:05:00Z', '--account', '111122223333', '--region', 'us-east-1', '--event-name', 'DeleteTable', '--event-name', 'StopLogging'],
    { env: s3.env },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).eventName), ['DeleteTable', 'StopLogging']);
  const lists = await listRequests();
  for (const l of lists) assert.equal(l.delimiter !== null || /\/2026\/03\/1[45]\/$/.test(l.prefix), true, `unpruned listing of ${l.prefix}`);
  assert.deepEqual(
    lists.filter((l) => l.delimiter === null).map((l) => l.prefix),
    ['logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/', 'logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/15/'],
  );
  assert.ok(!lists.some((l) => l.prefix.includes('444455556666') || l.prefix.includes('eu-west-1') || l.prefix.includes('Digest')), JSON.stringify(lists));
  const gets = await objectGets('demo-trail');
  // Files delivered before 03:00 cannot hold events from 04:00 on; the others in the day folder must be read.
  const expected = walk(join(demo, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14')).map((p) => 'logs/' + relative(demo, p)).sort();
  assert.deepEqual(gets.sort(), expected);
});

test('a wide window lists only the year, month and day folders that exist', async () => {
  const all = await runCli(['events', 's3://demo-trail/logs'], { env: s3.env });
  await s3.clearLog();
  const r = await runCli(['events', 's3://demo-trail/logs', '--start', '3650d'], { env: s3.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, all.stdout);
  const lists = await listRequests();
  // Naming every day of ten years in each region folder took over 10,000 requests.
  assert.ok(lists.length < 60, `${lists.length} list requests`);
  const days = lists.filter((l) => /\/\d{4}\/\d{2}\/\d{2}\/$/.test(l.prefix));
  assert.ok(days.length > 0);
  for (const l of days) assert.equal(l.delimiter, null, `a day folder is listed once, for its files: ${l.prefix}`);
});

test('--verbose says which folders were passed over on purpose', async () => {
  const r = await runCli(['events', 's3://demo-trail/logs', '--verbose', '--event-name', 'X'], { env: s3.env });
  assert.equal(r.code, 1, 'nothing matched');
  assert.match(r.stderr, /skipping s3:\/\/demo-trail\/logs\/AWSLogs\/111122223333\/CloudTrail-Digest\/: digest files, not logs/);
  assert.match(r.stderr, /skipping s3:\/\/demo-trail\/logs\/AWSLogs\/111122223333\/Config\/: not CloudTrail logs \(Config\)/);
});

test('an unknown bucket is a configuration error: exit 2, nothing printed', async () => {
  const r = await runCli(['events', 's3://no-such-bucket-here/x/'], { env: s3.env });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^ctrail: s3:\/\/no-such-bucket-here.*bucket does not exist\n$/);
});

test('no credentials is a configuration error: exit 2', async () => {
  const env = { ...s3.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };
  const r = await runCli(['events', 's3://demo-trail/logs'], { env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^ctrail: no AWS credentials found/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('a missing object is reported and the other sources are still read: exit 3', async () => {
  const r = await runCli(['events', 's3://demo-trail/logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/nope.json.gz', 's3://bulk-trail', '--fields', 'eventID'], { env: s3.env });
  assert.equal(r.code, 3);
  assert.equal(r.stdout.trim().split('\n').length, BULK);
  assert.match(r.stderr, /nope\.json\.gz: no such object or prefix/);
});

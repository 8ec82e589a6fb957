import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { layoutTrail, makeEvent, iamUser } from '../helpers/trail-builder.js';

// Reads from S3 through a seeded fault-injecting proxy must give exactly what a fault-free read gives.
const BUCKET = 'flaky-trail';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];
let s3: LocalS3;
let cleanStdout = '';
const proxies: FaultProxy[] = [];

before(async () => {
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
  const user = iamUser('111122223333', 'ops', 'AKIAZ7FAULTS00000001');
  const events = REGIONS.flatMap((region, r) =>
    Array.from({ length: 40 }, (_, i) =>
      makeEvent(
        {
          eventTime: new Date(Date.UTC(2026, 4, 1 + (i % 3), 0, 0) + i * 15 * 60_000 + r * 1000).toISOString().replace('.000Z', 'Z'),
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstances',
          userIdentity: user,
          awsRegion: region,
          requestParameters: { filterSet: { items: Array.from({ length: 30 }, (_, k) => ({ name: `tag:n${k}`, valueSet: { items: [{ value: `v${i}-${k}` }] } })) } },
        },
        `${region}-${i}`,
      ),
    ),
  );
  const files = layoutTrail(events, { windowMinutes: 30 });
  assert.ok(files.length >= 60, `only ${files.length} files`);
  await Promise.all(files.map((f) => s3.put(BUCKET, f.key, f.body)));
  const clean = await runCli(['events', `s3://${BUCKET}/`], { env: s3.env });
  assert.equal(clean.code, 0, clean.stderr);
  cleanStdout = clean.stdout;
  assert.equal(ids(cleanStdout).size, events.length);
});

after(async () => {
  for (const p of proxies) await p.stop();
  await s3?.stop();
});

function ids(ndjson: string): Set<string> {
  return new Set(
    ndjson
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { eventID: string }).eventID),
  );
}

async function proxy(opts: Omit<Parameters<typeof startFaultProxy>[0], 'target'>): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: s3.endpoint, hangMs: 20_000, ...opts });
  proxies.push(p);
  return p;
}

/** Through the proxy, with a short idle timeout so hung answers are given up on quickly. */
function viaProxy(p: FaultProxy, args: string[]) {
  return runCli(args, { env: { ...s3.env, AWS_ENDPOINT_URL_S3: p.endpoint, CTRAIL_REQUEST_TIMEOUT_MS: '1500' } });
}

for (const [rate, seed] of [
  [0.05, 11],
  [0.2, 12],
  [0.4, 13],
] as const) {
  test(`events over S3 with ${rate * 100}% seeded faults gives the fault-free output (seed ${seed})`, async () => {
    const p = await proxy({ seed, rate });
    const r = await viaProxy(p, ['events', `s3://${BUCKET}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(ids(r.stdout), ids(cleanStdout));
    assert.equal(r.stdout, cleanStdout);
    // The faults really happened, of the body-breaking kinds too.
    const kinds = new Set(p.faults.map((f) => f.kind));
    assert.ok(p.faults.length >= 3, `only ${p.faults.length} faults injected`);
    if (rate >= 0.2) for (const k of ['reset', 'short', 'corrupt']) assert.ok(kinds.has(k as never), `no ${k} fault among ${[...kinds].join(', ')}`);
  });
}

// The proxy never answers a hung request within the test's lifetime: only the client's own timeout ends it.
test('a hung answer is given up on and retried', { timeout: 150_000 }, async () => {
  const p = await proxy({ seed: 5, rate: 0.3, faults: ['hang'], hangMs: 600_000 });
  const r = await viaProxy(p, ['events', `s3://${BUCKET}/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, cleanStdout);
  assert.ok(p.faults.filter((f) => f.kind === 'hang').length >= 2);
});

test('a listing that keeps failing names its prefix, and the rest of the bucket is still read', async () => {
  const lost = `AWSLogs/111122223333/CloudTrail/eu-west-1/`;
  const p = await proxy({
    seed: 1,
    rate: 1,
    faults: ['slowdown'],
    maxConsecutive: Infinity,
    match: (_m, url) => url.includes('list-type=2') && decodeURIComponent(url).includes(`prefix=${lost}`),
  });
  const r = await viaProxy(p, ['events', `s3://${BUCKET}/`]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`s3://${BUCKET}/${lost}.*listing failed`));
  assert.equal(r.stderr.split('\n').filter((l) => l.includes('listing failed')).length, 1, r.stderr);
  const got = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { awsRegion: string });
  assert.deepEqual(new Set(got.map((e) => e.awsRegion)), new Set(['us-east-1', 'ap-south-1']));
  assert.equal(got.length, 80);
});

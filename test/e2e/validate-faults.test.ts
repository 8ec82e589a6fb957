import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import type { JsonApiStandin } from '../helpers/json-api-standin.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { TrailFixture, logBody, makeKey } from '../helpers/trail-fixture.js';

// A transient fault must never become a verdict: validate through a faulty network says what it says
// over a clean one, tampering included.
const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T07:00:00Z'];
const BUCKET = 'flaky-validate';
let s3: LocalS3;
let ct: JsonApiStandin;
let clean: CliResult;
const proxies: FaultProxy[] = [];

before(async () => {
  s3 = await startS3Server();
  const key = makeKey();
  const fx = new TrailFixture();
  const scope = { bucket: BUCKET, prefix: '', account: '111111111111', trailName: 'main', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 6, logsPerHour: 3, key };
  fx.addChain({ ...scope, region: 'us-east-1' });
  const eu = fx.addChain({ ...scope, region: 'eu-west-1' });
  // Real findings that must survive the faults unchanged: one log file altered, one deleted.
  fx.get(BUCKET, eu[1]!.logKeys[0]!).body = logBody('111111111111', 'eu-west-1', [new Date('2026-03-14T02:10:00Z')], 'x');
  fx.delete(BUCKET, eu[3]!.logKeys[1]!);
  await s3.createBucket(BUCKET);
  for (const [k, o] of fx.buckets.get(BUCKET)!) await s3.put(BUCKET, k, o.body, o.metadata);
  ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key], 'eu-west-1': [key] }, trails: [] });
  clean = await validate(s3.endpoint);
  assert.equal(clean.code, 1, clean.stderr);
  assert.match(clean.stdout, /16\/18 log files valid, 2\/18 log files INVALID/);
});

after(async () => {
  for (const p of proxies) await p.stop();
  await ct?.stop();
  await s3?.stop();
});

function validate(endpoint: string): Promise<CliResult> {
  return runCli(['validate', `s3://${BUCKET}`, '--verbose', ...WINDOW], {
    env: { ...s3.env, AWS_ENDPOINT_URL_S3: endpoint, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint, CTRAIL_REQUEST_TIMEOUT_MS: '1500' },
  });
}

for (const [rate, seed] of [
  [0.1, 21],
  [0.3, 22],
  [0.5, 23],
] as const) {
  test(`validate with ${rate * 100}% seeded S3 faults gives the fault-free verdicts (seed ${seed})`, async () => {
    const p = await startFaultProxy({ target: s3.endpoint, seed, rate, hangMs: 20_000 });
    proxies.push(p);
    const r = await validate(p.endpoint);
    assert.equal(r.stdout, clean.stdout);
    assert.equal(r.stderr, clean.stderr);
    assert.equal(r.code, clean.code);
    assert.ok(p.faults.length >= 3, `only ${p.faults.length} faults injected`);
    if (rate >= 0.3) assert.ok(p.faults.some((f) => f.kind === 'corrupt'), 'no corrupted body among the faults');
  });
}

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import { TrailFixture, makeKey, type FixtureKey } from '../helpers/trail-fixture.js';
import { tempDir } from '../helpers/temp.js';

// The table form (the words of aws cloudtrail validate-logs); into a pipe the default is JSON.
const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T06:00:00Z', '-o', 'table'];
const ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/main';
let s3: LocalS3;
let key: FixtureKey;
let euKey: FixtureKey;
const tmp = tempDir('ctrail-trail-');

before(async () => {
  s3 = await startS3Server();
  key = makeKey();
  euKey = makeKey();
});
after(async () => {
  await s3.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function upload(fx: TrailFixture): Promise<void> {
  for (const [bucket, objects] of fx.buckets) {
    await s3.createBucket(bucket).catch(() => undefined);
    for (const [k, o] of objects) await s3.put(bucket, k, o.body, o.metadata);
  }
}

test('--trail-arn resolves bucket, prefix and home region through DescribeTrails; a single-region trail checks its home region only', async () => {
  const fx = new TrailFixture();
  const scope = { bucket: 'arn-bucket', prefix: 'pre/', account: '111111111111', trailName: 'main', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 6 };
  fx.addChain({ ...scope, region: 'us-east-1', key });
  // Another chain in the same bucket, damaged: out of scope for a single-region trail, as for the AWS CLI.
  const eu = fx.addChain({ ...scope, region: 'eu-west-1', key: euKey });
  fx.delete('arn-bucket', eu[2]!.key);
  await upload(fx);
  const ct = await startCloudTrailStandin({
    keys: { 'us-east-1': [key], 'eu-west-1': [euKey] },
    trails: [{ Name: 'main', TrailARN: ARN, HomeRegion: 'us-east-1', S3BucketName: 'arn-bucket', S3KeyPrefix: 'pre' }],
  });
  try {
    const env = { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint };
    const r = await runCli(['validate', '--trail-arn', ARN, ...WINDOW], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`^Validating log files for trail ${ARN} between 2026-03-14T01:00:00Z and 2026-03-14T06:00:00Z\\n\\n`));
    assert.match(r.stdout, /\n6\/6 digest files valid\n\n12\/12 log files valid\n$/);
    const describe = ct.calls.find((c) => c.operation === 'DescribeTrails')!;
    assert.equal(describe.region, 'us-east-1');
    const keyCalls = ct.calls.filter((c) => c.operation === 'ListPublicKeys');
    assert.deepEqual(keyCalls.map((c) => c.region), ['us-east-1'], 'keys fetched once, for the region validated');
    // The same trail made multi-region: the damaged eu-west-1 chain is now in scope.
    const multi = await runCli(['validate', '--trail-arn', ARN, '--s3-bucket', 'arn-bucket', '--s3-prefix', 'pre', ...WINDOW], { env });
    assert.equal(multi.code, 1);
    assert.match(multi.stderr, /eu-west-1.*INVALID: not found/);
  } finally {
    await ct.stop();
  }
});

test('backfill digests are validated as their own chain with (backfill) counts', async () => {
  const fx = new TrailFixture();
  const scope = { bucket: 'backfill-bucket', prefix: '', account: '111111111111', region: 'us-east-1', trailName: 'main', homeRegion: 'us-east-1', key };
  fx.addChain({ ...scope, firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 6 });
  const [bf] = fx.addChain({ ...scope, firstEnd: new Date('2026-03-14T03:40:00Z'), hours: 1, backfill: true });
  await upload(fx);
  const ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key] }, trails: [] });
  try {
    const env = { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint };
    const r = await runCli(['validate', 's3://backfill-bucket', '--verbose', ...WINDOW], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`(backfill) Digest file\ts3://backfill-bucket/${bf!.key}\tvalid\n`));
    assert.match(r.stdout, /\n6\/6 digest files valid\n\n1\/1 backfill digest files valid\n\n14\/14 log files valid\n$/);
    // Without its generation-timestamp metadata a backfill digest is invalid format (R2/R3).
    delete fx.get('backfill-bucket', bf!.key).metadata!['backfill-generation-timestamp'];
    await upload(fx);
    const bad = await runCli(['validate', 's3://backfill-bucket', ...WINDOW], { env });
    assert.equal(bad.code, 1);
    assert.ok(bad.stderr.includes(`(backfill) Digest file\ts3://backfill-bucket/${bf!.key}\tINVALID: invalid format\n\n`), bad.stderr);
  } finally {
    await ct.stop();
  }
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import { TrailFixture, makeKey, type FixtureKey } from '../helpers/trail-fixture.js';
import { tempDir } from '../helpers/temp.js';

// Digests every hour from 01:17:28 for four hours (the newest ends 04:17:28); the window runs to 06:00.
const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T06:00:00Z', '-o', 'table'];
const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/main`;
const UNCOVERED = 'newest digest of trail main ends 2026-03-14T04:17:28Z; no digest covers 2026-03-14T04:17:28Z to 2026-03-14T06:00:00Z';
let s3: LocalS3;
let key: FixtureKey;
let n = 0;
const tmp = tempDir('ctrail-tail-');

before(async () => {
  s3 = await startS3Server();
  key = makeKey();
});
after(async () => {
  await s3.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A clean trail whose digests stop before the window ends: nothing was deleted. */
async function cleanTrail(): Promise<{ fx: TrailFixture; bucket: string }> {
  const bucket = `tail-bucket-${++n}`;
  const fx = new TrailFixture();
  fx.addChain({ bucket, prefix: '', account: ACCOUNT, region: REGION, trailName: 'main', homeRegion: REGION, firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 4, key });
  await s3.createBucket(bucket);
  for (const [k, o] of fx.buckets.get(bucket)!) await s3.put(bucket, k, o.body, o.metadata);
  return { fx, bucket };
}

async function validate(bucket: string, args: string[], status?: Record<string, unknown>) {
  const ct = await startCloudTrailStandin({
    keys: { [REGION]: [key] },
    trails: [{ Name: 'main', TrailARN: ARN, HomeRegion: REGION, S3BucketName: bucket }],
    ...(status ? { status: { [ARN]: status } } : {}),
  });
  try {
    return await runCli(['validate', ...args, ...WINDOW], { env: { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint } });
  } finally {
    await ct.stop();
  }
}

const line = (bucket: string, label: string, rest: string) =>
  `Trail folder\ts3://${bucket}/AWSLogs/${ACCOUNT}/CloudTrail-Digest/${REGION}/\t${label}: ${UNCOVERED}; ${rest}\n\n`;

describe('validate: an uncovered end of the window', () => {
  test('a clean trail passes with a note when its status cannot be known (no trail ARN); --strict fails it', async () => {
    const { bucket } = await cleanTrail();
    const r = await validate(bucket, [`s3://${bucket}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, line(bucket, 'TAIL UNCOVERED', 'trail status not known (no trail ARN, or offline)'));
    assert.match(r.stdout, /4\/4 digest files valid/);
    const strict = await validate(bucket, [`s3://${bucket}/`, '--strict']);
    assert.equal(strict.code, 1);
    assert.equal(strict.stderr, line(bucket, 'TAIL MISSING', 'trail status not known (no trail ARN, or offline) (--strict)'));
  });

  test('the trail says a digest was delivered after the newest one found: newer digests were deleted', async () => {
    const { bucket } = await cleanTrail();
    const r = await validate(bucket, ['--trail-arn', ARN], { IsLogging: true, LatestDigestDeliveryTime: Date.parse('2026-03-14T05:20:00Z') / 1000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TAIL MISSING: newest digest of trail main ends 2026-03-14T04:17:28Z; .*yet the trail last delivered a digest at 2026-03-14T05:20:00Z .*newer digests were deleted/);
  });

  test('a delivery within the hour after the newest digest is that digest: still a note', async () => {
    const { bucket } = await cleanTrail();
    const r = await validate(bucket, ['--trail-arn', ARN], { IsLogging: true, LatestDigestDeliveryTime: Date.parse('2026-03-14T04:25:00Z') / 1000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /TAIL UNCOVERED: .*the trail reports no digest delivered after it/);
  });

  test('logging stopped: the note says when, and the run passes', async () => {
    const { bucket } = await cleanTrail();
    const r = await validate(bucket, ['--trail-arn', ARN], {
      IsLogging: false,
      StopLoggingTime: Date.parse('2026-03-14T04:30:00Z') / 1000,
      LatestDigestDeliveryTime: Date.parse('2026-03-14T04:20:00Z') / 1000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /TAIL UNCOVERED: .*; logging stopped at 2026-03-14T04:30:00Z \(status read /);
  });

  test('the status cannot be read (the trail is not found): a note naming why, not a failure', async () => {
    const { bucket } = await cleanTrail();
    const r = await validate(bucket, ['--trail-arn', ARN]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /TAIL UNCOVERED: .*; trail status could not be read \(.*Unknown trail/);
  });

  test('offline, a mirror explains its tail with the status it recorded', async () => {
    const { fx, bucket } = await cleanTrail();
    const dir = join(tmp, bucket);
    fx.writeMirror(dir, bucket, { window: { start: new Date('2026-03-14T01:00:00Z'), end: new Date('2026-03-14T06:00:00Z') }, keys: [key] });
    const manifestPath = join(dir, 'ctrail-mirror.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    const offline = { AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9' };
    const record = (status: unknown[]) => writeFileSync(manifestPath, JSON.stringify({ ...manifest, trailStatus: status }));

    record([{ trailArn: ARN, readAt: '2026-03-14T07:00:00Z', isLogging: false, stopLoggingTime: '2026-03-14T04:30:00Z' }]);
    const stopped = await runCli(['validate', dir, '-o', 'table'], { env: offline });
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /TAIL UNCOVERED: .*; logging stopped at 2026-03-14T04:30:00Z \(status read 2026-03-14T07:00:00Z\)/);

    record([{ trailArn: ARN, readAt: '2026-03-14T07:00:00Z', isLogging: true, latestDigestDeliveryTime: '2026-03-14T06:20:00Z' }]);
    const deleted = await runCli(['validate', dir, '-o', 'table'], { env: offline });
    assert.equal(deleted.code, 1);
    assert.match(deleted.stderr, /TAIL MISSING: .*yet the trail last delivered a digest at 2026-03-14T06:20:00Z/);

    // A hostile manifest (a time that is no time) explains nothing, and breaks nothing.
    record([{ trailArn: ARN, readAt: 'x', latestDigestDeliveryTime: 'not a time' }, 7]);
    const hostile = await runCli(['validate', dir, '-o', 'table'], { env: offline });
    assert.equal(hostile.code, 0, hostile.stderr);
    assert.match(hostile.stderr, /TAIL UNCOVERED: /);
  });
});

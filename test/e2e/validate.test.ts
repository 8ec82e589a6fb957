import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import { TrailFixture, logBody, makeKey, type FixtureKey } from '../helpers/trail-fixture.js';
import { buildLogKey } from '../../src/cloudtrail/layout.js';
import { tempDir } from '../helpers/temp.js';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const TRAIL = 'example-trail';
const FIRST_END = new Date('2026-03-14T01:17:28Z');
// The table form (the words of aws cloudtrail validate-logs); into a pipe the default is JSON.
const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T06:00:00Z', '-o', 'table'];
const HOUR = 3_600_000;

let k1: FixtureKey;
let k2: FixtureKey;
let kEu: FixtureKey;
let s3: LocalS3;
let bucketCounter = 0;
const tmp = tempDir('ctrail-validate-');

interface Scenario {
  fx: TrailFixture;
  bucket: string;
  prefix?: string;
  /** Keys per region the CloudTrail stand-in (and the mirror's key cache) serve. */
  keys: Record<string, FixtureKey[]>;
  args?: string[];
  /** Mirror-only key file override (e.g. garbage bytes). */
  keysJson?: string;
}

function base(opts: { prefix?: string; hours?: number; key?: FixtureKey | ((i: number) => FixtureKey) } = {}) {
  const bucket = `trail-bucket-${++bucketCounter}`;
  const fx = new TrailFixture();
  const chain = fx.addChain({
    bucket,
    prefix: opts.prefix ? `${opts.prefix}/` : '',
    account: ACCOUNT,
    region: REGION,
    trailName: TRAIL,
    homeRegion: REGION,
    firstEnd: FIRST_END,
    hours: opts.hours ?? 6,
    key: opts.key ?? k1,
  });
  return { fx, bucket, chain };
}

async function runS3(sc: Scenario): Promise<CliResult> {
  await s3.createBucket(sc.bucket).catch(() => undefined);
  for (const [bucket, objects] of sc.fx.buckets) {
    if (bucket !== sc.bucket) await s3.createBucket(bucket).catch(() => undefined);
    for (const [key, obj] of objects) await s3.put(bucket, key, obj.body, obj.metadata);
  }
  const ct = await startCloudTrailStandin({ keys: sc.keys, trails: [] });
  try {
    return await runCli(['validate', `s3://${sc.bucket}/${sc.prefix ?? ''}`, ...WINDOW, ...(sc.args ?? [])], {
      env: { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint },
    });
  } finally {
    await ct.stop();
  }
}

async function runMirror(sc: Scenario): Promise<CliResult> {
  const dir = join(tmp, `${sc.bucket}-mirror`);
  const keys = Object.values(sc.keys).flat();
  sc.fx.writeMirror(dir, sc.bucket, { keyRoot: sc.prefix ?? '', window: { start: new Date(0), end: new Date(0) }, keys });
  if (sc.keysJson) writeFileSync(join(dir, 'ctrail-public-keys', 'all.json'), sc.keysJson);
  return runCli(['validate', dir, ...WINDOW, ...(sc.args ?? [])], { env: { AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9' } });
}

/** Runs a scenario from S3 (through the stand-in) and from a mirror folder; both must say exactly the same. */
async function both(sc: Scenario): Promise<CliResult> {
  const [viaS3, viaMirror] = await Promise.all([runS3(sc), runMirror(sc)]);
  assert.equal(viaMirror.stdout, viaS3.stdout, 'mirror and S3 print the same summary');
  assert.equal(viaMirror.stderr, viaS3.stderr, 'mirror and S3 print the same verdicts');
  assert.equal(viaMirror.code, viaS3.code);
  return viaS3;
}

async function json(sc: Scenario): Promise<{ problems: Array<{ kind: string; key: string }>; scopes: Array<Record<string, unknown>> }> {
  const r = await runMirror({ ...sc, bucket: sc.bucket, args: [...(sc.args ?? []), '-o', 'json'] });
  return JSON.parse(r.stdout) as { problems: Array<{ kind: string; key: string }>; scopes: Array<Record<string, unknown>> };
}

function regzip(obj: { body: Buffer }, edit: (text: string) => string): void {
  obj.body = gzipSync(Buffer.from(edit(gunzipSync(obj.body).toString('utf8'))));
}

before(async () => {
  k1 = makeKey();
  k2 = makeKey('spki');
  kEu = makeKey();
  s3 = await startS3Server();
});

after(async () => {
  await s3.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('ctrail validate: valid trails', () => {
  test('a healthy trail: every digest and log file valid, exit 0', async () => {
    const { fx, bucket } = base();
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Validating log files in s3:\/\/trail-bucket-\d+\/ between 2026-03-14T01:00:00Z and 2026-03-14T06:00:00Z\n\n/);
    assert.match(r.stdout, /Results requested for 2026-03-14T01:00:00Z to 2026-03-14T06:00:00Z\nResults found for 2026-03-14T01:00:00Z to 2026-03-14T06:00:00Z:\n\n6\/6 digest files valid\n\n12\/12 log files valid\n$/);
  });

  test('key rotation mid-chain (PKCS #1 then SPKI key) is valid', async () => {
    const { fx, bucket } = base({ key: (i) => (i < 3 ? k1 : k2) });
    const r = await both({ fx, bucket, keys: { [REGION]: [k1, k2] } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /6\/6 digest files valid/);
  });

  test('a trail with an S3 key prefix is valid, --verbose lists each file', async () => {
    const { fx, bucket } = base({ prefix: 'team/audit' });
    const r = await both({ fx, bucket, prefix: 'team/audit/', keys: { [REGION]: [k1] }, args: ['--verbose'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/^Digest file\ts3:\/\/.*\/team\/audit\/AWSLogs\/.*\tvalid$/gm)?.length, 6);
    assert.equal(r.stdout.match(/^Log file\t.*\tvalid$/gm)?.length, 12);
  });

  test('a logging gap is reported as the reference does and exits 0', async () => {
    const bucket = `trail-bucket-${++bucketCounter}`;
    const fx = new TrailFixture();
    const scope = { bucket, prefix: '', account: ACCOUNT, region: REGION, trailName: TRAIL, homeRegion: REGION, key: k1 };
    fx.addChain({ ...scope, firstEnd: FIRST_END, hours: 3 });
    fx.addChain({ ...scope, firstEnd: new Date(FIRST_END.getTime() + 4 * HOUR), hours: 2 });
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'No log files were delivered by CloudTrail between 2026-03-14T03:17:28Z and 2026-03-14T04:17:28Z\n\n');
    assert.match(r.stdout, /5\/5 digest files valid/);
  });

  test('an organization trail with only the bucket: every member account validated, with a note', async () => {
    const bucket = `trail-bucket-${++bucketCounter}`;
    const fx = new TrailFixture();
    for (const account of ['222222222222', '333333333333']) {
      fx.addChain({ bucket, prefix: '', orgId: 'o-abcdefghij', account, region: REGION, trailName: 'org-trail', homeRegion: REGION, firstEnd: FIRST_END, hours: 6, key: k1 });
    }
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^NOTE: organization trail layout \(o-abcdefghij\)/);
    assert.match(r.stdout, /Account 222222222222 \(o-abcdefghij\), region us-east-1, trail org-trail:\n/);
    assert.match(r.stdout, /Account 333333333333 \(o-abcdefghij\), region us-east-1, trail org-trail:\n/);
    assert.equal(r.stdout.match(/6\/6 digest files valid/g)?.length, 2);
  });

  test('a multi-region trail: each region chain checked with its own region key', async () => {
    const bucket = `trail-bucket-${++bucketCounter}`;
    const fx = new TrailFixture();
    fx.addChain({ bucket, prefix: '', account: ACCOUNT, region: REGION, trailName: TRAIL, homeRegion: REGION, firstEnd: FIRST_END, hours: 6, key: k1 });
    fx.addChain({ bucket, prefix: '', account: ACCOUNT, region: 'eu-west-1', trailName: TRAIL, homeRegion: REGION, firstEnd: FIRST_END, hours: 6, key: kEu });
    const r = await both({ fx, bucket, keys: { [REGION]: [k1], 'eu-west-1': [kEu] } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/6\/6 digest files valid/g)?.length, 2);
    const only = await both({ fx, bucket, keys: { [REGION]: [k1], 'eu-west-1': [kEu] }, args: ['--region', 'eu-west-1'] });
    assert.equal(only.stdout.match(/6\/6 digest files valid/g)?.length, 1);
  });
});

function line(kind: 'Digest' | 'Log', bucket: string, key: string, verdict: string): string {
  return `${kind} file\ts3://${bucket}/${key}\tINVALID: ${verdict}\n\n`;
}

describe('ctrail validate: the reference verdicts', () => {
  const logCases: Array<[string, (o: { body: Buffer }) => void, string]> = [
    ['log content changed', (o) => regzip(o, (t) => t.replace('PutObject', 'DeleteBucket')), "hash value doesn't match"],
    ['log truncated', (o) => (o.body = o.body.subarray(0, o.body.length - 20)), "hash value doesn't match"],
    ['log not gzip', (o) => (o.body = Buffer.from('{"Records":[]}')), 'invalid format'],
    ['data appended after the first gzip member', (o) => (o.body = Buffer.concat([o.body, logBody(ACCOUNT, REGION, [new Date()])])), 'unexpected data after end of compressed stream'],
  ];
  for (const [name, damage, verdict] of logCases) {
    test(`${name}: Log INVALID: ${verdict}, exit 1`, async () => {
      const { fx, bucket, chain } = base();
      const key = chain[3]!.logKeys[1]!;
      damage(fx.get(bucket, key));
      const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, line('Log', bucket, key, verdict));
      assert.match(r.stdout, /6\/6 digest files valid\n\n11\/12 log files valid, 1\/12 log files INVALID\n$/);
    });
  }

  test('log deleted: Log INVALID: not found', async () => {
    const { fx, bucket, chain } = base();
    const key = chain[2]!.logKeys[0]!;
    fx.delete(bucket, key);
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, line('Log', bucket, key, 'not found'));
  });

  test('digest deleted in the middle: Digest INVALID: not found, its logs become unreferenced', async () => {
    const { fx, bucket, chain } = base();
    fx.delete(bucket, chain[3]!.key);
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(line('Digest', bucket, chain[3]!.key, 'not found')), r.stderr);
    assert.match(r.stdout, /5\/6 digest files valid, 1\/6 digest files INVALID/);
    const j = await json({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.deepEqual(j.problems.filter((p) => p.kind === 'unreferenced-log').map((p) => p.key).sort(), chain[3]!.logKeys.map((k) => `s3://${bucket}/${k}`).sort());
  });

  const digestCases: Array<[string, (fx: TrailFixture, bucket: string, key: string, other: string) => void, string]> = [
    ['digest content changed', (fx, b, k) => regzip(fx.get(b, k), (t) => t.replace(/\{"s3Bucket[^}]*\},?/, '')), 'signature verification failed'],
    ['digest signature metadata altered', (fx, b, k) => (fx.get(b, k).metadata!['signature'] = 'ab'.repeat(256)), 'signature verification failed'],
    ['digest signature metadata missing', (fx, b, k) => delete fx.get(b, k).metadata!['signature'], 'signature verification failed'],
    ['digest not gzip', (fx, b, k) => (fx.get(b, k).body = Buffer.from('not a digest')), 'invalid format'],
    ['digest required field missing', (fx, b, k) => regzip(fx.get(b, k), (t) => t.replace('"digestStartTime"', '"digestStartTimeX"')), 'invalid format'],
    ['digest object holds another digest', (fx, b, k, other) => fx.put(b, k, { ...fx.get(b, other) }), 'has been moved from its original location'],
    ['non-hex signature', (fx, b, k) => (fx.get(b, k).metadata!['signature'] = 'zz'.repeat(256)), 'Non-hexadecimal digit found'],
  ];
  for (const [name, damage, verdict] of digestCases) {
    test(`${name}: Digest INVALID: ${verdict}, exit 1`, async () => {
      const { fx, bucket, chain } = base();
      damage(fx, bucket, chain[3]!.key, chain[1]!.key);
      const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
      assert.equal(r.code, 1);
      assert.ok(r.stderr.startsWith(line('Digest', bucket, chain[3]!.key, verdict)), r.stderr);
      assert.match(r.stdout, /5\/6 digest files valid, 1\/6 digest files INVALID/);
    });
  }

  test('digest signed with a key ListPublicKeys does not return', async () => {
    const other = makeKey();
    const { fx, bucket, chain } = base({ key: (i) => (i === 4 ? other : k1) });
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(line('Digest', bucket, chain[4]!.key, `public key not found in region us-east-1 for fingerprint ${other.fingerprint}`)), r.stderr);
  });

  test('key bytes that do not load', async () => {
    const { fx, bucket, chain } = base();
    const broken: FixtureKey = { ...k1, der: Buffer.from('not a key') };
    const sc = { fx, bucket, keys: { [REGION]: [broken] } };
    const r = await both(sc);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.startsWith(line('Digest', bucket, chain[5]!.key, `Unable to load PKCS #1 key with fingerprint ${k1.fingerprint}`)), r.stderr);
  });

  test('a whole trail copied to another bucket: every digest moved; --allow-copy verifies the copy', async () => {
    const { fx, bucket } = base();
    const copyBucket = `copy-of-${bucket}`;
    for (const [key, obj] of fx.buckets.get(bucket)!) fx.put(copyBucket, key, obj);
    fx.buckets.delete(bucket);
    const sc = { fx, bucket: copyBucket, keys: { [REGION]: [k1] } };
    const r = await both(sc);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.match(/INVALID: has been moved from its original location/g)?.length, 6);
    assert.match(r.stderr, /COPY: this is a copy of s3:\/\/trail-bucket-\d+\/: every digest reads as moved/);
    assert.match(r.stdout, /No valid digests found in range/);
    const allowed = await both({ ...sc, args: ['--allow-copy'] });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /6\/6 digest files valid\n\n12\/12 log files valid/);
  });
});

describe('ctrail validate: beyond the reference', () => {
  test('an injected log file that no digest lists is unreferenced', async () => {
    const { fx, bucket } = base();
    const key = buildLogKey({ prefix: '', account: ACCOUNT, region: REGION, delivered: new Date('2026-03-14T03:30:00Z'), unique: 'INJECTEDxxxxxxxx' });
    fx.put(bucket, key, { body: logBody(ACCOUNT, REGION, [new Date('2026-03-14T03:25:00Z')]) });
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Log file\ts3://${bucket}/${key}\tUNREFERENCED: no digest lists this log file (injected, or its digest was deleted)\n\n`);
  });

  test('the newest digests deleted: their log files are unreferenced; the uncovered tail alone is a note', async () => {
    const { fx, bucket, chain } = base();
    fx.delete(bucket, chain[5]!.key);
    fx.delete(bucket, chain[4]!.key);
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 1);
    // No trail ARN, so no status to say digests were delivered later: the log files after the tail convict.
    assert.match(r.stderr, /TAIL UNCOVERED: newest digest of trail example-trail ends 2026-03-14T04:17:28Z; no digest covers 2026-03-14T04:17:28Z to 2026-03-14T06:00:00Z; trail status not known/);
    assert.equal(r.stderr.match(/UNREFERENCED: no digest lists this log file/g)?.length, 4);
    const strict = await both({ fx, bucket, keys: { [REGION]: [k1] }, args: ['--strict'] });
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /TAIL MISSING: newest digest of trail example-trail ends 2026-03-14T04:17:28Z; .*\(--strict\)/);
    assert.match(r.stdout, /4\/4 digest files valid/);
  });

  test('two consecutive digests deleted: both reported', async () => {
    const { fx, bucket, chain } = base();
    fx.delete(bucket, chain[3]!.key);
    fx.delete(bucket, chain[2]!.key);
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(line('Digest', bucket, chain[3]!.key, 'not found')));
    assert.ok(r.stderr.includes(`Digest file\ts3://${bucket}/${chain[2]!.key}\tMISSING: digest expected about 2026-03-14T03:17:28Z is missing`), r.stderr);
  });

  test('a deletion hidden next to a logging gap is suspicious', async () => {
    const bucket = `trail-bucket-${++bucketCounter}`;
    const fx = new TrailFixture();
    const scope = { bucket, prefix: '', account: ACCOUNT, region: REGION, trailName: TRAIL, homeRegion: REGION, key: k1 };
    const a = fx.addChain({ ...scope, firstEnd: FIRST_END, hours: 3 });
    fx.addChain({ ...scope, firstEnd: new Date(FIRST_END.getTime() + 4 * HOUR), hours: 2 });
    fx.delete(bucket, a[2]!.key);
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^No log files were delivered by CloudTrail between 2026-03-14T02:17:28Z and 2026-03-14T04:17:28Z\n\n/);
    assert.match(r.stderr, /SUSPICIOUS GAP: 2 log file\(s\) were delivered inside the logging gap 2026-03-14T02:17:28Z to 2026-03-14T04:17:28Z/);
  });

  test('a previous-digest hash that does not match the previous digest', async () => {
    const { fx, bucket, chain } = base();
    const d = chain[4]!;
    const doc = JSON.parse(gunzipSync(fx.get(bucket, d.key).body).toString('utf8').replace(/\\\//g, '/')) as Record<string, unknown>;
    doc['previousDigestHashValue'] = '0'.repeat(64);
    fx.putDigest({ bucket, key: d.key, signer: k1, doc });
    // The next digest's pointer fields no longer match its (re-signed) predecessor, so only chain-mismatch fires there.
    const r = await both({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`Digest file\\ts3://${bucket}/${chain[3]!.key.replace(/[.]/g, '\\.')}\\tCHAIN MISMATCH: previousDigestHashValue 0{64}`));
  });

  test('JSON report: window, counts per account and region, problems, gaps', async () => {
    const { fx, bucket, chain } = base();
    damageLog(fx, bucket, chain[1]!.logKeys[0]!);
    const j = await json({ fx, bucket, keys: { [REGION]: [k1] } });
    assert.deepEqual((j as unknown as { window: unknown }).window, { start: '2026-03-14T01:00:00Z', end: '2026-03-14T06:00:00Z' });
    assert.deepEqual(j.scopes[0]!['digests'], { valid: 6, invalid: 0, missing: 0 });
    assert.deepEqual(j.scopes[0]!['logs'], { valid: 11, invalid: 1, missing: 0, unreferenced: 0 });
    assert.deepEqual(j.problems.map((p) => p.kind), ['log-hash-mismatch']);
  });
});

function damageLog(fx: TrailFixture, bucket: string, key: string): void {
  regzip(fx.get(bucket, key), (t) => t.replace('fixture', 'attacker'));
}

describe('ctrail validate: usage and configuration errors exit 2', () => {
  test('start after end', async () => {
    const r = await runCli(['validate', tmp, '--start-time', '2026-03-14T05:00:00Z', '--end-time', '2026-03-14T01:00:00Z']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid time range specified: start-time must occur before end-time/);
  });
  test('an ambiguous date is refused', async () => {
    const r = await runCli(['validate', tmp, '--start-time', '03/04/2026']);
    assert.equal(r.code, 2);
  });
  test('no public keys for the window', async () => {
    const { fx, bucket } = base();
    const r = await runS3({ fx, bucket, keys: {} });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /No public keys found between 2026-03-14T01:00:00Z and 2026-03-14T08:00:00Z/);
  });
  test('an unknown bucket', async () => {
    const r = await runCli(['validate', 's3://no-such-trail-bucket/', ...WINDOW], { env: s3.env });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'ctrail: s3://no-such-trail-bucket/: bucket does not exist\n');
  });
  test('an unknown trail', async () => {
    const ct = await startCloudTrailStandin({ keys: {}, trails: [] });
    try {
      const r = await runCli(['validate', '--trail-arn', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/nope`, ...WINDOW], { env: { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint } });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /A trail could not be found for arn:aws:cloudtrail:us-east-1:111111111111:trail\/nope/);
    } finally {
      await ct.stop();
    }
  });
});

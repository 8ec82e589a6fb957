import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { startLookupEventsStandin, type LookupStandin } from '../helpers/lookup-events-standin.js';
import { buildCorpus } from '../helpers/history-corpus.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Issue 15, points 4 and 6: no source, flag or baseline ends in silence, and the profile's region is the one
 * AWS is called in. Each case runs the built CLI as a user would.
 */
const demo = join(repoRoot, 'fixtures/demo');
const tmp = tempDir('ctrail-empty-');
const emptyDir = join(tmp, 'empty');

function noStack(r: CliResult): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

before(() => mkdirSync(emptyDir, { recursive: true }));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('a source with no log file is named on stderr, and the answer is "nothing found" (1)', () => {
  test('an empty folder, for events and find-deletion', async () => {
    for (const args of [['events', emptyDir], ['find-deletion', 'orders', emptyDir]]) {
      const r = await runCli([...args, '-q']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^ctrail: ${emptyDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no CloudTrail log files found \\(listed 1 folder\\)$`, 'm'));
      noStack(r);
    }
  });

  test('a glob that matches nothing is empty (1), not unreadable (3)', async () => {
    const pattern = join(tmp, '*.json.gz');
    const r = await runCli(['events', pattern, '-q']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /: no CloudTrail log files found \(no file matches this pattern\)/);
  });

  test('a trail folder whose scope prunes every file says so, and a source with files says nothing', async () => {
    const r = await runCli(['events', demo, '--start', '2020-01-01T00:00:00Z', '--end', '2020-01-02T00:00:00Z', '-q']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /fixtures\/demo: no CloudTrail log files found \(listed \d+ folders; within the time window asked\)/);
    const both = await runCli(['events', demo, emptyDir, '-q']);
    assert.equal(both.code, 0, both.stderr);
    assert.doesNotMatch(both.stderr, /fixtures\/demo: no CloudTrail/);
    assert.match(both.stderr, /empty: no CloudTrail log files found/, 'the empty one is still named');
  });

  describe('in S3', () => {
    let s3: LocalS3;
    before(async () => {
      s3 = await startS3Server();
      await s3.createBucket('quiet-trail');
      await s3.put('quiet-trail', 'notes/readme.txt.gz', Buffer.alloc(0));
      await s3.put('quiet-trail', 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/14/x.json.gz', Buffer.alloc(0));
    });
    after(() => s3.stop());

    test('a prefix with no objects, and a trail layout with no log folder', async () => {
      const typo = await runCli(['events', 's3://quiet-trail/AWSLog/', '-q'], { env: s3.env });
      assert.equal(typo.code, 1, typo.stderr);
      assert.match(typo.stderr, /^ctrail: s3:\/\/quiet-trail\/AWSLog\/: no CloudTrail log files found \(listed 1 prefix\)$/m);
      const digestsOnly = await runCli(['events', 's3://quiet-trail/AWSLogs/', '-q'], { env: s3.env });
      assert.equal(digestsOnly.code, 1, digestsOnly.stderr);
      assert.match(digestsOnly.stderr, /^ctrail: s3:\/\/quiet-trail\/AWSLogs\/: no CloudTrail log files found \(listed 2 prefixes; 1 skipped as not logs/m);
      noStack(digestsOnly);
    });
  });
});

describe('validate with no digest prints the reference line and why', () => {
  test('an empty folder: "No digests found", one NO DIGESTS line, exit 1', async () => {
    const r = await runCli(['validate', emptyDir, '--start-time', '2026-03-14T00:00:00Z', '--end-time', '2026-03-14T06:00:00Z', '-o', 'table']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^Results requested for 2026-03-14T00:00:00Z to 2026-03-14T06:00:00Z\nNo digests found\n/m);
    assert.match(r.stderr, /^NO DIGESTS: no account\/region folder under .*AWSLogs\/: not a trail's bucket or prefix/m);
  });

  test('a region with no folder names the folders that exist', async () => {
    const r = await runCli(['validate', demo, '--start-time', '2026-03-14T00:00:00Z', '--region', 'eu-north-1', '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { valid: boolean; problems: Array<{ kind: string; detail: string }> };
    assert.equal(report.valid, false);
    assert.match(report.problems[0]!.detail, /none of the \d+ account\/region folders under .* is in eu-north-1/);
  });
});

describe('a region that does not exist, or an account that is not 12 digits, is a usage error (2) everywhere', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['events --region us-est-1', ['events', demo, '--region', 'us-est-1'], /--region "us-est-1": not an AWS region$/m],
    ['events --region US-EAST-1', ['events', demo, '--region', 'US-EAST-1'], /not an AWS region \(regions are lowercase: us-east-1\)/],
    ['find-deletion --region', ['find-deletion', 'orders', demo, '--region', 'eu-wset-1'], /not an AWS region/],
    ['count --account', ['count', demo, '--account', '1234'], /--account "1234": an account id has 12 digits/],
    ['validate --region', ['validate', demo, '--start-time', '2026-03-14T00:00:00Z', '--region', 'us-est-1'], /not an AWS region/],
    ['validate --account-id', ['validate', demo, '--start-time', '2026-03-14T00:00:00Z', '--account-id', '11112222333'], /--account-id "11112222333": an account id has 12 digits/],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const r = await runCli([...args, '-q'].filter((a) => !(a === '-q' && args[0] === 'validate')));
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      noStack(r);
    });
  }
});

test('insights on less data than its baseline says so, and how much it needs', async () => {
  const r = await runCli(['insights', demo, '-q', '-o', 'ndjson']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^ctrail: insights: the data is too short for the 1w baseline: it needs 1w of events before the first minute it analyses, and the events read give \d+[mh]\b/m);
  const enough = await runCli(['insights', demo, '-q', '-o', 'ndjson', '--baseline', '5m']);
  assert.doesNotMatch(enough.stderr, /too short/);
});

describe("the profile's region is the region AWS is called in", () => {
  let standin: LookupStandin;
  const config = join(tmp, 'aws-config');
  const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

  before(async () => {
    standin = await startLookupEventsStandin({ events: buildCorpus({ perRegion: 5, regions: ['us-east-1', 'eu-west-3'], newest: NOW }) });
    // Keys in the profiles themselves, as a responder's config has them (dummy ones: the stand-in checks no signature).
    const keys = 'aws_access_key_id = AKIDLOCALTEST\naws_secret_access_key = local-test-secret\n';
    writeFileSync(config, `[default]\nregion = ap-southeast-2\n${keys}\n[profile responder]\nregion = eu-west-3\n${keys}\n[profile typo]\nregion = eu-wst-3\n${keys}`);
  });
  after(() => standin.stop());

  function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    // No AWS_REGION: the region must come from the config file, as with the AWS CLI.
    return { ...standin.env, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_CONFIG_FILE: config, ...extra };
  }

  async function regionsCalled(args: string[], extra?: NodeJS.ProcessEnv): Promise<{ r: CliResult; regions: string[] }> {
    const before = standin.served.length;
    const r = await runCli(['events', 'history:', '--start', '30m', '-o', 'ndjson', '-q', ...args], { env: env(extra) });
    return { r, regions: [...new Set(standin.served.slice(before).map((p) => p.region))] };
  }

  test('--profile: LookupEvents is signed for the profile\'s region, and --verbose says where it came from', async () => {
    const { r, regions } = await regionsCalled(['--profile', 'responder', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(regions, ['eu-west-3']);
    assert.match(r.stderr, new RegExp(`^ctrail: AWS region eu-west-3 \\(region of profile responder in ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`, 'm'));
    for (const line of r.stdout.trim().split('\n')) assert.equal((JSON.parse(line) as { awsRegion: string }).awsRegion, 'eu-west-3');
  });

  test('AWS_PROFILE the same; AWS_REGION and --region still win', async () => {
    assert.deepEqual((await regionsCalled([], { AWS_PROFILE: 'responder' })).regions, ['eu-west-3']);
    assert.deepEqual((await regionsCalled([], { AWS_PROFILE: 'responder', AWS_REGION: 'us-east-1' })).regions, ['us-east-1']);
    assert.deepEqual((await regionsCalled(['--profile', 'responder', '--region', 'us-east-1'])).regions, ['us-east-1']);
  });

  test("a profile whose region does not exist is a configuration error (2) before any call", async () => {
    const { r, regions } = await regionsCalled(['--profile', 'typo']);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(regions, []);
    assert.match(r.stderr, /region of profile typo in .*: "eu-wst-3" is not an AWS region/);
  });
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ALERT_CONTROLS, BENIGN_EVENTS, TRAIL_TAMPERING } from '../../src/audit/canonical-events.js';
import { CHECKS } from '../../src/audit/checks.js';
import type { ReplayResult } from '../../src/audit/types.js';
import type { AuditReport, CheckResult, CheckStatus } from '../../src/audit/types.js';
import { buildBadAccount, buildGoodAccount } from '../helpers/audit-accounts.js';
import { runCli } from '../helpers/cli.js';
import { JsonApiError, startJsonApiStandin } from '../helpers/json-api-standin.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { accessDenied, startS3XmlStandin } from '../helpers/s3-xml-standin.js';
import { tempDir } from '../helpers/temp.js';

const GOOD = '111122223333';
const BAD = '444455556666';
let good: MotoServer;
let bad: MotoServer;

/** Every status each check id has shown in this file, to prove both outcomes are exercised. */
const seen = new Map<string, Set<CheckStatus>>();

async function audit(env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ code: number | null; report: AuditReport; stderr: string }> {
  const r = await runCli(['audit', '-o', 'json', ...args], { env });
  assert.equal(r.stderr, '', 'an audit prints nothing on stderr');
  const report = JSON.parse(r.stdout) as AuditReport;
  for (const c of report.checks) {
    const s = seen.get(c.id) ?? new Set<CheckStatus>();
    s.add(c.status);
    seen.set(c.id, s);
  }
  return { code: r.code, report, stderr: r.stderr };
}

function only(report: AuditReport, id: string, resource?: string): CheckResult {
  const hits = report.checks.filter((c) => c.id === id && (!resource || c.resource === resource));
  assert.equal(hits.length, 1, `${id} ${resource ?? ''}: ${hits.length} results`);
  return hits[0]!;
}

before(async () => {
  [good, bad] = await Promise.all([startMoto({ accountId: GOOD }), startMoto({ accountId: BAD })]);
  await Promise.all([buildGoodAccount(good.endpoint, GOOD), buildBadAccount(bad.endpoint, BAD)]);
});

after(async () => {
  await Promise.all([good?.stop(), bad?.stop()]);
});

test('a well-configured account passes every check moto can show (MFA delete is ignored by moto)', async () => {
  const { code, report } = await audit(good.env);
  assert.equal(code, 1, 'one check fails, so the exit code is 1');
  assert.equal(report.account, GOOD);
  assert.deepEqual(report.regions, ['us-east-1']);
  const notPassing = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}: ${c.detail}`);
  assert.deepEqual(notPassing, ['bucket.mfa-delete fail: MFA delete is off: versions can be deleted without the root MFA device']);
  // Every check id appears: account checks once, trail checks per trail, bucket checks per bucket.
  assert.deepEqual([...new Set(report.checks.map((c) => c.id))].sort(), CHECKS.map((c) => c.id).sort());
  for (const c of report.checks) {
    assert.deepEqual(Object.keys(c), ['id', 'status', 'resource', 'region', 'detail', 'evidence', 'references', 'remediation']);
    assert.equal(c.region, 'us-east-1');
  }
  assert.match(only(report, 'bucket.object-lock').detail, /GOVERNANCE for 400 days/);
  assert.match(only(report, 'bucket.encryption').detail, /SSE-KMS/);
  assert.match(only(report, 'bucket.retention').detail, /GLACIER after 90 days/);
  // 4.5 is written differently from the benchmark's text and still counts.
  assert.match(only(report, 'alert.cis-4.5').detail, /matches all 5 canonical events/);
  assert.deepEqual(only(report, 'trail.multi-region').references, { cis: ['3.1'], securityHub: ['CloudTrail.1'] });
  assert.equal(only(report, 'trail.kms').remediation, '', 'a passing check needs no remediation');
});

test('a badly configured account fails each check, and says why', async () => {
  const { code, report } = await audit(bad.env);
  assert.equal(code, 1);
  const regional = `arn:aws:cloudtrail:us-east-1:${BAD}:trail/regional`;
  const writesOnly = `arn:aws:cloudtrail:us-east-1:${BAD}:trail/writes-only`;
  const expectFail = (id: string, detail: RegExp, resource?: string) => {
    const c = only(report, id, resource);
    assert.equal(c.status, 'fail', `${id}: ${c.detail}`);
    assert.match(c.detail, detail);
    assert.notEqual(c.remediation, '');
  };
  expectFail('trail.multi-region', /regional is single-region; writes-only records only write management events/);
  expectFail('trail.s3-data-events', /only for arn:aws:s3:::bad-trail-logs\//);
  expectFail('trail.logging', /not logging/, regional);
  assert.equal(only(report, 'trail.logging', writesOnly).status, 'pass');
  expectFail('trail.log-validation', /off/, regional);
  expectFail('trail.kms', /not encrypted with a KMS key/, regional);
  expectFail('trail.kms', /key rotation is off/, writesOnly);
  assert.match(only(report, 'trail.kms', writesOnly).remediation, /^aws kms enable-key-rotation --key-id arn:aws:kms:us-east-1:/);
  expectFail('trail.cloudwatch-logs', /does not deliver/, regional);
  expectFail('bucket.public-access', /policy grants public access \(ReadForEveryone\); the ACL grants READ to AllUsers/);
  expectFail('bucket.access-logging', /off/);
  expectFail('bucket.versioning', /not enabled/);
  expectFail('bucket.mfa-delete', /off/);
  expectFail('bucket.object-lock', /off/);
  expectFail('bucket.encryption', /no default encryption/);
  expectFail('bucket.retention', /save-money expires logs after 30 days; save-money deletes previous versions after 7 days \(minimum 365\)/);
  expectFail('bucket.tls-only', /no statement denies/);
  expectFail('bucket.source-condition', /AWSCloudTrailWrite has no aws:SourceArn or aws:SourceAccount/);
  // Alerting: a catch-all, a filter without an alarm, a topic nobody reads, a near miss, a muted alarm.
  expectFail('alert.cis-4.1', /filter UnauthorizedAPICalls also matches ordinary s3:GetObject/);
  expectFail('alert.cis-4.3', /RootAccountUsage matches, but no alarm watches CISBenchmark\/RootAccountUsage/);
  expectFail('alert.cis-4.4', /nobody-listens has no confirmed subscription/);
  expectFail('alert.cis-4.5', /filter CloudTrailChanges misses cloudtrail:StartLogging, cloudtrail:StopLogging/);
  expectFail('alert.cis-4.6', /actions disabled/);
  expectFail('alert.cis-4.7', /UnauthorizedAPICalls also matches ordinary/);
  expectFail('alert.trail-tampering', /rule switched-off matches, but it is DISABLED/);
  const missed = only(report, 'alert.cis-4.5').evidence.filters as { filter: string; missed: string[] }[];
  assert.deepEqual(missed.find((f) => f.filter === 'CloudTrailChanges')?.missed, ['cloudtrail:StartLogging', 'cloudtrail:StopLogging']);
  const rules = only(report, 'alert.trail-tampering').evidence.rules as { rule: string; missed: string[] }[];
  assert.deepEqual(rules.find((r) => r.rule === 'stop-logging-only')?.missed, ['cloudtrail:UpdateTrail']);
});

test('--min-retention-days and --trail narrow the audit', async () => {
  const { report } = await audit(bad.env, ['--min-retention-days', '5', '--trail', 'regional']);
  assert.equal(only(report, 'bucket.retention').status, 'pass');
  assert.deepEqual([...new Set(report.checks.filter((c) => c.id.startsWith('trail.') && c.resource.includes(':trail/')).map((c) => c.resource))], [
    `arn:aws:cloudtrail:us-east-1:${BAD}:trail/regional`,
  ]);
  // The only remaining trail is not logging to CloudWatch Logs: no alert can fire.
  assert.match(only(report, 'alert.cis-4.3').detail, /no logging trail delivers to CloudWatch Logs/);
});

test('a multi-region trail found through its shadow copy is audited once, in its home region', async () => {
  const { report } = await audit(good.env, ['--region', 'eu-west-1']);
  assert.deepEqual(report.regions, ['eu-west-1', 'us-east-1']);
  const trails = [...new Set(report.checks.filter((c) => c.id === 'trail.logging').map((c) => `${c.resource} ${c.region} ${c.status}`))];
  assert.deepEqual(trails, [`arn:aws:cloudtrail:us-east-1:${GOOD}:trail/org-main us-east-1 pass`]);
  assert.equal(only(report, 'trail.multi-region').status, 'pass');
});

test('refused calls give unknown, never pass; MFA delete and a delivery error are read as AWS reports them', async () => {
  const trailArn = `arn:aws:cloudtrail:us-east-1:${GOOD}:trail/org-main`;
  const cloudtrail = await startJsonApiStandin({
    ListTrails: () => ({ Trails: [{ TrailARN: trailArn, Name: 'org-main', HomeRegion: 'us-east-1' }] }),
    DescribeTrails: () => ({
      trailList: [
        {
          Name: 'org-main',
          TrailARN: trailArn,
          HomeRegion: 'us-east-1',
          S3BucketName: 'good-trail-logs',
          IsMultiRegionTrail: true,
          LogFileValidationEnabled: true,
          KmsKeyId: `arn:aws:kms:us-east-1:${GOOD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
          CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${GOOD}:log-group:cloudtrail/org-main:*`,
        },
      ],
    }),
    GetTrailStatus: () => ({ IsLogging: true, LatestDeliveryError: 'AccessDenied', LatestDeliveryTime: 1772445600 }),
    GetEventSelectors: () => {
      throw new JsonApiError('AccessDeniedException', 'not authorized to perform cloudtrail:GetEventSelectors');
    },
    GetInsightSelectors: () => {
      throw new JsonApiError('InsightNotEnabledException', 'no insights');
    },
  });
  const kms = await startJsonApiStandin({
    DescribeKey: () => {
      throw new JsonApiError('AccessDeniedException', 'not authorized to perform kms:DescribeKey');
    },
  });
  const s3 = await startS3XmlStandin((req) =>
    req.query.includes('versioning')
      ? { status: 200, body: '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>' }
      : accessDenied,
  );
  try {
    const { code, report } = await audit({
      ...good.env,
      AWS_ENDPOINT_URL_CLOUDTRAIL: cloudtrail.endpoint,
      AWS_ENDPOINT_URL_KMS: kms.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
    });
    assert.equal(code, 1);
    const status = Object.fromEntries(report.checks.filter((c) => !c.id.startsWith('alert.')).map((c) => [c.id, c.status]));
    assert.deepEqual(status, {
      'trail.multi-region': 'unknown',
      'trail.s3-data-events': 'unknown',
      'trail.logging': 'fail',
      'trail.log-validation': 'pass',
      'trail.kms': 'unknown',
      'trail.cloudwatch-logs': 'pass',
      'bucket.public-access': 'unknown',
      'bucket.access-logging': 'unknown',
      'bucket.versioning': 'pass',
      'bucket.mfa-delete': 'pass',
      'bucket.object-lock': 'unknown',
      'bucket.encryption': 'unknown',
      'bucket.retention': 'unknown',
      'bucket.tls-only': 'unknown',
      'bucket.source-condition': 'unknown',
    });
    assert.match(only(report, 'trail.logging').detail, /latest delivery to S3 failed: AccessDenied/);
    assert.match(only(report, 'trail.multi-region').detail, /GetEventSelectors access denied \(AccessDeniedException\)/);
    assert.match(only(report, 'trail.kms').detail, /access denied/);
    assert.match(only(report, 'bucket.tls-only').detail, /GetBucketPolicy: access denied \(AccessDenied\)/);
    // The alarm chain is still read from the real (moto) services and still passes.
    assert.equal(only(report, 'alert.cis-4.1').status, 'pass');
    assert.ok(s3.calls.some((c) => c.query.includes('policy')));
  } finally {
    await Promise.all([cloudtrail.stop(), kms.stop(), s3.stop()]);
  }
});

test('the terminal table groups checks by resource and ends with a summary', async () => {
  const r = await runCli(['audit', '-o', 'table'], { env: bad.env });
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'NO_COLOR: no escape sequences');
  const titles = [...r.stdout.matchAll(/│ ((?:Account|Trail|Bucket) \S+)/g)].map((m) => m[1]);
  assert.deepEqual(titles, [
    `Account ${BAD}`,
    `Trail arn:aws:cloudtrail:us-east-1:${BAD}:trail/regional`,
    `Trail arn:aws:cloudtrail:us-east-1:${BAD}:trail/writes-only`,
    'Bucket s3://bad-trail-logs',
  ]);
  assert.match(r.stdout, /\n35 checks: 2 pass, 33 fail, 0 unknown \(account 444455556666, regions us-east-1\)\n$/);
  // Into a pipe (as here) with no -o, audit prints its machine form, as every command does.
  const piped = await runCli(['audit'], { env: bad.env });
  assert.equal(piped.code, 1);
  assert.equal((JSON.parse(piped.stdout) as AuditReport).checks.length, 35);
});

test('usage and configuration errors exit 2 with one line', async () => {
  const badFlag = await runCli(['audit', '--min-retention-days', 'a year'], { env: good.env });
  assert.equal(badFlag.code, 2);
  assert.equal(badFlag.stderr, 'ctrail: --min-retention-days: expected a whole number of days, got "a year"\n');
  const noTrail = await runCli(['audit', '--trail', 'nope'], { env: good.env });
  assert.equal(noTrail.code, 2);
  assert.equal(noTrail.stderr, 'ctrail: no such trail in us-east-1: nope\n');
  const badFormat = await runCli(['audit', '-o', 'csv'], { env: good.env });
  assert.equal(badFormat.code, 2);
  const unreachable = await runCli(['audit'], { env: { ...good.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:1' } });
  assert.equal(unreachable.code, 2);
  assert.equal(unreachable.stderr, 'ctrail: sts: cannot reach the endpoint (connect ECONNREFUSED 127.0.0.1:1)\n');
  const noCredentials = await runCli(['audit'], {
    env: { ...good.env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined },
  });
  assert.equal(noCredentials.code, 2);
  assert.match(noCredentials.stderr, /^ctrail: no AWS credentials found .*\n$/);
  const windowWithoutReplay = await runCli(['audit', '--start', '7d'], { env: good.env });
  assert.equal(windowWithoutReplay.code, 2);
  assert.equal(windowWithoutReplay.stderr, 'ctrail: --start and --end apply to --replay\n');
});

test('--replay runs every filter and rule found over history and says how often and when each would have fired', async () => {
  const dir = tempDir('ctrail-replay-');
  try {
    // Each record gets its own eventID: the scan drops repeated deliveries of one event.
    let n = 0;
    const at = (e: { event: object }, time: string) => ({ ...e.event, eventTime: time, eventID: `replay-${++n}` });
    const cis45 = ALERT_CONTROLS.find((c) => c.id === 'alert.cis-4.5')!;
    const stop = TRAIL_TAMPERING.events.find((e) => e.label === 'cloudtrail:StopLogging')!;
    const records = [
      at(BENIGN_EVENTS[0]!, '2026-03-01T08:00:00Z'),
      at(stop, '2026-03-01T09:30:00Z'),
      at(cis45.events[0]!, '2026-03-02T10:00:00Z'),
      at(BENIGN_EVENTS[1]!, '2026-03-03T11:00:00Z'),
      at(stop, '2026-03-03T12:00:00Z'),
    ];
    // One gzipped log file as CloudTrail writes it, one plain NDJSON file: two source types in one replay.
    writeFileSync(join(dir, '111122223333_CloudTrail_us-east-1_20260301T0900Z_abc.json.gz'), gzipSync(JSON.stringify({ Records: records.slice(0, 3) })));
    writeFileSync(join(dir, 'later.ndjson'), records.slice(3).map((r) => JSON.stringify(r)).join('\n') + '\n');
    const r = await runCli(['audit', '-o', 'json', '--replay', join(dir, '111122223333_CloudTrail_us-east-1_20260301T0900Z_abc.json.gz'), join(dir, 'later.ndjson')], { env: good.env });
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as AuditReport;
    assert.equal(report.replay?.events, 5);
    assert.equal(report.replay?.from, '2026-03-01T08:00:00Z');
    assert.equal(report.replay?.to, '2026-03-03T12:00:00Z');
    const byName = new Map<string, ReplayResult>(report.replay!.patterns.map((p) => [p.name, p]));
    assert.deepEqual(
      [byName.get('CloudTrailChanges'), byName.get('trail-tampering'), byName.get('RootAccountUsage')].map((p) => p && [p.kind, p.where, p.fired, p.first, p.last]),
      [
        ['metric-filter', 'cloudtrail/org-main', 3, '2026-03-01T09:30:00Z', '2026-03-03T12:00:00Z'],
        ['event-rule', 'us-east-1', 2, '2026-03-01T09:30:00Z', '2026-03-03T12:00:00Z'],
        ['metric-filter', 'cloudtrail/org-main', 0, null, null],
      ],
    );
    assert.equal(report.replay!.patterns.length, ALERT_CONTROLS.length + 1);

    const table = await runCli(['audit', '-o', 'table', '--wide', '--replay', dir, '--start', '2026-03-02T00:00:00Z'], { env: good.env });
    assert.match(table.stdout, /Replay over 3 events from 2026-03-02T10:00:00Z to 2026-03-03T12:00:00Z:/);
    assert.match(table.stdout, /│ 2 +│ 2026-03-02T10:00:00Z │ 2026-03-03T12:00:00Z │ metric-filter │ CloudTrailChanges/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every check id has been seen both passing and failing', () => {
  for (const def of CHECKS) {
    const s = seen.get(def.id);
    assert.ok(s?.has('pass') && s.has('fail'), `${def.id}: seen ${[...(s ?? [])].join(', ')}`);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';
import type { DeletionResult } from '../../src/forensics/find-deletion.js';
import type { TraceResult } from '../../src/forensics/trace.js';
import { runCli } from '../helpers/cli.js';
import { startS3Server } from '../helpers/s3server.js';
import { A, B, chainedCrossAccount, failedThenSuccess } from '../helpers/forensics-scenarios.js';
import { tempDir } from '../helpers/temp.js';

/** Writes events as CloudTrail delivers them: gzipped {"Records":[…]} under the trail's key layout. */
function writeTrail(root: string, account: string, events: CloudTrailEvent[], stamp = '20260314T0405Z'): string {
  const dir = join(root, 'AWSLogs', account, 'CloudTrail', 'us-east-1', '2026', '03', '14');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${account}_CloudTrail_us-east-1_${stamp}_${Math.random().toString(36).slice(2, 10).toUpperCase()}.json.gz`);
  writeFileSync(file, gzipSync(JSON.stringify({ Records: events })));
  return file;
}

const lines = <T>(stdout: string): T[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

test('find-deletion on the demo trail: the failed attempt and the deletion, attributed to ops-admin (exit 0)', async () => {
  const r = await runCli(['find-deletion', 'orders', 'fixtures/demo', '-o', 'ndjson', '-q']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const results = lines<DeletionResult>(r.stdout);
  assert.deepEqual(results.map((x) => [x.eventName, x.outcome, x.errorCode]), [
    ['DeleteTable', 'failed', 'AccessDenied'],
    ['DeleteTable', 'success', null],
  ]);
  const ok = results[1]!;
  assert.equal(ok.resource.account, '111122223333', 'the same-named table in 444455556666 was created, never deleted');
  assert.equal(ok.origin.arn, 'arn:aws:iam::111122223333:user/ops-admin');
  assert.equal(ok.origin.chain[0]!.eventName, 'AssumeRole');
  assert.equal(ok.match, 'catalogue');
  assert.match(ok.source, /111122223333_CloudTrail_us-east-1_.*\.json\.gz$/);
  assert.equal(results[0]!.origin.complete, false);
});

test('the terminal form leads with the one-sentence answer', async () => {
  const r = await runCli(['find-deletion', 'orders', 'fixtures/demo', '-o', 'table', '-q']);
  assert.equal(r.code, 0);
  assert.match(r.stdout.split('\n')[0]!, /^`orders` \(DynamoDB table, 111122223333, us-east-1\) was deleted at 2026-03-14T04:02:11Z by assumed-role\/Admin\/ops-session — a session of IAM user ops-admin \(AssumeRole at 03:55:02Z\)/);
});

test('nothing found exits 1; a bad --type or look-back exits 2 with one line', async () => {
  const none = await runCli(['find-deletion', 'no-such-table', 'fixtures/demo', '-o', 'ndjson', '-q']);
  assert.equal(none.code, 1);
  assert.equal(none.stdout, '');
  const badType = await runCli(['find-deletion', 'orders', 'fixtures/demo', '--type', 'dynamo:tabel']);
  assert.equal(badType.code, 2);
  assert.match(badType.stderr, /^ctrail: unknown --type dynamo:tabel/);
  assert.equal(badType.stderr.trim().split('\n').length, 1);
  const badLookBack = await runCli(['find-deletion', 'orders', 'fixtures/demo', '--look-back', 'forever']);
  assert.equal(badLookBack.code, 2);
});

test('a KMS key deleted by AWS at the end of its waiting period names the person who scheduled it', async () => {
  const r = await runCli(['find-deletion', '0987dcba-09fe-87dc-65ba-ab0987654321', 'fixtures/forensics/deferred/kms-scheduled-deletions.json', '-o', 'ndjson', '-q']);
  assert.equal(r.code, 0);
  const results = lines<DeletionResult>(r.stdout);
  const deleted = results.find((x) => x.eventName === 'DeleteKey')!;
  const lastSchedule = results.filter((x) => x.eventName === 'ScheduleKeyDeletion').pop()!;
  assert.equal(deleted.origin.via, `ScheduleKeyDeletion ${lastSchedule.eventID}`);
  assert.equal(deleted.origin.arn, 'arn:aws:iam::111122223333:user/dave');
  const table = await runCli(['find-deletion', '0987dcba-09fe-87dc-65ba-ab0987654321', 'fixtures/forensics/deferred/kms-scheduled-deletions.json', '-o', 'table', '-q']);
  assert.match(table.stdout, /by AWS at the end of the waiting period set by ScheduleKeyDeletion \S+ at 2026-03-03T12:00:00Z — a session of IAM user dave \(AssumeRole at 11:58:00Z\)/);
});

test('related calls stay in NDJSON as match "related" with their parent; related calls alone exit 1', async () => {
  const r = await runCli(['find-deletion', 'web-app', 'fixtures/forensics/related/dismantle.json', '-o', 'ndjson', '-q']);
  assert.equal(r.code, 0);
  const results = lines<DeletionResult>(r.stdout);
  assert.deepEqual(results.map((x) => x.match), ['related', 'related', 'related', 'catalogue']);
  assert.deepEqual(results[0]!.parent, { type: 'iam:role', label: 'IAM role', name: 'web-app', arn: 'arn:aws:iam::111122223333:role/web-app', account: '111122223333' });
  assert.deepEqual(Object.keys(results[0]!).slice(0, 3), ['resource', 'parent', 'eventID']);
  const alone = await runCli(['find-deletion', 'batch-runner', 'fixtures/forensics/related/dismantle.json', '-o', 'ndjson', '-q']);
  assert.equal(alone.code, 1, 'the role was not deleted');
  assert.equal(lines<DeletionResult>(alone.stdout)[0]!.match, 'related');
});

test('--identity-source completes a cross-account chain whose first hops live in another trail; the decoy stays apart', async () => {
  const sc = chainedCrossAccount();
  const root = tempDir('ctrail-forensics-');
  const prod = join(root, 'prod');
  const identity = join(root, 'identity');
  writeTrail(prod, B, sc.events.filter((e) => e.recipientAccountId === B));
  writeTrail(prod, '777788889999', sc.events.filter((e) => e.recipientAccountId === '777788889999'));
  writeTrail(identity, A, sc.identityEvents!);

  const without = await runCli(['find-deletion', `arn:aws:dynamodb:us-east-1:${B}:table/orders`, prod, '-o', 'ndjson', '-q']);
  assert.equal(without.code, 0);
  const partial = lines<DeletionResult>(without.stdout);
  assert.equal(partial.length, 1);
  assert.equal(partial[0]!.origin.complete, false);
  assert.match(partial[0]!.origin.missing!, /--identity-source/);

  const withId = await runCli(['find-deletion', 'orders', prod, '--identity-source', identity, '-o', 'ndjson', '-q']);
  assert.equal(withId.code, 0);
  const all = lines<DeletionResult>(withId.stdout);
  assert.equal(all.length, 2);
  const real = all.find((x) => x.resource.account === B)!;
  assert.equal(real.origin.complete, true);
  assert.equal(real.origin.arn, `arn:aws:iam::${A}:user/ops-admin`);
  assert.deepEqual(real.origin.chain.map((s) => s.accessKeyId), ['ASIAJUMPEXAMPLE00001', 'ASIAADMINEXAMPLE0001']);
  const decoy = all.find((x) => x.resource.account !== B)!;
  assert.equal(decoy.origin.arn, 'arn:aws:iam::777788889999:user/dev');
});

test('--start narrows the deletions while issuing events before it are still used', async () => {
  const sc = failedThenSuccess();
  const root = tempDir('ctrail-forensics-');
  writeTrail(root, A, sc.events);
  const r = await runCli(['find-deletion', 'org-trail', root, '--start', '2026-03-14T05:03:00Z', '--event-name', 'DeleteTrail', '-o', 'ndjson', '-q']);
  assert.equal(r.code, 0);
  assert.deepEqual(lines<DeletionResult>(r.stdout).map((x) => [x.eventName, x.eventTime]), [['DeleteTrail', '2026-03-14T05:05:00Z']]);
});

test('results printed while an input is unreadable exit 3', async () => {
  const sc = failedThenSuccess();
  const root = tempDir('ctrail-forensics-');
  writeTrail(root, A, sc.events);
  const broken = join(root, 'AWSLogs', A, 'CloudTrail', 'us-east-1', '2026', '03', '14', `${A}_CloudTrail_us-east-1_20260314T0410Z_BROKEN00.json.gz`);
  writeFileSync(broken, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]));
  const r = await runCli(['find-deletion', 'org-trail', root, '-o', 'ndjson', '-q']);
  assert.equal(r.code, 3);
  assert.equal(lines<DeletionResult>(r.stdout).length, 3);
  assert.match(r.stderr, /BROKEN00\.json\.gz/);
});

test('real records through the CLI: the denied LeaveOrganization, traced through the second of two AssumeRoles', async () => {
  const r = await runCli(['find-deletion', '307578594326', 'fixtures/forensics/real/stratus-organizations-leave.json', '-o', 'ndjson', '-q']);
  assert.equal(r.code, 0);
  const [x] = lines<DeletionResult>(r.stdout);
  assert.equal(x!.outcome, 'failed');
  assert.equal(x!.origin.chain[0]!.eventID, '099bfd30-232c-4dff-9998-3821921063ca');
});

test('trace: a session key on the demo trail, and an unknown key exits 1', async () => {
  const r = await runCli(['trace', 'ASIAZ7ADMINSESSION01', 'fixtures/demo', '-o', 'ndjson', '-q']);
  assert.equal(r.code, 0);
  const [t] = lines<TraceResult>(r.stdout);
  assert.equal(t!.principal.arn, 'arn:aws:sts::111122223333:assumed-role/Admin/ops-session');
  assert.equal(t!.origin.arn, 'arn:aws:iam::111122223333:user/ops-admin');
  assert.ok(t!.events >= 4);
  const none = await runCli(['trace', 'ASIANOTHINGEXAMPLE01', 'fixtures/demo', '-o', 'ndjson', '-q']);
  assert.equal(none.code, 1);
  const bad = await runCli(['trace', 'christophe', 'fixtures/demo']);
  assert.equal(bad.code, 2);
});

test('find-deletion reads the trail and the identity trail from a local S3-protocol server', async () => {
  const sc = chainedCrossAccount();
  const s3 = await startS3Server();
  try {
    await s3.createBucket('prod-trail');
    await s3.createBucket('identity-trail');
    const key = (account: string) => `AWSLogs/${account}/CloudTrail/us-east-1/2026/03/14/${account}_CloudTrail_us-east-1_20260314T0405Z_S3TEST01.json.gz`;
    await s3.put('prod-trail', key(B), gzipSync(JSON.stringify({ Records: sc.events.filter((e) => e.recipientAccountId === B) })));
    await s3.put('identity-trail', key(A), gzipSync(JSON.stringify({ Records: sc.identityEvents })));
    const r = await runCli(['find-deletion', 'orders', 's3://prod-trail/', '--identity-source', 's3://identity-trail/', '-o', 'ndjson', '-q'], { env: s3.env });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const [x] = lines<DeletionResult>(r.stdout);
    assert.equal(x!.source, `s3://prod-trail/${key(B)}`);
    assert.equal(x!.origin.complete, true);
    assert.equal(x!.origin.arn, `arn:aws:iam::${A}:user/ops-admin`);
  } finally {
    await s3.stop();
  }
});

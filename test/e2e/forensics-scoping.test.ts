import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';
import type { DeletionResult } from '../../src/forensics/find-deletion.js';
import type { TraceResult } from '../../src/forensics/trace.js';
import { runCli } from '../helpers/cli.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { A, B, C, chainedCrossAccount } from '../helpers/forensics-scenarios.js';
import { apiEvent, assumeRole, assumedRole, iamUser } from '../helpers/scenario.js';
import { layoutTrail } from '../helpers/trail-builder.js';

/**
 * The scope flags choose the actions; the evidence behind them is read where the incomplete link points,
 * from the same bucket, and nowhere else. Moto's access log shows which folders were listed.
 */
const ORG = 'o-a1b2c3d4e5';
let s3: LocalS3;

const lines = <T>(stdout: string): T[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

/** ops-admin (A) → Jump (A) → cross-account Admin (B) → DeleteTable orders in B's eu-west-1; STS calls in us-east-1. */
function orgTrailEvents(): CloudTrailEvent[] {
  const sc = chainedCrossAccount();
  const deletion = structuredClone(sc.deletion);
  deletion.awsRegion = 'eu-west-1';
  (deletion.responseElements as { tableDescription: { tableArn: string } }).tableDescription.tableArn = `arn:aws:dynamodb:eu-west-1:${B}:table/orders`;
  const decoys = sc.events.filter((e) => e.recipientAccountId === C).map((e) => (e.eventName === 'DeleteTable' ? { ...e, awsRegion: 'eu-west-1' } : e));
  // Folders nobody needs: A's own eu-west-1, B's ap-south-1.
  const noise = [
    apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', eventTime: '2026-03-14T03:58:00Z', userIdentity: iamUser(A, 'ops-admin', 'AKIAOPSADMINEXAMPLE1'), awsRegion: 'eu-west-1', readOnly: true }),
    apiEvent({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', eventTime: '2026-03-14T03:59:00Z', userIdentity: iamUser(B, 'batch', 'AKIABATCHEXAMPLE0001'), awsRegion: 'ap-south-1', readOnly: true }),
  ];
  return [sc.hop1, sc.hop2Caller, sc.hop2Owner, deletion, ...decoys, ...noise];
}

/** One account: ops (A) assumes Admin through STS's global endpoint (us-east-1), then deletes in eu-west-1. */
function singleAccountEvents(): CloudTrailEvent[] {
  const user = iamUser(A, 'ops', 'AKIAOPSEXAMPLE000001');
  const issue = assumeRole({ caller: user, roleArn: `arn:aws:iam::${A}:role/Admin`, sessionName: 'ops', issuedKey: 'ASIASINGLEEXAMPLE001', eventTime: '2026-03-14T03:55:00Z' });
  const admin = assumedRole(A, 'Admin', 'ops', 'ASIASINGLEEXAMPLE001', { creationDate: '2026-03-14T03:55:00Z' });
  const deletion = apiEvent({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', eventTime: '2026-03-14T04:02:00Z', userIdentity: admin, awsRegion: 'eu-west-1', requestParameters: { tableName: 'orders' } });
  return [issue, deletion];
}

async function upload(bucket: string, events: CloudTrailEvent[], org?: string): Promise<void> {
  await s3.createBucket(bucket);
  for (const f of layoutTrail(events, org ? { org } : {})) await s3.put(bucket, f.key, f.body);
}

/** The account/region folders whose day folders (or files) were listed since the log was cleared. */
async function foldersRead(): Promise<string[]> {
  await s3.settle();
  const folders = new Set<string>();
  for (const r of s3.requests) {
    if (r.method !== 'GET' || !r.url.includes('list-type=2')) continue;
    const prefix = new URL(r.url, 'http://x').searchParams.get('prefix') ?? '';
    const m = /AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\//.exec(prefix);
    if (m) folders.add(`${m[1]}/${m[2]}`);
  }
  return [...folders].sort();
}

async function listedPrefixes(): Promise<string[]> {
  await s3.settle();
  return s3.requests.filter((r) => r.method === 'GET' && r.url.includes('list-type=2')).map((r) => new URL(r.url, 'http://x').searchParams.get('prefix') ?? '');
}

before(async () => {
  s3 = await startS3Server();
  await upload('org-trail', orgTrailEvents(), ORG);
  await upload('single-trail', singleAccountEvents());
  // The same organization trail without account A: the caller's copy of the cross-account call is not there.
  await upload('org-trail-no-a', orgTrailEvents().filter((e) => e.recipientAccountId !== A), ORG);
});

after(async () => {
  await s3?.stop();
});

test('--region eu-west-1 on one account: the AssumeRole in us-east-1 still completes the chain', async () => {
  await s3.clearLog();
  const r = await runCli(['find-deletion', 'orders', 's3://single-trail', '--region', 'eu-west-1', '-o', 'ndjson', '-q'], { env: s3.env });
  assert.equal(r.code, 0, r.stderr);
  const [x] = lines<DeletionResult>(r.stdout);
  assert.equal(x!.awsRegion, 'eu-west-1');
  assert.equal(x!.origin.complete, true, x!.origin.missing);
  assert.equal(x!.origin.type, 'IAMUser');
  assert.equal(x!.origin.arn, `arn:aws:iam::${A}:user/ops`);
  assert.deepEqual(x!.origin.chain.map((s) => s.accessKeyId), ['ASIASINGLEEXAMPLE001']);
  assert.deepEqual(await foldersRead(), [`${A}/eu-west-1`, `${A}/us-east-1`]);
});

test('organization trail, scoped to one account and region: the chain crosses into us-east-1 and another account, reading only those folders', async () => {
  await s3.clearLog();
  const r = await runCli(['find-deletion', 'orders', 's3://org-trail', '--region', 'eu-west-1', '--account', B, '-o', 'ndjson', '-q'], { env: s3.env });
  assert.equal(r.code, 0, r.stderr);
  const results = lines<DeletionResult>(r.stdout);
  assert.equal(results.length, 1, 'the decoy in another account is out of scope');
  const x = results[0]!;
  assert.equal(x.recipientAccountId, B);
  assert.equal(x.origin.complete, true, x.origin.missing);
  assert.equal(x.origin.type, 'IAMUser');
  assert.equal(x.origin.arn, `arn:aws:iam::${A}:user/ops-admin`);
  assert.deepEqual(x.origin.chain.map((s) => s.accessKeyId), ['ASIAJUMPEXAMPLE00001', 'ASIAADMINEXAMPLE0001']);
  assert.equal(x.origin.sourceIdentity, 'ops-admin');
  // The scoped folder, B's us-east-1 (the role owner's copy of the AssumeRole), then A's us-east-1 (the caller's
  // copy and the first hop). STS's global endpoint records as us-east-1 but a trail delivers such events to its
  // home region, which the keys do not name: so the named accounts' other region folders are read too, screened
  // on their bytes for us-east-1 (docs/real-trails.md). Only the accounts the chain names are ever opened.
  assert.deepEqual(await foldersRead(), [`${A}/eu-west-1`, `${A}/us-east-1`, `${B}/ap-south-1`, `${B}/eu-west-1`, `${B}/us-east-1`]);
  const prefixes = await listedPrefixes();
  assert.ok(!prefixes.some((p) => p.includes(C)), `account ${C} is never listed: ${prefixes.join(' ')}`);
});

test('trace, scoped the same way, follows the key to the IAM user', async () => {
  const r = await runCli(['trace', 'ASIAADMINEXAMPLE0001', 's3://org-trail', '--region', 'eu-west-1', '--account', B, '-o', 'ndjson', '-q'], { env: s3.env });
  assert.equal(r.code, 0, r.stderr);
  const [t] = lines<TraceResult>(r.stdout);
  assert.equal(t!.events, 1);
  assert.equal(t!.origin.complete, true, t!.origin.missing);
  assert.equal(t!.origin.arn, `arn:aws:iam::${A}:user/ops-admin`);
});

test('a chain that cannot be completed names the key, the folders read and what to add', async () => {
  await s3.clearLog();
  const r = await runCli(['find-deletion', 'orders', 's3://org-trail-no-a', '--region', 'eu-west-1', '--account', B, '-o', 'ndjson', '-q'], { env: s3.env });
  assert.equal(r.code, 0, r.stderr);
  const [x] = lines<DeletionResult>(r.stdout);
  assert.equal(x!.origin.complete, false);
  assert.equal(x!.origin.reached?.type, 'AWSAccount');
  assert.equal(x!.origin.reached?.account, A);
  assert.deepEqual(x!.origin.chain.map((s) => s.accessKeyId), ['ASIAADMINEXAMPLE0001']);
  const missing = x!.origin.missing!;
  assert.match(missing, /same sharedEventID/);
  assert.match(missing, new RegExp(`read account ${A} in us-east-1 \\(at 2026-03-14T03:55:02Z\\) in s3://org-trail-no-a/ without finding it`));
  assert.match(missing, /--identity-source/);
  assert.deepEqual(await foldersRead(), [`${B}/ap-south-1`, `${B}/eu-west-1`, `${B}/us-east-1`], 'A has no folder: its account listing finds nothing to open');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ActivityEvent, ActivitySummary } from '../../src/forensics/activity/types.js';
import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';
import { spawnSync } from 'node:child_process';
import { cliPath, runCli } from '../helpers/cli.js';
import { startS3Server } from '../helpers/s3server.js';
import { iamUser, layoutTrail, makeEvent, writeTrail } from '../helpers/trail-builder.js';
import { A, persistenceBranch, reusedExampleKey, samlSourceIdentity, sameSessionName, threeHopChain } from '../helpers/activity-scenarios.js';
import { tempDir } from '../helpers/temp.js';

const lines = (stdout: string): ActivityEvent[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ActivityEvent);
const sorted = (xs: string[]) => [...xs].sort();

function trailDir(events: CloudTrailEvent[]): string {
  const dir = tempDir('ctrail-activity-');
  writeTrail(dir, layoutTrail(events));
  return dir;
}

test('activity on the demo trail: ops-admin console sign-in, the AssumeRole and everything its session did (exit 0)', async () => {
  const r = await runCli(['activity', 'ops-admin', 'fixtures/demo', '-o', 'ndjson', '-q']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const events = lines(r.stdout);
  assert.deepEqual(events.map((x) => [x.depth, x.eventName, x.branch]), [
    [0, 'ConsoleLogin', 'session'],
    [0, 'AssumeRole', 'session'],
    [1, 'ListTables', 'session'],
    [1, 'DescribeTable', 'session'],
    [1, 'DeleteTable', 'session'],
    [1, 'StopLogging', 'session'],
  ]);
  const del = events.find((x) => x.eventName === 'DeleteTable')!;
  assert.equal(del.accessKeyId, 'ASIAZ7ADMINSESSION01');
  assert.deepEqual(del.via.map((v) => [v.eventName, v.issuedAccessKeyId]), [['AssumeRole', 'ASIAZ7ADMINSESSION01']]);
  assert.equal(del.event.eventName, 'DeleteTable', 'the original record travels with each line');
  assert.match(del.source, /^fixtures\/demo\/AWSLogs\/111122223333\/CloudTrail\/us-east-1\//);
  // Other principals on the same trail (the CI deployer's DeleteTable, the orders-api instance role) stay out.
  assert.ok(!events.some((x) => x.session?.includes('ci-deployer') || x.session?.includes('orders-api')));
});

test('-o json is the summary object; the access key gives the same closure minus the keyless console sign-in', async () => {
  const r = await runCli(['activity', 'AKIAZ7OPSADMINKEY001', 'fixtures/demo', '-o', 'json', '-q']);
  assert.equal(r.code, 0);
  const s = JSON.parse(r.stdout) as ActivitySummary;
  assert.equal(s.events, 5);
  assert.deepEqual(s.tree.map((n) => [n.depth, n.accessKeyId, n.principal.arn]), [
    [0, 'AKIAZ7OPSADMINKEY001', 'arn:aws:iam::111122223333:user/ops-admin'],
    [1, 'ASIAZ7ADMINSESSION01', 'arn:aws:sts::111122223333:assumed-role/Admin/ops-session'],
  ]);
  assert.deepEqual(s.resources.deleted.map((d) => d.eventName), ['DeleteTable', 'StopLogging']);
  assert.deepEqual(s.sourceIPs, [{ name: '203.0.113.77', events: 5 }]);
  assert.equal(s.firstSeen, '2026-03-14T03:55:02Z');
});

test('the terminal form: summary first, then the timeline; --summary drops the timeline', async () => {
  const full = await runCli(['activity', 'ops-admin', 'fixtures/demo', '-o', 'table', '-q']);
  assert.equal(full.code, 0);
  assert.match(full.stdout.split('\n')[0]!, /^ops-admin: 6 events through 3 credentials \(1 spawned\), 2026-03-14T03:41:12Z – 2026-03-14T04:03:40Z$/);
  assert.match(full.stdout, /─AssumeRole→ AssumedRole assumed-role\/Admin\/ops-session \[ASIAZ7ADMINSESSION01\]/);
  assert.match(full.stdout, /\nTimeline/);
  const summary = await runCli(['activity', 'ops-admin', 'fixtures/demo', '--summary', '-o', 'table', '-q']);
  assert.doesNotMatch(summary.stdout, /Timeline/);
  assert.match(summary.stdout, /Deleted or stopped:\n {2}2026-03-14T04:02:11Z DeleteTable DynamoDB table orders @111122223333 us-east-1/);
});

test('exit codes: 1 when nothing is found, 2 for usage errors, 3 when an input could not be read (each reported once)', async () => {
  const none = await runCli(['activity', 'AKIANOBODYEXAMPLE001', 'fixtures/demo', '-o', 'ndjson', '-q']);
  assert.equal(none.code, 1);
  assert.equal(none.stdout, '');
  const badWho = await runCli(['activity', 'arn:aws:s3:::bucket', 'fixtures/demo']);
  assert.equal(badWho.code, 2);
  assert.equal(badWho.stderr.trim().split('\n').length, 1);
  assert.match(badWho.stderr, /^ctrail: /);
  const badMix = await runCli(['activity', 'ops-admin', 'fixtures/demo', '--summary', '-o', 'ndjson']);
  assert.equal(badMix.code, 2);
  const partial = await runCli(['activity', 'arn:aws:iam::493859302102:root', 'fixtures/activity/real', '-o', 'ndjson', '-q']);
  assert.equal(partial.code, 3);
  assert.equal(partial.stderr.match(/NOTICE\.md: not JSON/g)?.length, 1, 'two passes, one report per problem');
  const events = lines(partial.stdout);
  const run = events.find((x) => x.eventName === 'RunInstances')!;
  assert.equal(run.branch, 'persistence', 'tracy_stone was created by the root session');
  assert.equal(run.depth, 1);
});

test('generated scenarios through the built CLI: each event set is exact', async () => {
  const chain = threeHopChain();
  const chainDir = trailDir(chain.events);
  const r1 = await runCli(['activity', `arn:aws:iam::${A}:user/alice`, chainDir, '-o', 'ndjson', '-q']);
  assert.equal(r1.code, 0);
  assert.deepEqual(sorted(lines(r1.stdout).map((x) => x.eventID!)), sorted(chain.expected));

  const saml = samlSourceIdentity();
  const r2 = await runCli(['activity', 'jane.doe@example.com', trailDir(saml.events), '-o', 'ndjson', '-q']);
  assert.deepEqual(sorted(lines(r2.stdout).map((x) => x.eventID!)), sorted(saml.expected));

  const p = persistenceBranch();
  const pDir = trailDir(p.events);
  const r3 = await runCli(['activity', 'AKIAMALLORYEXAMPLE01', pDir, '-o', 'ndjson', '-q']);
  assert.deepEqual(sorted(lines(r3.stdout).map((x) => x.eventID!)), sorted(p.expected));
  const r3b = await runCli(['activity', 'AKIAMALLORYEXAMPLE01', pDir, '--no-follow-persistence', '-o', 'json', '-q']);
  const s3b = JSON.parse(r3b.stdout) as ActivitySummary;
  assert.equal(s3b.events, p.sessionOnly.length);
  assert.deepEqual(s3b.persistence.map((x) => [x.eventName, x.followed]), [['CreateUser', false], ['CreateLoginProfile', false], ['CreateAccessKey', false]]);

  const same = sameSessionName();
  const r4 = await runCli(['activity', 'ann', trailDir(same.events), '-o', 'ndjson', '-q']);
  assert.deepEqual(sorted(lines(r4.stdout).map((x) => x.eventID!)), sorted(same.expected));

  const reused = reusedExampleKey();
  const root = tempDir('ctrail-activity-');
  writeTrail(join(root, 'mine'), layoutTrail(reused.mine));
  writeTrail(join(root, 'unrelated'), layoutTrail(reused.unrelated));
  const r5 = await runCli(['activity', `arn:aws:iam::${A}:user/erin`, join(root, 'mine'), join(root, 'unrelated'), '-o', 'ndjson', '-q']);
  const got = lines(r5.stdout);
  assert.deepEqual(sorted(got.map((x) => x.eventID!)), sorted(reused.expected));
  assert.ok(got.every((x) => x.source.startsWith(join(root, 'mine'))));
});

test('stdin is read once and both passes run over it', async () => {
  const chain = threeHopChain();
  const r = await runCli(['activity', 'alice', '-', '-o', 'ndjson', '-q'], { input: chain.events.map((e) => JSON.stringify(e)).join('\n') + '\n' });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.deepEqual(sorted(lines(r.stdout).map((x) => x.eventID!)), sorted(chain.expected));
});

test('--start bounds where <who> starts; --account bounds what is reported', async () => {
  const chain = threeHopChain();
  const dir = trailDir(chain.events);
  const late = await runCli(['activity', 'alice', dir, '--start', '2026-03-14T08:30:00Z', '-o', 'ndjson', '-q']);
  assert.equal(late.code, 1);
  const inC = await runCli(['activity', 'alice', dir, '--account', '777788889999', '-o', 'ndjson', '-q']);
  assert.equal(inC.code, 0);
  assert.deepEqual(lines(inC.stdout).map((x) => x.eventName), ['AssumeRole', 'StopLogging', 'DeleteTrail']);
});

test('activity reads a trail from a local S3-protocol server, the identity account through --identity-source', async () => {
  const chain = threeHopChain();
  const s3 = await startS3Server();
  try {
    await s3.createBucket('org-trail');
    await s3.createBucket('identity-trail');
    // alice's own account (A) holds her key's use and the first hops; the org trail holds B and C.
    for (const f of layoutTrail(chain.events.filter((e) => e.recipientAccountId !== A))) await s3.put('org-trail', f.key, f.body);
    for (const f of layoutTrail(chain.events.filter((e) => e.recipientAccountId === A))) await s3.put('identity-trail', f.key, f.body);
    const r = await runCli(['activity', 'alice', 's3://org-trail/', 's3://identity-trail/', '-o', 'ndjson', '-q'], { env: s3.env });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const events = lines(r.stdout);
    assert.deepEqual(sorted(events.map((x) => x.eventID!)), sorted(chain.expected));
    assert.ok(events.some((x) => x.source.startsWith('s3://org-trail/AWSLogs/777788889999/')));
    // With only the issuing events of A (--identity-source), the chain is still followed into B and C.
    const viaIdentity = await runCli(['activity', 'ASIAJUMPALICE0000001', 's3://org-trail/', '--identity-source', 's3://identity-trail/', '-o', 'ndjson', '-q'], { env: s3.env });
    assert.equal(viaIdentity.code, 0);
    assert.deepEqual(lines(viaIdentity.stdout).map((x) => [x.depth, x.eventName]), [
      [0, 'AssumeRole'],
      [1, 'PutBucketPolicy'],
      [1, 'AssumeRole'],
      [1, 'AssumeRole'],
      [2, 'StopLogging'],
      [2, 'DeleteTrail'],
    ]);
  } finally {
    await s3.stop();
  }
});

test('`activity | head` and `find-deletion | head` end quietly when the reader goes away', () => {
  // Enough output (about 2 MB) that the reader closes the pipe while ctrail is still writing.
  const user = iamUser('111122223333', 'busy', 'AKIABUSYUSER00000001');
  const events = Array.from({ length: 2500 }, (_, i) =>
    makeEvent({
      eventTime: new Date(Date.parse('2026-03-14T03:00:00Z') + i * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
      eventSource: 's3.amazonaws.com',
      eventName: i % 2 ? 'DeleteBucket' : 'CreateBucket',
      userIdentity: user,
      requestParameters: { bucketName: 'scratch-bucket', note: 'x'.repeat(400) },
    }, String(i)),
  );
  const dir = trailDir(events);
  for (const args of [`activity AKIABUSYUSER00000001 "${dir}" -o ndjson -q`, `find-deletion scratch-bucket "${dir}" -o ndjson -q`]) {
    const r = spawnSync('bash', ['-c', `node "${cliPath}" ${args} | head -c 100 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.match(r.stderr, /status=0/, args);
    assert.doesNotMatch(r.stderr, /EPIPE|Error|at /, args);
  }
});

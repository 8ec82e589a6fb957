import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent, SourcedEvent } from '../cloudtrail/event.js';
import { apiEvent, iamUser, loadFixture, sourced } from '../../test/helpers/scenario.js';
import { A, B, C, batchTerminate, chainedCrossAccount, failedThenSuccess, onlyInResources, samlUser, ssoUser } from '../../test/helpers/forensics-scenarios.js';
import { findDeletionMatcher, findDeletions } from './find-deletion.js';
import { parseResourceQuery } from './resource.js';
import { deletionSentences, renderDeletionReport } from '../output/deletion.js';

async function* stream(events: SourcedEvent[]): AsyncIterable<SourcedEvent> {
  yield* events;
}

const run = (query: string, events: CloudTrailEvent[] | SourcedEvent[], identity?: CloudTrailEvent[], type?: string) => {
  const s = (events as Array<CloudTrailEvent | SourcedEvent>).map((e) => ('event' in e && 'source' in e ? (e as SourcedEvent) : { event: e as CloudTrailEvent, source: 'trail.json' }));
  return findDeletions(parseResourceQuery(query, type), stream(s), {}, identity ? sourced(identity, 'identity.json') : undefined);
};

test('chained role across two accounts: the deleter is traced to ops-admin, and the same-named decoy stays separate', async () => {
  const sc = chainedCrossAccount();
  const report = await run('orders', sc.events, sc.identityEvents);
  assert.equal(report.resources.length, 2, 'the decoy in another account is a distinct resource');
  const real = report.results.find((r) => r.resource.account === B)!;
  assert.equal(real.eventID, sc.deletion.eventID);
  assert.equal(real.outcome, 'success');
  assert.equal(real.match, 'catalogue');
  assert.equal(real.resource.arn, `arn:aws:dynamodb:us-east-1:${B}:table/orders`);
  assert.equal(real.actor.arn, `arn:aws:sts::${B}:assumed-role/Admin/ops-session`);
  assert.equal(real.actor.accessKeyId, 'ASIAADMINEXAMPLE0001');
  assert.equal(real.origin.complete, true);
  assert.equal(real.origin.arn, `arn:aws:iam::${A}:user/ops-admin`);
  assert.deepEqual(real.origin.chain.map((s) => s.eventID), [sc.hop1.eventID, sc.hop2Caller.eventID]);
  assert.deepEqual(real.origin.chain[1]!.copies, [sc.hop2Owner.eventID]);

  const decoy = report.results.find((r) => r.resource.account === C)!;
  assert.equal(decoy.origin.arn, `arn:aws:iam::${C}:user/dev`, 'same role and session names, different key: a different person');

  const [headline, ...rest] = deletionSentences('orders', report);
  assert.match(headline!, /names 2 distinct resources/);
  assert.equal(rest[0], `\`orders\` (DynamoDB table, ${B}, us-east-1) was deleted at 2026-03-14T04:02:11Z by assumed-role/Admin/ops-session — a session of IAM user ops-admin in ${A} (AssumeRole at 03:50:00Z, then AssumeRole at 03:55:02Z, sourceIdentity ops-admin).`);
});

test('an ARN names only the real table; without the identity trail the chain says where it stopped', async () => {
  const sc = chainedCrossAccount();
  const report = await run(`arn:aws:dynamodb:us-east-1:${B}:table/orders`, sc.events);
  assert.equal(report.results.length, 1);
  const r = report.results[0]!;
  assert.equal(r.resource.account, B);
  assert.equal(r.origin.complete, false);
  assert.equal(r.origin.chain.length, 1, 'the role-owner copy proves the last hop');
  assert.match(r.origin.missing!, new RegExp(`account ${A}.*--identity-source`));
  assert.match(renderDeletionReport('x', report), /origin unknown/);
});

test('a SAML user', async () => {
  const report = await run('build-artifacts', samlUser().events);
  const r = report.results[0]!;
  assert.equal(r.origin.type, 'SAMLUser');
  assert.equal(r.origin.name, 'jane.doe@example.com');
  assert.equal(r.origin.sourceIdentity, 'jane.doe');
  assert.equal(r.resource.arn, 'arn:aws:s3:::build-artifacts');
  assert.equal(r.resource.region, undefined, 'buckets are named globally');
});

test('an IAM Identity Center user working in the console', async () => {
  const report = await run('payments-webhook', ssoUser().events);
  const r = report.results[0]!;
  assert.equal(r.eventName, 'DeleteFunction20150331');
  assert.equal(r.origin.type, 'IdentityCenterUser');
  assert.equal(r.origin.name, 'alice@example.com');
  assert.equal(r.actor.console, true);
  assert.equal(r.actor.mfaAuthenticated, false);
  assert.match(deletionSentences('payments-webhook', report)[0]!, /a session of IAM Identity Center user alice@example\.com \(AssumeRoleWithSAML at 01:10:00Z\)/);
});

test('a failed attempt before the success: both reported, in time order, the success is the answer', async () => {
  const report = await run('org-trail', failedThenSuccess().events);
  assert.deepEqual(report.results.map((r) => [r.eventName, r.outcome, r.errorCode]), [
    ['DeleteTrail', 'failed', 'AccessDenied'],
    ['StopLogging', 'success', null],
    ['DeleteTrail', 'success', null],
  ]);
  assert.equal(report.resources.length, 1, 'a trail named by ARN and by name is one trail');
  assert.equal(report.results[1]!.effect, 'disabled');
  const sentence = deletionSentences('org-trail', report)[0]!;
  assert.match(sentence, /was deleted at 2026-03-14T05:05:00Z by IAM user sec-admin/);
  assert.match(sentence, /earlier it was disabled at 05:04:00Z \(StopLogging\)/);
  assert.match(sentence, /1 attempt failed \(AccessDenied\)/);
});

test('a batch TerminateInstances whose target is not the first item', async () => {
  const report = await run('i-0ccccccccccccccc3', batchTerminate().events);
  assert.equal(report.results.length, 1);
  assert.equal(report.results[0]!.resource.arn, `arn:aws:ec2:eu-west-1:${A}:instance/i-0ccccccccccccccc3`);
  assert.equal((await run('i-0dddddddddddddddd', batchTerminate().events)).results.length, 0);
});

test('a target named only in resources[]', async () => {
  const report = await run('db-nightly-2026-03-13', onlyInResources().events);
  assert.equal(report.results[0]!.match, 'resources');
  assert.equal(report.results[0]!.resource.arn, `arn:aws:backup:us-east-1:${A}:recovery-point:db-nightly-2026-03-13`);
});

test('the window applies to deletions, not to the issuing events before it', async () => {
  const sc = chainedCrossAccount();
  const from = Date.parse('2026-03-14T04:00:00Z');
  const to = Date.parse('2026-03-14T04:03:00Z');
  const report = await findDeletions(parseResourceQuery('orders'), stream(sourced(sc.events)), { accept: (e) => Date.parse(e.eventTime) >= from && Date.parse(e.eventTime) <= to }, sourced(sc.identityEvents!));
  assert.equal(report.results.length, 1);
  assert.equal(report.results[0]!.origin.complete, true);
});

test('a record delivered twice is one result; different calls sharing an eventID are not merged (real stratus)', async () => {
  const sc = failedThenSuccess();
  const twice = await run('org-trail', [...sc.events, ...sc.events]);
  assert.equal(twice.results.length, 3);
  const trail = loadFixture('real/stratus-cloudtrail-delete.json');
  const report = await run('stratus-red-team-cloudtraild-trail-kvrwohmiai', trail);
  assert.equal(report.results.length, 1);
  assert.equal(report.results[0]!.origin.type, 'IAMUser');
  assert.equal(report.results[0]!.origin.name, 'christophe');
});

test('real: the denied LeaveOrganization is an attempt by christophe through the second of two AssumeRoles', async () => {
  const report = await run('307578594326', loadFixture('real/stratus-organizations-leave.json'));
  assert.equal(report.results.length, 1);
  const r = report.results[0]!;
  assert.equal(r.outcome, 'failed');
  assert.equal(r.errorCode, 'AccessDenied');
  assert.equal(r.origin.arn, 'arn:aws:iam::307578594326:user/christophe');
  assert.equal(r.origin.chain[0]!.eventID, '099bfd30-232c-4dff-9998-3821921063ca');
  assert.match(deletionSentences('307578594326', report)[0]!, /^No deletion of `307578594326` \(member account, 307578594326\) succeeded: 1 attempt failed/);
});

test('real: DeleteBucket by a role session whose key also appears in an unrelated cross-account AssumeRole', async () => {
  const events = [
    ...loadFixture('real/iam-guide-02_AssumeRole-crossaccount-caller-side.json'),
    ...loadFixture('real/iam-guide-03_AssumeRole-crossaccount-role-owner-side.json'),
    ...loadFixture('real/iam-guide-05_DeleteBucket-by-assumed-role.json'),
  ];
  const report = await run('my-test-bucket-cross-account', events);
  const r = report.results[0]!;
  assert.equal(r.actor.arn, 'arn:aws:sts::777788889999:assumed-role/AssumeNothing/devdsk');
  assert.equal(r.origin.complete, false);
  assert.equal(r.origin.chain.length, 0, 'never joined on the example key alone');
});

test('real: panther DeleteDBInstance records — success without final snapshot vs AccessDenied, different instances', async () => {
  const events = loadFixture('real/panther-rule-tests.ndjson');
  const denied = await run('production-db', events);
  assert.equal(denied.results.length, 1);
  assert.equal(denied.results[0]!.outcome, 'failed');
  const ok = await run('customer-data-db', events, undefined, 'rds');
  assert.equal(ok.results[0]!.outcome, 'success');
  assert.equal(ok.results[0]!.resource.arn, 'arn:aws:rds:us-west-2:123456789012:db:customer-data-db');
});

test('the pre-filter needles are unquoted runs of every name, so names inside ARNs and URLs still pass', () => {
  const m = findDeletionMatcher(parseResourceQuery('www.example.com'));
  assert.ok(m.needles.length === 1);
  assert.ok(m.needles[0]!.includes('www.example.com'));
  assert.ok(m.needles[0]!.includes('"AssumeRole'));
  const arn = findDeletionMatcher(parseResourceQuery('arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders'));
  for (const needle of arn.needles[0]!) assert.ok(!needle.includes('/') || needle.startsWith('"'), needle);
});

test('hostile log content cannot drive the terminal: escapes in names and sessions are shown, not sent', async () => {
  const sc = samlUser();
  const evil = '\u001b[2J\u001b]0;pwned\u0007';
  const e = structuredClone(sc.events[1]!);
  e.requestParameters = { bucketName: `build${evil}` };
  const report = await run(`build${evil}`, [e]);
  const text = renderDeletionReport(`build${evil}`, report);
  assert.equal(report.results.length, 1);
  assert.ok(!text.includes('\u001b') && !text.includes('\u0007'), 'no raw ESC or BEL reaches the terminal');
  assert.match(text, /build\\x1b\[2J/);
});

test('a cross-account deletion logged in both accounts is one result, placed in the owner account', async () => {
  const outsider = iamUser(C, 'dev', 'AKIASTRANGEREXAMPLE1');
  const callerCopy = apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'DeleteObject', eventTime: '2026-03-14T08:00:00Z', userIdentity: outsider, recipientAccountId: C, requestParameters: { bucketName: 'shared-drop', key: 'report.pdf' }, sharedEventID: '5ba1d2f0-0000-4000-8000-0000000000c3' });
  const ownerCopy = { ...structuredClone(callerCopy), recipientAccountId: A, eventID: 'evt-owner-copy-0000-0000-000000000001' };
  for (const order of [[callerCopy, ownerCopy], [ownerCopy, callerCopy]]) {
    const report = await run('report.pdf', order);
    assert.equal(report.results.length, 1);
    assert.equal(report.results[0]!.resource.account, A);
    assert.equal(report.results[0]!.recipientAccountId, A);
    assert.deepEqual(report.results[0]!.copies, [callerCopy.eventID]);
  }
});

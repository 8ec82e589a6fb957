import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../errors.js';
import { apiEvent, assumeRole, assumedRole, iamUser, loadFixture, sourced } from '../../test/helpers/scenario.js';
import { parseTraceTarget, traceCredentials, traceMatcher } from './trace.js';
import { renderTraceReport } from '../output/deletion.js';

test('parseTraceTarget accepts keys and principal ARNs and rejects the rest', () => {
  assert.deepEqual(parseTraceTarget('ASIA36EV31F1RB3OA8IG'), { kind: 'key', accessKeyId: 'ASIA36EV31F1RB3OA8IG' });
  assert.deepEqual(parseTraceTarget('arn:aws:sts::1:assumed-role/R/s'), { kind: 'principal', arn: 'arn:aws:sts::1:assumed-role/R/s' });
  assert.throws(() => parseTraceTarget('christophe'), UsageError);
  assert.throws(() => parseTraceTarget('arn:aws:s3:::bucket'), UsageError);
});

test('real: a used session key traces to the IAM user through the AssumeRole that minted it', async () => {
  const report = await traceCredentials(parseTraceTarget('ASIA36EV31F1RB3OA8IG'), loadFixture('real/stratus-organizations-leave.json'));
  assert.equal(report.results.length, 1);
  const r = report.results[0]!;
  assert.equal(r.events, 1);
  assert.equal(r.principal.arn, 'arn:aws:sts::307578594326:assumed-role/stratus-red-team-leave-org-role/aws-go-sdk-1722587398902687000');
  assert.equal(r.origin.arn, 'arn:aws:iam::307578594326:user/christophe');
  assert.match(renderTraceReport('ASIA36EV31F1RB3OA8IG', report), /a session of IAM user christophe/);
});

test('real: a key issued but never used is reported from its issuance', async () => {
  const report = await traceCredentials(parseTraceTarget('ASIAMOWPWQJ1QHWCWJXJ'), loadFixture('real/stratus-organizations-leave.json'));
  assert.equal(report.results.length, 1);
  const r = report.results[0]!;
  assert.equal(r.events, 0);
  assert.equal(r.origin.arn, 'arn:aws:iam::307578594326:user/christophe');
  assert.equal(r.origin.chain.length, 1);
  assert.equal(r.origin.chain[0]!.accessKeyId, 'ASIAMOWPWQJ1QHWCWJXJ');
});

test('real: a stolen instance-profile session traced by its ARN: one key, eleven uses, minted by EC2', async () => {
  const arn = 'arn:aws:sts::123456789123:assumed-role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/i-0317f6c6b66ae9c40';
  const report = await traceCredentials(parseTraceTarget(arn), loadFixture('real/otrf-ec2-proxy-s3-exfiltration.ndjson'));
  assert.equal(report.results.length, 1);
  const r = report.results[0]!;
  assert.equal(r.accessKeyId, 'ASIA5FLZVX4OPVKKVBMX');
  assert.equal(r.events, 11);
  assert.equal(r.firstSeen, '2020-09-14T01:00:04Z');
  assert.equal(r.origin.type, 'AWSService');
  assert.equal(r.origin.name, 'ec2.amazonaws.com');
});

test('real: an example key used by two unrelated principals gives two separate traces', async () => {
  const events = [
    ...loadFixture('real/iam-guide-02_AssumeRole-crossaccount-caller-side.json'),
    ...loadFixture('real/iam-guide-05_DeleteBucket-by-assumed-role.json'),
  ];
  const report = await traceCredentials(parseTraceTarget('AKIAQRSTUVWXYZEXAMPLE'), events);
  assert.deepEqual(report.results.map((r) => r.principal.arn), ['arn:aws:iam::777788889999:user/JohnDoe', 'arn:aws:sts::777788889999:assumed-role/AssumeNothing/devdsk']);
  assert.equal(report.results[0]!.origin.type, 'IAMUser');
  assert.equal(report.results[1]!.origin.complete, false);
});

test('the trace matcher pre-filters on the key and on issuing calls', () => {
  const m = traceMatcher(parseTraceTarget('ASIA36EV31F1RB3OA8IG'));
  assert.deepEqual(m.needles, [['ASIA36EV31F1RB3OA8IG', '"AssumeRole', '"GetSessionToken"', '"GetFederationToken"', '"AssumeRoot"']]);
});

test('two people who assume the same role with the same session name are traced apart by key', async () => {
  const roleArn = 'arn:aws:iam::111122223333:role/Admin';
  const alice = iamUser('111122223333', 'alice', 'AKIAALICEEXAMPLE0001');
  const bob = iamUser('111122223333', 'bob', 'AKIABOBEXAMPLE000001');
  const session = (key: string) => assumedRole('111122223333', 'Admin', 'ops', key);
  const events = [
    assumeRole({ caller: alice, roleArn, sessionName: 'ops', issuedKey: 'ASIAALICESESSION0001', eventTime: '2026-03-14T03:00:00Z' }),
    assumeRole({ caller: bob, roleArn, sessionName: 'ops', issuedKey: 'ASIABOBSESSION000001', eventTime: '2026-03-14T03:01:00Z' }),
    apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', eventTime: '2026-03-14T03:05:00Z', userIdentity: session('ASIABOBSESSION000001'), readOnly: true }),
    apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', eventTime: '2026-03-14T03:06:00Z', userIdentity: session('ASIAALICESESSION0001'), readOnly: true }),
    apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketPolicy', eventTime: '2026-03-14T03:07:00Z', userIdentity: session('ASIAALICESESSION0001'), readOnly: true }),
  ];
  const report = await traceCredentials(parseTraceTarget('arn:aws:sts::111122223333:assumed-role/Admin/ops'), sourced(events));
  assert.deepEqual(report.results.map((r) => [r.accessKeyId, r.events, r.origin.arn]), [
    ['ASIABOBSESSION000001', 1, 'arn:aws:iam::111122223333:user/bob'],
    ['ASIAALICESESSION0001', 2, 'arn:aws:iam::111122223333:user/alice'],
  ]);
});

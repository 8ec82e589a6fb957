import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { compileNeedles, passesNeedles } from '../records/search.js';
import { topLevelLiteral } from '../records/literal.js';
import { compileFilters, valueNeedle } from './flags.js';
import type { FilterSpec } from './spec.js';

// Eight events with hand-chosen differences; each test's expectation was worked out by reading them.
const E: CloudTrailEvent[] = [
  {
    eventID: 'e1', eventTime: '2026-03-14T03:55:02Z', eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', awsRegion: 'us-east-1',
    recipientAccountId: '111122223333', readOnly: true, sourceIPAddress: '203.0.113.77', eventCategory: 'Management', managementEvent: true,
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ops-admin', userName: 'ops-admin', principalId: 'AIDAOPS', accountId: '111122223333', accessKeyId: 'AKIAOPS0000000000001' },
    requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/Admin', roleSessionName: 'ops-session' },
  },
  {
    eventID: 'e2', eventTime: '2026-03-14T04:02:11Z', eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', awsRegion: 'us-east-1',
    recipientAccountId: '111122223333', readOnly: false, sourceIPAddress: '203.0.113.77', eventCategory: 'Management', managementEvent: true,
    userIdentity: {
      type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/ops-session', principalId: 'AROAADMIN:ops-session', accountId: '111122223333', accessKeyId: 'ASIAADMIN00000000001',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/Admin', userName: 'Admin' } },
    },
    requestParameters: { tableName: 'orders' },
    resources: [{ ARN: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders' }],
  },
  {
    eventID: 'e3', eventTime: '2026-03-14T03:58:40Z', eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', awsRegion: 'us-east-1',
    recipientAccountId: '111122223333', readOnly: false, sourceIPAddress: 'codebuild.amazonaws.com', errorCode: 'AccessDenied', eventCategory: 'Management',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/ci-deployer/build-1', principalId: 'AROACI:build-1', accountId: '111122223333', accessKeyId: 'ASIACI0000000000001' },
    requestParameters: { tableName: 'orders' },
  },
  {
    eventID: 'e4', eventTime: '2026-03-14T04:00:07Z', eventSource: 'dynamodb.amazonaws.com', eventName: 'GetItem', awsRegion: 'us-east-1',
    recipientAccountId: '111122223333', readOnly: true, sourceIPAddress: '10.20.1.15', eventCategory: 'Data', managementEvent: false,
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/orders-api/i-0abc', principalId: 'AROAAPP:i-0abc', accountId: '111122223333', accessKeyId: 'ASIAAPP0000000000001' },
    requestParameters: { tableName: 'orders', key: { orderId: { S: 'ord-1' } } },
  },
  {
    eventID: 'e5', eventTime: '2026-03-13T23:58:30Z', eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', awsRegion: 'eu-west-1',
    recipientAccountId: '111122223333', readOnly: true, sourceIPAddress: '34.240.11.9', managementEvent: true,
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/monitoring/collector', principalId: 'AROAMON:collector', accountId: '111122223333', accessKeyId: 'ASIAMON0000000000001' },
    requestParameters: null,
  },
  {
    eventID: 'e6', eventTime: '2026-03-14T03:45:00Z', eventSource: 'dynamodb.amazonaws.com', eventName: 'CreateTable', awsRegion: 'us-east-1',
    recipientAccountId: '444455556666', readOnly: false, sourceIPAddress: '192.0.2.10', eventCategory: 'Management',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::444455556666:user/developer', userName: 'developer', accountId: '444455556666', accessKeyId: 'AKIADEV0000000000001' },
    requestParameters: { tableName: 'orders' },
  },
  {
    eventID: 'e7', eventTime: '2026-03-14T04:10:00Z', eventSource: 'cloudtrail.amazonaws.com', eventName: 'ApiCallRateInsight', awsRegion: 'us-east-1',
    recipientAccountId: '111122223333', eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight',
  },
  {
    eventID: 'e8', eventTime: '2026-03-14T04:03:40Z', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', awsRegion: 'us-east-1',
    recipientAccountId: '111122223333', readOnly: false, sourceIPAddress: '2001:db8::7',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/ops-session', principalId: 'AROAADMIN:ops-session', accountId: '444455556666', accessKeyId: 'ASIAADMIN00000000001' },
    requestParameters: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-trail' },
  },
];

/** The matcher's answer, checked both ways: exact matching alone, and byte pre-filter then exact matching. */
function ids(spec: FilterSpec): string[] {
  const m = compileFilters(spec);
  const exact = E.filter((e) => m.matches(e)).map((e) => e.eventID!);
  const compiled = compileNeedles(m.needles, m.literals);
  const viaBytes = E.filter((e) => {
    const raw = Buffer.from(JSON.stringify(e));
    const literalsHold = compiled.literals.every((t) => {
      const value = topLevelLiteral(raw, t.key);
      return value === undefined || t.accepts.includes(value);
    });
    return passesNeedles(raw, compiled.plain) && literalsHold && m.matches(e);
  }).map((e) => e.eventID!);
  assert.deepEqual(viaBytes, exact, 'the byte pre-filter rejected a record the exact matcher accepts');
  return exact;
}

const cases: Array<[string, FilterSpec, string[]]> = [
  ['--event-name exact', { eventNames: ['DeleteTable'] }, ['e2', 'e3']],
  ['--event-name glob', { eventNames: ['Delete*'] }, ['e2', 'e3']],
  ['--event-name repeated (OR)', { eventNames: ['Delete*', 'StopLogging'] }, ['e2', 'e3', 'e8']],
  ['--event-name glob in the middle', { eventNames: ['*Table'] }, ['e2', 'e3', 'e6']],
  ['--event-source', { eventSources: ['sts.amazonaws.com'] }, ['e1']],
  ['--user by user name', { users: ['ops-admin'] }, ['e1']],
  ['--user by session name', { users: ['ops-session'] }, ['e2', 'e8']],
  ['--user by role (session issuer) name', { users: ['Admin'] }, ['e2']],
  ['--user by ARN', { users: ['arn:aws:sts::111122223333:assumed-role/ci-deployer/build-1'] }, ['e3']],
  ['--user by glob', { users: ['arn:aws:iam::*:user/*'] }, ['e1', 'e6']],
  ['--user by access key', { users: ['AKIADEV0000000000001'] }, ['e6']],
  ['--access-key', { accessKeys: ['ASIAADMIN00000000001'] }, ['e2', 'e8']],
  ['--source-ip exact', { sourceIps: ['203.0.113.77'] }, ['e1', 'e2']],
  ['--source-ip CIDR', { sourceIps: ['10.0.0.0/8'] }, ['e4']],
  ['--source-ip /20 CIDR', { sourceIps: ['34.240.0.0/20'] }, ['e5']],
  ['--source-ip IPv6 CIDR', { sourceIps: ['2001:db8::/32'] }, ['e8']],
  ['--region', { regions: ['eu-west-1'] }, ['e5']],
  // e8 was called from 444455556666 into 111122223333's trail: it is 111122223333's event.
  ['--account matches the account that recorded the event', { accounts: ['444455556666'] }, ['e6']],
  ['--errors', { errors: true }, ['e3']],
  ['--no-errors', { errors: false }, ['e1', 'e2', 'e4', 'e5', 'e6', 'e7', 'e8']],
  ['--read-only', { readOnly: true }, ['e1', 'e4', 'e5']],
  ['--write-only', { readOnly: false }, ['e2', 'e3', 'e6', 'e8']],
  ['--category data', { categories: ['data'] }, ['e4']],
  ['--category insight', { categories: ['insight'] }, ['e7']],
  ['--category management', { categories: ['management'] }, ['e1', 'e2', 'e3', 'e5', 'e6', 'e8']],
  ['--resource by name under requestParameters', { resources: ['orders'] }, ['e2', 'e3', 'e4', 'e6']],
  ['--resource by ARN in resources[]', { resources: ['arn:aws:dynamodb:us-east-1:111122223333:table/orders'] }, ['e2']],
  ['--resource by nested value', { resources: ['ord-1'] }, ['e4']],
  ['--start/--end window (inclusive)', { start: new Date('2026-03-14T03:58:40Z'), end: new Date('2026-03-14T04:03:40Z') }, ['e2', 'e3', 'e4', 'e8']],
  ['--match raw substring', { match: ['"key":{"orderId"'] }, ['e4']],
  ['flags combine with AND', { eventNames: ['DeleteTable'], errors: false, accounts: ['111122223333'] }, ['e2']],
  ['no filters match everything', {}, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8']],
];

for (const [name, spec, expected] of cases) {
  test(name, () => {
    assert.deepEqual(ids(spec), expected);
  });
}

test('--account: the caller\'s account stands in only where no recipient account is recorded', () => {
  const m = compileFilters({ accounts: ['444455556666'] });
  const base = { eventTime: '2026-03-14T04:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'us-east-1' };
  const caller = { type: 'IAMUser', accountId: '444455556666' };
  assert.equal(m.matches({ ...base, userIdentity: caller }), true);
  assert.equal(m.matches({ ...base, userIdentity: caller, recipientAccountId: '111122223333' }), false);
  assert.equal(m.matches({ ...base, userIdentity: { type: 'IAMUser', accountId: '111122223333' }, recipientAccountId: '444455556666' }), true);
});

test('needles never contain characters a JSON writer may escape', () => {
  assert.equal(valueNeedle('arn:aws:iam::1:user/bob'), '"arn:aws:iam::1:user');
  assert.equal(valueNeedle('Delete*'), '"Delete');
  assert.equal(valueNeedle('*Table'), 'Table"');
  assert.equal(valueNeedle('Ünïcødé'), 'n');
  assert.equal(valueNeedle('*'), undefined);
});

test('a bad --source-ip is a usage error', () => {
  assert.throws(() => compileFilters({ sourceIps: ['not-an-ip'] }), /not an IP address/);
  assert.throws(() => compileFilters({ sourceIps: ['10.0.0.0/40'] }), /bad prefix length/);
});

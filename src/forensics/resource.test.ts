import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../errors.js';
import { apiEvent, iamUser, loadFixture } from '../../test/helpers/scenario.js';
import { matchEvent, parseResourceQuery, resourceKey } from './resource.js';

const actor = iamUser('111122223333', 'ops-admin', 'AKIAI44QH8DHBEXAMPLE');
const deleteTable = (account: string, region: string, table: string) =>
  apiEvent({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', eventTime: '2026-03-14T04:02:11Z', userIdentity: { ...actor, accountId: account }, recipientAccountId: account, awsRegion: region, requestParameters: { tableName: table } });

test('an ARN pins account and region; a bare name matches everywhere', () => {
  const real = deleteTable('111122223333', 'us-east-1', 'orders');
  const decoyAccount = deleteTable('999988887777', 'us-east-1', 'orders');
  const decoyRegion = deleteTable('111122223333', 'eu-west-1', 'orders');
  const arnQuery = parseResourceQuery('arn:aws:dynamodb:us-east-1:111122223333:table/orders');
  assert.ok(matchEvent(arnQuery, real));
  assert.equal(matchEvent(arnQuery, decoyAccount), undefined);
  assert.equal(matchEvent(arnQuery, decoyRegion), undefined);

  const bare = parseResourceQuery('orders');
  const keys = [real, decoyAccount, decoyRegion].map((e) => resourceKey(matchEvent(bare, e)!.resource));
  assert.equal(new Set(keys).size, 3, 'same-named tables in other accounts/regions are distinct resources');
});

test('--type narrows an ambiguous name and rejects unknown types', () => {
  const bucket = apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor, requestParameters: { bucketName: 'orders' } });
  const table = deleteTable('111122223333', 'us-east-1', 'orders');
  const q = parseResourceQuery('orders', 'dynamodb:table');
  assert.equal(matchEvent(q, bucket), undefined);
  assert.equal(matchEvent(q, table)?.resource.type, 'dynamodb:table');
  assert.ok(matchEvent(parseResourceQuery('orders', 'AWS::S3::Bucket'), bucket));
  assert.ok(matchEvent(parseResourceQuery('orders', 's3'), bucket));
  assert.throws(() => parseResourceQuery('orders', 'dynamo:tabel'), UsageError);
  assert.throws(() => parseResourceQuery('  '), UsageError);
});

test('a target named only in resources[] is matched and marked as such', () => {
  // TerminateInstances as LookupEvents-era tooling sometimes writes it: the id is only in resources[].
  const e = apiEvent({
    eventSource: 'ec2.amazonaws.com', eventName: 'TerminateInstances', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor,
    requestParameters: { instancesSet: {} },
    resources: [{ ARN: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0feedfacecafe0001', accountId: '111122223333', type: 'AWS::EC2::Instance' }],
  });
  const m = matchEvent(parseResourceQuery('i-0feedfacecafe0001'), e);
  assert.equal(m?.match, 'resources');
  assert.equal(m?.resource.type, 'ec2:instance');
  assert.equal(m?.resource.arn, 'arn:aws:ec2:us-east-1:111122223333:instance/i-0feedfacecafe0001');
});

test('resources[] of a non-destructive call never counts as a deletion', () => {
  const read = apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor, requestParameters: { bucketName: 'b', key: 'k' }, resources: [{ ARN: 'arn:aws:s3:::b/k', type: 'AWS::S3::Object' }] });
  assert.equal(matchEvent(parseResourceQuery('arn:aws:s3:::b/k'), read), undefined);
});

test('destructive calls outside the catalogue match heuristically on an equal request value (real record)', () => {
  const e = loadFixture('real/panther-subresource-calls.ndjson').find((s) => s.event.eventName === 'DeleteDBInstanceAutomatedBackup')!.event;
  const m = matchEvent(parseResourceQuery('db-ABCDEF1234567890'), e);
  assert.equal(m?.match, 'heuristic');
  assert.equal(m?.resource.type, 'rds:dbinstance-automated-backup');
  assert.equal(matchEvent(parseResourceQuery('db-ABCDEF123456789'), e), undefined, 'substrings are not equal values');
  assert.equal(matchEvent(parseResourceQuery('db-ABCDEF1234567890', 'ec2'), e), undefined);
});

const subCalls = () => loadFixture('real/panther-subresource-calls.ndjson').map((s) => s.event);

test('Delete<Bucket><Sub> calls never count as the bucket\'s deletion: they are related parts (real records)', () => {
  for (const e of subCalls().filter((x) => x.eventSource === 's3.amazonaws.com')) {
    const bucket = String(e.requestParameters!['bucketName']);
    const m = matchEvent(parseResourceQuery(bucket), e);
    assert.equal(m?.match, 'related', e.eventName);
    assert.equal(m.parent?.type, 's3:bucket');
    assert.equal(m.parent?.arn, `arn:aws:s3:::${bucket}`);
    assert.notEqual(m.resource.type, 's3:bucket');
    assert.equal(matchEvent(parseResourceQuery(bucket, 's3:bucket'), e)?.match, 'related', '--type of the parent still finds the part');
  }
  const [encryption] = subCalls();
  assert.equal(matchEvent(parseResourceQuery('sensitive-data-bucket'), encryption!)?.resource.type, 's3:bucket-encryption');
  assert.equal(matchEvent(parseResourceQuery('sensitive-data-bucket'), encryption!)?.resource.label, 'encryption of S3 bucket');
});

test('a bucket sub-call that names the bucket only in resources[] is related, not "the bucket was deleted"', () => {
  const calls = loadFixture('related/dismantle.json').map((s) => s.event);
  for (const name of ['DeleteBucketLifecycle', 'DeleteBucketCors', 'DeleteBucketOwnershipControls']) {
    const e = calls.find((x) => x.eventName === name)!;
    const viaResources = { ...e, requestParameters: { Host: 'audit-archive.s3.us-east-1.amazonaws.com' } };
    for (const record of [e, viaResources]) {
      const m = matchEvent(parseResourceQuery('arn:aws:s3:::audit-archive'), record);
      assert.equal(m?.match, 'related', name);
      assert.equal(m.parent?.type, 's3:bucket');
    }
  }
  // An uncatalogued call acting on a catalogued kind of resource is related too (S3 access points list their bucket).
  const accessPoint = apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'DeleteAccessPoint', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor, requestParameters: { name: 'ap1' }, resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::audit-archive' }] });
  assert.equal(matchEvent(parseResourceQuery('audit-archive'), accessPoint)?.match, 'related');
});

test('the name rule covers every service, and rows of their own win over it', () => {
  const fn = apiEvent({ eventSource: 'lambda.amazonaws.com', eventName: 'DeleteFunctionConcurrency20171031', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor, requestParameters: { functionName: 'thumbnailer' } });
  const m = matchEvent(parseResourceQuery('thumbnailer'), fn);
  assert.equal(m?.match, 'related');
  assert.equal(m.resource.type, 'lambda:function-concurrency');
  assert.equal(m.parent?.type, 'lambda:function');
  const version = apiEvent({ eventSource: 'iam.amazonaws.com', eventName: 'DeletePolicyVersion', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor, requestParameters: { policyArn: 'arn:aws:iam::111122223333:policy/ops-full', versionId: 'v3' } });
  assert.equal(matchEvent(parseResourceQuery('ops-full'), version)?.match, 'related');
  const snapshot = loadFixture('real/panther-rule-tests.ndjson').find((s) => s.event.eventName === 'DeleteDBClusterSnapshot')!.event;
  assert.equal(matchEvent(parseResourceQuery('aurora-cluster-backup-2024'), snapshot)?.match, 'catalogue', 'DeleteDBClusterSnapshot is its own row, not a part of DeleteDBCluster');
});

test('the parts of a role, a user and a DB instance name their real target, and are related to the parent', () => {
  const calls = loadFixture('related/dismantle.json').map((s) => s.event);
  const byName = (n: string) => calls.find((x) => x.eventName === n)!;
  const expected: Array<[string, string, string, string]> = [
    ['DeleteRolePolicy', 'web-app', 'iam:role-policy', 's3-read'],
    ['DetachRolePolicy', 'web-app', 'iam:role-policy-attachment', 'ReadOnlyAccess'],
    ['RemoveRoleFromInstanceProfile', 'web-app', 'iam:instance-profile-role', 'web-app-profile'],
    ['DeleteAccessKey', 'svc-ci', 'iam:access-key', 'AKIASVCCIEXAMPLE0001'],
    ['DeleteLoginProfile', 'svc-ci', 'iam:login-profile', 'svc-ci'],
    ['DeleteObjects', 'audit-archive', 's3:object', '2026/03/a.log'],
  ];
  for (const [event, parent, type, name] of expected) {
    const m = matchEvent(parseResourceQuery(parent), byName(event));
    assert.equal(m?.match, 'related', event);
    assert.equal(m.resource.type, type, event);
    assert.equal(m.resource.name, name, event);
    assert.equal(m.parent?.name, parent, event);
  }
  assert.equal(matchEvent(parseResourceQuery('web-app', 'iam:role'), byName('DeleteRolePolicy'))?.match, 'related');
  assert.equal(matchEvent(parseResourceQuery('svc-ci', 'iam:login-profile'), byName('DeleteLoginProfile'))?.match, 'catalogue', '--type naming the part asks about the part');
  const rds = subCalls().find((x) => x.eventName === 'RemoveRoleFromDBInstance')!;
  assert.equal(matchEvent(parseResourceQuery('production-db'), rds)?.match, 'related');
  assert.equal(matchEvent(parseResourceQuery('production-db'), rds)?.resource.type, 'rds:db-role-association');
});

test('a resource-ARN query matches requests that name the resource by its ARN or by its name', () => {
  const byName = apiEvent({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor, awsRegion: 'us-west-2', recipientAccountId: '123456789012', requestParameters: { name: 'example-trail' } });
  const stopped = loadFixture('real/panther-rule-tests.ndjson').find((s) => s.event.eventName === 'StopLogging')!.event;
  const q = parseResourceQuery('arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail');
  const a = matchEvent(q, byName)!;
  const b = matchEvent(q, stopped)!;
  assert.equal(a.effect, 'disabled');
  assert.equal(resourceKey(a.resource), resourceKey(b.resource), 'the same trail, however it was named');
});

test('deleting an object is not deleting its bucket, and item deletes never count as table deletions', () => {
  const deleteObject = apiEvent({
    eventSource: 's3.amazonaws.com', eventName: 'DeleteObject', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor,
    requestParameters: { bucketName: 'reports', key: 'q1.csv' },
    resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::reports/q1.csv' }, { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::reports' }],
  });
  assert.equal(matchEvent(parseResourceQuery('reports'), deleteObject)?.match, 'related');
  assert.equal(matchEvent(parseResourceQuery('arn:aws:s3:::reports'), deleteObject)?.match, 'related');
  assert.equal(matchEvent(parseResourceQuery('q1.csv'), deleteObject)?.resource.type, 's3:object');

  const deleteItem = apiEvent({
    eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteItem', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor,
    requestParameters: { tableName: 'orders', key: { orderId: { S: 'ord-1' } } },
    resources: [{ accountId: '111122223333', type: 'AWS::DynamoDB::Table', ARN: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders' }],
  });
  assert.equal(matchEvent(parseResourceQuery('orders'), deleteItem), undefined);
});

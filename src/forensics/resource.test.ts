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
  const e = loadFixture('real/panther-rule-tests.ndjson').find((s) => s.event.eventName === 'DeleteGroupPolicy')!.event;
  const m = matchEvent(parseResourceQuery('group'), e);
  assert.equal(m?.match, 'heuristic');
  assert.equal(m?.resource.type, 'iam:group-policy');
  assert.equal(matchEvent(parseResourceQuery('grou'), e), undefined, 'substrings are not equal values');
  assert.equal(matchEvent(parseResourceQuery('group', 'ec2'), e), undefined);
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
  assert.equal(matchEvent(parseResourceQuery('reports'), deleteObject), undefined);
  assert.equal(matchEvent(parseResourceQuery('arn:aws:s3:::reports'), deleteObject), undefined);
  assert.equal(matchEvent(parseResourceQuery('q1.csv'), deleteObject)?.resource.type, 's3:object');

  const deleteItem = apiEvent({
    eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteItem', eventTime: '2026-03-14T04:00:00Z', userIdentity: actor,
    requestParameters: { tableName: 'orders', key: { orderId: { S: 'ord-1' } } },
    resources: [{ accountId: '111122223333', type: 'AWS::DynamoDB::Table', ARN: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders' }],
  });
  assert.equal(matchEvent(parseResourceQuery('orders'), deleteItem), undefined);
});

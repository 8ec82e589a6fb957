import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from './event.js';
import { accountOf, arnRegion, parseArn, partitionOf, sameArn, sameRole, serviceOf } from './arn.js';

test('parseArn splits the six fields and keeps colons inside the resource', () => {
  assert.deepEqual(parseArn('arn:aws:logs:us-east-1:111122223333:log-group:/a/b:*'), { partition: 'aws', service: 'logs', region: 'us-east-1', account: '111122223333', resource: 'log-group:/a/b:*' });
  assert.deepEqual(parseArn('arn:aws:s3:::bucket/key'), { partition: 'aws', service: 's3', region: '', account: '', resource: 'bucket/key' });
  assert.equal(parseArn('orders'), undefined);
  assert.equal(parseArn('arn:aws:s3'), undefined);
});

const ev = (fields: Partial<CloudTrailEvent>): CloudTrailEvent => ({ eventTime: '2026-03-14T04:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'us-east-1', ...fields });

test('account, service and partition of events and regions', () => {
  assert.equal(accountOf(ev({ recipientAccountId: '111122223333', userIdentity: { accountId: '444455556666' } })), '111122223333');
  assert.equal(accountOf(ev({ recipientAccountId: '', userIdentity: { accountId: '444455556666' } })), '444455556666');
  assert.equal(accountOf(ev({})), undefined);
  assert.equal(serviceOf('s3.amazonaws.com'), 's3');
  assert.equal(serviceOf('custom.example'), 'custom.example');
  assert.equal(partitionOf('us-gov-west-1'), 'aws-us-gov');
  assert.equal(partitionOf('cn-north-1'), 'aws-cn');
  assert.equal(partitionOf('eu-west-1'), 'aws');
  assert.equal(partitionOf(undefined), 'aws');
  assert.equal(arnRegion('arn:aws:sns:eu-west-1:111122223333:alerts'), 'eu-west-1');
  assert.equal(arnRegion('arn:aws:s3:::bucket'), '');
  assert.equal(arnRegion('1234abcd-12ab-34cd-56ef-1234567890ab'), '', 'a bare KMS key id');
});

test('sameArn: role names compare without case, session names and everything else exactly', () => {
  const s = 'arn:aws:sts::111122223333:assumed-role/Admin/alice';
  assert.ok(sameArn(s, s));
  assert.ok(sameArn(s, 'arn:aws:sts::111122223333:assumed-role/admin/alice'));
  assert.ok(!sameArn(s, 'arn:aws:sts::111122223333:assumed-role/Admin/Alice'));
  assert.ok(!sameArn(s, 'arn:aws:sts::444455556666:assumed-role/Admin/alice'));
  assert.ok(!sameArn('arn:aws:iam::111122223333:user/Bob', 'arn:aws:iam::111122223333:user/bob'));
});

test('sameRole: a role with a path and one without are the same role in the same account', () => {
  assert.ok(sameRole('arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin', 'arn:aws:iam::111122223333:role/awsreservedsso_admin'));
  assert.ok(!sameRole('arn:aws:iam::111122223333:role/Admin', 'arn:aws:iam::444455556666:role/Admin'));
  assert.ok(!sameRole('not an arn', 'arn:aws:iam::111122223333:role/Admin'));
});

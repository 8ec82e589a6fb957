import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent, UserIdentity } from './event.js';
import { MISSING, principalKey, principalLabel, principalRef, shortPrincipal } from './principal.js';

const by = (userIdentity?: UserIdentity): CloudTrailEvent => ({
  eventTime: '2026-03-14T04:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'us-east-1',
  ...(userIdentity ? { userIdentity } : {}),
});

test('principalLabel: short readable names for every identity type', () => {
  assert.equal(principalLabel(by({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' })), 'user/alice');
  assert.equal(principalLabel(by({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/ops' })), 'assumed-role/Admin/ops');
  assert.equal(principalLabel(by({ type: 'Root', arn: 'arn:aws:iam::111122223333:root' })), 'root');
  assert.equal(principalLabel(by({ type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' })), 'cloudtrail.amazonaws.com');
  assert.equal(principalLabel(by({ type: 'AWSAccount', accountId: '444455556666' })), 'account/444455556666');
  assert.equal(principalLabel(by({ type: 'IdentityCenterUser', onBehalfOf: { userId: 'u-1' } })), 'identity-center/u-1');
  assert.equal(principalLabel(by({ type: 'Unknown', principalId: 'AIDAEXAMPLE' })), 'AIDAEXAMPLE');
  assert.equal(principalLabel(by()), '');
});

test('principalKey: the full identity for grouping, MISSING when there is none', () => {
  assert.equal(principalKey(by({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', principalId: 'AIDA' })), 'arn:aws:iam::111122223333:user/alice');
  assert.equal(principalKey(by({ type: 'AWSService', invokedBy: 'ec2.amazonaws.com' })), 'ec2.amazonaws.com');
  assert.equal(principalKey(by()), MISSING);
});

test('shortPrincipal and principalRef', () => {
  assert.equal(shortPrincipal('arn:aws:iam::111122223333:role/x/Admin'), 'role/x/Admin');
  assert.equal(shortPrincipal('not-an-arn'), 'not-an-arn');
  assert.equal(shortPrincipal(undefined), '?');
  assert.deepEqual(principalRef('IAMUser', '', 42), { type: 'IAMUser' });
  assert.deepEqual(principalRef('AssumedRole', 'arn:a', '111122223333'), { type: 'AssumedRole', arn: 'arn:a', account: '111122223333' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourcedEvent, UserIdentity } from '../cloudtrail/event.js';
import { apiEvent, assumeRole, assumedRole, iamUser, loadFixture, roleOwnerCopy, sourced } from '../../test/helpers/scenario.js';
import { attribute, attributeEvent } from './attribution.js';
import { CredentialIndex } from './credentials.js';
import { issuedCredentialOf } from './issued-credential.js';
import { eventTimeMs } from '../cloudtrail/time.js';

function indexOf(events: SourcedEvent[]): CredentialIndex {
  const index = new CredentialIndex();
  for (const e of events) index.add(e);
  return index;
}

test('parseTime reads every time shape issuing events use, in UTC', () => {
  assert.equal(eventTimeMs('Aug 2, 2024, 8:45:00 AM'), Date.parse('2024-08-02T08:45:00Z'));
  assert.equal(eventTimeMs('Nov 18, 2017 1:21:51 AM'), Date.parse('2017-11-18T01:21:51Z'));
  assert.equal(eventTimeMs('Oct 2, 2019, 11:12:29 PM'), Date.parse('2019-10-02T23:12:29Z'));
  assert.equal(eventTimeMs('Jul 18, 2014, 12:07:39 PM'), Date.parse('2014-07-18T12:07:39Z'));
  assert.equal(eventTimeMs('2025-03-26 16:43:57.000000000'), Date.parse('2025-03-26T16:43:57Z'));
  assert.equal(eventTimeMs('2022-02-08 09:23:37+11:00'), Date.parse('2022-02-07T22:23:37Z'));
  assert.equal(eventTimeMs('20131102T010628Z'), Date.parse('2013-11-02T01:06:28Z'));
  assert.equal(eventTimeMs('2025-10-21TT00:52:27Z'), undefined);
});

test('real: of two AssumeRoles a second apart, the key picks the one LeaveOrganization used', () => {
  const events = loadFixture('real/stratus-organizations-leave.json');
  const index = indexOf(events);
  assert.equal(index.size, 2);
  const leave = events.find((s) => s.event.eventName === 'LeaveOrganization')!.event;
  const origin = attributeEvent(leave, index);
  assert.equal(origin.complete, true);
  assert.equal(origin.type, 'IAMUser');
  assert.equal(origin.arn, 'arn:aws:iam::307578594326:user/christophe');
  assert.deepEqual(origin.chain.map((s) => s.eventID), ['099bfd30-232c-4dff-9998-3821921063ca']);
  assert.equal(origin.chain[0]!.accessKeyId, 'ASIA36EV31F1RB3OA8IG');
  assert.equal(origin.chain[0]!.callerAccessKeyId, 'AKIADVISM0T50G52IF0D');
});

test('real: instance-profile credentials stolen from EC2 resolve to the EC2 service session, by key not by role', () => {
  const events = loadFixture('real/otrf-ec2-proxy-s3-exfiltration.ndjson');
  const index = indexOf(events);
  assert.equal(index.size, 5);
  const reads = events.filter((s) => s.event.eventName === 'GetObject');
  assert.equal(reads.length, 2);
  for (const read of reads) {
    const origin = attributeEvent(read.event, index);
    assert.equal(origin.complete, true);
    assert.equal(origin.type, 'AWSService');
    assert.equal(origin.name, 'ec2.amazonaws.com');
    assert.deepEqual(origin.chain.map((s) => s.eventID), ['a3a3dded-7c27-42c0-a42d-891cdd436278'], 'three AssumeRoles hit the same role and session name at 00:48:30; only one minted this key');
  }
});

test('real: a federated user leads back through GetFederationToken to the IAM user', () => {
  const events = loadFixture('real/stratus-sts-federation-token.json');
  const use = events.find((s) => s.event.eventName === 'GetCallerIdentity')!.event;
  const origin = attributeEvent(use, indexOf(events));
  assert.equal(origin.type, 'IAMUser');
  assert.equal(origin.arn, 'arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user');
  assert.equal(origin.chain[0]!.eventName, 'GetFederationToken');
  assert.equal(origin.chain[0]!.sessionArn, 'arn:aws:sts::742491224508:federated-user/stratus_red_team');
});

test('real: a reused example key never joins unrelated records (IAM docs, 2014 vs 2016, two accounts)', () => {
  const issuing = [...loadFixture('real/iam-guide-02_AssumeRole-crossaccount-caller-side.json'), ...loadFixture('real/iam-guide-03_AssumeRole-crossaccount-role-owner-side.json')];
  const deletion = loadFixture('real/iam-guide-05_DeleteBucket-by-assumed-role.json')[0]!.event;
  const issuedKey = (issuing[0]!.event.responseElements!['credentials'] as { accessKeyId: string }).accessKeyId;
  assert.equal(deletion.userIdentity!.accessKeyId, issuedKey, 'the trap: the same key appears on both sides');
  const origin = attributeEvent(deletion, indexOf(issuing));
  assert.equal(origin.complete, false);
  assert.equal(origin.type, 'unknown');
  assert.equal(origin.chain.length, 0);
  assert.equal(origin.reached?.arn, 'arn:aws:sts::777788889999:assumed-role/AssumeNothing/devdsk');
  assert.match(origin.missing!, /no AssumeRole.*AKIAQRSTUVWXYZEXAMPLE/);
  assert.match(origin.missing!, /rejected/);
});

test('real: both copies of a cross-account AssumeRole are one call, and the caller side names the user', () => {
  const callerSide = loadFixture('real/iam-guide-02_AssumeRole-crossaccount-caller-side.json');
  const ownerSide = loadFixture('real/iam-guide-03_AssumeRole-crossaccount-role-owner-side.json');
  const session = assumedRole('111122223333', 'EC2-dev', 'JohnDoe-EC2-dev', 'AKIAQRSTUVWXYZEXAMPLE', { sourceIdentity: 'JohnDoe' });
  const when = Date.parse('2014-07-18T15:30:00Z');

  const both = attribute(session, when, indexOf([...ownerSide, ...callerSide]));
  assert.equal(both.complete, true);
  assert.equal(both.type, 'IAMUser');
  assert.equal(both.arn, 'arn:aws:iam::777788889999:user/JohnDoe');
  assert.equal(both.sourceIdentity, 'JohnDoe');
  assert.equal(both.chain.length, 1, 'two copies, one hop');

  const ownerOnly = attribute(session, when, indexOf(ownerSide));
  assert.equal(ownerOnly.complete, false);
  assert.equal(ownerOnly.chain.length, 1);
  assert.match(ownerOnly.missing!, /account 777788889999.*--identity-source/);
});

test('real: SAML and web-identity sessions end at the federated subject; the docs key is not reused elsewhere', () => {
  const saml = loadFixture('real/iam-guide-06_AssumeRoleWithSAML.REPAIRED.json');
  const web = loadFixture('real/iam-guide-07_AssumeRoleWithWebIdentity.REPAIRED.json');
  const index = indexOf([...saml, ...web]);
  const samlSession = assumedRole('444455556666', 'SAMLTestRoleShibboleth', 'MyAssignedRoleSessionName', 'AKIAIOSFODNN7EXAMPLE');
  const origin = attribute(samlSession, Date.parse('2019-11-01T19:20:00Z'), index);
  assert.equal(origin.type, 'SAMLUser');
  assert.equal(origin.name, 'SamlExample');
  assert.equal(origin.sourceIdentity, 'MySAMLUser');

  const webKey = web[0]!.event.responseElements!['credentials'] as { accessKeyId: string };
  const webSession = assumedRole('444455556666', 'FederatedWebIdentityRole', 'MyAssignedRoleSessionName', webKey.accessKeyId);
  const webOrigin = attribute(webSession, Date.parse('2016-03-23T01:45:00Z'), index);
  assert.equal(webOrigin.type, 'WebIdentityUser');
  assert.equal(webOrigin.identityProvider, 'accounts.google.com');

  // Same example key, another account, years later: no join.
  const stranger = assumedRole('111122223333', 'Admin', 'ops', 'AKIAIOSFODNN7EXAMPLE');
  const strangerOrigin = attribute(stranger, Date.parse('2026-03-14T04:02:11Z'), index);
  assert.equal(strangerOrigin.complete, false);
  assert.equal(strangerOrigin.chain.length, 0);
});

test('real: a session used by AWS Config whose issuing call is missing stays unknown, and a later AssumeRole is not its source', () => {
  const events = loadFixture('real/trailscraper-config-service-session.json');
  const use = events.find((s) => s.event.eventName === 'DescribeLaunchConfigurations')!.event;
  const origin = attributeEvent(use, indexOf(events));
  assert.equal(origin.complete, false);
  assert.equal(origin.chain.length, 0);
  assert.match(origin.missing!, /made by config\.amazonaws\.com \(invokedBy\)/);
});

test('consistency: issued after use, expired, other account or other role are each rejected', () => {
  const user = iamUser('111122223333', 'ops-admin', 'AKIA1111EXAMPLE00001');
  const issue = assumeRole({ caller: user, roleArn: 'arn:aws:iam::111122223333:role/Admin', sessionName: 'ops', issuedKey: 'ASIA1111EXAMPLE00001', eventTime: '2026-03-14T03:55:02Z', durationSeconds: 3600 });
  const index = indexOf(sourced([issue]));
  const session = assumedRole('111122223333', 'Admin', 'ops', 'ASIA1111EXAMPLE00001');
  assert.equal(attribute(session, Date.parse('2026-03-14T04:10:00Z'), index).complete, true);
  assert.match(attribute(session, Date.parse('2026-03-14T03:50:00Z'), index).missing!, /after the use/);
  assert.match(attribute(session, Date.parse('2026-03-14T05:10:00Z'), index).missing!, /expired/);
  const otherAccount = assumedRole('999988887777', 'Admin', 'ops', 'ASIA1111EXAMPLE00001');
  assert.match(attribute(otherAccount, Date.parse('2026-03-14T04:10:00Z'), index).missing!, /account/);
  const otherRole = assumedRole('111122223333', 'ReadOnly', 'ops', 'ASIA1111EXAMPLE00001');
  assert.match(attribute(otherRole, Date.parse('2026-03-14T04:10:00Z'), index).missing!, /issued as/);
});

test('two different calls that both fit a key make the chain stop instead of guessing', () => {
  const a = iamUser('111122223333', 'alice', 'AKIA1111EXAMPLE0000A');
  const b = iamUser('111122223333', 'bob', 'AKIA1111EXAMPLE0000B');
  const roleArn = 'arn:aws:iam::111122223333:role/Admin';
  const index = indexOf(sourced([
    assumeRole({ caller: a, roleArn, sessionName: 'ops', issuedKey: 'ASIADUPLICATEEXAMPLE', eventTime: '2026-03-14T03:55:02Z' }),
    assumeRole({ caller: b, roleArn, sessionName: 'ops', issuedKey: 'ASIADUPLICATEEXAMPLE', eventTime: '2026-03-14T03:56:02Z' }),
  ]));
  const origin = attribute(assumedRole('111122223333', 'Admin', 'ops', 'ASIADUPLICATEEXAMPLE'), Date.parse('2026-03-14T04:00:00Z'), index);
  assert.equal(origin.complete, false);
  assert.match(origin.missing!, /2 different issuing calls/);
});

test('a chained role across two accounts walks back hop by hop to the IAM user', () => {
  const user = iamUser('111122223333', 'ops-admin', 'AKIAOPSADMINEXAMPLE1');
  const hop1 = assumeRole({ caller: user, roleArn: 'arn:aws:iam::111122223333:role/Jump', sessionName: 'ops-admin', issuedKey: 'ASIAJUMPEXAMPLE00001', eventTime: '2026-03-14T03:50:00Z', sourceIdentity: 'ops-admin' });
  const jump = assumedRole('111122223333', 'Jump', 'ops-admin', 'ASIAJUMPEXAMPLE00001', { sourceIdentity: 'ops-admin' });
  const hop2Caller = assumeRole({ caller: jump, roleArn: 'arn:aws:iam::444455556666:role/Admin', sessionName: 'ops-session', issuedKey: 'ASIAADMINEXAMPLE0001', eventTime: '2026-03-14T03:55:02Z', recipientAccountId: '111122223333', sharedEventID: 'shared-0000-4000-8000-000000000001', sourceIdentity: 'ops-admin' });
  const hop2Owner = roleOwnerCopy(hop2Caller);
  const admin = assumedRole('444455556666', 'Admin', 'ops-session', 'ASIAADMINEXAMPLE0001', { sourceIdentity: 'ops-admin' });
  const index = indexOf(sourced([hop2Owner, hop1, hop2Caller]));
  const origin = attribute(admin, Date.parse('2026-03-14T04:02:11Z'), index);
  assert.equal(origin.complete, true);
  assert.equal(origin.arn, 'arn:aws:iam::111122223333:user/ops-admin');
  assert.deepEqual(origin.chain.map((s) => s.accessKeyId), ['ASIAJUMPEXAMPLE00001', 'ASIAADMINEXAMPLE0001']);
  assert.deepEqual(origin.chain.map((s) => s.account), ['111122223333', '444455556666']);
  assert.equal(origin.chain[1]!.eventID, hop2Caller.eventID);
  assert.deepEqual(origin.chain[1]!.copies, [hop2Owner.eventID]);
  assert.equal(origin.sourceIdentity, 'ops-admin');
});

test('the index walks forwards too: keys issued with a key, to a caller, and under a sourceIdentity', () => {
  const user = iamUser('111122223333', 'ops-admin', 'AKIAOPSADMINEXAMPLE1');
  const issue = assumeRole({ caller: user, roleArn: 'arn:aws:iam::111122223333:role/Jump', sessionName: 's', issuedKey: 'ASIAJUMPEXAMPLE00002', eventTime: '2026-03-14T03:50:00Z', sourceIdentity: 'ops-admin' });
  const index = indexOf(sourced([issue]));
  assert.deepEqual(index.issuedWithKey('AKIAOPSADMINEXAMPLE1').map((c) => c.accessKeyId), ['ASIAJUMPEXAMPLE00002']);
  assert.deepEqual(index.issuedToCaller(user.arn as string).map((c) => c.accessKeyId), ['ASIAJUMPEXAMPLE00002']);
  assert.deepEqual(index.withSourceIdentity('ops-admin').map((c) => c.accessKeyId), ['ASIAJUMPEXAMPLE00002']);
  const failed = assumeRole({ caller: user, roleArn: 'arn:aws:iam::111122223333:role/Jump', sessionName: 's', issuedKey: 'x', eventTime: '2026-03-14T03:50:00Z', errorCode: 'AccessDenied' });
  assert.equal(issuedCredentialOf({ event: failed, source: 's' }), undefined, 'a failed call issues nothing');
});

test('an Identity Center sign-in (SAML via the AWSSSO provider) ends at the Identity Center user', () => {
  const saml: UserIdentity = { type: 'SAMLUser', principalId: 'Z3VhcmQ=:alice@example.com', userName: 'alice@example.com', identityProvider: 'arn:aws:iam::111122223333:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE' };
  const issue = apiEvent({
    eventSource: 'sts.amazonaws.com', eventName: 'AssumeRoleWithSAML', eventTime: '2026-03-14T03:40:00Z', userIdentity: saml, recipientAccountId: '111122223333',
    requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdminAccess_0123456789abcdef', roleSessionName: 'alice@example.com', principalArn: 'arn:aws:iam::111122223333:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE', durationSeconds: 43200 },
    responseElements: { credentials: { accessKeyId: 'ASIASSOALICEEXAMPLE1', expiration: 'Mar 14, 2026, 3:40:00 PM', sessionToken: 'x' }, assumedRoleUser: { assumedRoleId: 'AROASSO:alice@example.com', arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdminAccess_0123456789abcdef/alice@example.com' }, subject: 'alice@example.com', subjectType: 'persistent' },
  });
  const session = assumedRole('111122223333', 'AWSReservedSSO_AdminAccess_0123456789abcdef', 'alice@example.com', 'ASIASSOALICEEXAMPLE1', { rolePath: 'aws-reserved/sso.amazonaws.com/' });
  const origin = attribute(session, Date.parse('2026-03-14T04:02:11Z'), indexOf(sourced([issue])));
  assert.equal(origin.type, 'IdentityCenterUser');
  assert.equal(origin.name, 'alice@example.com');
  assert.equal(origin.chain[0]!.eventName, 'AssumeRoleWithSAML');
});

test('real: an Identity Center session without its sign-in stays incomplete but names the permission-set user', () => {
  const e = loadFixture('real/stratus-bedrock-guardrail-delete.json')[0]!.event;
  const origin = attributeEvent(e, new CredentialIndex());
  assert.equal(origin.complete, false);
  assert.match(origin.missing!, /IAM Identity Center permission set, so the session belongs to Identity Center user "ariel\.ropek"/);
});

test('GetSessionToken keys of an IAM user show the hop; root ends at root', () => {
  const user = iamUser('111122223333', 'ops-admin', 'AKIAOPSADMINEXAMPLE1');
  const gst = apiEvent({
    eventSource: 'sts.amazonaws.com', eventName: 'GetSessionToken', eventTime: '2026-03-14T01:00:00Z', userIdentity: user, readOnly: true,
    requestParameters: { durationSeconds: 43200, serialNumber: 'arn:aws:iam::111122223333:mfa/ops-admin' },
    responseElements: { credentials: { accessKeyId: 'ASIAGSTEXAMPLE000001', expiration: 'Mar 14, 2026, 1:00:00 PM', sessionToken: 'x' } },
  });
  const index = indexOf(sourced([gst]));
  const withTempKey = { ...user, accessKeyId: 'ASIAGSTEXAMPLE000001' };
  const origin = attribute(withTempKey, Date.parse('2026-03-14T02:00:00Z'), index);
  assert.equal(origin.type, 'IAMUser');
  assert.deepEqual(origin.chain.map((s) => [s.eventName, s.callerAccessKeyId]), [['GetSessionToken', 'AKIAOPSADMINEXAMPLE1']]);
  // Another user presenting that key is not joined to it.
  const other = { ...iamUser('111122223333', 'mallory', 'ASIAGSTEXAMPLE000001') };
  assert.equal(attribute(other, Date.parse('2026-03-14T02:00:00Z'), index).chain.length, 0);

  const root = attribute({ type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'ASIAROOTCONSOLE00001' }, Date.now(), index);
  assert.equal(root.type, 'Root');
  assert.equal(root.complete, true);
});

test('a caller-side copy logged without credentials still names the caller of a cross-account AssumeRole', () => {
  const user = iamUser('111122223333', 'ops-admin', 'AKIAOPSADMINEXAMPLE1');
  const callerCopy = assumeRole({ caller: user, roleArn: 'arn:aws:iam::444455556666:role/Admin', sessionName: 's', issuedKey: 'ASIAXACCTEXAMPLE0001', eventTime: '2026-03-14T03:55:02Z', recipientAccountId: '111122223333', sharedEventID: '5ba1d2f0-0000-4000-8000-0000000000b2' });
  const ownerCopy = roleOwnerCopy(callerCopy);
  callerCopy.responseElements = null;
  const index = indexOf(sourced([ownerCopy, callerCopy]));
  const origin = attribute(assumedRole('444455556666', 'Admin', 's', 'ASIAXACCTEXAMPLE0001'), Date.parse('2026-03-14T04:00:00Z'), index);
  assert.equal(origin.complete, true);
  assert.equal(origin.arn, 'arn:aws:iam::111122223333:user/ops-admin');

  // A copy from another caller account under the same sharedEventID is not the same call.
  const impostor = { ...callerCopy, userIdentity: iamUser('999988887777', 'x', 'AKIAIMPOSTOREXAMPLE1') };
  const index2 = indexOf(sourced([ownerCopy, impostor]));
  assert.equal(attribute(assumedRole('444455556666', 'Admin', 's', 'ASIAXACCTEXAMPLE0001'), Date.parse('2026-03-14T04:00:00Z'), index2).complete, false);
});

test('root credentials from AssumeRoot lead back to the management-account principal', () => {
  const admin = assumedRole('111122223333', 'OrgAdmin', 'carol', 'ASIAORGADMINEXAMPLE1');
  const issue = apiEvent({
    eventSource: 'sts.amazonaws.com', eventName: 'AssumeRoot', eventTime: '2026-03-14T03:00:00Z', userIdentity: admin, recipientAccountId: '111122223333', readOnly: true,
    requestParameters: { targetPrincipal: '444455556666', taskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy' }, durationSeconds: 900 },
    responseElements: { credentials: { accessKeyId: 'ASIAROOTTASKEXAMPLE1', expiration: 'Mar 14, 2026, 3:15:00 AM', sessionToken: 'x' }, sourceIdentity: null },
  });
  const orgAdminIssue = assumeRole({ caller: iamUser('111122223333', 'carol', 'AKIACAROLEXAMPLE0001'), roleArn: 'arn:aws:iam::111122223333:role/OrgAdmin', sessionName: 'carol', issuedKey: 'ASIAORGADMINEXAMPLE1', eventTime: '2026-03-14T02:55:00Z' });
  const index = indexOf(sourced([orgAdminIssue, issue]));
  const root = { type: 'Root', principalId: '444455556666', arn: 'arn:aws:iam::444455556666:root', accountId: '444455556666', accessKeyId: 'ASIAROOTTASKEXAMPLE1' };
  const origin = attribute(root, Date.parse('2026-03-14T03:05:00Z'), index);
  assert.equal(origin.arn, 'arn:aws:iam::111122223333:user/carol');
  assert.deepEqual(origin.chain.map((s) => s.eventName), ['AssumeRole', 'AssumeRoot']);
  // After the 15-minute lifetime the key no longer fits: the root user is the answer, not the old task session.
  assert.equal(attribute(root, Date.parse('2026-03-14T03:30:00Z'), index).type, 'Root');
});

import type { CloudTrailEvent, UserIdentity } from '../../src/cloudtrail/event.js';
import { apiEvent, assumeRole, assumedRole, iamUser, roleOwnerCopy, stsExpiration } from './scenario.js';

/**
 * Generated incidents for `ctrail activity`. Each returns the trail (per account) and the exact set of
 * events the closure must report (`expected`), so a test can say "nothing missing, nothing extra".
 */
export const A = '111122223333'; // identity account
export const B = '444455556666'; // production
export const C = '777788889999'; // audit / logging account
export const D = '210987654321'; // an unrelated organisation

export interface ActivityScenario {
  events: CloudTrailEvent[];
  /** eventIDs the closure must report, in any order. */
  expected: string[];
}

const ids = (events: CloudTrailEvent[]) => events.map((e) => e.eventID!);

const s3Call = (name: string, time: string, who: UserIdentity, account: string, bucket: string, extra: Partial<Parameters<typeof apiEvent>[0]> = {}) =>
  apiEvent({ eventSource: 's3.amazonaws.com', eventName: name, eventTime: time, userIdentity: who, recipientAccountId: account, requestParameters: { bucketName: bucket }, readOnly: /^(Get|List|Head)/.test(name), ...extra });

/**
 * alice's key (A) → Jump (A) → Deploy (B, cross-account, logged in A and B) → Audit (C, cross-account,
 * logged in B and C). Every hop acts. A stranger in C uses the same Audit role with the same session name.
 */
export function threeHopChain(): ActivityScenario & { aliceKey: string } {
  const alice = iamUser(A, 'alice', 'AKIAALICEEXAMPLEKEY1');
  const list = apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', eventTime: '2026-03-14T08:00:00Z', userIdentity: alice, readOnly: true });
  const hop1 = assumeRole({ caller: alice, roleArn: `arn:aws:iam::${A}:role/Jump`, sessionName: 'alice', issuedKey: 'ASIAJUMPALICE0000001', eventTime: '2026-03-14T08:01:00Z' });
  const jump = assumedRole(A, 'Jump', 'alice', 'ASIAJUMPALICE0000001', { creationDate: '2026-03-14T08:01:00Z' });
  const jumpCall = apiEvent({ eventSource: 'iam.amazonaws.com', eventName: 'ListRoles', eventTime: '2026-03-14T08:02:00Z', userIdentity: jump, readOnly: true });
  const hop2 = assumeRole({ caller: jump, roleArn: `arn:aws:iam::${B}:role/Deploy`, sessionName: 'deploy', issuedKey: 'ASIADEPLOYALICE00001', eventTime: '2026-03-14T08:03:00Z', recipientAccountId: A, sharedEventID: 'a11ce000-0000-4000-8000-000000000002' });
  const hop2Owner = roleOwnerCopy(hop2);
  const deploy = assumedRole(B, 'Deploy', 'deploy', 'ASIADEPLOYALICE00001', { creationDate: '2026-03-14T08:03:00Z' });
  const put = s3Call('PutBucketPolicy', '2026-03-14T08:05:00Z', deploy, B, 'prod-data', { awsRegion: 'eu-west-1' });
  const hop3 = assumeRole({ caller: deploy, roleArn: `arn:aws:iam::${C}:role/Audit`, sessionName: 'audit', issuedKey: 'ASIAAUDITALICE000001', eventTime: '2026-03-14T08:06:00Z', recipientAccountId: B, sharedEventID: 'a11ce000-0000-4000-8000-000000000003' });
  const hop3Owner = roleOwnerCopy(hop3);
  const audit = assumedRole(C, 'Audit', 'audit', 'ASIAAUDITALICE000001', { creationDate: '2026-03-14T08:06:00Z' });
  const stop = apiEvent({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', eventTime: '2026-03-14T08:07:00Z', userIdentity: audit, recipientAccountId: C, requestParameters: { name: 'org-trail' } });
  const denied = apiEvent({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', eventTime: '2026-03-14T08:08:00Z', userIdentity: audit, recipientAccountId: C, requestParameters: { name: 'org-trail' }, errorCode: 'AccessDenied' });
  // The stranger: C's own engineer, the same role and session name, an hour later, with a different key.
  const carol = iamUser(C, 'carol', 'AKIACAROLEXAMPLEKEY1');
  const strangerIssue = assumeRole({ caller: carol, roleArn: `arn:aws:iam::${C}:role/Audit`, sessionName: 'audit', issuedKey: 'ASIAAUDITCAROL000001', eventTime: '2026-03-14T08:30:00Z' });
  const stranger = assumedRole(C, 'Audit', 'audit', 'ASIAAUDITCAROL000001', { creationDate: '2026-03-14T08:30:00Z' });
  const strangerCall = apiEvent({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StartLogging', eventTime: '2026-03-14T08:31:00Z', userIdentity: stranger, recipientAccountId: C, requestParameters: { name: 'org-trail' } });
  const events = [list, hop1, jumpCall, hop2, hop2Owner, put, hop3, hop3Owner, stop, denied, strangerIssue, strangerCall];
  return { events, expected: ids([list, hop1, jumpCall, hop2, hop2Owner, put, hop3, hop3Owner, stop, denied]), aliceKey: 'AKIAALICEEXAMPLEKEY1' };
}

/**
 * jane signs in through SAML with sourceIdentity jane.doe, chains into B, and a third session carrying her
 * sourceIdentity appears in C whose issuing call is known only from C's copy (the caller's copy is not in
 * the sources). bob signs in the same way to the same role and must stay out.
 */
export function samlSourceIdentity(): ActivityScenario {
  const provider = `arn:aws:iam::${A}:saml-provider/Okta`;
  const saml = (user: string): UserIdentity => ({ type: 'SAMLUser', principalId: `Xk9pZGVudGl0eQ==:${user}`, userName: user, identityProvider: 'Xk9pZGVudGl0eQ==' });
  const signIn = (user: string, si: string, key: string, time: string) =>
    apiEvent({
      eventSource: 'sts.amazonaws.com', eventName: 'AssumeRoleWithSAML', eventTime: time, userIdentity: saml(user), recipientAccountId: A, readOnly: true,
      requestParameters: { sAMLAssertionID: `_${si}EXAMPLE`, roleSessionName: user, roleArn: `arn:aws:iam::${A}:role/Engineer`, principalArn: provider, durationSeconds: 3600, sourceIdentity: si },
      responseElements: { credentials: { accessKeyId: key, expiration: stsExpiration(time, 3600), sessionToken: 'x' }, assumedRoleUser: { assumedRoleId: `AROAENGINEER:${user}`, arn: `arn:aws:sts::${A}:assumed-role/Engineer/${user}` }, subject: user, subjectType: 'persistent', issuer: 'http://www.okta.com/exk1EXAMPLE', audience: 'https://signin.aws.amazon.com/saml', nameQualifier: 'Xk9pZGVudGl0eQ==', sourceIdentity: si },
    });
  const janeIn = signIn('jane.doe@example.com', 'jane.doe', 'ASIASAMLJANE00000001', '2026-03-14T09:00:00Z');
  const jane = assumedRole(A, 'Engineer', 'jane.doe@example.com', 'ASIASAMLJANE00000001', { sourceIdentity: 'jane.doe', creationDate: '2026-03-14T09:00:00Z' });
  const janeList = s3Call('ListBuckets', '2026-03-14T09:01:00Z', jane, A, '');
  const chain = assumeRole({ caller: jane, roleArn: `arn:aws:iam::${B}:role/Ops`, sessionName: 'jane', issuedKey: 'ASIAOPSJANE000000001', eventTime: '2026-03-14T09:02:00Z', recipientAccountId: A, sharedEventID: 'ja4e0000-0000-4000-8000-000000000001', sourceIdentity: 'jane.doe' });
  const chainOwner = roleOwnerCopy(chain);
  const ops = assumedRole(B, 'Ops', 'jane', 'ASIAOPSJANE000000001', { sourceIdentity: 'jane.doe', creationDate: '2026-03-14T09:02:00Z' });
  const terminate = apiEvent({ eventSource: 'ec2.amazonaws.com', eventName: 'TerminateInstances', eventTime: '2026-03-14T09:04:00Z', userIdentity: ops, recipientAccountId: B, requestParameters: { instancesSet: { items: [{ instanceId: 'i-0janejanejane0001' }] } } });
  // Only C's copy: the caller appears as an account, and its own copy is in a trail nobody gave us.
  const orphanCaller = assumeRole({ caller: assumedRole(D, 'Broker', 'jane', 'ASIABROKERJANE000001'), roleArn: `arn:aws:iam::${C}:role/Reader`, sessionName: 'jane', issuedKey: 'ASIAREADERJANE000001', eventTime: '2026-03-14T09:10:00Z', recipientAccountId: D, sharedEventID: 'ja4e0000-0000-4000-8000-000000000002', sourceIdentity: 'jane.doe' });
  const orphanOwner = roleOwnerCopy(orphanCaller);
  const reader = assumedRole(C, 'Reader', 'jane', 'ASIAREADERJANE000001', { sourceIdentity: 'jane.doe', creationDate: '2026-03-14T09:10:00Z' });
  const read = s3Call('GetObject', '2026-03-14T09:11:00Z', reader, C, 'audit-logs', { requestParameters: { bucketName: 'audit-logs', key: 'q1.csv' }, readOnly: true });
  // bob: same provider, same role, same day.
  const bobIn = signIn('bob@example.com', 'bob', 'ASIASAMLBOB000000001', '2026-03-14T09:00:30Z');
  const bob = assumedRole(A, 'Engineer', 'bob@example.com', 'ASIASAMLBOB000000001', { sourceIdentity: 'bob', creationDate: '2026-03-14T09:00:30Z' });
  const bobCall = s3Call('DeleteBucket', '2026-03-14T09:05:00Z', bob, A, 'scratch');
  const events = [janeIn, janeList, chain, chainOwner, terminate, orphanOwner, read, bobIn, bobCall];
  return { events, expected: ids([janeIn, janeList, chain, chainOwner, terminate, orphanOwner, read]) };
}

/**
 * mallory's key assumes Admin; the session creates user `backup-svc`, a login profile and an access key
 * for it, and the new key is later used (including to assume a role). Another user's key rotation in the
 * same account is not theirs.
 */
export function persistenceBranch(): ActivityScenario & { sessionOnly: string[]; newKey: string } {
  const mallory = iamUser(A, 'mallory', 'AKIAMALLORYEXAMPLE01');
  const issue = assumeRole({ caller: mallory, roleArn: `arn:aws:iam::${A}:role/Admin`, sessionName: 'm', issuedKey: 'ASIAADMINMALLORY0001', eventTime: '2026-03-14T10:00:00Z' });
  const admin = assumedRole(A, 'Admin', 'm', 'ASIAADMINMALLORY0001', { creationDate: '2026-03-14T10:00:00Z' });
  const iam = (name: string, time: string, who: UserIdentity, req: Record<string, string>, resp: Record<string, unknown> | null = null) =>
    apiEvent({ eventSource: 'iam.amazonaws.com', eventName: name, eventTime: time, userIdentity: who, recipientAccountId: A, requestParameters: req, responseElements: resp as never });
  const createUser = iam('CreateUser', '2026-03-14T10:01:00Z', admin, { userName: 'backup-svc' }, { user: { path: '/', userName: 'backup-svc', userId: 'AIDABACKUPSVCEXAMPLE', arn: `arn:aws:iam::${A}:user/backup-svc`, createDate: 'Mar 14, 2026, 10:01:00 AM' } });
  const profile = iam('CreateLoginProfile', '2026-03-14T10:01:30Z', admin, { userName: 'backup-svc', passwordResetRequired: 'false' }, { loginProfile: { userName: 'backup-svc', createDate: 'Mar 14, 2026, 10:01:30 AM', passwordResetRequired: false } });
  const createKey = iam('CreateAccessKey', '2026-03-14T10:02:00Z', admin, { userName: 'backup-svc' }, { accessKey: { accessKeyId: 'AKIABACKUPSVCNEWKEY1', status: 'Active', userName: 'backup-svc', createDate: 'Mar 14, 2026, 10:02:00 AM' } });
  const backup = iamUser(A, 'backup-svc', 'AKIABACKUPSVCNEWKEY1');
  const useNew = s3Call('GetObject', '2026-03-14T12:00:00Z', backup, A, 'payroll', { requestParameters: { bucketName: 'payroll', key: '2026-03.csv' }, readOnly: true });
  const newHop = assumeRole({ caller: backup, roleArn: `arn:aws:iam::${B}:role/Deploy`, sessionName: 'backup', issuedKey: 'ASIADEPLOYBACKUP0001', eventTime: '2026-03-14T12:05:00Z' });
  const deploy = assumedRole(B, 'Deploy', 'backup', 'ASIADEPLOYBACKUP0001', { creationDate: '2026-03-14T12:05:00Z' });
  const deployCall = apiEvent({ eventSource: 'lambda.amazonaws.com', eventName: 'UpdateFunctionCode20150331v2', eventTime: '2026-03-14T12:06:00Z', userIdentity: deploy, recipientAccountId: B, requestParameters: { functionName: 'billing' } });
  // Not theirs: dave rotates his own key in the same account.
  const dave = iamUser(A, 'dave', 'AKIADAVEEXAMPLEKEY01');
  const daveKey = iam('CreateAccessKey', '2026-03-14T10:03:00Z', dave, {}, { accessKey: { accessKeyId: 'AKIADAVENEWKEY000001', status: 'Active', userName: 'dave', createDate: 'Mar 14, 2026, 10:03:00 AM' } });
  const daveUse = s3Call('ListBuckets', '2026-03-14T11:00:00Z', iamUser(A, 'dave', 'AKIADAVENEWKEY000001'), A, '');
  const events = [issue, createUser, profile, createKey, useNew, newHop, deployCall, daveKey, daveUse];
  const sessionOnly = ids([issue, createUser, profile, createKey]);
  return { events, expected: [...sessionOnly, ...ids([useNew, newHop, deployCall])], sessionOnly, newKey: 'AKIABACKUPSVCNEWKEY1' };
}

/** Two people assume the same role with the same session name, minutes apart. */
export function sameSessionName(): ActivityScenario & { otherExpected: string[] } {
  const ann = iamUser(A, 'ann', 'AKIAANNEXAMPLEKEY001');
  const ben = iamUser(A, 'ben', 'AKIABENEXAMPLEKEY001');
  const annIssue = assumeRole({ caller: ann, roleArn: `arn:aws:iam::${A}:role/Deployer`, sessionName: 'deploy', issuedKey: 'ASIADEPLOYERANN00001', eventTime: '2026-03-14T11:00:00Z' });
  const benIssue = assumeRole({ caller: ben, roleArn: `arn:aws:iam::${A}:role/Deployer`, sessionName: 'deploy', issuedKey: 'ASIADEPLOYERBEN00001', eventTime: '2026-03-14T11:02:00Z' });
  const annS = assumedRole(A, 'Deployer', 'deploy', 'ASIADEPLOYERANN00001', { creationDate: '2026-03-14T11:00:00Z' });
  const benS = assumedRole(A, 'Deployer', 'deploy', 'ASIADEPLOYERBEN00001', { creationDate: '2026-03-14T11:02:00Z' });
  const annCall = apiEvent({ eventSource: 'cloudformation.amazonaws.com', eventName: 'UpdateStack', eventTime: '2026-03-14T11:03:00Z', userIdentity: annS, requestParameters: { stackName: 'web' } });
  const benCall = apiEvent({ eventSource: 'cloudformation.amazonaws.com', eventName: 'DeleteStack', eventTime: '2026-03-14T11:04:00Z', userIdentity: benS, requestParameters: { stackName: 'web' } });
  const annCall2 = apiEvent({ eventSource: 'cloudformation.amazonaws.com', eventName: 'DescribeStacks', eventTime: '2026-03-14T11:05:00Z', userIdentity: annS, readOnly: true });
  return { events: [annIssue, benIssue, annCall, benCall, annCall2], expected: ids([annIssue, annCall, annCall2]), otherExpected: ids([benIssue, benCall]) };
}

/**
 * The documentation key AKIAIOSFODNN7EXAMPLE is erin's in A; an unrelated file from another organisation
 * has the same key for a different user, and erin's session key ASIAIOSFODNN7EXAMPLE recurs there too, in
 * another account and as another session (and once before it was issued).
 */
export function reusedExampleKey(): { mine: CloudTrailEvent[]; unrelated: CloudTrailEvent[]; expected: string[] } {
  const erin = iamUser(A, 'erin', 'AKIAIOSFODNN7EXAMPLE');
  const erinCall = apiEvent({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', eventTime: '2026-03-14T13:00:00Z', userIdentity: erin, readOnly: true });
  const issue = assumeRole({ caller: erin, roleArn: `arn:aws:iam::${A}:role/ReadOnly`, sessionName: 'erin', issuedKey: 'ASIAIOSFODNN7EXAMPLE', eventTime: '2026-03-14T13:01:00Z' });
  const session = assumedRole(A, 'ReadOnly', 'erin', 'ASIAIOSFODNN7EXAMPLE', { creationDate: '2026-03-14T13:01:00Z' });
  const sessionCall = s3Call('ListBuckets', '2026-03-14T13:02:00Z', session, A, '');
  const other = iamUser(D, 'someone', 'AKIAIOSFODNN7EXAMPLE');
  const otherCall = s3Call('DeleteBucket', '2026-03-14T13:03:00Z', other, D, 'their-bucket');
  const otherSession = assumedRole(D, 'Admin', 'x', 'ASIAIOSFODNN7EXAMPLE', { creationDate: '2026-03-14T12:00:00Z' });
  const otherSessionCall = s3Call('PutBucketAcl', '2026-03-14T13:04:00Z', otherSession, D, 'their-bucket');
  const sameAccountEarly = s3Call('ListBuckets', '2026-03-14T12:59:00Z', session, A, '');
  return { mine: [erinCall, issue, sessionCall], unrelated: [otherCall, otherSessionCall, sameAccountEarly], expected: ids([erinCall, issue, sessionCall]) };
}

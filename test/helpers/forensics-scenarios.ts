import type { CloudTrailEvent, UserIdentity } from '../../src/cloudtrail/event.js';
import { apiEvent, assumeRole, assumedRole, iamUser, roleOwnerCopy } from './scenario.js';

/**
 * The generated incident scenarios of the forensics tests. Each is a small trail (possibly spanning
 * accounts) with one right answer; comments name the trap each one sets.
 */
export const A = '111122223333'; // where the people live
export const B = '444455556666'; // production, reached by a cross-account role
export const C = '777788889999'; // someone else's account, for decoys

export interface Scenario {
  events: CloudTrailEvent[];
  /** Events a second trail holds (an identity account or the us-east-1 STS trail), when relevant. */
  identityEvents?: CloudTrailEvent[];
}

/** ops-admin (A) → role Jump (A) → cross-account role Admin (B) → DeleteTable orders in B. */
export function chainedCrossAccount(): Scenario & { deletion: CloudTrailEvent; hop1: CloudTrailEvent; hop2Caller: CloudTrailEvent; hop2Owner: CloudTrailEvent } {
  const user = iamUser(A, 'ops-admin', 'AKIAOPSADMINEXAMPLE1');
  const hop1 = assumeRole({ caller: user, roleArn: `arn:aws:iam::${A}:role/Jump`, sessionName: 'ops-admin', issuedKey: 'ASIAJUMPEXAMPLE00001', eventTime: '2026-03-14T03:50:00Z', sourceIdentity: 'ops-admin' });
  const jump = assumedRole(A, 'Jump', 'ops-admin', 'ASIAJUMPEXAMPLE00001', { sourceIdentity: 'ops-admin', creationDate: '2026-03-14T03:50:00Z' });
  const hop2Caller = assumeRole({ caller: jump, roleArn: `arn:aws:iam::${B}:role/Admin`, sessionName: 'ops-session', issuedKey: 'ASIAADMINEXAMPLE0001', eventTime: '2026-03-14T03:55:02Z', recipientAccountId: A, sharedEventID: '5ba1d2f0-0000-4000-8000-0000000000a1', sourceIdentity: 'ops-admin' });
  const hop2Owner = roleOwnerCopy(hop2Caller);
  const admin = assumedRole(B, 'Admin', 'ops-session', 'ASIAADMINEXAMPLE0001', { sourceIdentity: 'ops-admin', creationDate: '2026-03-14T03:55:02Z' });
  const deletion = apiEvent({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', eventTime: '2026-03-14T04:02:11Z', userIdentity: admin, recipientAccountId: B, requestParameters: { tableName: 'orders' }, responseElements: { tableDescription: { tableName: 'orders', tableStatus: 'DELETING', tableArn: `arn:aws:dynamodb:us-east-1:${B}:table/orders` } } });
  // The decoy: a table with the same name in C, deleted by C's own admin with the same role and session names.
  const stranger = iamUser(C, 'dev', 'AKIASTRANGEREXAMPLE1');
  const decoyIssue = assumeRole({ caller: stranger, roleArn: `arn:aws:iam::${C}:role/Admin`, sessionName: 'ops-session', issuedKey: 'ASIADECOYEXAMPLE0001', eventTime: '2026-03-14T03:59:00Z' });
  const decoy = apiEvent({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', eventTime: '2026-03-14T04:05:00Z', userIdentity: assumedRole(C, 'Admin', 'ops-session', 'ASIADECOYEXAMPLE0001'), recipientAccountId: C, requestParameters: { tableName: 'orders' } });
  return { events: [hop2Owner, decoyIssue, deletion, decoy], identityEvents: [hop1, hop2Caller], deletion, hop1, hop2Caller, hop2Owner };
}

/** A SAML-federated engineer deletes a bucket. */
export function samlUser(): Scenario {
  const saml: UserIdentity = { type: 'SAMLUser', principalId: 'Xk9pZGVudGl0eQ==:jane.doe@example.com', userName: 'jane.doe@example.com', identityProvider: 'Xk9pZGVudGl0eQ==' };
  const issue = apiEvent({
    eventSource: 'sts.amazonaws.com', eventName: 'AssumeRoleWithSAML', eventTime: '2026-03-14T02:00:00Z', userIdentity: saml, recipientAccountId: A, readOnly: true,
    requestParameters: { sAMLAssertionID: '_4f2c0EXAMPLE', roleSessionName: 'jane.doe@example.com', roleArn: `arn:aws:iam::${A}:role/Engineer`, principalArn: `arn:aws:iam::${A}:saml-provider/Okta`, durationSeconds: 3600, sourceIdentity: 'jane.doe' },
    responseElements: { credentials: { accessKeyId: 'ASIASAMLJANEEXAMPLE1', expiration: 'Mar 14, 2026, 3:00:00 AM', sessionToken: 'x' }, assumedRoleUser: { assumedRoleId: 'AROAENGINEER:jane.doe@example.com', arn: `arn:aws:sts::${A}:assumed-role/Engineer/jane.doe@example.com` }, subject: 'jane.doe@example.com', subjectType: 'persistent', issuer: 'http://www.okta.com/exk1EXAMPLE', audience: 'https://signin.aws.amazon.com/saml', nameQualifier: 'Xk9pZGVudGl0eQ==', sourceIdentity: 'jane.doe' },
  });
  const session = assumedRole(A, 'Engineer', 'jane.doe@example.com', 'ASIASAMLJANEEXAMPLE1', { sourceIdentity: 'jane.doe', creationDate: '2026-03-14T02:00:00Z' });
  const deletion = apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', eventTime: '2026-03-14T02:31:40Z', userIdentity: session, recipientAccountId: A, requestParameters: { bucketName: 'build-artifacts', Host: 'build-artifacts.s3.us-east-1.amazonaws.com' }, resources: [{ ARN: 'arn:aws:s3:::build-artifacts', accountId: A, type: 'AWS::S3::Bucket' }] });
  return { events: [issue, deletion] };
}

/** An IAM Identity Center user (via the AWSSSO SAML provider) deletes a Lambda function from the console. */
export function ssoUser(): Scenario {
  const role = 'AWSReservedSSO_AdministratorAccess_7f3a1b2c3d4e5f60';
  const provider = `arn:aws:iam::${A}:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE`;
  const saml: UserIdentity = { type: 'SAMLUser', principalId: `${provider.split('/')[1]}:alice@example.com`, userName: 'alice@example.com', identityProvider: provider };
  const issue = apiEvent({
    eventSource: 'sts.amazonaws.com', eventName: 'AssumeRoleWithSAML', eventTime: '2026-03-14T01:10:00Z', userIdentity: saml, recipientAccountId: A, readOnly: true, sourceIPAddress: '203.0.113.77',
    requestParameters: { sAMLAssertionID: '_a1b2EXAMPLE', roleSessionName: 'alice@example.com', roleArn: `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/${role}`, principalArn: provider, durationSeconds: 43200 },
    responseElements: { credentials: { accessKeyId: 'ASIASSOALICEEXAMPLE1', expiration: 'Mar 14, 2026, 1:10:00 PM', sessionToken: 'x' }, assumedRoleUser: { assumedRoleId: 'AROASSO:alice@example.com', arn: `arn:aws:sts::${A}:assumed-role/${role}/alice@example.com` }, subject: 'alice@example.com', subjectType: 'persistent', issuer: 'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/EXAMPLE', audience: 'https://signin.aws.amazon.com/saml' },
  });
  const session = assumedRole(A, role, 'alice@example.com', 'ASIASSOALICEEXAMPLE1', { rolePath: 'aws-reserved/sso.amazonaws.com/', creationDate: '2026-03-14T01:10:00Z' });
  const deletion = apiEvent({ eventSource: 'lambda.amazonaws.com', eventName: 'DeleteFunction20150331', eventTime: '2026-03-14T01:45:12Z', userIdentity: session, recipientAccountId: A, userAgent: 'console.amazonaws.com', sourceIPAddress: '203.0.113.77', sessionCredentialFromConsole: 'true', requestParameters: { functionName: 'payments-webhook' } });
  return { events: [issue, deletion] };
}

/** A contractor's attempt is denied; five minutes later an admin deletes the trail. */
export function failedThenSuccess(): Scenario {
  const contractor = iamUser(A, 'contractor', 'AKIACONTRACTOREXAMP1');
  const admin = iamUser(A, 'sec-admin', 'AKIASECADMINEXAMPLE1');
  const attempt = apiEvent({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', eventTime: '2026-03-14T05:00:00Z', userIdentity: contractor, requestParameters: { name: 'org-trail' }, errorCode: 'AccessDenied', errorMessage: `User: arn:aws:iam::${A}:user/contractor is not authorized to perform: cloudtrail:DeleteTrail` });
  const stop = apiEvent({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', eventTime: '2026-03-14T05:04:00Z', userIdentity: admin, requestParameters: { name: `arn:aws:cloudtrail:us-east-1:${A}:trail/org-trail` } });
  const del = apiEvent({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', eventTime: '2026-03-14T05:05:00Z', userIdentity: admin, requestParameters: { name: 'org-trail' } });
  return { events: [del, attempt, stop] };
}

/** A batch terminate of three instances; the one asked about is the third. */
export function batchTerminate(): Scenario {
  const user = iamUser(A, 'autoscaler-bot', 'AKIAAUTOSCALEREXAMP1');
  const items = ['i-0aaaaaaaaaaaaaaa1', 'i-0bbbbbbbbbbbbbbb2', 'i-0ccccccccccccccc3'];
  const e = apiEvent({
    eventSource: 'ec2.amazonaws.com', eventName: 'TerminateInstances', eventTime: '2026-03-14T06:00:00Z', userIdentity: user, awsRegion: 'eu-west-1',
    requestParameters: { instancesSet: { items: items.map((instanceId) => ({ instanceId })) } },
    responseElements: { requestId: 'f00d', instancesSet: { items: items.map((instanceId) => ({ instanceId, currentState: { code: 32, name: 'shutting-down' }, previousState: { code: 16, name: 'running' } })) } },
  });
  return { events: [e] };
}

/** A destructive call that names its target only in resources[] (no catalogue path carries it). */
export function onlyInResources(): Scenario {
  const user = iamUser(A, 'ops-admin', 'AKIAOPSADMINEXAMPLE1');
  const e = apiEvent({
    eventSource: 'backup.amazonaws.com', eventName: 'DeleteRecoveryPoint', eventTime: '2026-03-14T07:00:00Z', userIdentity: user,
    requestParameters: { backupVaultName: 'Default', recoveryPointArn: 'EXAMPLE-REDACTED' },
    resources: [{ ARN: `arn:aws:backup:us-east-1:${A}:recovery-point:db-nightly-2026-03-13`, accountId: A, type: 'AWS::Backup::RecoveryPoint' }],
  });
  return { events: [e] };
}

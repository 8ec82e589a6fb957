import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent, JsonObject } from '../cloudtrail/event.js';
import { apiEvent, iamUser, loadFixture } from '../../test/helpers/scenario.js';
import { DELETION_CATALOGUE, canonicalEventName, looksDestructive, resourceTypes, ruleFor } from './catalogue.js';
import { matchEvent, parseResourceQuery } from './resource.js';
import { findDeletionMatcher } from './find-deletion.js';
import { compileNeedles, passesNeedles } from '../records/search.js';
import { valuesAt } from '../cloudtrail/json.js';

const ACCOUNT = '111122223333';
const actor = iamUser(ACCOUNT, 'ops-admin', 'AKIAI44QH8DHBEXAMPLE');

function gen(eventSource: string, eventName: string, requestParameters: JsonObject, responseElements: JsonObject | null = null, recipientAccountId = ACCOUNT): CloudTrailEvent {
  return apiEvent({ eventSource, eventName, eventTime: '2026-03-14T04:02:11Z', userIdentity: actor, requestParameters, responseElements, recipientAccountId });
}

function real(file: string, eventName: string, nth = 0): CloudTrailEvent {
  const found = loadFixture(`real/${file}`).filter((s) => s.event.eventName === eventName);
  assert.ok(found[nth], `${file} has no ${eventName} #${nth}`);
  return found[nth]!.event;
}

/** Hand-written in the documented shape of service events (fixtures/forensics/deferred/README.md). */
function deferred(file: string, eventName: string): CloudTrailEvent {
  const found = loadFixture(`deferred/${file}`).find((s) => s.event.eventName === eventName);
  assert.ok(found, `${file} has no ${eventName}`);
  return found.event;
}

interface RowCase {
  record: CloudTrailEvent;
  query: string;
  /** `--type`: for parts whose target is also their parent's name (a bucket's policy, a user's password). */
  type?: string;
  name: string;
  arn?: string;
}

const cases: RowCase[] = [
  // S3
  { record: real('panther-rule-tests.ndjson', 'DeleteBucket'), query: 'secrets', name: 'secrets', arn: 'arn:aws:s3:::secrets' },
  { record: real('iam-guide-05_DeleteBucket-by-assumed-role.json', 'DeleteBucket'), query: 'arn:aws:s3:::my-test-bucket-cross-account', name: 'my-test-bucket-cross-account' },
  { record: gen('s3.amazonaws.com', 'DeleteBucket', { bucketName: 'audit-logs', Host: 'audit-logs.s3.us-east-1.amazonaws.com' }), query: 'audit-logs', name: 'audit-logs', arn: 'arn:aws:s3:::audit-logs' },
  { record: real('panther-rule-tests.ndjson', 'DeleteObject'), query: 'example-object', name: 'example-object', arn: 'arn:aws:s3:::example-bucket/example-object' },
  { record: real('panther-rule-tests.ndjson', 'DeleteObjects'), query: 's3://example-bucket/example-object', name: 'example-object', arn: 'arn:aws:s3:::example-bucket/example-object' },
  { record: gen('s3.amazonaws.com', 'DeleteObjects', { bucketName: 'reports', delete: { objects: [{ key: 'q4.csv' }, { key: 'finance/q1.csv' }], quiet: 'true' } }), query: 'finance/q1.csv', name: 'finance/q1.csv', arn: 'arn:aws:s3:::reports/finance/q1.csv' },
  { record: gen('s3.amazonaws.com', 'DeleteBucketPolicy', { bucketName: 'audit-logs', policy: '' }), query: 'audit-logs', type: 's3:bucket-policy', name: 'audit-logs', arn: 'arn:aws:s3:::audit-logs' },
  // EC2
  { record: real('panther-rule-tests.ndjson', 'TerminateInstances'), query: 'i-0d9853f67e40ab80b', name: 'i-0d9853f67e40ab80b', arn: 'arn:aws:ec2:us-west-2:111222333444:instance/i-0d9853f67e40ab80b' },
  { record: gen('ec2.amazonaws.com', 'DeleteVolume', { volumeId: 'vol-0a1b2c3d4e5f67890' }), query: 'vol-0a1b2c3d4e5f67890', name: 'vol-0a1b2c3d4e5f67890', arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0a1b2c3d4e5f67890` },
  { record: gen('ec2.amazonaws.com', 'DeleteSnapshot', { snapshotId: 'snap-0123456789abcdef0' }), query: 'arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0', name: 'snap-0123456789abcdef0', arn: 'arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0' },
  { record: gen('ec2.amazonaws.com', 'DeregisterImage', { imageId: 'ami-0abcdef1234567890' }), query: 'ami-0abcdef1234567890', name: 'ami-0abcdef1234567890', arn: 'arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890' },
  { record: gen('ec2.amazonaws.com', 'DeleteSecurityGroup', { groupId: 'sg-0123456789abcdef0' }), query: 'sg-0123456789abcdef0', name: 'sg-0123456789abcdef0', arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0` },
  { record: gen('ec2.amazonaws.com', 'RevokeSecurityGroupIngress', { groupId: 'sg-0123456789abcdef0', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } }), query: 'sg-0123456789abcdef0', name: 'sg-0123456789abcdef0' },
  { record: gen('ec2.amazonaws.com', 'RevokeSecurityGroupEgress', { groupId: 'sg-0123456789abcdef0', securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-0123456789abcdef0' }] } }), query: 'sgr-0123456789abcdef0', name: 'sgr-0123456789abcdef0', arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group-rule/sgr-0123456789abcdef0` },
  { record: gen('ec2.amazonaws.com', 'DeleteVpc', { vpcId: 'vpc-0a1b2c3d' }), query: 'vpc-0a1b2c3d', name: 'vpc-0a1b2c3d', arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-0a1b2c3d` },
  { record: gen('ec2.amazonaws.com', 'DeleteSubnet', { subnetId: 'subnet-0a1b2c3d' }), query: 'subnet-0a1b2c3d', name: 'subnet-0a1b2c3d' },
  { record: gen('ec2.amazonaws.com', 'DeleteKeyPair', { keyName: 'deploy-key' }), query: 'deploy-key', name: 'deploy-key' },
  { record: real('stratus-vpc-remove-flow-logs.json', 'DeleteFlowLogs'), query: 'fl-0e17aa62a21d4bbfe', name: 'fl-0e17aa62a21d4bbfe' },
  // IAM
  { record: gen('iam.amazonaws.com', 'DeleteUser', { userName: 'ops-admin' }), query: `arn:aws:iam::${ACCOUNT}:user/ops/ops-admin`, name: 'ops-admin' },
  { record: gen('iam.amazonaws.com', 'DeleteRole', { roleName: 'Admin' }), query: 'Admin', name: 'Admin', arn: `arn:aws:iam::${ACCOUNT}:role/Admin` },
  { record: gen('iam.amazonaws.com', 'DeleteGroup', { groupName: 'admins' }), query: 'admins', name: 'admins' },
  { record: gen('iam.amazonaws.com', 'DeletePolicy', { policyArn: `arn:aws:iam::${ACCOUNT}:policy/ops-full` }), query: 'ops-full', name: 'ops-full', arn: `arn:aws:iam::${ACCOUNT}:policy/ops-full` },
  { record: gen('iam.amazonaws.com', 'DeleteAccessKey', { userName: 'ops-admin', accessKeyId: 'AKIAI44QH8DHBEXAMPLE' }), query: 'AKIAI44QH8DHBEXAMPLE', name: 'AKIAI44QH8DHBEXAMPLE' },
  { record: gen('iam.amazonaws.com', 'DeleteInstanceProfile', { instanceProfileName: 'web-profile' }), query: 'web-profile', name: 'web-profile' },
  { record: real('stratus-iam-create-user-login-profile.json', 'DeleteLoginProfile'), query: 'stratus-red-team-login-profile-user', type: 'iam:login-profile', name: 'stratus-red-team-login-profile-user' },
  // IAM parts: what has to go before a role, user or group can be deleted, each under its own name
  { record: gen('iam.amazonaws.com', 'DeleteRolePolicy', { roleName: 'web-app', policyName: 's3-read' }), query: 's3-read', name: 's3-read' },
  { record: gen('iam.amazonaws.com', 'DetachRolePolicy', { roleName: 'web-app', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }), query: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  { record: gen('iam.amazonaws.com', 'DeleteRolePermissionsBoundary', { roleName: 'web-app' }), query: 'web-app', type: 'iam:role-permissions-boundary', name: 'web-app' },
  { record: gen('iam.amazonaws.com', 'RemoveRoleFromInstanceProfile', { instanceProfileName: 'web-app-profile', roleName: 'web-app' }), query: 'web-app-profile', name: 'web-app-profile', arn: `arn:aws:iam::${ACCOUNT}:instance-profile/web-app-profile` },
  { record: gen('iam.amazonaws.com', 'DeleteUserPolicy', { userName: 'svc-ci', policyName: 'deploy' }), query: 'deploy', name: 'deploy' },
  { record: gen('iam.amazonaws.com', 'DetachUserPolicy', { userName: 'svc-ci', policyArn: `arn:aws:iam::${ACCOUNT}:policy/deploy-managed` }), query: 'deploy-managed', name: 'deploy-managed' },
  { record: gen('iam.amazonaws.com', 'RemoveUserFromGroup', { userName: 'svc-ci', groupName: 'deployers' }), query: 'deployers', type: 'iam:group-membership', name: 'deployers', arn: `arn:aws:iam::${ACCOUNT}:group/deployers` },
  { record: real('panther-rule-tests.ndjson', 'DeleteGroupPolicy'), query: 'policy', name: 'policy' },
  { record: gen('iam.amazonaws.com', 'DetachGroupPolicy', { groupName: 'admins', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }), query: 'AdministratorAccess', name: 'AdministratorAccess' },
  // Lambda
  { record: real('panther-rule-tests.ndjson', 'DeleteFunction'), query: 'basic-node-task', name: 'basic-node-task', arn: 'arn:aws:lambda:us-east-1:999999999999:function:basic-node-task' },
  { record: gen('lambda.amazonaws.com', 'DeleteFunction20150331', { functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:thumbnailer` }), query: 'thumbnailer', name: 'thumbnailer', arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:thumbnailer` },
  // DynamoDB
  { record: gen('dynamodb.amazonaws.com', 'DeleteTable', { tableName: 'orders' }), query: 'orders', name: 'orders', arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders` },
  { record: gen('dynamodb.amazonaws.com', 'DeleteBackup', { backupArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/backup/01710389000000-abcdef12` }), query: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/backup/01710389000000-abcdef12`, name: 'orders/backup/01710389000000-abcdef12' },
  // RDS
  { record: real('panther-rule-tests.ndjson', 'DeleteDBInstance'), query: 'production-mysql-db', name: 'production-mysql-db', arn: 'arn:aws:rds:us-east-1:123456789012:db:production-mysql-db' },
  { record: real('panther-rule-tests.ndjson', 'DeleteDBCluster'), query: 'aurora-cluster-prod', name: 'aurora-cluster-prod', arn: 'arn:aws:rds:us-east-1:123456789012:cluster:aurora-cluster-prod' },
  { record: real('panther-subresource-calls.ndjson', 'RemoveRoleFromDBInstance'), query: 'arn:aws:iam::123456789012:role/OldRole', name: 'OldRole' },
  { record: gen('rds.amazonaws.com', 'RemoveRoleFromDBCluster', { dBClusterIdentifier: 'aurora-prod', roleArn: `arn:aws:iam::${ACCOUNT}:role/s3-import`, featureName: 's3Import' }), query: 's3-import', name: 's3-import' },
  { record: real('panther-rule-tests.ndjson', 'DeleteDBSnapshot'), query: 'backup-2024-01-15', name: 'backup-2024-01-15', arn: 'arn:aws:rds:us-west-2:123456789012:snapshot:backup-2024-01-15' },
  { record: real('panther-rule-tests.ndjson', 'DeleteDBClusterSnapshot'), query: 'aurora-cluster-backup-2024', name: 'aurora-cluster-backup-2024' },
  // CloudFormation, CloudTrail
  { record: gen('cloudformation.amazonaws.com', 'DeleteStack', { stackName: 'web-prod' }), query: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/web-prod/6c1e3b50-e1a2-11ee-9b1c-0a1b2c3d4e5f`, name: 'web-prod' },
  { record: real('stratus-cloudtrail-delete.json', 'DeleteTrail'), query: 'stratus-red-team-cloudtraild-trail-kvrwohmiai', name: 'stratus-red-team-cloudtraild-trail-kvrwohmiai' },
  { record: real('panther-rule-tests.ndjson', 'DeleteTrail'), query: 'example-trail', name: 'example-trail', arn: 'arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail' },
  { record: real('stratus-cloudtrail-stop.json', 'StopLogging'), query: 'stratus-red-team-ct-stop-trail-buykxbqejv', name: 'stratus-red-team-ct-stop-trail-buykxbqejv' },
  { record: real('panther-rule-tests.ndjson', 'StopLogging'), query: 'example-trail', name: 'example-trail', arn: 'arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail' },
  // KMS
  { record: real('panther-rule-tests.ndjson', 'ScheduleKeyDeletion'), query: 'arn:aws:kms:us-west-2:123456789012:key/1', name: '1', arn: 'arn:aws:kms:us-west-2:123456789012:key/1' },
  {
    record: gen('kms.amazonaws.com', 'ScheduleKeyDeletion', { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', pendingWindowInDays: 7 }, { keyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, deletionDate: 'Mar 21, 2026, 12:00:00 AM', keyState: 'PendingDeletion', pendingWindowInDays: 7 }),
    query: '1234abcd-12ab-34cd-56ef-1234567890ab', name: '1234abcd-12ab-34cd-56ef-1234567890ab', arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  },
  { record: real('panther-rule-tests.ndjson', 'DisableKey'), query: '1', name: '1', arn: 'arn:aws:kms:us-west-2:123456789012:key/1' },
  { record: deferred('kms-scheduled-deletions.json', 'DeleteKey'), query: '1234abcd-12ab-34cd-56ef-1234567890ab', name: '1234abcd-12ab-34cd-56ef-1234567890ab', arn: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
  { record: gen('kms.amazonaws.com', 'DeleteAlias', { aliasName: 'alias/orders-key' }), query: 'alias/orders-key', name: 'alias/orders-key', arn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/orders-key` },
  // Secrets Manager, SNS, SQS
  { record: gen('secretsmanager.amazonaws.com', 'DeleteSecret', { secretId: 'prod/db/password', recoveryWindowInDays: 7 }), query: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db/password-AbCdEf`, name: 'prod/db/password' },
  { record: deferred('secrets-scheduled-deletions.json', 'EndSecretVersionDelete'), query: 'prod/db/password', name: 'prod/db/password', arn: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:prod/db/password-AbCdEf' },
  { record: gen('sns.amazonaws.com', 'DeleteTopic', { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts` }), query: 'alerts', name: 'alerts', arn: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts` },
  { record: gen('sqs.amazonaws.com', 'DeleteQueue', { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/jobs` }), query: 'jobs', name: 'jobs', arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs` },
  { record: gen('sqs.amazonaws.com', 'PurgeQueue', { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/jobs` }), query: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`, name: 'jobs', arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs` },
  // CloudWatch Logs
  { record: gen('logs.amazonaws.com', 'DeleteLogGroup', { logGroupName: '/aws/lambda/orders' }), query: '/aws/lambda/orders', name: '/aws/lambda/orders', arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/orders` },
  { record: gen('logs.amazonaws.com', 'DeleteLogStream', { logGroupName: '/aws/lambda/orders', logStreamName: '2026/03/14/[$LATEST]0a1b2c3d' }), query: '2026/03/14/[$LATEST]0a1b2c3d', name: '2026/03/14/[$LATEST]0a1b2c3d', arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/orders:log-stream:2026/03/14/[$LATEST]0a1b2c3d` },
  // ECR, ECS, EKS
  { record: gen('ecr.amazonaws.com', 'DeleteRepository', { repositoryName: 'web', force: true }), query: 'web', name: 'web', arn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/web` },
  { record: gen('ecr.amazonaws.com', 'BatchDeleteImage', { repositoryName: 'web', imageIds: [{ imageTag: 'v1.2.2' }, { imageTag: 'v1.2.3' }] }), query: 'v1.2.3', name: 'v1.2.3' },
  { record: gen('ecs.amazonaws.com', 'DeleteCluster', { cluster: 'prod' }), query: 'prod', name: 'prod', arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod` },
  { record: gen('ecs.amazonaws.com', 'DeleteService', { cluster: 'prod', service: 'api', force: true }), query: 'api', name: 'api', arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/api` },
  { record: gen('eks.amazonaws.com', 'DeleteCluster', { name: 'prod-eks' }), query: 'prod-eks', name: 'prod-eks', arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod-eks` },
  // Route 53
  { record: gen('route53.amazonaws.com', 'DeleteHostedZone', { id: '/hostedzone/Z0123456789ABCDEFGHIJ' }), query: 'Z0123456789ABCDEFGHIJ', name: 'Z0123456789ABCDEFGHIJ', arn: 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ' },
  {
    record: gen('route53.amazonaws.com', 'ChangeResourceRecordSets', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', changeBatch: { changes: [{ action: 'UPSERT', resourceRecordSet: { name: 'api.example.com.', type: 'A', tTL: 60, resourceRecords: [{ value: '192.0.2.10' }] } }, { action: 'DELETE', resourceRecordSet: { name: 'www.example.com.', type: 'CNAME', tTL: 300, resourceRecords: [{ value: 'lb.example.com' }] } }] } }),
    query: 'www.example.com', name: 'www.example.com',
  },
  { record: real('stratus-dns-delete-logs.json', 'DeleteResolverQueryLogConfig'), query: 'rqlc-4473f20ca554c07', name: 'rqlc-4473f20ca554c07' },
  // ELB
  { record: gen('elasticloadbalancing.amazonaws.com', 'DeleteLoadBalancer', { loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188` }), query: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188`, name: 'app/web/50dc6c495c0c9188' },
  { record: gen('elasticloadbalancing.amazonaws.com', 'DeleteLoadBalancer', { loadBalancerName: 'legacy-web' }), query: 'legacy-web', name: 'legacy-web', arn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/legacy-web` },
  // GuardDuty, Config
  { record: gen('guardduty.amazonaws.com', 'DeleteDetector', { detectorId: '12abc34d567e8fa901bc2d34e56789f0' }), query: '12abc34d567e8fa901bc2d34e56789f0', name: '12abc34d567e8fa901bc2d34e56789f0', arn: `arn:aws:guardduty:us-east-1:${ACCOUNT}:detector/12abc34d567e8fa901bc2d34e56789f0` },
  { record: gen('config.amazonaws.com', 'DeleteConfigurationRecorder', { configurationRecorderName: 'default' }), query: 'default', name: 'default' },
  { record: gen('config.amazonaws.com', 'StopConfigurationRecorder', { configurationRecorderName: 'default' }), query: 'default', name: 'default' },
  { record: gen('config.amazonaws.com', 'DeleteDeliveryChannel', { deliveryChannelName: 'default' }), query: 'default', name: 'default' },
  // Organizations
  { record: gen('organizations.amazonaws.com', 'RemoveAccountFromOrganization', { accountId: '444455556666' }), query: '444455556666', name: '444455556666' },
  { record: gen('organizations.amazonaws.com', 'CloseAccount', { accountId: '444455556666' }), query: '444455556666', name: '444455556666' },
  { record: real('stratus-organizations-leave.json', 'LeaveOrganization'), query: '307578594326', name: '307578594326' },
  { record: real('panther-rule-tests.ndjson', 'LeaveOrganization'), query: '111122223333', name: '111122223333' },
  // Bedrock
  { record: real('stratus-bedrock-guardrail-delete.json', 'DeleteGuardrail'), query: '14sw4es53xdo', name: '14sw4es53xdo' },
];

test('the catalogue covers at least 40 resource types', () => {
  assert.ok(resourceTypes().length >= 40, `only ${resourceTypes().length} types`);
});

test('every catalogue row is exercised by at least one record', () => {
  for (const rule of DELETION_CATALOGUE) {
    const covered = cases.some((c) => c.record.eventSource === rule.eventSource && canonicalEventName(c.record.eventName) === rule.eventName);
    assert.ok(covered, `no test record for ${rule.eventSource} ${rule.eventName}`);
  }
});

test('no two rows claim the same API call', () => {
  const keys = DELETION_CATALOGUE.map((r) => `${r.eventSource} ${r.eventName}`);
  assert.equal(new Set(keys).size, keys.length);
});

test('every row is destructive-looking or explicitly listed, and its paths are well-formed', () => {
  for (const rule of DELETION_CATALOGUE) {
    for (const t of rule.targets) {
      const path = typeof t === 'string' ? t : t.path;
      if (!path.startsWith('@')) assert.doesNotThrow(() => valuesAt({}, path.replace(/^responseElements\./, '')), path);
    }
  }
  assert.ok(looksDestructive('ScheduleKeyDeletion'));
  assert.ok(!looksDestructive('DescribeInstances'));
});

for (const c of cases) {
  test(`${c.record.eventSource} ${c.record.eventName}: "${c.query}" is found by the catalogue`, () => {
    const m = matchEvent(parseResourceQuery(c.query, c.type), c.record);
    assert.ok(m, 'no match');
    assert.equal(m.match, 'catalogue');
    assert.equal(m.rule, ruleFor(c.record.eventSource, c.record.eventName));
    assert.equal(m.resource.name, c.name);
    if (c.arn) assert.equal(m.resource.arn, c.arn);
  });
}

test('a record set only counts when its change action is DELETE', () => {
  const upsert = cases.find((c) => c.record.eventName === 'ChangeResourceRecordSets')!.record;
  assert.equal(matchEvent(parseResourceQuery('api.example.com'), upsert), undefined);
  assert.ok(matchEvent(parseResourceQuery('www.example.com.'), upsert));
});

test('a batch target is found wherever it sits in the list, and only listed ids match', () => {
  const e = gen('ec2.amazonaws.com', 'TerminateInstances', { instancesSet: { items: [{ instanceId: 'i-0aaaaaaaaaaaaaaa1' }, { instanceId: 'i-0bbbbbbbbbbbbbbb2' }, { instanceId: 'i-0ccccccccccccccc3' }] } });
  assert.equal(matchEvent(parseResourceQuery('i-0ccccccccccccccc3'), e)?.resource.arn, `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0ccccccccccccccc3`);
  assert.equal(matchEvent(parseResourceQuery('i-0ddddddddddddddd4'), e), undefined);
});

test('the byte pre-filter never rejects a record the catalogue matches', () => {
  for (const c of cases) {
    const text = Buffer.from(JSON.stringify(c.record));
    const groups = compileNeedles(findDeletionMatcher(parseResourceQuery(c.query, c.type)).needles).plain;
    assert.ok(passesNeedles(text, groups), `${c.record.eventName} ${c.query}`);
  }
});

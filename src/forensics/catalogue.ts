/**
 * The deletion catalogue: which API calls destroy (or disable) which kind of resource, where the call
 * names its target, and how to write the target's ARN. It is data on purpose — adding a service is one
 * row, and every row is exercised by a record in src/forensics/catalogue.test.ts.
 *
 * Target paths are read from `requestParameters` unless they start with `responseElements.` or `@`
 * (a path from the record's root: `@recipientAccountId` for calls whose target is the calling account,
 * `@resources[type=AWS::KMS::Key].ARN` for service events that name their target nowhere else). Path syntax:
 * `a.b` descends, `a[]` walks a list, `a[k=v]` walks a list keeping elements whose k is v.
 *
 * ARN templates use `{partition}`, `{region}`, `{account}`, `{id}` (the target value), and `{param}` for
 * any other request parameter (its last `/`-segment when the parameter is itself an ARN). A target value
 * that already is an ARN is used as the ARN. `arn: null` means the resource has no ARN that can be
 * formed from the call (a secret's random suffix, a stack's id); such resources are matched by
 * account, region and name.
 */

export type DeletionEffect = 'deleted' | 'disabled' | 'scheduled for deletion' | 'removed' | 'purged' | 'stopped';

/** How a raw target value is normalised before matching (and before forming the ARN). */
export type IdTransform =
  | 'none'
  /** `https://sqs.us-east-1.amazonaws.com/123456789012/orders` → `orders` (account/region from the URL). */
  | 'sqsQueueUrl'
  /** `/hostedzone/Z123` → `Z123`. */
  | 'hostedZoneId'
  /** `www.example.com.` → `www.example.com` (users rarely type the root dot). */
  | 'dnsName';

export interface TargetPath {
  path: string;
  /** Overrides the row's ARN template when this path named the target. */
  arn?: string | null;
  transform?: IdTransform;
}

export interface DeletionRule {
  eventSource: string;
  eventName: string;
  /** `service:kind`, the value `--type` takes. */
  resourceType: string;
  /** Human name used in the terminal summary: "DynamoDB table". */
  label: string;
  /** CloudFormation-style type as CloudTrail writes it in `resources[].type`, when there is one. */
  cfnType?: string;
  targets: ReadonlyArray<string | TargetPath>;
  arn: string | null;
  /** The ARN has no region (IAM, S3, Route 53, Organizations). */
  global?: boolean;
  effect: DeletionEffect;
  /**
   * The call removes part of a parent resource (a role's inline policy, a bucket's objects, a user's
   * access key). It never counts as the parent's deletion: asked about the parent, it is reported as a
   * related step (match `related`) that prepared the parent's deletion.
   */
  parent?: ParentRef;
}

/** The parent's catalogue type (its deletion row gives label and ARN) and where the call names it. */
export interface ParentRef {
  resourceType: string;
  targets: readonly string[];
}

const s3 = 's3.amazonaws.com';
const ec2 = 'ec2.amazonaws.com';
const iam = 'iam.amazonaws.com';
const rds = 'rds.amazonaws.com';
const kms = 'kms.amazonaws.com';
const logs = 'logs.amazonaws.com';
const config = 'config.amazonaws.com';
const org = 'organizations.amazonaws.com';
const inBucket: ParentRef = { resourceType: 's3:bucket', targets: ['bucketName'] };
const ofRole: ParentRef = { resourceType: 'iam:role', targets: ['roleName'] };
const ofUser: ParentRef = { resourceType: 'iam:user', targets: ['userName'] };
const ofGroup: ParentRef = { resourceType: 'iam:group', targets: ['groupName'] };

export const DELETION_CATALOGUE: readonly DeletionRule[] = [
  // S3
  { eventSource: s3, eventName: 'DeleteBucket', resourceType: 's3:bucket', label: 'S3 bucket', cfnType: 'AWS::S3::Bucket', targets: ['bucketName'], arn: 'arn:{partition}:s3:::{id}', global: true, effect: 'deleted' },
  { eventSource: s3, eventName: 'DeleteObject', resourceType: 's3:object', label: 'S3 object', cfnType: 'AWS::S3::Object', targets: ['key'], arn: 'arn:{partition}:s3:::{bucketName}/{id}', global: true, effect: 'deleted', parent: inBucket },
  { eventSource: s3, eventName: 'DeleteObjects', resourceType: 's3:object', label: 'S3 object', cfnType: 'AWS::S3::Object', targets: ['delete.objects[].key', 'delete.Object[].Key', 'key'], arn: 'arn:{partition}:s3:::{bucketName}/{id}', global: true, effect: 'deleted', parent: inBucket },
  // The other Delete<Bucket><Sub> calls (lifecycle, CORS, encryption, …) are sub-resources by name: see subResourceRule.
  { eventSource: s3, eventName: 'DeleteBucketPolicy', resourceType: 's3:bucket-policy', label: 'S3 bucket policy', targets: ['bucketName'], arn: 'arn:{partition}:s3:::{id}', global: true, effect: 'deleted', parent: inBucket },

  // EC2
  { eventSource: ec2, eventName: 'TerminateInstances', resourceType: 'ec2:instance', label: 'EC2 instance', cfnType: 'AWS::EC2::Instance', targets: ['instancesSet.items[].instanceId'], arn: 'arn:{partition}:ec2:{region}:{account}:instance/{id}', effect: 'deleted' },
  { eventSource: ec2, eventName: 'DeleteVolume', resourceType: 'ec2:volume', label: 'EBS volume', cfnType: 'AWS::EC2::Volume', targets: ['volumeId'], arn: 'arn:{partition}:ec2:{region}:{account}:volume/{id}', effect: 'deleted' },
  // Snapshot and image ARNs carry no account: they are owned by the region, not the account namespace.
  { eventSource: ec2, eventName: 'DeleteSnapshot', resourceType: 'ec2:snapshot', label: 'EBS snapshot', cfnType: 'AWS::EC2::Snapshot', targets: ['snapshotId'], arn: 'arn:{partition}:ec2:{region}::snapshot/{id}', effect: 'deleted' },
  { eventSource: ec2, eventName: 'DeregisterImage', resourceType: 'ec2:image', label: 'AMI', cfnType: 'AWS::EC2::Image', targets: ['imageId'], arn: 'arn:{partition}:ec2:{region}::image/{id}', effect: 'deleted' },
  { eventSource: ec2, eventName: 'DeleteSecurityGroup', resourceType: 'ec2:security-group', label: 'security group', cfnType: 'AWS::EC2::SecurityGroup', targets: ['groupId', { path: 'groupName', arn: null }], arn: 'arn:{partition}:ec2:{region}:{account}:security-group/{id}', effect: 'deleted' },
  { eventSource: ec2, eventName: 'RevokeSecurityGroupIngress', resourceType: 'ec2:security-group-rule', label: 'security group ingress rule', targets: ['groupId', { path: 'groupName', arn: null }, { path: 'securityGroupRuleIds.items[].securityGroupRuleId', arn: 'arn:{partition}:ec2:{region}:{account}:security-group-rule/{id}' }], arn: 'arn:{partition}:ec2:{region}:{account}:security-group/{id}', effect: 'removed' },
  { eventSource: ec2, eventName: 'RevokeSecurityGroupEgress', resourceType: 'ec2:security-group-rule', label: 'security group egress rule', targets: ['groupId', { path: 'securityGroupRuleIds.items[].securityGroupRuleId', arn: 'arn:{partition}:ec2:{region}:{account}:security-group-rule/{id}' }], arn: 'arn:{partition}:ec2:{region}:{account}:security-group/{id}', effect: 'removed' },
  { eventSource: ec2, eventName: 'DeleteVpc', resourceType: 'ec2:vpc', label: 'VPC', cfnType: 'AWS::EC2::VPC', targets: ['vpcId'], arn: 'arn:{partition}:ec2:{region}:{account}:vpc/{id}', effect: 'deleted' },
  { eventSource: ec2, eventName: 'DeleteSubnet', resourceType: 'ec2:subnet', label: 'subnet', cfnType: 'AWS::EC2::Subnet', targets: ['subnetId'], arn: 'arn:{partition}:ec2:{region}:{account}:subnet/{id}', effect: 'deleted' },
  { eventSource: ec2, eventName: 'DeleteKeyPair', resourceType: 'ec2:key-pair', label: 'EC2 key pair', cfnType: 'AWS::EC2::KeyPair', targets: [{ path: 'keyName', arn: null }, 'keyPairId'], arn: 'arn:{partition}:ec2:{region}:{account}:key-pair/{id}', effect: 'deleted' },
  { eventSource: ec2, eventName: 'DeleteFlowLogs', resourceType: 'ec2:flow-log', label: 'VPC flow log', cfnType: 'AWS::EC2::FlowLog', targets: ['flowLogIds.items[].flowLogId', 'DeleteFlowLogsRequest.FlowLogId.content', 'DeleteFlowLogsRequest.FlowLogId[].content'], arn: 'arn:{partition}:ec2:{region}:{account}:vpc-flow-log/{id}', effect: 'deleted' },

  // IAM (names are unique per account; ARNs formed without the path still match by name + account)
  { eventSource: iam, eventName: 'DeleteUser', resourceType: 'iam:user', label: 'IAM user', cfnType: 'AWS::IAM::User', targets: ['userName'], arn: 'arn:{partition}:iam::{account}:user/{id}', global: true, effect: 'deleted' },
  { eventSource: iam, eventName: 'DeleteRole', resourceType: 'iam:role', label: 'IAM role', cfnType: 'AWS::IAM::Role', targets: ['roleName'], arn: 'arn:{partition}:iam::{account}:role/{id}', global: true, effect: 'deleted' },
  { eventSource: iam, eventName: 'DeleteGroup', resourceType: 'iam:group', label: 'IAM group', cfnType: 'AWS::IAM::Group', targets: ['groupName'], arn: 'arn:{partition}:iam::{account}:group/{id}', global: true, effect: 'deleted' },
  { eventSource: iam, eventName: 'DeletePolicy', resourceType: 'iam:policy', label: 'IAM managed policy', cfnType: 'AWS::IAM::ManagedPolicy', targets: ['policyArn'], arn: null, global: true, effect: 'deleted' },
  { eventSource: iam, eventName: 'DeleteAccessKey', resourceType: 'iam:access-key', label: 'IAM access key', targets: ['accessKeyId'], arn: null, global: true, effect: 'deleted', parent: ofUser },
  { eventSource: iam, eventName: 'DeleteInstanceProfile', resourceType: 'iam:instance-profile', label: 'IAM instance profile', cfnType: 'AWS::IAM::InstanceProfile', targets: ['instanceProfileName'], arn: 'arn:{partition}:iam::{account}:instance-profile/{id}', global: true, effect: 'deleted' },
  { eventSource: iam, eventName: 'DeleteLoginProfile', resourceType: 'iam:login-profile', label: 'console password of IAM user', targets: ['userName'], arn: 'arn:{partition}:iam::{account}:user/{id}', global: true, effect: 'deleted', parent: ofUser },
  // What has to go before DeleteRole, DeleteUser and DeleteGroup succeed: each names its real target.
  { eventSource: iam, eventName: 'DeleteRolePolicy', resourceType: 'iam:role-policy', label: 'inline policy of IAM role', targets: ['policyName'], arn: null, global: true, effect: 'deleted', parent: ofRole },
  { eventSource: iam, eventName: 'DetachRolePolicy', resourceType: 'iam:role-policy-attachment', label: 'managed policy attachment of IAM role', targets: ['policyArn'], arn: null, global: true, effect: 'removed', parent: ofRole },
  { eventSource: iam, eventName: 'DeleteRolePermissionsBoundary', resourceType: 'iam:role-permissions-boundary', label: 'permissions boundary of IAM role', targets: ['roleName'], arn: null, global: true, effect: 'removed', parent: ofRole },
  { eventSource: iam, eventName: 'RemoveRoleFromInstanceProfile', resourceType: 'iam:instance-profile-role', label: 'role slot of IAM instance profile', targets: ['instanceProfileName'], arn: 'arn:{partition}:iam::{account}:instance-profile/{id}', global: true, effect: 'removed', parent: ofRole },
  { eventSource: iam, eventName: 'DeleteUserPolicy', resourceType: 'iam:user-policy', label: 'inline policy of IAM user', targets: ['policyName'], arn: null, global: true, effect: 'deleted', parent: ofUser },
  { eventSource: iam, eventName: 'DetachUserPolicy', resourceType: 'iam:user-policy-attachment', label: 'managed policy attachment of IAM user', targets: ['policyArn'], arn: null, global: true, effect: 'removed', parent: ofUser },
  { eventSource: iam, eventName: 'RemoveUserFromGroup', resourceType: 'iam:group-membership', label: 'group membership of IAM user', targets: ['groupName'], arn: 'arn:{partition}:iam::{account}:group/{id}', global: true, effect: 'removed', parent: ofUser },
  { eventSource: iam, eventName: 'DeleteGroupPolicy', resourceType: 'iam:group-policy', label: 'inline policy of IAM group', targets: ['policyName'], arn: null, global: true, effect: 'deleted', parent: ofGroup },
  { eventSource: iam, eventName: 'DetachGroupPolicy', resourceType: 'iam:group-policy-attachment', label: 'managed policy attachment of IAM group', targets: ['policyArn'], arn: null, global: true, effect: 'removed', parent: ofGroup },

  // Lambda (real logs often suffix the API version: DeleteFunction20150331; see ruleFor)
  { eventSource: 'lambda.amazonaws.com', eventName: 'DeleteFunction', resourceType: 'lambda:function', label: 'Lambda function', cfnType: 'AWS::Lambda::Function', targets: ['functionName'], arn: 'arn:{partition}:lambda:{region}:{account}:function:{id}', effect: 'deleted' },

  // DynamoDB
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', resourceType: 'dynamodb:table', label: 'DynamoDB table', cfnType: 'AWS::DynamoDB::Table', targets: ['tableName'], arn: 'arn:{partition}:dynamodb:{region}:{account}:table/{id}', effect: 'deleted' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteBackup', resourceType: 'dynamodb:backup', label: 'DynamoDB backup', targets: ['backupArn'], arn: null, effect: 'deleted' },

  // RDS
  { eventSource: rds, eventName: 'DeleteDBInstance', resourceType: 'rds:db', label: 'RDS DB instance', cfnType: 'AWS::RDS::DBInstance', targets: ['dBInstanceIdentifier'], arn: 'arn:{partition}:rds:{region}:{account}:db:{id}', effect: 'deleted' },
  { eventSource: rds, eventName: 'DeleteDBCluster', resourceType: 'rds:cluster', label: 'RDS DB cluster', cfnType: 'AWS::RDS::DBCluster', targets: ['dBClusterIdentifier'], arn: 'arn:{partition}:rds:{region}:{account}:cluster:{id}', effect: 'deleted' },
  { eventSource: rds, eventName: 'RemoveRoleFromDBInstance', resourceType: 'rds:db-role-association', label: 'IAM role association of RDS DB instance', targets: ['roleArn'], arn: null, effect: 'removed', parent: { resourceType: 'rds:db', targets: ['dBInstanceIdentifier'] } },
  { eventSource: rds, eventName: 'RemoveRoleFromDBCluster', resourceType: 'rds:cluster-role-association', label: 'IAM role association of RDS DB cluster', targets: ['roleArn'], arn: null, effect: 'removed', parent: { resourceType: 'rds:cluster', targets: ['dBClusterIdentifier'] } },
  { eventSource: rds, eventName: 'DeleteDBSnapshot', resourceType: 'rds:snapshot', label: 'RDS DB snapshot', targets: ['dBSnapshotIdentifier'], arn: 'arn:{partition}:rds:{region}:{account}:snapshot:{id}', effect: 'deleted' },
  { eventSource: rds, eventName: 'DeleteDBClusterSnapshot', resourceType: 'rds:cluster-snapshot', label: 'RDS cluster snapshot', targets: ['dBClusterSnapshotIdentifier'], arn: 'arn:{partition}:rds:{region}:{account}:cluster-snapshot:{id}', effect: 'deleted' },

  // CloudFormation (a stack ARN ends in a random id, so only a caller-supplied ARN is used as the ARN)
  { eventSource: 'cloudformation.amazonaws.com', eventName: 'DeleteStack', resourceType: 'cloudformation:stack', label: 'CloudFormation stack', cfnType: 'AWS::CloudFormation::Stack', targets: ['stackName'], arn: null, effect: 'deleted' },

  // CloudTrail
  { eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail', resourceType: 'cloudtrail:trail', label: 'CloudTrail trail', cfnType: 'AWS::CloudTrail::Trail', targets: ['name'], arn: 'arn:{partition}:cloudtrail:{region}:{account}:trail/{id}', effect: 'deleted' },
  { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', resourceType: 'cloudtrail:trail', label: 'CloudTrail trail', cfnType: 'AWS::CloudTrail::Trail', targets: ['name'], arn: 'arn:{partition}:cloudtrail:{region}:{account}:trail/{id}', effect: 'disabled' },

  // KMS (the response of ScheduleKeyDeletion carries the full key ARN even when the request used the id)
  { eventSource: kms, eventName: 'ScheduleKeyDeletion', resourceType: 'kms:key', label: 'KMS key', cfnType: 'AWS::KMS::Key', targets: ['keyId', 'responseElements.keyId'], arn: 'arn:{partition}:kms:{region}:{account}:key/{id}', effect: 'scheduled for deletion' },
  { eventSource: kms, eventName: 'DisableKey', resourceType: 'kms:key', label: 'KMS key', cfnType: 'AWS::KMS::Key', targets: ['keyId'], arn: 'arn:{partition}:kms:{region}:{account}:key/{id}', effect: 'disabled' },
  // Carried out by KMS itself when the waiting period ends (an AwsServiceEvent): see catalogue-deferred.ts.
  { eventSource: kms, eventName: 'DeleteKey', resourceType: 'kms:key', label: 'KMS key', cfnType: 'AWS::KMS::Key', targets: ['@resources[type=AWS::KMS::Key].ARN', '@serviceEventDetails.keyId'], arn: 'arn:{partition}:kms:{region}:{account}:key/{id}', effect: 'deleted' },
  { eventSource: kms, eventName: 'DeleteAlias', resourceType: 'kms:alias', label: 'KMS alias', cfnType: 'AWS::KMS::Alias', targets: ['aliasName'], arn: 'arn:{partition}:kms:{region}:{account}:{id}', effect: 'deleted' },

  // Secrets Manager, SNS, SQS
  { eventSource: 'secretsmanager.amazonaws.com', eventName: 'DeleteSecret', resourceType: 'secretsmanager:secret', label: 'Secrets Manager secret', cfnType: 'AWS::SecretsManager::Secret', targets: ['secretId'], arn: null, effect: 'scheduled for deletion' },
  // Written by Secrets Manager itself when the recovery window ends: see catalogue-deferred.ts.
  { eventSource: 'secretsmanager.amazonaws.com', eventName: 'EndSecretVersionDelete', resourceType: 'secretsmanager:secret', label: 'Secrets Manager secret', cfnType: 'AWS::SecretsManager::Secret', targets: ['@resources[type=AWS::SecretsManager::Secret].ARN', '@additionalEventData.SecretId', '@serviceEventDetails.SecretId'], arn: null, effect: 'deleted' },
  { eventSource: 'sns.amazonaws.com', eventName: 'DeleteTopic', resourceType: 'sns:topic', label: 'SNS topic', cfnType: 'AWS::SNS::Topic', targets: ['topicArn'], arn: 'arn:{partition}:sns:{region}:{account}:{id}', effect: 'deleted' },
  { eventSource: 'sqs.amazonaws.com', eventName: 'DeleteQueue', resourceType: 'sqs:queue', label: 'SQS queue', cfnType: 'AWS::SQS::Queue', targets: [{ path: 'queueUrl', transform: 'sqsQueueUrl' }], arn: 'arn:{partition}:sqs:{region}:{account}:{id}', effect: 'deleted' },
  { eventSource: 'sqs.amazonaws.com', eventName: 'PurgeQueue', resourceType: 'sqs:queue', label: 'SQS queue', cfnType: 'AWS::SQS::Queue', targets: [{ path: 'queueUrl', transform: 'sqsQueueUrl' }], arn: 'arn:{partition}:sqs:{region}:{account}:{id}', effect: 'purged' },

  // CloudWatch Logs
  { eventSource: logs, eventName: 'DeleteLogGroup', resourceType: 'logs:log-group', label: 'CloudWatch log group', cfnType: 'AWS::Logs::LogGroup', targets: ['logGroupName'], arn: 'arn:{partition}:logs:{region}:{account}:log-group:{id}', effect: 'deleted' },
  { eventSource: logs, eventName: 'DeleteLogStream', resourceType: 'logs:log-stream', label: 'CloudWatch log stream', targets: ['logStreamName'], arn: 'arn:{partition}:logs:{region}:{account}:log-group:{logGroupName}:log-stream:{id}', effect: 'deleted' },

  // ECR, ECS, EKS
  { eventSource: 'ecr.amazonaws.com', eventName: 'DeleteRepository', resourceType: 'ecr:repository', label: 'ECR repository', cfnType: 'AWS::ECR::Repository', targets: ['repositoryName'], arn: 'arn:{partition}:ecr:{region}:{account}:repository/{id}', effect: 'deleted' },
  { eventSource: 'ecr.amazonaws.com', eventName: 'BatchDeleteImage', resourceType: 'ecr:image', label: 'ECR image', targets: ['imageIds[].imageDigest', 'imageIds[].imageTag'], arn: null, effect: 'deleted' },
  { eventSource: 'ecs.amazonaws.com', eventName: 'DeleteCluster', resourceType: 'ecs:cluster', label: 'ECS cluster', cfnType: 'AWS::ECS::Cluster', targets: ['cluster'], arn: 'arn:{partition}:ecs:{region}:{account}:cluster/{id}', effect: 'deleted' },
  { eventSource: 'ecs.amazonaws.com', eventName: 'DeleteService', resourceType: 'ecs:service', label: 'ECS service', cfnType: 'AWS::ECS::Service', targets: ['service'], arn: 'arn:{partition}:ecs:{region}:{account}:service/{cluster}/{id}', effect: 'deleted' },
  { eventSource: 'eks.amazonaws.com', eventName: 'DeleteCluster', resourceType: 'eks:cluster', label: 'EKS cluster', cfnType: 'AWS::EKS::Cluster', targets: ['name'], arn: 'arn:{partition}:eks:{region}:{account}:cluster/{id}', effect: 'deleted' },

  // Route 53 (record sets die inside a change batch; only DELETE actions count)
  { eventSource: 'route53.amazonaws.com', eventName: 'DeleteHostedZone', resourceType: 'route53:hostedzone', label: 'Route 53 hosted zone', cfnType: 'AWS::Route53::HostedZone', targets: [{ path: 'id', transform: 'hostedZoneId' }], arn: 'arn:{partition}:route53:::hostedzone/{id}', global: true, effect: 'deleted' },
  { eventSource: 'route53.amazonaws.com', eventName: 'ChangeResourceRecordSets', resourceType: 'route53:recordset', label: 'Route 53 record set', cfnType: 'AWS::Route53::RecordSet', targets: [{ path: 'changeBatch.changes[action=DELETE].resourceRecordSet.name', transform: 'dnsName' }], arn: null, global: true, effect: 'deleted' },
  { eventSource: 'route53resolver.amazonaws.com', eventName: 'DeleteResolverQueryLogConfig', resourceType: 'route53resolver:query-log-config', label: 'Route 53 Resolver query logging config', targets: ['resolverQueryLogConfigId'], arn: 'arn:{partition}:route53resolver:{region}:{account}:resolver-query-log-config/{id}', effect: 'deleted' },

  // ELB: v2 calls name the ARN, classic calls name the load balancer
  { eventSource: 'elasticloadbalancing.amazonaws.com', eventName: 'DeleteLoadBalancer', resourceType: 'elasticloadbalancing:loadbalancer', label: 'load balancer', cfnType: 'AWS::ElasticLoadBalancingV2::LoadBalancer', targets: ['loadBalancerArn', 'loadBalancerName'], arn: 'arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{id}', effect: 'deleted' },

  // GuardDuty, AWS Config
  { eventSource: 'guardduty.amazonaws.com', eventName: 'DeleteDetector', resourceType: 'guardduty:detector', label: 'GuardDuty detector', cfnType: 'AWS::GuardDuty::Detector', targets: ['detectorId'], arn: 'arn:{partition}:guardduty:{region}:{account}:detector/{id}', effect: 'deleted' },
  { eventSource: config, eventName: 'DeleteConfigurationRecorder', resourceType: 'config:configuration-recorder', label: 'AWS Config recorder', targets: ['configurationRecorderName'], arn: null, effect: 'deleted' },
  { eventSource: config, eventName: 'StopConfigurationRecorder', resourceType: 'config:configuration-recorder', label: 'AWS Config recorder', targets: ['configurationRecorderName'], arn: null, effect: 'stopped' },
  { eventSource: config, eventName: 'DeleteDeliveryChannel', resourceType: 'config:delivery-channel', label: 'AWS Config delivery channel', targets: ['deliveryChannelName'], arn: null, effect: 'deleted' },

  // Organizations (LeaveOrganization names no target: the calling account leaves)
  { eventSource: org, eventName: 'RemoveAccountFromOrganization', resourceType: 'organizations:account', label: 'member account', targets: ['accountId'], arn: null, global: true, effect: 'removed' },
  { eventSource: org, eventName: 'CloseAccount', resourceType: 'organizations:account', label: 'member account', targets: ['accountId'], arn: null, global: true, effect: 'deleted' },
  { eventSource: org, eventName: 'LeaveOrganization', resourceType: 'organizations:account', label: 'member account', targets: ['@recipientAccountId'], arn: null, global: true, effect: 'removed' },

  // Bedrock logging guardrails (defence evasion seen in real detonations)
  { eventSource: 'bedrock.amazonaws.com', eventName: 'DeleteGuardrail', resourceType: 'bedrock:guardrail', label: 'Bedrock guardrail', targets: ['guardrailIdentifier'], arn: 'arn:{partition}:bedrock:{region}:{account}:guardrail/{id}', effect: 'deleted' },
];

/**
 * Destructive-looking calls that delete content inside a resource, never the resource: they name the
 * container (a table, queue or bucket) in their parameters and resources[], and arrive by the thousand as
 * data events. Left out of the heuristic fallback so "who deleted table orders" is not buried in DeleteItem.
 */
export const CONTENT_DELETIONS: ReadonlyArray<{ eventSource: string; eventName: string }> = [
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteItem' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'BatchWriteItem' },
  { eventSource: 'sqs.amazonaws.com', eventName: 'DeleteMessage' },
  { eventSource: 'sqs.amazonaws.com', eventName: 'DeleteMessageBatch' },
  { eventSource: 's3.amazonaws.com', eventName: 'DeleteObjectTagging' },
  { eventSource: 'logs.amazonaws.com', eventName: 'DeleteLogEvents' },
  { eventSource: 'kinesis.amazonaws.com', eventName: 'DeleteRecords' },
];

export function isContentDeletion(eventSource: string, eventName: string): boolean {
  return CONTENT_DELETIONS.some((c) => c.eventSource === eventSource && c.eventName === eventName);
}

/** Lambda (and a few older APIs) log the API version in the name: `DeleteFunction20150331v2`. */
export function canonicalEventName(eventName: string): string {
  return eventName.replace(/\d{8}(v\d+)?$/, '');
}

const byEvent = new Map<string, DeletionRule>();
for (const rule of DELETION_CATALOGUE) byEvent.set(`${rule.eventSource} ${rule.eventName}`, rule);

export function ruleFor(eventSource: string, eventName: string): DeletionRule | undefined {
  return byEvent.get(`${eventSource} ${eventName}`) ?? byEvent.get(`${eventSource} ${canonicalEventName(eventName)}`);
}

/** Event names that look destructive; used for the heuristic fallback outside the catalogue. */
export function looksDestructive(eventName: string): boolean {
  return /^(Delete|Terminate|Remove|Deregister|Destroy|Purge)/.test(eventName) || /^Schedule.*Deletion/.test(eventName);
}

export function resourceTypes(): string[] {
  return [...new Set(DELETION_CATALOGUE.map((r) => r.resourceType))].sort();
}

/** The row that deletes a resource of this type outright (DeleteRole for iam:role), for its label and ARN. */
export function deletionRuleOfType(resourceType: string): DeletionRule | undefined {
  return DELETION_CATALOGUE.find((r) => r.resourceType === resourceType && r.effect === 'deleted' && !r.parent);
}

/**
 * The name rule: where the catalogue deletes a resource with `Delete<Parent>`, a call of the same service
 * named `Delete<Parent><Sub>` (DeleteBucketLifecycle, DeleteBucketCors, DeleteFunctionConcurrency,
 * DeleteUserPermissionsBoundary, DeletePolicyVersion, …) removes a part of that resource, never the
 * resource. It names the parent where the parent's own deletion does. Calls with a row of their own win.
 */
export function subResourceRule(eventSource: string, eventName: string): DeletionRule | undefined {
  const name = canonicalEventName(eventName);
  let best: DeletionRule | undefined;
  for (const r of DELETION_CATALOGUE) {
    if (r.eventSource !== eventSource || r.parent || !r.eventName.startsWith('Delete') || r.effect !== 'deleted') continue;
    if (name.length <= r.eventName.length || !name.startsWith(r.eventName) || !/[A-Z]/.test(name[r.eventName.length]!)) continue;
    if (!best || r.eventName.length > best.eventName.length) best = r;
  }
  if (!best) return undefined;
  const sub = name.slice(best.eventName.length);
  const words = sub.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
  return {
    eventSource,
    eventName: name,
    resourceType: `${best.resourceType}-${words.replace(/ /g, '-')}`,
    label: `${words} of ${best.label}`,
    targets: [],
    arn: null,
    ...(best.global ? { global: true } : {}),
    effect: 'deleted',
    parent: { resourceType: best.resourceType, targets: best.targets.map((t) => (typeof t === 'string' ? t : t.path)) },
  };
}

/** `--type` accepts a catalogue type (`dynamodb:table`), a service (`dynamodb`) or a CloudFormation type. */
export function typeMatches(wanted: string | undefined, rule: Pick<DeletionRule, 'resourceType' | 'cfnType'>): boolean {
  if (!wanted) return true;
  const w = wanted.toLowerCase();
  const t = rule.resourceType.toLowerCase();
  return t === w || t.split(':')[0] === w || (rule.cfnType !== undefined && rule.cfnType.toLowerCase() === w);
}

export function isKnownType(wanted: string): boolean {
  return DELETION_CATALOGUE.some((r) => typeMatches(wanted, r));
}


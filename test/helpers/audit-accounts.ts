import {
  CloudTrailClient,
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketAclCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { ALERT_CONTROLS, TRAIL_TAMPERING } from '../../src/audit/canonical-events.js';

/**
 * Builds CloudTrail set-ups in a real moto_server through the real SDK: one account configured the way the
 * reference architectures describe, and one that gets each protection wrong in a different way.
 */
const REGION = 'us-east-1';

function clients(endpoint: string) {
  const base = { region: REGION, endpoint, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } };
  return {
    s3: new S3Client({ ...base, forcePathStyle: true }),
    kms: new KMSClient(base),
    ct: new CloudTrailClient(base),
    logs: new CloudWatchLogsClient(base),
    cw: new CloudWatchClient(base),
    sns: new SNSClient(base),
    eb: new EventBridgeClient(base),
    destroy() {
      for (const c of [this.s3, this.kms, this.ct, this.logs, this.cw, this.sns, this.eb]) c.destroy();
    },
  };
}

type Clients = ReturnType<typeof clients>;

async function alarmedFilter(
  c: Clients,
  opts: { group: string; name: string; pattern: string; alarm?: { topicArn?: string; actionsEnabled?: boolean } },
): Promise<void> {
  await c.logs.send(
    new PutMetricFilterCommand({
      logGroupName: opts.group,
      filterName: opts.name,
      filterPattern: opts.pattern,
      metricTransformations: [{ metricName: opts.name, metricNamespace: 'CISBenchmark', metricValue: '1' }],
    }),
  );
  if (!opts.alarm) return;
  await c.cw.send(
    new PutMetricAlarmCommand({
      AlarmName: `${opts.name}-alarm`,
      MetricName: opts.name,
      Namespace: 'CISBenchmark',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      ActionsEnabled: opts.alarm.actionsEnabled ?? true,
      AlarmActions: opts.alarm.topicArn ? [opts.alarm.topicArn] : [],
    }),
  );
}

export interface BuiltAccount {
  account: string;
  trailArns: string[];
  buckets: string[];
}

/** The reference set-up: every check should pass except MFA delete, which moto ignores. */
export async function buildGoodAccount(endpoint: string, account: string): Promise<BuiltAccount> {
  const c = clients(endpoint);
  try {
    const bucket = 'good-trail-logs';
    const trailName = 'org-main';
    const trailArn = `arn:aws:cloudtrail:${REGION}:${account}:trail/${trailName}`;
    const keyArn = (await c.kms.send(new CreateKeyCommand({ Description: 'CloudTrail logs' }))).KeyMetadata!.Arn!;
    await c.kms.send(new EnableKeyRotationCommand({ KeyId: keyArn }));

    await c.s3.send(new CreateBucketCommand({ Bucket: 'good-access-logs' }));
    await c.s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'good-access-logs',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'S3ServerAccessLogsPolicy',
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: ['s3:PutObject'],
              Resource: `arn:aws:s3:::good-access-logs/${bucket}/*`,
              Condition: { StringEquals: { 'aws:SourceAccount': account } },
            },
          ],
        }),
      }),
    );
    await c.s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    await c.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await c.s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } } },
      }),
    );
    await c.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] },
      }),
    );
    await c.s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AWSCloudTrailAclCheck',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: `arn:aws:s3:::${bucket}`,
              Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
            },
            {
              Sid: 'AWSCloudTrailWrite',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`,
              Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
            },
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      }),
    );
    await c.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }),
    );
    await c.s3.send(new PutBucketLoggingCommand({ Bucket: bucket, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'good-access-logs', TargetPrefix: `${bucket}/` } } }));
    await c.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'archive-then-expire',
              Status: 'Enabled',
              Filter: { Prefix: 'AWSLogs/' },
              Transitions: [{ Days: 90, StorageClass: 'GLACIER' }],
              Expiration: { Days: 2555 },
            },
          ],
        },
      }),
    );

    const group = 'cloudtrail/org-main';
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await c.ct.send(
      new CreateTrailCommand({
        Name: trailName,
        S3BucketName: bucket,
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
        KmsKeyId: keyArn,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${account}:log-group:${group}:*`,
        CloudWatchLogsRoleArn: `arn:aws:iam::${account}:role/CloudTrailToCloudWatch`,
      }),
    );
    await c.ct.send(
      new PutEventSelectorsCommand({
        TrailName: trailName,
        AdvancedEventSelectors: [
          { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
          {
            Name: 'S3 object events',
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            ],
          },
        ],
      }),
    );
    await c.ct.send(new StartLoggingCommand({ Name: trailName }));

    const topicArn = (await c.sns.send(new CreateTopicCommand({ Name: 'security-alerts' }))).TopicArn!;
    await c.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'secops@example.com' }));
    for (const control of ALERT_CONTROLS) {
      // 4.5 is written in another form than the benchmark's text: judged by matching, it must still pass.
      const pattern =
        control.id === 'alert.cis-4.5'
          ? '{ $.eventSource = "cloudtrail.amazonaws.com" && ($.eventName = "*Trail" || $.eventName = "StartLogging" || $.eventName = "StopLogging") }'
          : control.referencePattern;
      await alarmedFilter(c, { group, name: control.metricName, pattern, alarm: { topicArn } });
    }
    await c.eb.send(new PutRuleCommand({ Name: 'trail-tampering', EventPattern: TRAIL_TAMPERING.referencePattern, State: 'ENABLED' }));
    await c.eb.send(new PutTargetsCommand({ Rule: 'trail-tampering', Targets: [{ Id: 'notify', Arn: topicArn }] }));
    return { account, trailArns: [trailArn], buckets: [bucket] };
  } finally {
    c.destroy();
  }
}

/** Gets every protection wrong, each in a way the audit must name. */
export async function buildBadAccount(endpoint: string, account: string): Promise<BuiltAccount> {
  const c = clients(endpoint);
  try {
    const bucket = 'bad-trail-logs';
    await c.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await c.s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
    await c.s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
            { Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` },
            { Sid: 'ReadForEveryone', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
            // Looks like a TLS guard, but it only allows: nothing is denied over plain HTTP.
            { Sid: 'AllowTls', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 's3:*', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
          ],
        }),
      }),
    );
    await c.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [{ ID: 'save-money', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 30 }, NoncurrentVersionExpiration: { NoncurrentDays: 7 } }],
        },
      }),
    );

    // A single-region trail that was stopped.
    await c.ct.send(new CreateTrailCommand({ Name: 'regional', S3BucketName: bucket }));
    await c.ct.send(new StartLoggingCommand({ Name: 'regional' }));
    await c.ct.send(new StopLoggingCommand({ Name: 'regional' }));

    // A multi-region trail that records only writes, with a key that does not rotate.
    const keyArn = (await c.kms.send(new CreateKeyCommand({ Description: 'no rotation' }))).KeyMetadata!.Arn!;
    const group = 'cloudtrail/writes';
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await c.ct.send(
      new CreateTrailCommand({
        Name: 'writes-only',
        S3BucketName: bucket,
        S3KeyPrefix: 'mr',
        IsMultiRegionTrail: true,
        KmsKeyId: keyArn,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${account}:log-group:${group}:*`,
        CloudWatchLogsRoleArn: `arn:aws:iam::${account}:role/CloudTrailToCloudWatch`,
      }),
    );
    await c.ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'writes-only',
        EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${bucket}/`] }] }],
      }),
    );
    await c.ct.send(new StartLoggingCommand({ Name: 'writes-only' }));

    const subscribed = (await c.sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
    await c.sns.send(new SubscribeCommand({ TopicArn: subscribed, Protocol: 'email', Endpoint: 'ops@example.com' }));
    const nobody = (await c.sns.send(new CreateTopicCommand({ Name: 'nobody-listens' }))).TopicArn!;
    const byId = (id: string) => ALERT_CONTROLS.find((x) => x.id === id)!;
    // 4.1: a catch-all, fully wired: it would fire on everything, so it is not an alert.
    await alarmedFilter(c, { group, name: 'UnauthorizedAPICalls', pattern: '{ $.eventName = "*" }', alarm: { topicArn: subscribed } });
    // 4.3: the benchmark's filter, but no alarm watches its metric.
    await alarmedFilter(c, { group, name: 'RootAccountUsage', pattern: byId('alert.cis-4.3').referencePattern });
    // 4.4: filter and alarm, but the topic has no subscriber.
    await alarmedFilter(c, { group, name: 'IAMPolicyChanges', pattern: byId('alert.cis-4.4').referencePattern, alarm: { topicArn: nobody } });
    // 4.5: looks right, misses StartLogging and StopLogging.
    await alarmedFilter(c, {
      group,
      name: 'CloudTrailChanges',
      pattern: '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }',
      alarm: { topicArn: subscribed },
    });
    // 4.6: the alarm's actions are switched off.
    await alarmedFilter(c, { group, name: 'ConsoleSigninFailures', pattern: byId('alert.cis-4.6').referencePattern, alarm: { topicArn: subscribed, actionsEnabled: false } });

    await c.eb.send(
      new PutRuleCommand({
        Name: 'stop-logging-only',
        EventPattern: JSON.stringify({ source: ['aws.cloudtrail'], detail: { eventName: ['StopLogging', 'DeleteTrail'] } }),
        State: 'ENABLED',
      }),
    );
    await c.eb.send(new PutTargetsCommand({ Rule: 'stop-logging-only', Targets: [{ Id: 'notify', Arn: subscribed }] }));
    await c.eb.send(new PutRuleCommand({ Name: 'switched-off', EventPattern: TRAIL_TAMPERING.referencePattern, State: 'DISABLED' }));
    await c.eb.send(new PutTargetsCommand({ Rule: 'switched-off', Targets: [{ Id: 'notify', Arn: subscribed }] }));
    return {
      account,
      trailArns: [`arn:aws:cloudtrail:${REGION}:${account}:trail/regional`, `arn:aws:cloudtrail:${REGION}:${account}:trail/writes-only`],
      buckets: [bucket],
    };
  } finally {
    c.destroy();
  }
}

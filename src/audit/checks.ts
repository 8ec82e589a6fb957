import { ALERT_CONTROLS, TRAIL_TAMPERING, type AlertControl } from './canonical-events.js';
import type { AccountFacts, BucketFacts, TrailFacts } from './facts.js';
import { checkEventRuleAlert, checkMetricFilterAlert } from './evaluate-alerts.js';
import {
  checkAccessLogging,
  checkEncryption,
  checkMfaDelete,
  checkObjectLock,
  checkPublicAccess,
  checkRetention,
  checkSourceCondition,
  checkTlsOnly,
  checkVersioning,
} from './evaluate-buckets.js';
import { checkCloudWatchLogs, checkKms, checkLogging, checkLogValidation, checkMultiRegion, checkS3DataEvents } from './evaluate-trails.js';
import type { AuditReport, CheckReferences, CheckResult, PatternEngines } from './types.js';
import type { Verdict } from './verdict.js';

export interface AuditSettings {
  minRetentionDays: number;
  /** Pattern engines for the alert checks; without them those checks are `unknown`. */
  engines?: PatternEngines;
}

/** Names a remediation command can use. Placeholders in CAPITALS are for the user to fill in. */
interface Target {
  account: string;
  region: string;
  trail?: TrailFacts;
  bucket?: BucketFacts;
  logGroup?: string;
}

interface CheckBase {
  id: string;
  title: string;
  passesWhen: string;
  references: CheckReferences;
  remediation(t: Target): string;
}

export type CheckDefinition =
  | (CheckBase & { scope: 'account'; evaluate(facts: AccountFacts, settings: AuditSettings): Verdict })
  | (CheckBase & { scope: 'trail'; evaluate(trail: TrailFacts, settings: AuditSettings): Verdict })
  | (CheckBase & { scope: 'bucket'; evaluate(bucket: BucketFacts, settings: AuditSettings): Verdict });

const refs = (cis: string[], securityHub: string[]): CheckReferences => ({ cis, securityHub });
const trailName = (t: Target) => t.trail?.arn ?? 'management-events';
const bucketName = (t: Target) => t.bucket?.name ?? 'BUCKET';
const q = (json: unknown) => `'${JSON.stringify(json)}'`;

const MANAGEMENT_SELECTOR = { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] };
const S3_OBJECT_SELECTOR = {
  Name: 'S3 object events',
  FieldSelectors: [
    { Field: 'eventCategory', Equals: ['Data'] },
    { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
  ],
};

function addPolicyStatement(bucket: string, statement: unknown): string {
  return (
    `aws s3api get-bucket-policy --bucket ${bucket} --query Policy --output text > policy.json  ` +
    `# add this statement to policy.json's Statement list: ${JSON.stringify(statement)}\n` +
    `aws s3api put-bucket-policy --bucket ${bucket} --policy file://policy.json`
  );
}

/** The checks, in report order. Ids are stable: scripts and suppressions may depend on them. */
export const CHECKS: readonly CheckDefinition[] = [
  {
    id: 'trail.multi-region',
    scope: 'account',
    title: 'A multi-region trail records all management events',
    passesWhen: 'at least one multi-region trail is logging and records both read and write management events',
    references: refs(['3.1'], ['CloudTrail.1']),
    remediation: (t) =>
      (t.trail
        ? `aws cloudtrail update-trail --name ${trailName(t)} --is-multi-region-trail --region ${t.region}\n`
        : `aws cloudtrail create-trail --name management-events --s3-bucket-name LOG_BUCKET --is-multi-region-trail --enable-log-file-validation --kms-key-id KMS_KEY_ARN --region ${t.region}\n`) +
      `aws cloudtrail put-event-selectors --trail-name ${trailName(t)} --advanced-event-selectors ${q([MANAGEMENT_SELECTOR])} --region ${t.region}\n` +
      `aws cloudtrail start-logging --name ${trailName(t)} --region ${t.region}`,
    evaluate: (facts) => checkMultiRegion(facts),
  },
  {
    id: 'trail.s3-data-events',
    scope: 'account',
    title: 'S3 object-level read and write events are recorded',
    passesWhen: 'some logging trail records S3 object-level read and write events (for all buckets)',
    references: refs(['3.8', '3.9'], ['S3.22', 'S3.23']),
    remediation: (t) =>
      `# keeps management events; replaces the trail's selectors\n` +
      `aws cloudtrail put-event-selectors --trail-name ${trailName(t)} --advanced-event-selectors ${q([MANAGEMENT_SELECTOR, S3_OBJECT_SELECTOR])} --region ${t.region}`,
    evaluate: (facts) => checkS3DataEvents(facts),
  },
  {
    id: 'trail.logging',
    scope: 'trail',
    title: 'The trail is logging and delivering',
    passesWhen: 'it is logging, and its latest delivery reported no error',
    references: refs(['3.1'], ['CloudTrail.3']),
    remediation: (t) => `aws cloudtrail start-logging --name ${trailName(t)} --region ${t.region}\naws cloudtrail get-trail-status --name ${trailName(t)} --region ${t.region}  # LatestDeliveryError names a bucket policy or KMS problem`,
    evaluate: (trail) => checkLogging(trail),
  },
  {
    id: 'trail.log-validation',
    scope: 'trail',
    title: 'Log file integrity validation is on',
    passesWhen: 'log file validation is on',
    references: refs(['3.2'], ['CloudTrail.4']),
    remediation: (t) => `aws cloudtrail update-trail --name ${trailName(t)} --enable-log-file-validation --region ${t.region}`,
    evaluate: (trail) => checkLogValidation(trail),
  },
  {
    id: 'trail.kms',
    scope: 'trail',
    title: 'Logs are encrypted with a rotating KMS key',
    passesWhen: 'logs are encrypted with a KMS key, and that key has rotation on',
    references: refs(['3.5', '3.6'], ['CloudTrail.2', 'KMS.4']),
    remediation: (t) =>
      t.trail?.kmsKeyId
        ? `aws kms enable-key-rotation --key-id ${t.trail.kmsKeyId} --region ${t.trail.kmsKeyId.split(':')[3] || t.region}`
        : `aws cloudtrail update-trail --name ${trailName(t)} --kms-key-id KMS_KEY_ARN --region ${t.region}  # the key policy must let cloudtrail.amazonaws.com use it\n` +
          `aws kms enable-key-rotation --key-id KMS_KEY_ARN`,
    evaluate: (trail) => checkKms(trail),
  },
  {
    id: 'trail.cloudwatch-logs',
    scope: 'trail',
    title: 'The trail delivers to CloudWatch Logs',
    passesWhen: 'it delivers to a CloudWatch Logs group',
    references: refs([], ['CloudTrail.5']),
    remediation: (t) =>
      `aws logs create-log-group --log-group-name aws-cloudtrail-logs-${t.account} --region ${t.region}\n` +
      `aws cloudtrail update-trail --name ${trailName(t)} --cloud-watch-logs-log-group-arn arn:aws:logs:${t.region}:${t.account}:log-group:aws-cloudtrail-logs-${t.account}:* --cloud-watch-logs-role-arn CLOUDTRAIL_TO_CLOUDWATCH_ROLE_ARN --region ${t.region}`,
    evaluate: (trail) => checkCloudWatchLogs(trail),
  },
  {
    id: 'bucket.public-access',
    scope: 'bucket',
    title: 'The log bucket is not public',
    passesWhen: 'all four Block Public Access settings are on, and neither the policy nor the ACL grants public access',
    references: refs(['2.1.4'], ['S3.1', 'S3.8', 'S3.2', 'S3.3', 'CloudTrail.6']),
    remediation: (t) =>
      `aws s3api put-public-access-block --bucket ${bucketName(t)} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
    evaluate: (bucket) => checkPublicAccess(bucket),
  },
  {
    id: 'bucket.access-logging',
    scope: 'bucket',
    title: 'Server access logging is on',
    passesWhen: 'server access logging is on',
    references: refs(['3.4'], ['CloudTrail.7', 'S3.9']),
    remediation: (t) =>
      `aws s3api put-bucket-logging --bucket ${bucketName(t)} --bucket-logging-status ${q({ LoggingEnabled: { TargetBucket: 'ACCESS_LOG_BUCKET', TargetPrefix: `${bucketName(t)}/` } })}`,
    evaluate: (bucket) => checkAccessLogging(bucket),
  },
  {
    id: 'bucket.versioning',
    scope: 'bucket',
    title: 'Versioning is enabled',
    passesWhen: 'versioning is enabled',
    references: refs([], ['S3.14']),
    remediation: (t) => `aws s3api put-bucket-versioning --bucket ${bucketName(t)} --versioning-configuration Status=Enabled`,
    evaluate: (bucket) => checkVersioning(bucket),
  },
  {
    id: 'bucket.mfa-delete',
    scope: 'bucket',
    title: 'MFA delete is enabled',
    passesWhen: 'MFA delete is enabled',
    references: refs(['2.1.2'], ['S3.20']),
    remediation: (t) =>
      `# run with the root user's credentials and MFA device\naws s3api put-bucket-versioning --bucket ${bucketName(t)} --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::${t.account}:mfa/ROOT_MFA_DEVICE CODE"`,
    evaluate: (bucket) => checkMfaDelete(bucket),
  },
  {
    id: 'bucket.object-lock',
    scope: 'bucket',
    title: 'Object lock protects log objects',
    passesWhen: 'object lock is on (the mode and retention are reported)',
    references: refs([], ['S3.15']),
    remediation: (t) =>
      `aws s3api put-object-lock-configuration --bucket ${bucketName(t)} --object-lock-configuration ${q({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } })}  # needs versioning; COMPLIANCE mode cannot be undone`,
    evaluate: (bucket) => checkObjectLock(bucket),
  },
  {
    id: 'bucket.encryption',
    scope: 'bucket',
    title: 'Default encryption is on',
    passesWhen: 'default encryption is on (SSE-S3 or SSE-KMS is reported)',
    references: refs([], ['S3.4', 'S3.17']),
    remediation: (t) =>
      `aws s3api put-bucket-encryption --bucket ${bucketName(t)} --server-side-encryption-configuration ${q({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'KMS_KEY_ARN' }, BucketKeyEnabled: true }] })}`,
    evaluate: (bucket) => checkEncryption(bucket),
  },
  {
    id: 'bucket.retention',
    scope: 'bucket',
    title: 'Lifecycle rules keep logs long enough',
    passesWhen: 'no lifecycle rule deletes log objects sooner than --min-retention-days (default 365); transitions to Glacier tiers are reported',
    references: refs([], []),
    remediation: (t) =>
      `aws s3api get-bucket-lifecycle-configuration --bucket ${bucketName(t)} > lifecycle.json  # raise Expiration.Days / NoncurrentVersionExpiration.NoncurrentDays of rules reaching AWSLogs/\n` +
      `aws s3api put-bucket-lifecycle-configuration --bucket ${bucketName(t)} --lifecycle-configuration file://lifecycle.json`,
    evaluate: (bucket, settings) => checkRetention(bucket, settings.minRetentionDays),
  },
  {
    id: 'bucket.tls-only',
    scope: 'bucket',
    title: 'The bucket policy denies requests without TLS',
    passesWhen: 'the policy denies requests where aws:SecureTransport is false',
    references: refs(['2.1.1'], ['S3.5']),
    remediation: (t) =>
      addPolicyStatement(bucketName(t), {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucketName(t)}`, `arn:aws:s3:::${bucketName(t)}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    evaluate: (bucket) => checkTlsOnly(bucket),
  },
  {
    id: 'bucket.source-condition',
    scope: 'bucket',
    title: "CloudTrail's write grant is limited to this account's trails",
    passesWhen: "CloudTrail's write grant is limited by aws:SourceArn or aws:SourceAccount (the confused-deputy guard)",
    references: refs([], []),
    remediation: (t) =>
      addPolicyStatement(bucketName(t), {
        Sid: 'AWSCloudTrailWrite',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucketName(t)}/AWSLogs/${t.account}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': t.bucket?.trails[0] ?? 'TRAIL_ARN' } },
      }) + '  # and remove the unconditioned grant',
    evaluate: (bucket) => checkSourceCondition(bucket),
  },
  ...ALERT_CONTROLS.map(metricFilterCheck),
  {
    id: TRAIL_TAMPERING.id,
    scope: 'account',
    title: TRAIL_TAMPERING.title,
    passesWhen: 'an enabled EventBridge rule matches StopLogging, DeleteTrail and UpdateTrail events and has a target',
    references: refs([], []),
    remediation: (t) =>
      `aws events put-rule --name ctrail-trail-tampering --event-pattern ${q(JSON.parse(TRAIL_TAMPERING.referencePattern))} --region ${t.region}\n` +
      `aws events put-targets --rule ctrail-trail-tampering --targets Id=notify,Arn=SNS_TOPIC_ARN --region ${t.region}`,
    evaluate: (facts, settings) => checkEventRuleAlert(TRAIL_TAMPERING, facts, settings.engines),
  },
];

function metricFilterCheck(control: AlertControl): CheckDefinition {
  return {
    id: control.id,
    scope: 'account',
    title: control.title,
    passesWhen:
      "a metric filter on a log group that receives a logging trail matches the benchmark's events for this control (and no ordinary activity), and an alarm on its metric notifies an SNS topic with at least one subscription",
    references: refs(control.cis ? [control.cis] : [], control.securityHub ? [control.securityHub] : []),
    remediation: (t) => {
      const group = t.logGroup ?? 'CLOUDTRAIL_LOG_GROUP';
      return (
        `aws logs put-metric-filter --log-group-name ${group} --filter-name ${control.metricName} --metric-transformations metricName=${control.metricName},metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '${control.referencePattern}' --region ${t.region}\n` +
        `aws cloudwatch put-metric-alarm --alarm-name ${control.metricName} --metric-name ${control.metricName} --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions SNS_TOPIC_ARN --region ${t.region}\n` +
        `aws sns subscribe --topic-arn SNS_TOPIC_ARN --protocol email --notification-endpoint SECURITY_TEAM_EMAIL --region ${t.region}`
      );
    },
    evaluate: (facts, settings) => checkMetricFilterAlert(control, facts, settings.engines),
  };
}

/** Judges the facts with every check. Pure: no I/O. */
export function runChecks(facts: AccountFacts, settings: AuditSettings): AuditReport {
  const checks: CheckResult[] = [];
  const accountResource = `account:${facts.account}`;
  // Account-level alert fixes go where the trail's log group is (or the first audited region).
  const mainTrail = facts.trails.find((t) => t.isMultiRegion) ?? facts.trails[0];
  const isLogging = (arn: string) => facts.trails.some((t) => t.arn === arn && t.status.ok && t.status.value.isLogging);
  const mainGroup = facts.logGroups.find((g) => g.trails.some(isLogging)) ?? facts.logGroups[0];
  const accountRegion = mainTrail?.homeRegion ?? facts.regions[0] ?? 'us-east-1';
  const emit = (def: CheckDefinition, resource: string, target: Target, v: Verdict) =>
    checks.push({ id: def.id, status: v.status, resource, region: target.region, detail: v.detail, evidence: v.evidence, references: def.references, remediation: v.status === 'pass' ? '' : def.remediation(target) });
  for (const def of CHECKS) {
    switch (def.scope) {
      case 'account': {
        const region = def.id.startsWith('alert.cis-') && mainGroup ? mainGroup.region : accountRegion;
        emit(def, accountResource, { account: facts.account, region, trail: mainTrail, logGroup: mainGroup?.name }, def.evaluate(facts, settings));
        break;
      }
      case 'trail':
        for (const trail of facts.trails) emit(def, trail.arn, { account: facts.account, region: trail.homeRegion, trail }, def.evaluate(trail, settings));
        break;
      case 'bucket':
        for (const bucket of facts.buckets) {
          const trail = facts.trails.find((t) => t.s3BucketName === bucket.name);
          emit(def, `s3://${bucket.name}`, { account: facts.account, region: trail?.homeRegion ?? accountRegion, bucket }, def.evaluate(bucket, settings));
        }
        break;
    }
  }
  return { account: facts.account, regions: facts.regions, checks };
}

import type { Read } from './types.js';

/**
 * Everything the audit read from the account, as plain data. Readers fill it in from the AWS APIs; checks
 * judge it without any I/O, so every check can be tested on facts read from a real (moto) account.
 */
export interface AccountFacts {
  account: string;
  /** Regions the audit looked in (given, or where trails, log groups and topics were found). */
  regions: string[];
  /** Trails found, merged by ARN (shadow copies of multi-region trails collapse into their home copy). */
  trails: TrailFacts[];
  /** Trails that could not be listed in a region (the region stays unaudited, so checks say unknown). */
  trailListErrors: { region: string; error: string }[];
  buckets: BucketFacts[];
  /** CloudWatch Logs groups that receive a trail, keyed by log group ARN (without a trailing `:*`). */
  logGroups: LogGroupFacts[];
  /** Metric alarms per region. */
  alarms: Record<string, Read<AlarmFacts[]>>;
  /** SNS subscriptions per topic ARN (only topics named by some alarm are read). */
  topicSubscriptions: Record<string, Read<SubscriptionFacts[]>>;
  /** EventBridge rules on the default bus, per region. */
  eventRules: Record<string, Read<EventRuleFacts[]>>;
}

export interface TrailStatusFacts {
  isLogging: boolean;
  latestDeliveryError?: string;
  latestDeliveryTime?: string;
  latestCloudWatchLogsDeliveryError?: string;
}

export interface EventSelectorFacts {
  readWriteType?: string;
  includeManagementEvents?: boolean;
  dataResources: { type: string; values: string[] }[];
}

export interface FieldSelectorFacts {
  field: string;
  equals?: string[];
  startsWith?: string[];
  endsWith?: string[];
  notEquals?: string[];
  notStartsWith?: string[];
  notEndsWith?: string[];
}

export interface AdvancedSelectorFacts {
  name?: string;
  fieldSelectors: FieldSelectorFacts[];
}

export interface SelectorFacts {
  eventSelectors: EventSelectorFacts[];
  advancedEventSelectors: AdvancedSelectorFacts[];
}

export interface KmsKeyFacts {
  keyId: string;
  keyArn?: string;
  keyManager?: string;
  keyState?: string;
  keySpec?: string;
  rotationEnabled: Read<boolean>;
}

export interface TrailFacts {
  arn: string;
  name: string;
  homeRegion: string;
  isMultiRegion: boolean;
  isOrganization: boolean;
  s3BucketName?: string;
  s3KeyPrefix?: string;
  logFileValidation: boolean;
  kmsKeyId?: string;
  cloudWatchLogsLogGroupArn?: string;
  status: Read<TrailStatusFacts>;
  selectors: Read<SelectorFacts>;
  insightTypes: Read<string[]>;
  /** Present when the trail names a KMS key. */
  kmsKey?: Read<KmsKeyFacts>;
}

export interface PublicAccessBlockFacts {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export interface GrantFacts {
  granteeType?: string;
  granteeUri?: string;
  granteeId?: string;
  permission?: string;
}

export interface LifecycleRuleFacts {
  id?: string;
  status: string;
  /** Prefix the rule is limited to ('' = every object). */
  prefix: string;
  /** True when a tag or size filter narrows the rule (we still treat it as able to reach log objects). */
  narrowedByTagsOrSize: boolean;
  expirationDays?: number;
  expirationDate?: string;
  noncurrentExpirationDays?: number;
  transitions: { days?: number; date?: string; storageClass: string }[];
  noncurrentTransitions: { days?: number; storageClass: string }[];
}

export interface BucketFacts {
  name: string;
  /** Trails (ARNs) delivering here, with their log object prefixes (`<S3KeyPrefix>/AWSLogs/`). */
  trails: string[];
  logPrefixes: string[];
  versioning: Read<{ status?: string; mfaDelete?: string }>;
  /** null: no object lock configuration. */
  objectLock: Read<{ enabled: boolean; mode?: string; days?: number; years?: number } | null>;
  /** null: no default encryption configured. */
  encryption: Read<{ algorithm: string; kmsKeyId?: string; bucketKeyEnabled?: boolean }[] | null>;
  /** null: no bucket-level Block Public Access configuration. */
  publicAccessBlock: Read<PublicAccessBlockFacts | null>;
  /** Account-level Block Public Access (S3 Control); null when none is configured. */
  accountPublicAccessBlock: Read<PublicAccessBlockFacts | null>;
  /** The policy document text; null when the bucket has no policy. */
  policy: Read<string | null>;
  acl: Read<{ ownerId?: string; grants: GrantFacts[] }>;
  /** null: server access logging is off. */
  logging: Read<{ targetBucket?: string; targetPrefix?: string } | null>;
  /** null: no lifecycle configuration. */
  lifecycle: Read<LifecycleRuleFacts[] | null>;
}

export interface MetricFilterFacts {
  name: string;
  pattern: string;
  metrics: { name: string; namespace: string }[];
}

export interface LogGroupFacts {
  arn: string;
  name: string;
  region: string;
  /** Logging trails (ARNs) delivering to this group. */
  trails: string[];
  metricFilters: Read<MetricFilterFacts[]>;
}

export interface AlarmFacts {
  name: string;
  arn?: string;
  metricName?: string;
  namespace?: string;
  actionsEnabled: boolean;
  alarmActions: string[];
}

export interface SubscriptionFacts {
  arn: string;
  protocol?: string;
  endpoint?: string;
}

export interface EventRuleFacts {
  name: string;
  arn?: string;
  state?: string;
  eventPattern?: string;
  targets: Read<{ id?: string; arn?: string }[]>;
}

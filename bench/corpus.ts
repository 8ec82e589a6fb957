import { assumedRole, iamUser, makeEvent, stableId } from '../test/helpers/trail-builder.js';
import type { CloudTrailEvent, JsonValue, UserIdentity } from '../src/cloudtrail/event.js';
import { ensureCorpusOf, isoSeconds, pick, SLOT_MS, type CorpusManifest, type CorpusSpec, type GenerateOptions } from './corpus-common.js';

/**
 * The synthetic bench corpus, deterministic: several accounts and regions, a management/data event mix shaped
 * like a busy production account (reads dominate, S3/KMS data events, role sessions), and the planted answers of
 * bench/plants.ts. Its records repeat a few values (keys, addresses, agents), so it compresses ~11:1 and is
 * easier than a real trail: bench/corpus-real.ts is the hard one. Same size argument → same bytes.
 */
export const CORPUS_VERSION = 7;
export const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];

type Maker = (ctx: Ctx) => { source: string; name: string; params: JsonValue; response?: JsonValue; resources?: CloudTrailEvent['resources']; data?: boolean; error?: [string, string] };

interface Ctx {
  r: () => number;
  account: string;
  region: string;
  n: number;
}

const BUCKETS = ['app-assets', 'data-lake-raw', 'backups-eu', 'logs-archive', 'ml-training'];
const TABLES = ['orders-dev', 'sessions', 'inventory', 'customers', 'audit-trail'];
const ROLES = ['AppServerRole', 'LambdaExecution', 'DataPipeline', 'AdminSSO', 'ReadOnlyAuditor'];

/** Weighted event mix: [weight, maker]. */
const MIX: Array<[number, Maker]> = [
  [22, ({ r, n }) => ({ source: 's3.amazonaws.com', name: 'GetObject', data: true, params: { bucketName: pick(r, BUCKETS), key: `part-${n % 9973}/obj-${Math.floor(r() * 1e6)}.parquet`, Host: 's3.amazonaws.com' } })],
  [8, ({ r, n }) => ({ source: 's3.amazonaws.com', name: 'PutObject', data: true, params: { bucketName: pick(r, BUCKETS), key: `ingest/${n}/${Math.floor(r() * 1e6)}.json`, 'x-amz-server-side-encryption': 'aws:kms' } })],
  [12, ({ r, account, region }) => ({ source: 'kms.amazonaws.com', name: 'Decrypt', data: false, params: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${pick(r, BUCKETS)}/x` } }, resources: [{ ARN: `arn:aws:kms:${region}:${account}:key/${stableId('key', account, region)}`, accountId: account, type: 'AWS::KMS::Key' }] })],
  [10, ({ r, account }) => ({ source: 'sts.amazonaws.com', name: 'AssumeRole', params: { roleArn: `arn:aws:iam::${account}:role/${pick(r, ROLES)}`, roleSessionName: `session-${Math.floor(r() * 1e5)}`, durationSeconds: 3600 }, response: { credentials: { accessKeyId: 'ASIA' + Math.floor(r() * 1e12).toString(36).toUpperCase().padEnd(16, 'Q'), sessionToken: 'IQoJb3JpZ2luX2VjE' + 'x'.repeat(300), expiration: 'Jan 1, 2026, 1:00:00 AM' }, assumedRoleUser: { assumedRoleId: 'AROAEXAMPLE:session', arn: `arn:aws:sts::${account}:assumed-role/x/session` } } })],
  [10, ({ r }) => ({ source: 'ec2.amazonaws.com', name: pick(r, ['DescribeInstances', 'DescribeSecurityGroups', 'DescribeVolumes', 'DescribeSubnets']), params: { maxResults: 1000, filterSet: {} } })],
  [6, ({ r }) => ({ source: 'dynamodb.amazonaws.com', name: pick(r, ['DescribeTable', 'ListTables', 'DescribeContinuousBackups']), params: { tableName: pick(r, TABLES) } })],
  [5, ({ r }) => ({ source: 'lambda.amazonaws.com', name: pick(r, ['ListFunctions20150331', 'GetFunction20150331v2']), params: { functionName: `fn-${Math.floor(r() * 50)}` } })],
  [4, ({ r }) => ({ source: 'iam.amazonaws.com', name: pick(r, ['GetRole', 'ListAttachedRolePolicies', 'GetPolicyVersion']), params: { roleName: pick(r, ROLES) } })],
  [3, ({ r }) => ({ source: 'logs.amazonaws.com', name: 'CreateLogStream', params: { logGroupName: `/aws/lambda/fn-${Math.floor(r() * 50)}`, logStreamName: `2026/01/01/[$LATEST]${Math.floor(r() * 1e15).toString(16)}` } })],
  [3, ({ r }) => ({ source: 'ec2.amazonaws.com', name: pick(r, ['RunInstances', 'TerminateInstances', 'CreateTags']), params: { instancesSet: { items: [{ instanceId: `i-${Math.floor(r() * 1e15).toString(16)}` }] } }, error: r() < 0.2 ? ['Client.UnauthorizedOperation', 'You are not authorized to perform this operation.'] : undefined! })],
  [2, ({ r }) => ({ source: 'dynamodb.amazonaws.com', name: pick(r, ['UpdateTable', 'CreateTable', 'TagResource']), params: { tableName: pick(r, TABLES), billingMode: 'PAY_PER_REQUEST' } })],
  // Near misses for the pre-filter: "DeleteTable" appears in the text, but the eventName is another. The quoted
  // needle itself is rare in real trails (a Glue table named so), so it is rare here too.
  [0.2, ({ r, account }) => ({ source: 'iam.amazonaws.com', name: 'PutRolePolicy', params: { roleName: pick(r, ROLES), policyName: 'ddb', policyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DeleteTable","dynamodb:DescribeTable"],"Resource":"arn:aws:dynamodb:*:${account}:table/*"}]}` } })],
  [0.02, ({ r }) => ({ source: 'glue.amazonaws.com', name: 'GetTable', params: { databaseName: 'analytics', name: 'DeleteTable' + (r() < 0.5 ? '' : '_v2') } })],
  [1, () => ({ source: 'signin.amazonaws.com', name: 'ConsoleLogin', params: null, response: { ConsoleLogin: 'Success' } })],
];
const TOTAL_WEIGHT = MIX.reduce((s, [w]) => s + w, 0);

function identity(r: () => number, account: string, when: string): UserIdentity {
  const x = r();
  if (x < 0.15) return iamUser(account, pick(r, ['deploy-bot', 'alice', 'bob', 'ci-runner']), 'AKIA' + account.slice(0, 8) + 'EXAMPLE');
  return assumedRole(account, pick(r, ROLES), `i-${Math.floor(r() * 1e9).toString(16)}`, 'ASIA' + Math.floor(r() * 1e12).toString(36).toUpperCase().padEnd(16, 'Z'), when, { mfa: r() < 0.2 });
}

function eventFor(r: () => number, account: string, region: string, when: string, n: number): CloudTrailEvent {
  let x = r() * TOTAL_WEIGHT;
  let maker = MIX[0]![1];
  for (const [w, m] of MIX) {
    if ((x -= w) < 0) {
      maker = m;
      break;
    }
  }
  const spec = maker({ r, account, region, n });
  const input: Parameters<typeof makeEvent>[0] = {
    eventTime: when,
    eventSource: spec.source,
    eventName: spec.name,
    awsRegion: region,
    recipientAccountId: account,
    userIdentity: identity(r, account, when),
    sourceIPAddress: spec.source === 'kms.amazonaws.com' ? 's3.amazonaws.com' : `203.0.113.${Math.floor(r() * 250)}`,
    requestParameters: spec.params as CloudTrailEvent['requestParameters'],
    responseElements: (spec.response ?? null) as CloudTrailEvent['responseElements'],
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostName: `${spec.source.split('.')[0]}.${region}.amazonaws.com` },
  };
  if (spec.resources) input.resources = spec.resources;
  if (spec.data) {
    input.managementEvent = false;
    input.eventCategory = 'Data';
    input.readOnly = spec.name.startsWith('Get');
    input.resources = [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${(spec.params as { bucketName: string }).bucketName}/obj` }];
  }
  if (spec.error) {
    input.errorCode = spec.error[0];
    input.errorMessage = spec.error[1];
  }
  return makeEvent(input, `${account}/${region}/${n}`);
}

/** The synthetic corpus: 3 accounts × 4 regions, every file delivered every slot, 60–390 events a file. */
export const SYNTHETIC: CorpusSpec = {
  kind: 'synthetic',
  version: CORPUS_VERSION,
  seed: 0xc7a11,
  plantAccount: ACCOUNTS[0]!,
  plantRegions: REGIONS,
  slot(r, slot, startMs) {
    const events: CloudTrailEvent[] = [];
    for (const account of ACCOUNTS) {
      for (const region of REGIONS) {
        // Busy regions deliver more: a few hundred events per 5-minute file, varying.
        const count = Math.floor((region === 'us-east-1' ? 260 : 120) * (0.5 + r()));
        for (let i = 0; i < count; i++) {
          const when = isoSeconds(startMs + Math.floor((i / count) * SLOT_MS));
          events.push(eventFor(r, account, region, when, slot * 1000 + i));
        }
      }
    }
    return events;
  },
};

export const ensureCorpus = (opts: GenerateOptions): CorpusManifest => ensureCorpusOf(SYNTHETIC, opts);

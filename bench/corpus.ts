import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { assumedRole, iamUser, layoutTrail, makeEvent, stableId } from '../test/helpers/trail-builder.js';
import type { CloudTrailEvent, JsonValue, UserIdentity } from '../src/cloudtrail/event.js';

/**
 * A deterministic, realistic trail for the benchmark: several accounts and regions, a management/data event
 * mix shaped like a busy production account (reads dominate, S3/KMS data events, role sessions), and a few
 * planted deletions whose eventIDs every tool must find. Same size argument → same bytes.
 */
export const CORPUS_VERSION = 6;
/** The trail lives in <dir>/trail, apart from the manifest, so tools can be pointed at it alone. */
export const trailDir = (dir: string) => join(dir, 'trail');
export const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];
export const PLANTED_TABLE = 'orders-prod';

export interface CorpusManifest {
  version: number;
  bytesTarget: number;
  files: string[];
  events: number;
  uncompressedBytes: number;
  compressedBytes: number;
  /** eventIDs of DeleteTable events (every table). */
  deleteTableIds: string[];
  /** eventIDs of the DeleteTable events for PLANTED_TABLE. */
  plantedIds: string[];
  /** Count of write (readOnly=false) events. */
  writeEvents: number;
}

/** mulberry32: small, fast, and identical on every platform. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Maker = (ctx: Ctx) => { source: string; name: string; params: JsonValue; response?: JsonValue; resources?: CloudTrailEvent['resources']; data?: boolean; error?: [string, string] };

interface Ctx {
  r: () => number;
  account: string;
  region: string;
  n: number;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
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

function deletion(account: string, region: string, when: string, table: string, n: number): CloudTrailEvent {
  return makeEvent(
    {
      eventTime: when,
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'DeleteTable',
      awsRegion: region,
      recipientAccountId: account,
      userIdentity: assumedRole(account, 'AdminSSO', 'mallory@example.com', 'ASIAPLANTEDKEY0000' + n, when, { sourceIdentity: 'mallory@example.com' }),
      sourceIPAddress: '192.0.2.66',
      requestParameters: { tableName: table },
      responseElements: { tableDescription: { tableName: table, tableStatus: 'DELETING', tableArn: `arn:aws:dynamodb:${region}:${account}:table/${table}` } },
      resources: [{ accountId: account, type: 'AWS::DynamoDB::Table', ARN: `arn:aws:dynamodb:${region}:${account}:table/${table}` }],
    },
    `planted/${n}`,
  );
}

export interface GenerateOptions {
  bytesTarget: number;
  dir: string;
  log?: (line: string) => void;
}

/** Generates the corpus unless a matching one is already there; returns its manifest. */
export function ensureCorpus(opts: GenerateOptions): CorpusManifest {
  const manifestPath = join(opts.dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as CorpusManifest;
    if (m.version === CORPUS_VERSION && m.bytesTarget === opts.bytesTarget) return m;
  }
  rmSync(opts.dir, { recursive: true, force: true });
  mkdirSync(opts.dir, { recursive: true });
  const manifest: CorpusManifest = { version: CORPUS_VERSION, bytesTarget: opts.bytesTarget, files: [], events: 0, uncompressedBytes: 0, compressedBytes: 0, deleteTableIds: [], plantedIds: [], writeEvents: 0 };
  const r = rng(0xc7a11);
  const start = Date.parse('2026-03-01T00:00:00Z');
  const slotMs = 5 * 60_000;
  // Plant a deletion of the target table at fixed fractions of the corpus, and one of another table.
  const plantAt = [0.13, 0.5, 0.77, 0.95];
  let planted = 0;
  for (let slot = 0; manifest.uncompressedBytes < opts.bytesTarget; slot++) {
    for (const account of ACCOUNTS) {
      for (const region of REGIONS) {
        // Busy regions deliver more: a few hundred events per 5-minute file, varying.
        const count = Math.floor((region === 'us-east-1' ? 260 : 120) * (0.5 + r()));
        const events: CloudTrailEvent[] = [];
        for (let i = 0; i < count; i++) {
          const when = new Date(start + slot * slotMs + Math.floor((i / count) * slotMs)).toISOString().replace(/\.\d+Z$/, 'Z');
          events.push(eventFor(r, account, region, when, slot * 1000 + i));
        }
        const progress = manifest.uncompressedBytes / opts.bytesTarget;
        if (planted < plantAt.length && progress >= plantAt[planted]!) {
          const when = events[events.length >> 1]!.eventTime;
          const table = planted === 1 ? 'sessions' : PLANTED_TABLE;
          const del = deletion(account, region, when, table, planted);
          events.splice(events.length >> 1, 0, del);
          manifest.deleteTableIds.push(del.eventID!);
          if (table === PLANTED_TABLE) manifest.plantedIds.push(del.eventID!);
          planted++;
        }
        const [file] = layoutTrail(events);
        const json = Buffer.from(JSON.stringify({ Records: file!.events }));
        const body = gzipSync(json, { level: 6 });
        const path = join(opts.dir, 'trail', ...file!.key.split('/'));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, body);
        manifest.files.push(file!.key);
        manifest.events += events.length;
        manifest.writeEvents += events.filter((e) => e.readOnly === false).length;
        manifest.uncompressedBytes += json.length;
        manifest.compressedBytes += body.length;
      }
    }
    if (slot % 100 === 0) opts.log?.(`corpus: ${(manifest.uncompressedBytes / 1e6).toFixed(0)} / ${(opts.bytesTarget / 1e6).toFixed(0)} MB`);
  }
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return manifest;
}

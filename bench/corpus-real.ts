import type { CloudTrailEvent, JsonObject, UserIdentity } from '../src/cloudtrail/event.js';
import { stsExpiration } from '../test/helpers/scenario.js';
import { assumedRole, iamUser, makeEvent, roleId } from '../test/helpers/trail-builder.js';
import { CORPUS_START, ensureCorpusOf, isoSeconds, pick, rng, SLOT_MS, type CorpusManifest, type CorpusSpec, type GenerateOptions } from './corpus-common.js';

/**
 * The realistic bench corpus: as hard to read as a real trail. Real trails measured for issue #19 (3,373 files,
 * 62 events a file on average, 300 MB decompressed, 9:1 gzip) differ from the synthetic corpus in three ways
 * this one copies: request ids, event ids, access keys, session names, ARNs, user agents and addresses come from
 * large pools or are random, so gzip finds little to repeat (~9:1, not ~11:1); files are the size of quiet-region
 * deliveries (log-normal, ~60 events on average, a long tail), so per-file costs count; and role sessions are
 * issued inside the trail and then used, so a credential index has real chains to hold.
 * Deterministic from its seed: same size argument → same bytes.
 */
export const REAL_VERSION = 1;
const SEED = 0x7ea1;
const REGIONS = [
  'us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ap-northeast-1', 'us-east-2', 'us-west-1', 'eu-west-2',
  'eu-west-3', 'eu-north-1', 'ap-south-1', 'ap-southeast-1', 'ap-northeast-2', 'ca-central-1', 'sa-east-1', 'ap-northeast-3',
];
/** Decompressed bytes a delivery holds on average (62 events of ~1.4 KB), and how many slots a corpus aims to span. */
const FILE_BYTES = 86_000;
const TARGET_SLOTS = 72;
const MEAN_EVENTS = 60;
const SIGMA = 1.0;

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const chars = (r: () => number, set: string, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += set[Math.floor(r() * set.length)];
  return s;
};
const uuid = (r: () => number) => `${chars(r, HEX, 8)}-${chars(r, HEX, 4)}-4${chars(r, HEX, 3)}-${pick(r, ['8', '9', 'a', 'b'])}${chars(r, HEX, 3)}-${chars(r, HEX, 12)}`;
const int = (r: () => number, n: number) => Math.floor(r() * n);

interface Session {
  identity: UserIdentity;
  key: string;
}

interface Account {
  id: string;
  users: UserIdentity[];
  roles: string[];
  buckets: string[];
  tables: string[];
  functions: string[];
  /** Recently issued role sessions, a ring: events pick their identity from it, AssumeRole adds to it. */
  keys: string[];
  instances: string[];
  secrets: string[];
  sessions: Session[];
  next: number;
}

const RING = 1500;
const ROLE_WORDS = ['App', 'Data', 'Lambda', 'Deploy', 'Ecs', 'Batch', 'Audit', 'Admin', 'Ops', 'Read', 'Etl', 'Ingest', 'Api', 'Web', 'Sync', 'Backup'];

/** Pools drawn once from the seed: the variety a real organisation's trail has. */
function pools() {
  const r = rng(SEED ^ 0xabcdef);
  const ips = Array.from({ length: 20_000 }, () => `${[3, 18, 34, 35, 44, 52, 54, 10, 172, 81, 185, 203][int(r, 12)]}.${int(r, 256)}.${int(r, 256)}.${int(r, 256)}`);
  const agents = Array.from({ length: 600 }, () => {
    const k = int(r, 6);
    const v = () => `${int(r, 3) + 1}.${int(r, 40)}.${int(r, 60)}`;
    if (k === 0) return `aws-cli/2.${int(r, 25)}.${int(r, 40)} md/awscrt#0.${int(r, 25)}.${int(r, 20)} ua/2.0 os/linux#${int(r, 3) + 4}.${int(r, 20)}.0-${int(r, 200)}-generic md/arch#x86_64 lang/python#3.${int(r, 4) + 9}.${int(r, 12)} md/pyimpl#CPython cfg/retry-mode#standard`;
    if (k === 1) return `Boto3/1.${int(r, 40)}.${int(r, 90)} md/Botocore#1.${int(r, 40)}.${int(r, 90)} ua/2.0 os/linux#${int(r, 3) + 4}.${int(r, 20)}.${int(r, 200)}-amzn2.x86_64 md/arch#x86_64 lang/python#3.${int(r, 4) + 8}.${int(r, 20)} md/pyimpl#CPython exec-env/AWS_Lambda_python3.${int(r, 4) + 9} cfg/retry-mode#legacy Botocore/1.${int(r, 40)}.${int(r, 90)}`;
    if (k === 2) return `aws-sdk-java/2.${int(r, 30)}.${int(r, 200)} Linux/5.10.${int(r, 230)}-${int(r, 300)}.${int(r, 1000)}.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.${int(r, 12)}+${int(r, 10)}-LTS Java/17.0.${int(r, 12)} vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy`;
    if (k === 3) return `aws-sdk-go-v2/1.${int(r, 30)}.${int(r, 10)} os/linux lang/go#1.${int(r, 5) + 19}.${int(r, 12)} md/GOOS#linux md/GOARCH#amd64 api/${pick(r, ['ec2', 's3', 'sts', 'ecr', 'eks', 'ssm'])}#1.${int(r, 150)}.${int(r, 10)}`;
    if (k === 4) return `Mozilla/5.0 (${pick(r, ['Macintosh; Intel Mac OS X 10_15_7', 'Windows NT 10.0; Win64; x64', 'X11; Linux x86_64'])}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${100 + int(r, 30)}.0.${int(r, 6000)}.${int(r, 200)} Safari/537.36`;
    return `aws-sdk-nodejs/${v()} linux/v${int(r, 6) + 16}.${int(r, 20)}.${int(r, 10)} exec-env/AWS_Lambda_nodejs${int(r, 3) * 2 + 16}.x promise`;
  });
  const accounts: Account[] = Array.from({ length: 12 }, (_, a) => {
    const id = String(100000000000 + int(r, 899999999999)).padStart(12, '0');
    const account: Account = {
      id,
      users: Array.from({ length: 40 }, (_, u) => iamUser(id, `user-${u}-${chars(r, 'abcdefghijklmnopqrstuvwxyz', 5)}`, 'AKIA' + chars(r, B32, 16))),
      roles: Array.from({ length: 80 }, () => `${pick(r, ROLE_WORDS)}${pick(r, ROLE_WORDS)}-${pick(r, ['prod', 'stage', 'dev', 'shared'])}-${chars(r, B32, 6)}`),
      buckets: Array.from({ length: 40 }, () => `${pick(r, ['logs', 'assets', 'data', 'backup', 'raw', 'exports'])}-${a}-${chars(r, 'abcdefghijklmnopqrstuvwxyz0123456789', 10)}`),
      tables: Array.from({ length: 30 }, () => `${pick(r, ['orders', 'users', 'events', 'carts', 'jobs'])}-${chars(r, 'abcdefghijklmnopqrstuvwxyz', 6)}`),
      functions: Array.from({ length: 60 }, () => `${pick(r, ROLE_WORDS).toLowerCase()}-${chars(r, 'abcdefghijklmnopqrstuvwxyz0123456789', 8)}`),
      keys: Array.from({ length: 24 }, () => uuid(r)),
      instances: Array.from({ length: 60 }, () => `i-0${chars(r, HEX, 16)}`),
      secrets: Array.from({ length: 40 }, () => `${chars(r, 'abcdefghij', 8)}/${chars(r, 'abcdefghij', 6)}-${chars(r, 'ABCDEFabcdef', 6)}`),
      sessions: [],
      next: 0,
    };
    // Sessions issued before the corpus begins: used, but their issuing call is not in the trail (as in any window).
    for (let s = 0; s < 300; s++) addSession(r, account, CORPUS_START - int(r, 3_000_000));
    return account;
  });
  return { ips, agents, accounts };
}


function sessionName(r: () => number): string {
  const k = int(r, 5);
  if (k === 0) return `i-0${chars(r, HEX, 16)}`;
  if (k === 1) return `botocore-session-${1_770_000_000 + int(r, 9_000_000)}`;
  if (k === 2) return `${chars(r, 'abcdefghijklmnopqrstuvwxyz', 4 + int(r, 6))}.${chars(r, 'abcdefghijklmnopqrstuvwxyz', 5)}@example.com`;
  if (k === 3) return `${chars(r, HEX, 32)}`;
  return `aws-go-sdk-${1_770_000_000_000 + int(r, 9_000_000_000)}`;
}

function addSession(r: () => number, account: Account, issuedMs: number, role = pick(r, account.roles), name = sessionName(r)): Session {
  const key = 'ASIA' + chars(r, B32, 16);
  const s: Session = { key, identity: assumedRole(account.id, role, name, key, isoSeconds(issuedMs), { mfa: r() < 0.05 }) };
  if (account.sessions.length < RING) account.sessions.push(s);
  else account.sessions[account.next++ % RING] = s;
  return s;
}

type Spec = { source: string; name: string; params: JsonObject | null; response?: JsonObject | null; resources?: CloudTrailEvent['resources']; readOnly?: boolean; who?: UserIdentity };
type Maker = (r: () => number, a: Account, region: string, ms: number, caller: UserIdentity) => Spec;

const AWS_SERVICES = ['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com', 'config.amazonaws.com', 'cloudformation.amazonaws.com', 'ssm.amazonaws.com'];

/** The event mix of a management trail, by weight. */
const MIX: Array<[number, Maker]> = [
  [16, (r, a, _region, ms, caller) => {
    // AssumeRole by a service, a user or a session (role chaining); the issued session is then used by later events.
    const role = pick(r, a.roles);
    const name = sessionName(r);
    const byService = r() < 0.6;
    const s = addSession(r, a, ms, role, name);
    const roleArn = `arn:aws:iam::${a.id}:role/${role}`;
    const who: UserIdentity = byService ? { type: 'AWSService', invokedBy: pick(r, AWS_SERVICES) } : caller;
    return {
      source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true, who,
      params: { roleArn, roleSessionName: name, durationSeconds: 3600 },
      response: { credentials: { accessKeyId: s.key, sessionToken: 'IQoJb3JpZ2luX2Vj' + chars(r, B64, 40 + int(r, 40)), expiration: stsExpiration(isoSeconds(ms), 3600) }, assumedRoleUser: { assumedRoleId: `${roleId(a.id, role)}:${name}`, arn: `arn:aws:sts::${a.id}:assumed-role/${role}/${name}` } },
      resources: [{ accountId: a.id, type: 'AWS::IAM::Role', ARN: roleArn }],
    };
  }],
  [14, (r, a, region) => {
    const keyArn = `arn:aws:kms:${region}:${a.id}:key/${pick(r, a.keys)}`;
    return { source: 'kms.amazonaws.com', name: pick(r, ['Decrypt', 'GenerateDataKey', 'Decrypt', 'Encrypt']), readOnly: true, params: { encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${pick(r, a.buckets)}` }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: keyArn }, resources: [{ accountId: a.id, type: 'AWS::KMS::Key', ARN: keyArn }] };
  }],
  [10, (r, a) => ({ source: 's3.amazonaws.com', name: pick(r, ['GetBucketAcl', 'GetBucketLocation', 'ListBuckets', 'GetBucketPolicy', 'GetBucketVersioning', 'HeadBucket']), params: { bucketName: pick(r, a.buckets), Host: `${pick(r, a.buckets)}.s3.amazonaws.com`, acl: '' } })],
  [10, (r) => ({ source: 'ec2.amazonaws.com', name: pick(r, ['DescribeInstances', 'DescribeSecurityGroups', 'DescribeVolumes', 'DescribeSubnets', 'DescribeNetworkInterfaces', 'DescribeVpcs']), params: { maxResults: 1000, filterSet: { items: [{ name: 'tag:Name', valueSet: { items: [{ value: pick(r, ROLE_WORDS).toLowerCase() + '-' + pick(r, ['prod', 'stage', 'dev']) }] } }] } } })],
  [8, (r, a) => ({ source: 'ssm.amazonaws.com', name: pick(r, ['UpdateInstanceInformation', 'GetParameter', 'GetParameters', 'DescribeInstanceInformation', 'ListInstanceAssociations']), params: { instanceId: pick(r, a.instances), agentVersion: `3.${int(r, 3)}.${int(r, 20) * 100}.0`, platformType: 'Linux', name: `/${pick(r, a.functions)}/config` } })],
  [7, (r, a, region) => ({ source: 'logs.amazonaws.com', name: pick(r, ['CreateLogStream', 'DescribeLogGroups', 'CreateLogGroup']), params: { logGroupName: `/aws/lambda/${pick(r, a.functions)}`, logStreamName: `2026/03/01/[$LATEST]${chars(r, HEX, 16)}` }, resources: [{ accountId: a.id, type: 'AWS::Logs::LogGroup', ARN: `arn:aws:logs:${region}:${a.id}:log-group:/aws/lambda/${pick(r, a.functions)}` }] })],
  [6, (r, a) => ({ source: 'iam.amazonaws.com', name: pick(r, ['GetRole', 'ListAttachedRolePolicies', 'GetPolicyVersion', 'ListRoles', 'GetUser']), params: { roleName: pick(r, a.roles), policyArn: `arn:aws:iam::${a.id}:policy/${pick(r, a.roles)}-policy` } })],
  [5, (r, a) => ({ source: 'lambda.amazonaws.com', name: pick(r, ['ListFunctions20150331', 'GetFunction20150331v2', 'GetFunctionConfiguration20150331v2']), params: { functionName: pick(r, a.functions) } })],
  [5, (r, a) => ({ source: 'dynamodb.amazonaws.com', name: pick(r, ['DescribeTable', 'ListTables', 'DescribeContinuousBackups', 'DescribeTimeToLive']), params: { tableName: pick(r, a.tables) } })],
  [4, (r, a) => ({ source: 'ecr.amazonaws.com', name: pick(r, ['GetAuthorizationToken', 'BatchCheckLayerAvailability', 'DescribeImages']), params: { registryIds: [a.id], repositoryName: `svc/${pick(r, a.functions)}` } })],
  [3, (r, a, region) => ({ source: 'secretsmanager.amazonaws.com', name: 'GetSecretValue', params: { secretId: `arn:aws:secretsmanager:${region}:${a.id}:secret:${pick(r, a.secrets)}` } })],
  [3, (r, a) => ({ source: 'monitoring.amazonaws.com', name: pick(r, ['DescribeAlarms', 'PutMetricAlarm', 'GetMetricData']), params: { alarmNames: [`${pick(r, a.functions)}-errors`], maxRecords: 100 } })],
  [2, (r, a) => ({ source: 'ec2.amazonaws.com', name: pick(r, ['RunInstances', 'CreateTags', 'TerminateInstances', 'ModifyInstanceAttribute']), params: { instancesSet: { items: [{ instanceId: pick(r, a.instances) }] } }, response: { requestId: uuid(r), _return: true } })],
  [1.5, (r, a) => ({ source: 'dynamodb.amazonaws.com', name: pick(r, ['UpdateTable', 'CreateTable', 'TagResource', 'UpdateContinuousBackups']), params: { tableName: pick(r, a.tables), billingMode: 'PAY_PER_REQUEST' } })],
  [0.05, (r, a, region) => {
    const table = pick(r, a.tables);
    const arn = `arn:aws:dynamodb:${region}:${a.id}:table/${table}`;
    return { source: 'dynamodb.amazonaws.com', name: 'DeleteTable', params: { tableName: table }, response: { tableDescription: { tableName: table, tableStatus: 'DELETING', tableArn: arn } }, resources: [{ accountId: a.id, type: 'AWS::DynamoDB::Table', ARN: arn }] };
  }],
  // Near misses: "DeleteTable" in the text, another eventName.
  [0.2, (r, a) => ({ source: 'iam.amazonaws.com', name: 'PutRolePolicy', params: { roleName: pick(r, a.roles), policyName: 'ddb', policyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DeleteTable","dynamodb:DescribeTable"],"Resource":"arn:aws:dynamodb:*:${a.id}:table/*"}]}` } })],
  [0.3, () => ({ source: 'signin.amazonaws.com', name: 'ConsoleLogin', params: null, response: { ConsoleLogin: 'Success' } })],
];
const TOTAL = MIX.reduce((s, [w]) => s + w, 0);

/** Log-normal event count with mean MEAN_EVENTS scaled by the region's weight: quiet regions are small files. */
function fileEvents(r: () => number, weight: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Math.max(1, Math.min(3000, Math.round(weight * Math.exp(Math.log(MEAN_EVENTS) - (SIGMA * SIGMA) / 2 + SIGMA * z))));
}

function realisticSpec(bytesTarget: number): CorpusSpec {
  const p = pools();
  const streams = Math.max(6, Math.min(p.accounts.length * REGIONS.length, Math.round(bytesTarget / FILE_BYTES / TARGET_SLOTS)));
  const perAccount = Math.min(REGIONS.length, streams);
  const list = Array.from({ length: streams }, (_, i) => ({ account: p.accounts[Math.floor(i / perAccount)]!, region: REGIONS[i % perAccount]! }));
  // us-east-1 carries the global services; the mean over streams stays at MEAN_EVENTS.
  const weight = (region: string) => (region === 'us-east-1' ? 2.5 : 1) * (perAccount / (perAccount + 1.5));
  return {
    kind: 'realistic',
    version: REAL_VERSION,
    seed: SEED,
    plantAccount: p.accounts[0]!.id,
    plantRegions: REGIONS.slice(0, Math.min(4, perAccount)),
    slot(r, _slot, startMs) {
      const events: CloudTrailEvent[] = [];
      for (const { account, region } of list) {
        const n = fileEvents(r, weight(region));
        // A delivery is dominated by a few busy principals (a Lambda, an agent, a pipeline), each from its own address.
        const busy = Array.from({ length: 1 + int(r, 4) }, () => caller(r, p, account));
        for (let i = 0; i < n; i++) events.push(eventFor(r, account, region, startMs + int(r, SLOT_MS), r() < 0.9 ? pick(r, busy) : caller(r, p, account)));
      }
      return events;
    },
  };
}

interface Caller {
  identity: UserIdentity;
  ip: string;
  agent: string;
}

function caller(r: () => number, p: ReturnType<typeof pools>, a: Account): Caller {
  return { identity: r() < 0.12 ? pick(r, a.users) : pick(r, a.sessions).identity, ip: pick(r, p.ips), agent: pick(r, p.agents) };
}

function eventFor(r: () => number, a: Account, region: string, ms: number, from: Caller): CloudTrailEvent {
  let x = r() * TOTAL;
  let maker = MIX[0]![1];
  for (const [w, m] of MIX) {
    if ((x -= w) < 0) {
      maker = m;
      break;
    }
  }
  const spec = maker(r, a, region, ms, from.identity);
  const who = spec.who ?? from.identity;
  const byService = who.type === 'AWSService';
  const input: Parameters<typeof makeEvent>[0] = {
    eventTime: isoSeconds(ms),
    eventSource: spec.source,
    eventName: spec.name,
    awsRegion: region,
    recipientAccountId: a.id,
    userIdentity: who,
    sourceIPAddress: byService ? who.invokedBy! : from.ip,
    userAgent: byService ? who.invokedBy! : from.agent,
    requestParameters: spec.params,
    responseElements: spec.response ?? null,
    requestID: r() < 0.7 ? uuid(r) : chars(r, HEX.toUpperCase(), 16),
    eventID: uuid(r),
    tlsDetails: { tlsVersion: pick(r, ['TLSv1.3', 'TLSv1.2']), cipherSuite: pick(r, ['TLS_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256']), clientProvidedHostName: `${spec.source.split('.')[0]}.${region}.amazonaws.com` },
  };
  if (spec.readOnly !== undefined) input.readOnly = spec.readOnly;
  if (spec.resources) input.resources = spec.resources;
  if (r() < 0.04 && spec.name !== 'AssumeRole') {
    input.errorCode = 'AccessDenied';
    input.errorMessage = `User: ${who.arn ?? 'service'} is not authorized to perform: ${spec.source.split('.')[0]}:${spec.name} because no identity-based policy allows the ${spec.source.split('.')[0]}:${spec.name} action`;
    input.responseElements = null;
  }
  if (r() < 0.03) input.sharedEventID = uuid(r);
  return makeEvent(input);
}

export const ensureRealisticCorpus = (opts: GenerateOptions): CorpusManifest => ensureCorpusOf(realisticSpec(opts.bytesTarget), opts);

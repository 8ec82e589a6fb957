import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountFacts, BucketFacts, SelectorFacts, TrailFacts } from './facts.js';
import { checkEncryption, checkPublicAccess, checkRetention, checkSourceCondition, checkTlsOnly } from './evaluate-buckets.js';
import { ALERT_CONTROLS } from './canonical-events.js';
import { patternEngines } from './engines.js';
import { checkMetricFilterAlert } from './evaluate-alerts.js';
import { checkKms, checkMultiRegion, managementCoverage, s3ObjectCoverage } from './evaluate-trails.js';
import { readFailed, readOk } from './types.js';

// Facts shaped as the readers produce them from real API answers; the e2e suite covers the readers.
const allOn = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };

function bucket(over: Partial<BucketFacts> = {}): BucketFacts {
  return {
    name: 'logs',
    trails: ['arn:aws:cloudtrail:us-east-1:111122223333:trail/t'],
    logPrefixes: ['AWSLogs/'],
    versioning: readOk({ status: 'Enabled' }),
    objectLock: readOk(null),
    encryption: readOk(null),
    publicAccessBlock: readOk(null),
    accountPublicAccessBlock: readOk(null),
    policy: readOk(null),
    acl: readOk({ grants: [] }),
    logging: readOk(null),
    lifecycle: readOk(null),
    ...over,
  };
}

function trail(over: Partial<TrailFacts> = {}): TrailFacts {
  return {
    arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t',
    name: 't',
    homeRegion: 'us-east-1',
    isMultiRegion: true,
    isOrganization: false,
    logFileValidation: true,
    status: readOk({ isLogging: true }),
    selectors: readOk({ eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [] }], advancedEventSelectors: [] }),
    insightTypes: readOk([]),
    ...over,
  };
}

function account(trails: TrailFacts[]): AccountFacts {
  return { account: '111122223333', regions: ['us-east-1'], trails, trailListErrors: [], buckets: [], logGroups: [], alarms: {}, topicSubscriptions: {}, eventRules: {} };
}

const policy = (...Statement: unknown[]) => readOk(JSON.stringify({ Version: '2012-10-17', Statement }));

test('Block Public Access: the account-level setting counts; an unreadable side leaves it unknown, never pass', () => {
  assert.equal(checkPublicAccess(bucket({ accountPublicAccessBlock: readOk(allOn) })).status, 'pass');
  assert.equal(checkPublicAccess(bucket({ publicAccessBlock: readOk(allOn), accountPublicAccessBlock: readFailed('access denied') })).status, 'pass');
  const half = { ...allOn, restrictPublicBuckets: false };
  const undecided = checkPublicAccess(bucket({ publicAccessBlock: readOk(half), accountPublicAccessBlock: readFailed('S3 Control cannot address account') }));
  assert.equal(undecided.status, 'unknown');
  assert.match(undecided.detail, /restrictPublicBuckets could not be checked/);
  assert.equal(checkPublicAccess(bucket({ publicAccessBlock: readOk(half) })).status, 'fail');
});

test('a public grant limited by the organisation or source account is not public', () => {
  const limited = policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } });
  assert.equal(checkPublicAccess(bucket({ publicAccessBlock: readOk(allOn), policy: limited })).status, 'pass');
  const open = readOk(JSON.stringify({ Statement: { Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' } }));
  assert.equal(checkPublicAccess(bucket({ publicAccessBlock: readOk(allOn), policy: open })).status, 'fail');
});

test('TLS-only: BoolIfExists and a JSON boolean count; a deny on reads alone does not', () => {
  const deny = (Action: unknown, Condition: unknown) => policy({ Effect: 'Deny', Principal: '*', Action, Resource: 'arn:aws:s3:::logs/*', Condition });
  assert.equal(checkTlsOnly(bucket({ policy: deny('s3:*', { BoolIfExists: { 'aws:SecureTransport': false } }) })).status, 'pass');
  assert.equal(checkTlsOnly(bucket({ policy: deny('*', { Bool: { 'AWS:SECURETRANSPORT': 'False' } }) })).status, 'pass');
  assert.equal(checkTlsOnly(bucket({ policy: deny('s3:GetObject', { Bool: { 'aws:SecureTransport': 'false' } }) })).status, 'fail');
  assert.equal(checkTlsOnly(bucket({ policy: readFailed('access denied (AccessDenied)') })).status, 'unknown');
  assert.equal(checkTlsOnly(bucket({ policy: readOk('{not json') })).status, 'unknown');
});

test('source condition: ArnLike on aws:SourceArn or aws:SourceAccount guards; every CloudTrail grant needs one', () => {
  const grant = (Condition?: unknown) => ({ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::logs/AWSLogs/*', ...(Condition ? { Condition } : {}) });
  assert.equal(checkSourceCondition(bucket({ policy: policy(grant({ ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:111122223333:trail/*' } })) })).status, 'pass');
  assert.equal(checkSourceCondition(bucket({ policy: policy(grant({ StringEquals: { 'aws:SourceAccount': '111122223333' } })) })).status, 'pass');
  const mixed = checkSourceCondition(bucket({ policy: policy(grant({ StringEquals: { 'aws:SourceAccount': '111122223333' } }), { ...grant(), Sid: 'Legacy' }) }));
  assert.equal(mixed.status, 'fail');
  assert.match(mixed.detail, /Legacy/);
});

test('retention: only enabled rules that reach the log prefix count; dates and Glacier tiers are reported', () => {
  const rule = (over: object) => ({ status: 'Enabled', prefix: '', narrowedByTagsOrSize: false, transitions: [], noncurrentTransitions: [], ...over });
  const elsewhere = checkRetention(bucket({ lifecycle: readOk([rule({ prefix: 'tmp/', expirationDays: 1 }), rule({ status: 'Disabled', expirationDays: 1 })]) }), 365);
  assert.equal(elsewhere.status, 'pass');
  const dated = checkRetention(bucket({ lifecycle: readOk([rule({ id: 'cutoff', prefix: 'AWSLogs/1111', expirationDate: '2027-01-01T00:00:00.000Z' })]) }), 365);
  assert.equal(dated.status, 'fail');
  assert.match(dated.detail, /cutoff expires logs on 2027-01-01/);
  const archived = checkRetention(bucket({ lifecycle: readOk([rule({ id: 'cold', transitions: [{ days: 30, storageClass: 'DEEP_ARCHIVE' }], expirationDays: 3650 })]) }), 365);
  assert.equal(archived.status, 'pass');
  assert.match(archived.detail, /cold moves logs to DEEP_ARCHIVE after 30 days/);
});

test('encryption names SSE-S3 and SSE-KMS', () => {
  assert.match(checkEncryption(bucket({ encryption: readOk([{ algorithm: 'AES256' }]) })).detail, /SSE-S3/);
  assert.equal(checkEncryption(bucket()).status, 'fail');
});

test('selectors: advanced read/write split across selectors, and narrowed selectors do not count', () => {
  const adv = (name: string, ...fieldSelectors: { field: string; equals?: string[]; notEquals?: string[] }[]): SelectorFacts['advancedEventSelectors'][number] => ({ name, fieldSelectors });
  const split: SelectorFacts = {
    eventSelectors: [],
    advancedEventSelectors: [
      adv('reads', { field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['true'] }),
      adv('writes', { field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['false'] }),
    ],
  };
  assert.deepEqual(managementCoverage(split), { read: true, write: true, notes: [] });
  const narrowed: SelectorFacts = { eventSelectors: [], advancedEventSelectors: [adv('no-kms', { field: 'eventCategory', equals: ['Management'] }, { field: 'eventSource', notEquals: ['kms.amazonaws.com'] })] };
  assert.equal(managementCoverage(narrowed).read, false);
  const allBuckets: SelectorFacts = { eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: false, dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }] }], advancedEventSelectors: [] };
  assert.deepEqual(s3ObjectCoverage(allBuckets), { read: true, write: false, notes: [] });
});

test('trail.multi-region: a refused status read is unknown; a single-region trail beside it does not make it fail', () => {
  const v = checkMultiRegion(account([trail({ status: readFailed('access denied (AccessDeniedException)') }), trail({ arn: 'x', name: 'local', isMultiRegion: false })]));
  assert.equal(v.status, 'unknown');
  assert.equal(checkMultiRegion(account([])).status, 'fail');
  assert.equal(checkMultiRegion(account([trail()])).status, 'pass');
});

test('trail.kms: a key pending deletion fails even with rotation on', () => {
  const v = checkKms(trail({ kmsKeyId: 'k', kmsKey: readOk({ keyId: 'k', keyArn: 'arn:aws:kms:us-east-1:1:key/k', keyState: 'PendingDeletion', rotationEnabled: readOk(true) }) }));
  assert.equal(v.status, 'fail');
  assert.match(v.detail, /PendingDeletion/);
});

test('alerts: a filter ctrail cannot read makes the check unknown, unless another filter passes', () => {
  const control = ALERT_CONTROLS.find((c) => c.id === 'alert.cis-4.6')!;
  const facts = (filters: { name: string; pattern: string }[]): AccountFacts => ({
    ...account([trail({ cloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111122223333:log-group:ct:*' })]),
    logGroups: [
      {
        arn: 'arn:aws:logs:us-east-1:111122223333:log-group:ct',
        name: 'ct',
        region: 'us-east-1',
        trails: ['arn:aws:cloudtrail:us-east-1:111122223333:trail/t'],
        metricFilters: readOk(filters.map((f) => ({ ...f, metrics: [{ name: f.name, namespace: 'CIS' }] }))),
      },
    ],
    alarms: { 'us-east-1': readOk(filters.map((f) => ({ name: `${f.name}-alarm`, metricName: f.name, namespace: 'CIS', actionsEnabled: true, alarmActions: ['arn:aws:sns:us-east-1:111122223333:t'] }))) },
    topicSubscriptions: { 'arn:aws:sns:us-east-1:111122223333:t': readOk([{ arn: 'arn:aws:sns:us-east-1:111122223333:t:1' }]) },
  });
  const term = { name: 'term', pattern: '"Failed authentication"' };
  const v = checkMetricFilterAlert(control, facts([term]), patternEngines);
  assert.equal(v.status, 'unknown');
  assert.match(v.detail, /filter term: pattern not understood/);
  assert.equal(checkMetricFilterAlert(control, facts([term, { name: 'json', pattern: control.referencePattern }]), patternEngines).status, 'pass');
  assert.equal(checkMetricFilterAlert(control, facts([{ name: 'json', pattern: control.referencePattern }]), undefined).status, 'unknown');
  const pending = facts([{ name: 'json', pattern: control.referencePattern }]);
  pending.topicSubscriptions = { 'arn:aws:sns:us-east-1:111122223333:t': readOk([{ arn: 'PendingConfirmation' }]) };
  assert.match(checkMetricFilterAlert(control, pending, patternEngines).detail, /no confirmed subscription/);
});

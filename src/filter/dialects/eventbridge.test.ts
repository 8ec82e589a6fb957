// Patterns below are the examples of the EventBridge user guide ("Event patterns", "Content filtering",
// "Arrays in event patterns"), applied to CloudTrail events shaped like real ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import { compileEventBridgeRules, compileEventPattern, PatternError } from './eventbridge.js';
import { eventBridgeEnvelope } from '../../cloudtrail/envelope.js';

function apiCall(over: Partial<CloudTrailEvent> = {}): CloudTrailEvent {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:alice',
      arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
      accountId: '123456789012',
    },
    eventTime: '2024-03-05T10:11:12Z',
    eventSource: 'dynamodb.amazonaws.com',
    eventName: 'DeleteTable',
    awsRegion: 'us-east-1',
    sourceIPAddress: '10.0.0.25',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { tableName: 'Orders' },
    responseElements: null,
    eventID: '3d8f3c1e-7d2b-4b53-9a8c-1f0d5c7e2a11',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
    ...over,
  };
}

const yes = (pattern: object, event: CloudTrailEvent): void =>
  assert.equal(compileEventPattern(JSON.stringify(pattern)).matches(event), true, JSON.stringify(pattern));
const no = (pattern: object, event: CloudTrailEvent): void =>
  assert.equal(compileEventPattern(JSON.stringify(pattern)).matches(event), false, JSON.stringify(pattern));

test('envelope: source, detail-type, account, region and time as EventBridge delivers them', () => {
  const env = eventBridgeEnvelope(apiCall({ eventTime: '2024-03-05T10:11:12.345Z' }));
  assert.equal(env.source, 'aws.dynamodb');
  assert.equal(env['detail-type'], 'AWS API Call via CloudTrail');
  assert.equal(env.account, '123456789012');
  assert.equal(env.region, 'us-east-1');
  assert.equal(env.time, '2024-03-05T10:11:12Z');
  assert.equal(eventBridgeEnvelope(apiCall({ eventType: 'AwsConsoleSignIn' }))['detail-type'], 'AWS Console Sign In via CloudTrail');
  assert.equal(eventBridgeEnvelope(apiCall({ eventType: 'AwsServiceEvent' }))['detail-type'], 'AWS Service Event via CloudTrail');
  assert.equal(
    eventBridgeEnvelope(apiCall({ eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight' }))['detail-type'],
    'AWS Insight via CloudTrail',
  );
});

test('the CloudTrail rule from the user guide: source + detail-type + detail fields', () => {
  const pattern = {
    source: ['aws.dynamodb'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['dynamodb.amazonaws.com'], eventName: ['DeleteTable', 'DeleteBackup'] },
  };
  yes(pattern, apiCall());
  no(pattern, apiCall({ eventName: 'CreateTable' }));
  no(pattern, apiCall({ eventType: 'AwsServiceEvent' }));
  no({ source: ['aws.ec2'] }, apiCall());
});

test('exact values: strings, numbers, null and empty string are matched by type', () => {
  yes({ detail: { responseElements: [null] } }, apiCall());
  no({ detail: { responseElements: [null] } }, apiCall({ responseElements: { ok: true } }));
  no({ detail: { missingField: [null] } }, apiCall());
  yes({ detail: { requestParameters: { limit: [5] } } }, apiCall({ requestParameters: { limit: 5 } }));
  no({ detail: { requestParameters: { limit: [5] } } }, apiCall({ requestParameters: { limit: '5' } }));
  yes({ detail: { readOnly: [false] } }, apiCall());
  yes({ detail: { errorMessage: [''] } }, apiCall({ errorMessage: '' }));
  no({ detail: { eventName: ['deletetable'] } }, apiCall());
});

test('prefix, including prefix with equals-ignore-case', () => {
  yes({ time: [{ prefix: '2024-03-05' }] }, apiCall());
  no({ time: [{ prefix: '2024-03-06' }] }, apiCall());
  yes({ detail: { eventName: [{ prefix: 'Delete' }] } }, apiCall());
  yes({ detail: { eventName: [{ prefix: { 'equals-ignore-case': 'DELETE' } }] } }, apiCall());
  no({ detail: { eventName: [{ prefix: 'DELETE' }] } }, apiCall());
});

test('suffix, including suffix with equals-ignore-case', () => {
  const png = apiCall({ eventSource: 's3.amazonaws.com', eventName: 'PutObject', requestParameters: { key: 'photos/cat.PNG' } });
  no({ detail: { requestParameters: { key: [{ suffix: '.png' }] } } }, png);
  yes({ detail: { requestParameters: { key: [{ suffix: { 'equals-ignore-case': '.png' } }] } } }, png);
  yes({ detail: { requestParameters: { key: [{ suffix: '.PNG' }] } } }, png);
});

test('anything-but: value, list, number, prefix, suffix, equals-ignore-case, wildcard', () => {
  const e = apiCall({ requestParameters: { state: 'initializing', limit: 123, file: 'a/lib/x.txt' } });
  no({ detail: { requestParameters: { state: [{ 'anything-but': 'initializing' }] } } }, e);
  yes({ detail: { requestParameters: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } } }, e);
  no({ detail: { requestParameters: { limit: [{ 'anything-but': [100, 123, 300] }] } } }, e);
  yes({ detail: { requestParameters: { limit: [{ 'anything-but': 124 }] } } }, e);
  no({ detail: { requestParameters: { state: [{ 'anything-but': { prefix: 'init' } }] } } }, e);
  yes({ detail: { requestParameters: { state: [{ 'anything-but': { prefix: 'run' } }] } } }, e);
  no({ detail: { requestParameters: { file: [{ 'anything-but': { suffix: '.txt' } }] } } }, e);
  no({ detail: { requestParameters: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'INITIALIZING'] } }] } } }, e);
  no({ detail: { requestParameters: { file: [{ 'anything-but': { wildcard: '*/lib/*' } }] } } }, e);
  yes({ detail: { requestParameters: { file: [{ 'anything-but': { wildcard: '*/bin/*' } }] } } }, e);
  // anything-but needs a value to compare: a missing field does not match.
  no({ detail: { requestParameters: { absent: [{ 'anything-but': 'x' }] } } }, e);
});

test('numeric ranges and equality', () => {
  const e = apiCall({ requestParameters: { 'c-count': 5, 'd-count': 12, 'x-limit': 301.8, text: '3' } });
  yes({ detail: { requestParameters: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } } }, e);
  no({ detail: { requestParameters: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } } }, e);
  no({ detail: { requestParameters: { 'd-count': [{ numeric: ['<', 10] }] } } }, e);
  yes({ detail: { requestParameters: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } } }, e);
  no({ detail: { requestParameters: { text: [{ numeric: ['=', 3] }] } } }, e);
});

test('exists true/false, on leaves only', () => {
  yes({ detail: { errorCode: [{ exists: false }] } }, apiCall());
  no({ detail: { errorCode: [{ exists: true }] } }, apiCall());
  yes({ detail: { errorCode: [{ exists: true }] } }, apiCall({ errorCode: 'AccessDenied' }));
  // userIdentity is an object, not a leaf: exists does not see it.
  no({ detail: { userIdentity: [{ exists: true }] } }, apiCall());
  // A missing parent object still satisfies exists:false below it.
  yes({ detail: { additionalEventData: { MFAUsed: [{ exists: false }] } } }, apiCall());
});

test('cidr on IPv4 and IPv6 source addresses', () => {
  yes({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, apiCall());
  no({ detail: { sourceIPAddress: [{ cidr: '10.0.1.0/24' }] } }, apiCall());
  no({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, apiCall({ sourceIPAddress: 'AWS Internal' }));
  yes({ detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, apiCall({ sourceIPAddress: '2001:db8:1234:1a00::9' }));
  no({ detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, apiCall({ sourceIPAddress: '2001:db9::1' }));
});

test('equals-ignore-case', () => {
  yes({ 'detail-type': [{ 'equals-ignore-case': 'aws api call via cloudtrail' }] }, apiCall());
  no({ 'detail-type': [{ 'equals-ignore-case': 'aws service event via cloudtrail' }] }, apiCall());
});

test('wildcard, with escaped star', () => {
  const e = apiCall({ requestParameters: { key: 'dir/file.png', weird: 'a*b' } });
  yes({ detail: { requestParameters: { key: [{ wildcard: 'dir/*.png' }] } } }, e);
  no({ detail: { requestParameters: { key: [{ wildcard: 'dir/*.jpg' }] } } }, e);
  yes({ detail: { userIdentity: { arn: [{ wildcard: 'arn:aws:sts::*:assumed-role/Admin/*' }] } } }, apiCall());
  yes({ detail: { requestParameters: { weird: [{ wildcard: 'a\\*b' }] } } }, e);
  no({ detail: { requestParameters: { weird: [{ wildcard: 'a\\*b' }] } } }, apiCall({ requestParameters: { weird: 'axxb' } }));
});

test('$or at the top and nested', () => {
  const pattern = {
    source: ['aws.dynamodb', 'aws.ec2'],
    $or: [{ detail: { eventName: ['DeleteTable'] } }, { detail: { eventName: ['AuthorizeSecurityGroupIngress'] } }],
  };
  yes(pattern, apiCall());
  yes(pattern, apiCall({ eventSource: 'ec2.amazonaws.com', eventName: 'AuthorizeSecurityGroupIngress' }));
  no(pattern, apiCall({ eventName: 'UpdateTable' }));
  const nested = {
    detail: {
      $or: [{ requestParameters: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, { errorCode: [{ exists: true }] }],
    },
  };
  yes(nested, apiCall({ requestParameters: { 'c-count': 3 } }));
  yes(nested, apiCall({ errorCode: 'AccessDenied' }));
  no(nested, apiCall({ requestParameters: { 'c-count': 9 } }));
});

test('arrays: the event array and the pattern list need a common value', () => {
  const e = apiCall({
    resources: [
      { ARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/Orders', type: 'AWS::DynamoDB::Table' },
      { ARN: 'arn:aws:kms:us-east-1:123456789012:key/1', type: 'AWS::KMS::Key' },
    ],
    requestParameters: { tags: ['prod', 'team-a'] },
  });
  yes({ detail: { requestParameters: { tags: ['team-a', 'team-b'] } } }, e);
  no({ detail: { requestParameters: { tags: ['team-b'] } } }, e);
  yes({ detail: { resources: { type: ['AWS::KMS::Key'] } } }, e);
  // Fields of one array element must come from the same element.
  no({ detail: { resources: { type: ['AWS::KMS::Key'], ARN: [{ suffix: 'table/Orders' }] } } }, e);
  yes({ detail: { resources: { type: ['AWS::DynamoDB::Table'], ARN: [{ suffix: 'table/Orders' }] } } }, e);
});

test('invalid patterns are rejected with the path of the problem', () => {
  assert.throws(() => compileEventPattern('{"detail": {"eventName": "DeleteTable"}}'), /detail\.eventName: values must be in a list/);
  assert.throws(() => compileEventPattern('{"detail": {"x": [{"numeric": [">>", 1]}]}}'), /unknown numeric operator/);
  assert.throws(() => compileEventPattern('{"detail": {"x": [{"cidr": "10.0.0.0/33"}]}}'), /invalid CIDR/);
  assert.throws(() => compileEventPattern('{"detail": {"x": [{"fuzzy": 1}]}}'), /unknown operator "fuzzy"/);
  assert.throws(() => compileEventPattern('{"detail": {"x": []}}'), PatternError);
  assert.throws(() => compileEventPattern('[1]'), /must be a JSON object/);
  assert.throws(() => compileEventPattern('{"a": '), /not valid JSON/);
});

test('describe-rule output: EventPattern is a JSON string', () => {
  const describeRule = JSON.stringify({
    Name: 'dynamodb-delete-table',
    Arn: 'arn:aws:events:us-east-1:123456789012:rule/dynamodb-delete-table',
    EventPattern: JSON.stringify({ source: ['aws.dynamodb'], detail: { eventName: ['DeleteTable'] } }),
    State: 'ENABLED',
    EventBusName: 'default',
    CreatedBy: '123456789012',
  });
  const { matcher, rules } = compileEventBridgeRules(describeRule);
  assert.deepEqual(rules, ['dynamodb-delete-table']);
  assert.equal(matcher.matches(apiCall()), true);
  assert.equal(matcher.matches(apiCall({ eventName: 'CreateTable' })), false);
  const listRules = JSON.stringify({
    Rules: [
      { Name: 'nightly', ScheduleExpression: 'cron(0 0 * * ? *)' },
      { Name: 'a', EventPattern: JSON.stringify({ detail: { eventName: ['AssumeRole'] } }) },
      { Name: 'b', EventPattern: JSON.stringify({ detail: { eventName: ['DeleteTable'] } }) },
    ],
  });
  const both = compileEventBridgeRules(listRules);
  assert.deepEqual(both.rules, ['a', 'b']);
  assert.equal(both.matcher.matches(apiCall()), true);
  assert.deepEqual(both.matcher.needles, [['"AssumeRole"', '"DeleteTable"']]);
  assert.throws(() => compileEventBridgeRules('{"Name":"x","EventPattern":"{\\"a\\": 1}"}'), /rule x: .*a: values must be in a list/);
});

test('needles: exact, prefix and source values become byte needles; the rest never narrows', () => {
  const m = compileEventPattern({
    source: ['aws.dynamodb'],
    'detail-type': ['AWS Console Sign In via CloudTrail'],
    detail: { eventName: ['DeleteTable', { prefix: 'Update' }], errorCode: [{ 'anything-but': 'x' }] },
  });
  assert.deepEqual(m.needles, [
    ['"dynamodb.amazonaws.com"', '"dynamodb"'],
    ['"AwsConsoleSignIn"'],
    ['"DeleteTable"', '"Update'],
  ]);
  const raw = JSON.stringify(apiCall());
  assert.ok(m.needles.slice(0, 1).concat([m.needles[2]!]).every((g) => g.some((n) => raw.includes(n))));
  assert.deepEqual(compileEventPattern({ detail: { eventName: [{ 'equals-ignore-case': 'x' }, 'DeleteTable'] } }).needles, []);
  assert.deepEqual(
    compileEventPattern({ $or: [{ detail: { eventName: ['A'] } }, { detail: { eventSource: ['b.amazonaws.com'] } }] }).needles,
    [['"A"', '"b.amazonaws.com"']],
  );
  assert.deepEqual(compileEventPattern({ $or: [{ detail: { eventName: ['A'] } }, { detail: { x: [{ exists: true }] } }] }).needles, []);
});

test('prototype names are missing fields, and values a serialiser may escape give no needle', () => {
  yes({ detail: { constructor: [{ exists: false }], toString: { x: [{ exists: false }] } } }, apiCall());
  no({ detail: { constructor: [{ exists: true }] } }, apiCall());
  assert.deepEqual(compileEventPattern({ detail: { requestParameters: { expr: ['a=b'] } } }).needles, []);
  assert.deepEqual(compileEventPattern({ detail: { userIdentity: { arn: [{ prefix: 'arn:aws:sts::1:assumed-role/' }] } } }).needles, []);
});

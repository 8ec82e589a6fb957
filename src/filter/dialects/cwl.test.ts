// Examples from the CloudWatch Logs guide ("Using filter patterns to match terms in JSON log events") and
// the CIS AWS Foundations Benchmark monitoring controls, which are CloudWatch metric filters on CloudTrail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import { compileFilterPattern, FilterPatternError } from './cwl.js';

// The JSON log event the CloudWatch guide uses for its JSON examples.
const docEvent = {
  eventType: 'UpdateTrail',
  sourceIPAddress: '111.111.111.111',
  arrayKey: ['value', 'another value'],
  objectList: [
    { name: 'a', id: 1 },
    { name: 'b', id: 2 },
  ],
  SomeObject: null,
  cluster: { name: 'c1' },
  ThisFlag: true,
  latency: 50,
  bandwidth: 75,
  user: { id: 1, email: 'John.Stiles@example.com' },
  users: [
    { id: 2, email: 'John.Doe@example.com' },
    { id: 3, email: 'Jane.Doe@example.com' },
  ],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [
    [0, 30],
    [0, 40],
    [0, 50],
  ],
} as unknown as CloudTrailEvent;

const run = (pattern: string, event: CloudTrailEvent = docEvent): boolean => compileFilterPattern(pattern).matches(event);

test('guide: string equality, wildcards and inequality', () => {
  assert.equal(run('{ $.eventType = "UpdateTrail" }'), true);
  assert.equal(run('{ $.eventType = UpdateTrail }'), true);
  assert.equal(run('{ $.eventType = "Update*" }'), true);
  assert.equal(run('{ $.eventType = "*Trail" }'), true);
  assert.equal(run('{ $.eventType = "CreateTrail" }'), false);
  assert.equal(run('{ $.sourceIPAddress != 123.123.* }'), true);
  assert.equal(run('{ $.sourceIPAddress != 111.111.* }'), false);
  assert.equal(run('{ $.eventType = * }'), true);
});

test('guide: arrays, objects, null, booleans and absence', () => {
  assert.equal(run('{ $.arrayKey[0] = "value" }'), true);
  assert.equal(run('{ $.arrayKey[1] = "value" }'), false);
  assert.equal(run('{ $.objectList[1].id = 2 }'), true);
  assert.equal(run('{ $.objectList[0].id = 2 }'), false);
  assert.equal(run('{ $.coordinates[0][1] = 30 }'), true);
  assert.equal(run('{ $.SomeObject IS NULL }'), true);
  assert.equal(run('{ $.cluster IS NULL }'), false);
  assert.equal(run('{ $.SomeOtherObject NOT EXISTS }'), true);
  assert.equal(run('{ $.SomeObject NOT EXISTS }'), false);
  assert.equal(run('{ $.ThisFlag IS TRUE }'), true);
  assert.equal(run('{ $.ThisFlag IS FALSE }'), false);
  assert.equal(run('{ $.cluster.name = "c1" }'), true);
});

test('guide: numeric comparisons', () => {
  assert.equal(run('{ $.latency = 50 }'), true);
  assert.equal(run('{ $.latency != 50 }'), false);
  assert.equal(run('{ $.latency < 51 }'), true);
  assert.equal(run('{ $.latency <= 50 }'), true);
  assert.equal(run('{ $.bandwidth > 75 }'), false);
  assert.equal(run('{ $.bandwidth >= 75.0 }'), true);
  assert.equal(run('{ $.latency = -50 }'), false);
});

test('guide: compound expressions, && binding tighter than ||', () => {
  assert.equal(run('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }'), true);
  assert.equal(run('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }'), false);
  // Without parentheses this reads email || (coordinates && actions): true.
  assert.equal(run('{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }'), true);
  assert.equal(run('{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }'), false);
});

test('regular expressions between % signs, where CloudWatch allows them', () => {
  assert.equal(run('{ $.eventType = %Update[A-Z]rail% }'), true);
  assert.equal(run('{ $.eventType != %^Create% }'), true);
  assert.equal(run('{ $.sourceIPAddress = %^111\\.111\\.[0-9]+\\.[0-9]+$% }'), true);
  assert.throws(() => compileFilterPattern('{ $.eventType = %(Update)% }'), (e: unknown) => e instanceof FilterPatternError && e.column === 18);
  assert.throws(() => compileFilterPattern('{ $.latency > %5% }'), /compares numbers only/);
});

test('a comparison on a missing field never matches, not even !=', () => {
  assert.equal(run('{ $.nothing != "x" }'), false);
  assert.equal(run('{ $.nothing = * }'), false);
  assert.equal(run('{ $.nothing < 5 }'), false);
});

function ct(over: Partial<CloudTrailEvent>): CloudTrailEvent {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::123456789012:user/bob', accountId: '123456789012', userName: 'bob' },
    eventTime: '2024-05-01T08:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    eventType: 'AwsApiCall',
    recipientAccountId: '123456789012',
    ...over,
  };
}

test('CIS benchmark metric filters on CloudTrail events', () => {
  const unauthorized = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }';
  assert.equal(run(unauthorized, ct({ errorCode: 'Client.UnauthorizedOperation' })), true);
  assert.equal(run(unauthorized, ct({ errorCode: 'AccessDeniedException' })), true);
  assert.equal(run(unauthorized, ct({ errorCode: 'ThrottlingException' })), false);
  assert.equal(run(unauthorized, ct({})), false);

  const noMfa = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }';
  const login = (mfa: string): CloudTrailEvent =>
    ct({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', additionalEventData: { MFAUsed: mfa }, responseElements: { ConsoleLogin: 'Success' } });
  assert.equal(run(noMfa, login('No')), true);
  assert.equal(run(noMfa, login('Yes')), false);

  const root = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
  assert.equal(run(root, ct({ userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' } })), true);
  assert.equal(run(root, ct({ userIdentity: { type: 'Root', invokedBy: 'support.amazonaws.com' } })), false);
  assert.equal(run(root, ct({ userIdentity: { type: 'Root' }, eventType: 'AwsServiceEvent' })), false);

  const kms = '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }';
  assert.equal(run(kms, ct({ eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion' })), true);
  assert.equal(run(kms, ct({ eventSource: 'kms.amazonaws.com', eventName: 'EnableKey' })), false);

  const trail = '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }';
  assert.equal(run(trail, ct({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' })), true);
  assert.equal(run(trail, ct({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'LookupEvents' })), false);

  const failed = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }';
  assert.equal(run(failed, ct({ eventName: 'ConsoleLogin', errorMessage: 'Failed authentication' })), true);
  assert.equal(run(failed, ct({ eventName: 'ConsoleLogin' })), false);

  const terminate = '{ ($.eventName = "TerminateInstances") && ($.errorCode NOT EXISTS) }';
  assert.equal(run(terminate, ct({ eventName: 'TerminateInstances' })), true);
  assert.equal(run(terminate, ct({ eventName: 'TerminateInstances', errorCode: 'Client.UnauthorizedOperation' })), false);
});

test('syntax errors name their column', () => {
  const column = (pattern: string): number => {
    try {
      compileFilterPattern(pattern);
    } catch (err) {
      assert.ok(err instanceof FilterPatternError);
      assert.match(err.message, /^filter pattern, column \d+: /);
      return err.column;
    }
    assert.fail(`accepted: ${pattern}`);
  };
  assert.equal(column('$.eventName = "X"'), 1);
  assert.equal(column('{ $.eventName = "X" '), 21);
  assert.equal(column('{ $.eventName "X" }'), 15);
  assert.equal(column('{ ($.eventName = "X" }'), 22);
  assert.equal(column('{ $.eventName = }'), 17);
  assert.equal(column('{ $.eventName = "X }'), 17);
  assert.equal(column('{ $.a IS MAYBE }'), 10);
  assert.equal(column('{ $.a NOT THERE }'), 11);
  assert.equal(column('{ $.eventName = "X" && }'), 24);
  assert.equal(column('{ $. = 1 }'), 5);
  assert.equal(column('{ $.a[x] = 1 }'), 6);
  assert.equal(column('{ $.name > "a" }'), 10);
  assert.equal(column('{ $.a = 1 } extra'), 13);
});

test('needles: = on strings narrows, OR keeps one group, != and regex never narrow', () => {
  assert.deepEqual(compileFilterPattern('{ ($.eventName = "TerminateInstances") && ($.errorCode NOT EXISTS) }').needles, [['"TerminateInstances"']]);
  assert.deepEqual(compileFilterPattern('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }').needles, [
    ['UnauthorizedOperation"', '"AccessDenied'],
  ]);
  assert.deepEqual(compileFilterPattern('{ $.eventName != "X" || $.eventName = "Y" }').needles, []);
  assert.deepEqual(compileFilterPattern('{ $.eventName = %Y% }').needles, []);
  const kms = compileFilterPattern('{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }');
  assert.deepEqual(kms.needles, [['"kms.amazonaws.com"'], ['"DisableKey"', '"ScheduleKeyDeletion"']]);
  const raw = JSON.stringify(ct({ eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion' }));
  assert.ok(kms.needles.every((g) => g.some((n) => raw.includes(n))));
});

test('object prototype names are ordinary missing fields', () => {
  assert.equal(run('{ $.constructor NOT EXISTS }'), true);
  assert.equal(run('{ $.toString != "x" }'), false);
});

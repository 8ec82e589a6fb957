import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLookup } from '../source/history.js';
import { logsFilterPattern } from '../source/cloudwatch-logs.js';
import { ISSUING_EVENT_NAMES } from './issued-credential.js';
import { DELETION_CATALOGUE } from './catalogue.js';
import { ISSUING_PUSHDOWN, deletionPushdown, tracePushdown } from './pushdown.js';
import { parseResourceQuery } from './resource.js';
import { parseTraceTarget } from './trace.js';

test('find-deletion asks event history for the catalogue calls of the type, the resource name, and issuing calls', () => {
  const query = parseResourceQuery('orders', 'dynamodb:table');
  const plan = planLookup(deletionPushdown(query));
  const byName = plan.series.filter((s) => s.attribute === 'EventName').map((s) => s.value);
  assert.ok(byName.includes('DeleteTable'));
  assert.ok(!byName.includes('DeleteBucket'));
  for (const n of ISSUING_EVENT_NAMES) assert.ok(byName.includes(n), n);
  assert.deepEqual(
    plan.series.filter((s) => s.attribute === 'ResourceName').map((s) => s.value),
    ['orders'],
  );
  // Without a type every catalogue call is asked for: nothing the catalogue knows can be missed.
  const untyped = planLookup(deletionPushdown(parseResourceQuery('orders')));
  const untypedNames = new Set(untyped.series.map((s) => s.value));
  for (const rule of DELETION_CATALOGUE) assert.ok(untypedNames.has(rule.eventName), rule.eventName);
});

test('trace asks for the key and the issuing calls; a principal ARN is read in full', () => {
  const plan = planLookup(tracePushdown(parseTraceTarget('ASIAEXAMPLEKEY000001'))!);
  assert.deepEqual(plan.series.map((s) => [s.attribute, s.value]), [
    ['AccessKeyId', 'ASIAEXAMPLEKEY000001'],
    ...ISSUING_EVENT_NAMES.map((n) => ['EventName', n]),
  ]);
  assert.equal(tracePushdown(parseTraceTarget('arn:aws:sts::111122223333:assumed-role/Admin/alice')), undefined);
});

test('a union with one alternative that cannot be pushed down is a full read, on both servers', () => {
  assert.deepEqual(planLookup([ISSUING_PUSHDOWN, { usernames: ['al*'] }]).series, [{ category: 'management' }]);
  assert.equal(logsFilterPattern([ISSUING_PUSHDOWN, {}]), undefined);
  assert.equal(
    logsFilterPattern([{ accessKeyIds: ['ASIAEXAMPLEKEY000001'] }, { eventNames: ['AssumeRole', 'GetSessionToken'] }]),
    '{ ($.userIdentity.accessKeyId = "ASIAEXAMPLEKEY000001") || (($.eventName = "AssumeRole" || $.eventName = "GetSessionToken")) }',
  );
});

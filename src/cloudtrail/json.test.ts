import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DEPTH, asObject, asString, stringLeaves, valueAt, valuesAt } from './json.js';

test('asObject and asString accept only what they name', () => {
  assert.deepEqual(asObject({ a: 1 }), { a: 1 });
  assert.equal(asObject([1]), undefined);
  assert.equal(asObject(null), undefined);
  assert.equal(asString('x'), 'x');
  assert.equal(asString(''), undefined);
  assert.equal(asString(1), undefined);
});

test('valueAt walks own keys and array indexes, nothing inherited', () => {
  const e = { resources: [{ ARN: 'arn:a' }], userIdentity: { arn: 'arn:u' } };
  assert.equal(valueAt(e, ['resources', '0', 'ARN']), 'arn:a');
  assert.equal(valueAt(e, ['userIdentity', 'arn']), 'arn:u');
  assert.equal(valueAt(e, ['resources', '01']), undefined);
  assert.equal(valueAt(e, ['constructor']), undefined);
  assert.equal(valueAt(e, ['userIdentity', '__proto__']), undefined);
  assert.equal(valueAt(e, ['missing', 'x']), undefined);
});

test('every walk is depth-bounded: a path or a record deeper than MAX_DEPTH ends quietly', () => {
  let deep: unknown = 'leaf';
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  assert.equal(valueAt(deep, Array<string>(MAX_DEPTH + 1).fill('a')), undefined);
  assert.equal(typeof valueAt(deep, Array<string>(MAX_DEPTH).fill('a')), 'object');
  assert.deepEqual(stringLeaves(deep as never), []);
  assert.throws(() => valuesAt(deep, Array<string>(MAX_DEPTH + 1).fill('a').join('.')), /deeper than/);
});

test('valuesAt: lists, lone objects standing for lists, filters and case-insensitive keys', () => {
  const req = { Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }] }, changes: { action: 'DELETE', name: 'x' }, items: { instanceId: 'i-1' } };
  assert.deepEqual(valuesAt(req, 'delete.objects[].key'), ['a', 'b']);
  assert.deepEqual(valuesAt(req, 'items[].instanceId'), ['i-1']);
  assert.deepEqual(valuesAt(req, 'changes[action=Delete].name'), ['x']);
  assert.deepEqual(valuesAt(req, 'changes[action=CREATE].name'), []);
});

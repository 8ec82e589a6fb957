import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import { fieldName, parseFields, project } from './fields.js';
import { UsageError } from '../../errors.js';

const event = {
  eventTime: '2026-01-01T00:00:00Z',
  eventName: 'DeleteObjects',
  userIdentity: { arn: 'arn:aws:iam::111122223333:user/a' },
  resources: [{ ARN: 'arn:aws:s3:::b', type: 'AWS::S3::Bucket' }, { ARN: 'arn:aws:s3:::b/k', type: 'AWS::S3::Object' }],
  requestParameters: { '0': 'an object key that looks like an index' },
} as unknown as CloudTrailEvent;

test('project: numeric segments that index an array in the event build an array, for jq .resources[0].ARN', () => {
  const out = project(event, parseFields('resources.0.ARN,resources.1.type,userIdentity.arn'));
  assert.equal(JSON.stringify(out), '{"resources":[{"ARN":"arn:aws:s3:::b"},{"type":"AWS::S3::Object"}],"userIdentity":{"arn":"arn:aws:iam::111122223333:user/a"}}');
});

test('project: an element alone keeps its index; a numeric key of an object stays a key', () => {
  assert.equal(JSON.stringify(project(event, parseFields('resources.1.ARN'))), '{"resources":[null,{"ARN":"arn:aws:s3:::b/k"}]}');
  assert.equal(JSON.stringify(project(event, parseFields('requestParameters.0'))), '{"requestParameters":{"0":"an object key that looks like an index"}}');
  assert.equal(JSON.stringify(project(event, parseFields('resources.0,eventName'))), '{"resources":[{"ARN":"arn:aws:s3:::b","type":"AWS::S3::Bucket"}],"eventName":"DeleteObjects"}');
});

test('parseFields/project: name=path prints the value under its own top-level name; other paths keep their shape', () => {
  const fields = parseFields('datetime=eventTime, who=userIdentity.arn,resources.0.ARN,first=resources.0');
  assert.deepEqual(fields.map(fieldName), ['datetime', 'who', 'resources.0.ARN', 'first']);
  assert.equal(
    JSON.stringify(project(event, fields)),
    '{"datetime":"2026-01-01T00:00:00Z","who":"arn:aws:iam::111122223333:user/a","resources":[{"ARN":"arn:aws:s3:::b"}],"first":{"ARN":"arn:aws:s3:::b","type":"AWS::S3::Bucket"}}',
  );
  // A missing value is left out, as for a plain path.
  assert.equal(JSON.stringify(project(event, parseFields('gone=errorCode,eventName'))), '{"eventName":"DeleteObjects"}');
  // __proto__ as a name is data, never the object's prototype.
  const proto = project(event, parseFields('__proto__=eventName'));
  assert.equal(JSON.stringify(proto), '{"__proto__":"DeleteObjects"}');
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
});

test('parseFields: a name given twice, or a bad name=path, is a usage error', () => {
  assert.throws(() => parseFields('a=eventTime,a=eventName'), (e: unknown) => e instanceof UsageError && /the name a is given twice/.test(e.message));
  assert.throws(() => parseFields('userIdentity=eventName,userIdentity.arn'), UsageError);
  assert.throws(() => parseFields('=eventName'), /expected name=path/);
  assert.throws(() => parseFields('who='), /expected name=path/);
});

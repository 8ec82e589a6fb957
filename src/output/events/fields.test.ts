import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import { parseFields, project } from './fields.js';

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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customEndpoint, endpointFor, endpointVariable } from './aws-clients.js';

test('each service has the variable the SDK and the AWS CLI read', () => {
  assert.equal(endpointVariable('S3'), 'AWS_ENDPOINT_URL_S3');
  assert.equal(endpointVariable('CloudWatch Logs'), 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS');
  assert.equal(endpointVariable('S3 Control'), 'AWS_ENDPOINT_URL_S3_CONTROL');
  assert.equal(endpointVariable('EventBridge'), 'AWS_ENDPOINT_URL_EVENTBRIDGE');
});

test('the service variable, then --endpoint-url; AWS_ENDPOINT_URL is left to the SDK, below the flag', () => {
  const flag = { endpointUrl: 'http://flag' };
  assert.equal(endpointFor('S3', flag, { AWS_ENDPOINT_URL_S3: 'http://s3var' }), 'http://s3var');
  assert.equal(endpointFor('CloudTrail', flag, { AWS_ENDPOINT_URL_S3: 'http://s3var' }), 'http://flag', 'another service keeps the flag');
  assert.equal(endpointFor('S3', flag, { AWS_ENDPOINT_URL: 'http://all' }), 'http://flag');
  assert.equal(endpointFor('S3', {}, { AWS_ENDPOINT_URL: 'http://all' }), undefined, 'the SDK applies AWS_ENDPOINT_URL itself');
  assert.equal(endpointFor('S3', flag, { AWS_ENDPOINT_URL_S3: '' }), 'http://flag', 'an empty variable is unset');
  assert.equal(endpointFor('S3', flag, { AWS_ENDPOINT_URL_S3: 'http://s3var', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), 'http://flag');
});

test('customEndpoint: where calls really go when it is not AWS (path-style S3, S3 Control at an IP)', () => {
  assert.equal(customEndpoint('S3 Control', {}, { AWS_ENDPOINT_URL: 'http://all' }), 'http://all');
  assert.equal(customEndpoint('S3', {}, {}), undefined);
  assert.equal(customEndpoint('S3', {}, { AWS_ENDPOINT_URL: 'http://all', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }), undefined);
  assert.equal(customEndpoint('S3', { endpointUrl: 'http://flag' }, { AWS_ENDPOINT_URL: 'http://all' }), 'http://flag');
});

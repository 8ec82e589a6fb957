import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../errors.js';
import { parseTrailArn } from './setup.js';

test('a trail ARN gives its home region, account and name (names may hold slashes)', () => {
  assert.deepEqual(parseTrailArn('arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail'), { homeRegion: 'eu-west-1', account: '111122223333', name: 'org-trail' });
  assert.deepEqual(parseTrailArn('arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/a/b'), { homeRegion: 'us-gov-west-1', account: '111122223333', name: 'a/b' });
  for (const bad of ['org-trail', 'arn:aws:s3:::bucket', 'arn:aws:cloudtrail::111122223333:trail/x', 'arn:aws:cloudtrail:eu-west-1:1111:trail/x', 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/', 'arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/x']) {
    assert.throws(() => parseTrailArn(bad), UsageError, bad);
  }
});

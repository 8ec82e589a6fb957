import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAthenaRequest } from './athena-engine.js';
import { CandidateObjects, sourcesOutsideTable } from './athena-narrowing.js';
import { LazyS3Store } from '../source/store.js';
import { UsageError } from '../errors.js';

const stores = (arg: string) => new LazyS3Store(arg, () => Promise.reject(new Error('no S3 in this test')));

test('a row names an object only inside a source: other buckets, other prefixes and dot segments are not read', async () => {
  const objects = new CandidateObjects(['s3://trail/org/', 's3://other'], stores);
  assert.equal(objects.add('s3://trail/org/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14/a.json.gz'), true);
  assert.equal(objects.add('s3://trail/elsewhere/AWSLogs/x.json.gz'), false);
  assert.equal(objects.add('s3://trail/org/../secret.json.gz'), false);
  assert.equal(objects.add('s3://other/AWSLogs/b.json.gz'), true);
  assert.equal(objects.add('not a path'), false);
  const named = new CandidateObjects(['s3://trail/logs'], stores);
  assert.equal(named.add('s3://trail/logs/AWSLogs/a.json.gz'), true);
  assert.equal(named.add('s3://trail/logs2/AWSLogs/a.json.gz'), false, 'a prefix named without its slash is a folder, not the start of a name');
  assert.equal(objects.add('s3://trail/org/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14/a.json.gz'), true);
  assert.equal(objects.outside, 3);
  assert.equal(objects.count, 2, 'an object named twice is read once');
  const labels = objects.sources().map((s) => s.label);
  assert.deepEqual(labels, ['s3://trail/org/', 's3://other']);
  objects.clear();
  assert.deepEqual(objects.sources(), [], 'a source without candidates is left out, not reported empty');
});

test('only S3 trail locations, and no Insights', () => {
  assert.throws(() => checkAthenaRequest(['fixtures/demo'], {}), UsageError);
  assert.throws(() => checkAthenaRequest(['-'], {}), UsageError);
  assert.throws(() => checkAthenaRequest([], {}), UsageError);
  assert.throws(() => checkAthenaRequest(['s3://b/'], { category: ['management', 'insight'] }), /Insights/);
  checkAthenaRequest(['s3://b/', 's3://c/p/'], { category: ['data'] });
});

test('a source shares objects with the table when one holds the other; any other source is outside it', () => {
  const table = 's3://trail/logs/AWSLogs/o-aa11bb22cc/';
  assert.deepEqual(
    sourcesOutsideTable(table, ['s3://trail', 's3://trail/logs', 's3://trail/logs/AWSLogs/o-aa11bb22cc', 's3://trail/logs/AWSLogs/o-aa11bb22cc/111122223333/']),
    [],
  );
  assert.deepEqual(
    sourcesOutsideTable(table, ['s3://other/logs/', 's3://trail/logs2', 's3://trail/logs/AWSLogs/o-ff', 's3://trail/logs/AWSLogs/111122223333/']),
    ['s3://other/logs/', 's3://trail/logs2', 's3://trail/logs/AWSLogs/o-ff', 's3://trail/logs/AWSLogs/111122223333/'],
  );
  assert.deepEqual(sourcesOutsideTable('s3://trail/logs', ['s3://trail/logs/AWSLogs/', 's3://trail/logsx/']), ['s3://trail/logsx/'], 'a location without its slash is a folder');
  assert.deepEqual(sourcesOutsideTable('not a location', ['s3://trail/']), ['s3://trail/']);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateDatabaseCommand, CreateTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { runCli } from '../helpers/cli.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { dummyAwsEnv } from '../helpers/aws-env.js';
import { startDuckAthena, type DuckAthena } from '../helpers/athena-duckdb-proxy.js';
import { openCorpus, type Corpus } from '../athena/duckdb-corpus.js';
import { corpusFiles, DEMO_TRAIL } from '../athena/corpus-files.js';

/**
 * Athena narrows, ctrail decides: `--engine athena` against moto (S3 holds the trail; each query's rows are
 * what the generated SQL selects on DuckDB) prints the same bytes, with the same exit code, as a local scan
 * of the same bucket, while reading fewer objects.
 */

let moto: MotoServer;
let athena: DuckAthena;
let corpus: Corpus;
let env: NodeJS.ProcessEnv;
const BUCKET = 'trail';

before(async () => {
  moto = await startMoto();
  corpus = await openCorpus(corpusFiles(), [DEMO_TRAIL], BUCKET);
  athena = await startDuckAthena(moto.endpoint, corpus);
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new CreateBucketCommand({ Bucket: 'results' }));
  for (const f of corpus.files()) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: f.key, Body: readFileSync(f.path) }));
  s3.destroy();
  // The catalog's side of the tables: where each reads (DuckDB holds `cloudtrail`; `glue_only` is in Glue alone).
  const glue = new GlueClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } });
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'main' } }));
  for (const Name of ['cloudtrail', 'glue_only']) {
    await glue.send(new CreateTableCommand({ DatabaseName: 'main', TableInput: { Name, StorageDescriptor: { Location: `s3://${BUCKET}/AWSLogs/` } } }));
  }
  // Partition projection reads where the template points, whatever LOCATION says.
  await glue.send(
    new CreateTableCommand({
      DatabaseName: 'main',
      TableInput: {
        Name: 'projected_elsewhere',
        Parameters: { 'projection.enabled': 'true', 'storage.location.template': 's3://elsewhere/AWSLogs/${account}/CloudTrail/${region}/${day}' },
        StorageDescriptor: { Location: `s3://${BUCKET}/AWSLogs/` },
      },
    }),
  );
  glue.destroy();
  env = { ...dummyAwsEnv, AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ENDPOINT_URL_ATHENA: athena.endpoint, AWS_ENDPOINT_URL_GLUE: moto.endpoint, CTRAIL_ATHENA_POLL_MS: '5' };
});

after(async () => {
  await athena?.stop();
  await moto?.stop();
  corpus?.close();
});

async function objectGets(): Promise<number> {
  await moto.settle();
  return moto.requests.filter((r) => r.method === 'GET' && r.url.startsWith(`/${BUCKET}/AWSLogs/`) && !r.url.includes('list-type')).length;
}

const ENGINE = ['--engine', 'athena', '--database', 'main', '--table', 'cloudtrail', '--output-location', 's3://results/q/', '-q'];

const CASES: Array<{ name: string; args: string[]; selective?: boolean }> = [
  { name: 'events --event-name', args: ['events', '--event-name', 'DeleteTable', '-o', 'ndjson'], selective: true },
  { name: 'events --user --start (odd time shapes)', args: ['events', '--user', 'night-shift', '--start', '2026-03-14T04:00:00Z', '-o', 'ndjson'], selective: true },
  { name: 'events --source-ip, table', args: ['events', '--source-ip', '10.0.0.0/8', '--fields', 'eventTime,eventName,sourceIPAddress', '-o', 'csv'], selective: true },
  { name: 'count --by', args: ['count', '--by', 'eventName', '--interval', '1h', '--event-source', 's3.amazonaws.com', '-o', 'ndjson'], selective: true },
  { name: 'find-deletion', args: ['find-deletion', 'orders', '-o', 'ndjson'], selective: true },
  { name: 'find-deletion, a window and an account', args: ['find-deletion', 'orders', '--start', '2026-03-14T04:00:00Z', '--end', '2026-03-14T05:00:00Z', '--account', '444455556666', '-o', 'json'] },
  { name: 'trace', args: ['trace', 'ASIAADMINEXAMPLE0001', '-o', 'ndjson'], selective: true },
  { name: 'activity', args: ['activity', 'AKIAALICEEXAMPLEKEY1', '-o', 'ndjson'], selective: true },
  { name: 'activity, a federated name', args: ['activity', 'jane.doe@example.com', '-o', 'json'] },
];

for (const c of CASES) {
  test(`--engine athena prints the bytes a local scan prints: ${c.name}`, async () => {
    const [command, ...rest] = c.args;
    const before = await objectGets();
    const local = await runCli([command!, ...rest, '--threads', '1', '-q', `s3://${BUCKET}/`], { env });
    const mid = await objectGets();
    const queriesBefore = athena.queries.length;
    const remote = await runCli([command!, ...rest, '--threads', '1', ...ENGINE, `s3://${BUCKET}/`], { env });
    const after = await objectGets();
    assert.equal(local.code, 0, local.stderr);
    assert.ok(local.stdout.length > 0);
    assert.equal(remote.stderr, '', 'no problem, no notice');
    assert.equal(remote.code, local.code);
    assert.equal(remote.stdout, local.stdout);
    assert.ok(athena.queries.length > queriesBefore, 'the run asked Athena');
    if (c.selective) assert.ok(after - mid < mid - before, `athena read ${after - mid} objects, local ${mid - before}`);
  });
}

test('find-deletion runs two passes, each one query; a pass 1 without rows skips pass 2', async () => {
  const n = athena.queries.length;
  const found = await runCli(['find-deletion', 'orders', '--threads', '1', ...ENGINE, `s3://${BUCKET}/`], { env });
  assert.equal(found.code, 0, found.stderr);
  assert.deepEqual(athena.queries.slice(n).map((q) => q.split('\n')[0]), ['-- ctrail: pass 1: calls that name the resource', '-- ctrail: pass 2: credential-issuing calls in the look-back before pass 1']);
  const m = athena.queries.length;
  const none = await runCli(['find-deletion', 'no-such-table-anywhere', '--threads', '1', ...ENGINE, `s3://${BUCKET}/`], { env });
  assert.equal(none.code, 1);
  assert.equal(athena.queries.length - m, 1);
  assert.match(none.stderr, /athena: no candidate events/);
});

test('what --engine athena cannot serve is refused in one line, exit 2', async () => {
  for (const [args, message] of [
    [['events', '--engine', 'athena', DEMO_TRAIL], /only S3 trail locations/],
    [['events', '--engine', 'athena', '--category', 'insight', `s3://${BUCKET}/`], /Insights events are not in the CloudTrail table/],
    [['events', '--table', 'x', `s3://${BUCKET}/`], /applies to --engine athena only/],
    [['events', '--engine', 'athena', '--max-scan-gb', '0', `s3://${BUCKET}/`], /--max-scan-gb "0"/],
  ] as const) {
    const r = await runCli([...args], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});

test('ctrail athena sql prints each pass, labelled, and runs nothing', async () => {
  const n = athena.queries.length;
  const r = await runCli(['athena', 'sql', 'find-deletion', 'orders', '--match', 'x', '--database', 'db', `s3://${BUCKET}/`], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^-- narrows nothing in SQL \(ctrail applies it to the records it reads\): --match\n-- pass 1: calls that name the resource\nSELECT "\$path" AS path, eventid, eventtime\nFROM "db"\."cloudtrail"/);
  assert.match(r.stdout, /-- pass 2: credential-issuing calls/);
  assert.equal(athena.queries.length, n);
});

test('a table over another trail, or none, is refused in one line before any query: its empty answer is not the sources\'', async () => {
  const n = athena.queries.length;
  for (const [args, message] of [
    [['events', '--event-name', 'X', ...ENGINE, 's3://elsewhere/'], /^ctrail: --engine athena: table main\.cloudtrail reads s3:\/\/trail\/AWSLogs\/, which holds nothing of s3:\/\/elsewhere\/: /],
    [['find-deletion', 'orders', ...ENGINE, `s3://${BUCKET}/archive/`], /which holds nothing of s3:\/\/trail\/archive\/: /],
    [['events', ...ENGINE.slice(0, 5), 'projected_elsewhere', '--output-location', 's3://results/q/', '-q', `s3://${BUCKET}/`], /table main\.projected_elsewhere reads s3:\/\/elsewhere\/AWSLogs\/, which holds nothing of s3:\/\/trail\/: /],
    [['events', '--event-name', 'X', ...ENGINE.slice(0, 5), 'not_made', '--output-location', 's3://results/q/', '-q', `s3://${BUCKET}/`], /^ctrail: Athena table main\.not_made does not exist: create it with ctrail athena setup/],
  ] as const) {
    const r = await runCli([...args], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.equal(athena.queries.length, n, 'no query ran');
  const inside = await runCli(['events', '--event-name', 'DeleteTable', '-o', 'ndjson', ...ENGINE, `s3://${BUCKET}/AWSLogs/`], { env });
  assert.equal(inside.code, 0, inside.stderr);
});

test('a query Athena refuses ends the run in one line, exit 2, with nothing printed', async () => {
  for (const command of [['events', '--event-name', 'X'], ['find-deletion', 'orders'], ['activity', 'AKIAALICEEXAMPLEKEY1']]) {
    const r = await runCli([...command, '--threads', '1', '--engine', 'athena', '--database', 'main', '--table', 'glue_only', '--output-location', 's3://results/q/', '-q', `s3://${BUCKET}/`], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^ctrail: .*Athena/i);
  }
});

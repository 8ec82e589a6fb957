import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AthenaClient, CreateWorkGroupCommand, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { athenaClient, AthenaQueryError, type AthenaClient as LazyClient, costUsd, runAthenaQuery, type AthenaProgress, type AthenaQuery } from './client.js';
import { startMoto, type MotoServer } from '../../test/helpers/moto.js';
import { setMotoAthenaResult, startAthenaProxy, type AthenaProxy } from '../../test/helpers/athena-proxy.js';
import { dummyAwsEnv } from '../../test/helpers/aws-env.js';

let moto: MotoServer;
let proxy: AthenaProxy;
let client: LazyClient;
/** Straight to moto, around the proxy: what Athena itself holds. */
let direct: AthenaClient;

const OUTPUT = 's3://athena-results/ctrail/';
const query = (over: Partial<AthenaQuery> = {}): AthenaQuery => ({
  sql: 'SELECT "$path" AS path, eventid FROM cloudtrail',
  database: 'ctrail',
  outputLocation: OUTPUT,
  maxScanBytes: 100e9,
  ...over,
});

before(async () => {
  moto = await startMoto();
  proxy = await startAthenaProxy({ target: moto.endpoint });
  // athenaClient() finds its endpoint as every service client does: the SDK's AWS_ENDPOINT_URL_<SERVICE>.
  Object.assign(process.env, dummyAwsEnv, { AWS_ENDPOINT_URL_ATHENA: proxy.endpoint });
  client = athenaClient({ region: 'us-east-1' });
  direct = new AthenaClient({ region: 'us-east-1', endpoint: moto.endpoint });
  await direct.send(new CreateWorkGroupCommand({ Name: 'no-output', Configuration: {} }));
  await direct.send(
    new CreateWorkGroupCommand({ Name: 'with-output', Configuration: { ResultConfiguration: { OutputLocation: 's3://wg-results/' } } }),
  );
});

after(async () => {
  client?.destroy();
  direct?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

async function collect(it: AsyncIterable<string[]>): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const r of it) rows.push(r);
  return rows;
}

async function failure(it: AsyncIterable<string[]>): Promise<AthenaQueryError> {
  try {
    await collect(it);
  } catch (err) {
    assert.ok(err instanceof AthenaQueryError, `expected an AthenaQueryError, got ${String(err)}`);
    return err;
  }
  assert.fail('the query was expected to fail');
}

async function motoState(id: string): Promise<string | undefined> {
  return (await direct.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status?.State;
}

const callsOf = (op: string, from: number) => proxy.calls.slice(from).filter((c) => c.operation === op);

test('polls through QUEUED and RUNNING, then streams every row page by page with the header dropped', async () => {
  const from = proxy.calls.length;
  const rows = Array.from({ length: 7 }, (_, i) => [`s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/0${i}/f.json.gz`, `id-${i}`]);
  await setMotoAthenaResult(moto.endpoint, ['path', 'eventid'], rows);
  proxy.script({ steps: [{ state: 'QUEUED' }, { state: 'RUNNING', bytes: 1_000_000 }, { state: 'RUNNING', bytes: 2_500_000 }, { state: 'SUCCEEDED', bytes: 3_000_000 }] });
  proxy.pageSize = 3;
  const progress: AthenaProgress[] = [];
  let columns: string[] = [];
  try {
    const got = await collect(
      runAthenaQuery(client, query({ workgroup: 'with-output' }), { pollMs: 2, pageSize: 1000, onProgress: (p) => progress.push(p), onColumns: (c) => (columns = c) }),
    );
    assert.deepEqual(got, rows);
    assert.deepEqual(columns, ['path', 'eventid']);
  } finally {
    proxy.pageSize = 1000;
  }
  const start = callsOf('StartQueryExecution', from);
  assert.equal(start.length, 1);
  assert.deepEqual(start[0]!.input.QueryExecutionContext, { Database: 'ctrail' });
  assert.equal(start[0]!.input.WorkGroup, 'with-output');
  assert.deepEqual(start[0]!.input.ResultConfiguration, { OutputLocation: OUTPUT });
  // 8 rows with the header, 3 a page: three pages, each after the one before, by NextToken.
  const pages = callsOf('GetQueryResults', from);
  assert.deepEqual(pages.map((c) => c.input.NextToken), [undefined, 'page-3', 'page-6']);
  assert.deepEqual(progress.map((p) => p.state).filter((s, i, a) => s !== a[i - 1]), ['QUEUED', 'RUNNING', 'SUCCEEDED']);
  const last = progress.at(-1)!;
  assert.equal(last.bytesScanned, 3_000_000);
  assert.equal(last.costUsd, costUsd(3_000_000));
  assert.equal(costUsd(1e12), 5);
});

test('a page is fetched only when the consumer wants it: a reader that stops early costs one page', async () => {
  const from = proxy.calls.length;
  await setMotoAthenaResult(moto.endpoint, ['path', 'eventid'], Array.from({ length: 50 }, (_, i) => [`p${i}`, `e${i}`]));
  proxy.pageSize = 10;
  try {
    for await (const row of runAthenaQuery(client, query(), { pollMs: 1 })) {
      assert.deepEqual(row, ['p0', 'e0']);
      break;
    }
  } finally {
    proxy.pageSize = 1000;
  }
  assert.equal(callsOf('GetQueryResults', from).length, 1);
});

test('a page that cannot be read after the first says how many rows came before it', async () => {
  await setMotoAthenaResult(moto.endpoint, ['path', 'eventid'], Array.from({ length: 5 }, (_, i) => [`p${i}`, `e${i}`]));
  proxy.pageSize = 3;
  const rows: string[][] = [];
  try {
    const it = runAthenaQuery(client, query(), { pollMs: 1 });
    const err = await failure({
      async *[Symbol.asyncIterator]() {
        for await (const r of it) {
          rows.push(r);
          // After the first page, the next GetQueryResults is refused (not retryable, so no waiting).
          if (rows.length === 2) proxy.refuse('GetQueryResults', { status: 400, type: 'InvalidRequestException', message: 'token expired' });
          yield r;
        }
      },
    });
    assert.equal(err.kind, 'results-lost');
    assert.match(err.message, /results lost after 2 rows/);
    assert.match(err.message, /token expired/);
  } finally {
    proxy.pageSize = 1000;
  }
  assert.equal(rows.length, 2);
});

test('a page refused by a passing fault (5xx) mid-stream is asked for again, and no row is lost or repeated', async () => {
  await setMotoAthenaResult(moto.endpoint, ['path', 'eventid'], Array.from({ length: 5 }, (_, i) => [`p${i}`, `e${i}`]));
  proxy.pageSize = 2;
  const from = proxy.calls.length;
  const rows: string[][] = [];
  try {
    for await (const r of runAthenaQuery(client, query(), { pollMs: 1 })) {
      rows.push(r);
      if (rows.length === 2) proxy.refuse('GetQueryResults', { status: 503, type: 'ServiceUnavailableException', message: 'slow down' });
    }
  } finally {
    proxy.pageSize = 1000;
  }
  assert.deepEqual(rows.map((r) => r[1]), ['e0', 'e1', 'e2', 'e3', 'e4']);
  const pages = callsOf('GetQueryResults', from);
  const refused = pages.findIndex((c) => c.status === 503);
  assert.ok(refused > 0 && pages.filter((c) => c.status === 503).length === 1);
  assert.equal(pages[refused + 1]!.input.NextToken, pages[refused]!.input.NextToken, 'the retry asks for the same page');
});

test('a page token that does not move ends the rows instead of paging for ever', async () => {
  await setMotoAthenaResult(moto.endpoint, ['path', 'eventid'], [['p', 'e']]);
  proxy.stuckToken = true;
  try {
    const err = await failure(runAthenaQuery(client, query(), { pollMs: 1 }));
    assert.equal(err.kind, 'results-lost');
    assert.match(err.message, /repeated its page token after 3 rows/);
  } finally {
    proxy.stuckToken = false;
  }
});

test('a query that scans more than the limit is stopped on Athena, and the error gives the figure', async () => {
  const from = proxy.calls.length;
  proxy.script({ steps: [{ state: 'RUNNING', bytes: 1e9 }, { state: 'RUNNING', bytes: 250e9 }] });
  const err = await failure(runAthenaQuery(client, query({ maxScanBytes: 100e9 }), { pollMs: 1 }));
  assert.equal(err.kind, 'scan-limit');
  assert.match(err.message, /scanned 250\.00 GB, more than the limit of 100\.00 GB/);
  assert.match(err.message, /stopped on Athena/);
  assert.equal(err.bytesScanned, 250e9);
  assert.equal(callsOf('StopQueryExecution', from).length, 1);
  assert.equal(await motoState(err.queryId!), 'CANCELLED');
  assert.equal(callsOf('GetQueryResults', from).length, 0);
});

test('a query that never ends is stopped on Athena once the longest wait has passed', async () => {
  const from = proxy.calls.length;
  proxy.script({ steps: [{ state: 'RUNNING', bytes: 10 }] });
  const err = await failure(runAthenaQuery(client, query(), { pollMs: 1, maxWaitMs: 30 }));
  assert.equal(err.kind, 'timed-out');
  assert.match(err.message, /still RUNNING after 1 s, the longest ctrail waits; stopped on Athena/);
  assert.equal(callsOf('StopQueryExecution', from).length, 1);
  assert.equal(await motoState(err.queryId!), 'CANCELLED');
});

test('an aborted signal stops a running query on Athena', async () => {
  const from = proxy.calls.length;
  proxy.script({ steps: [{ state: 'RUNNING', bytes: 10 }] });
  const ac = new AbortController();
  void proxy.reached('RUNNING').then(() => ac.abort());
  const err = await failure(runAthenaQuery(client, query(), { pollMs: 5, signal: ac.signal }));
  assert.equal(err.kind, 'interrupted');
  assert.match(err.message, /interrupted; stopped on Athena/);
  assert.equal(callsOf('StopQueryExecution', from).length, 1);
  assert.equal(await motoState(err.queryId!), 'CANCELLED');
});

test('FAILED gives Athena\'s reason on one line; CANCELLED by someone else is said so', async () => {
  proxy.script({ steps: [{ state: 'RUNNING' }, { state: 'FAILED', reason: "SYNTAX_ERROR: line 1:8:\nColumn 'x' cannot be resolved\u001b[31m" }] });
  const failed = await failure(runAthenaQuery(client, query(), { pollMs: 1 }));
  assert.equal(failed.kind, 'failed');
  assert.match(failed.message, /FAILED: SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved/);
  assert.doesNotMatch(failed.message, /[\n\u001b]/);

  proxy.script({ steps: [{ state: 'QUEUED' }, { state: 'CANCELLED' }] });
  const cancelled = await failure(runAthenaQuery(client, query(), { pollMs: 1 }));
  assert.equal(cancelled.kind, 'cancelled');
  assert.match(cancelled.message, /CANCELLED outside ctrail/);
});

test('access denied and a workgroup without a result location are one clear error each, before any query runs', async () => {
  const from = proxy.calls.length;
  proxy.refuse('StartQueryExecution', {
    status: 400,
    type: 'AccessDeniedException',
    message: 'User: arn:aws:iam::111122223333:user/x is not authorized to perform: athena:StartQueryExecution',
  });
  const denied = await failure(runAthenaQuery(client, query(), { pollMs: 1 }));
  assert.equal(denied.kind, 'access-denied');
  assert.match(denied.message, /^Athena StartQueryExecution: access denied \(User: .* athena:StartQueryExecution\)$/);

  const none = await failure(runAthenaQuery(client, query({ outputLocation: undefined, workgroup: 'no-output' }), { pollMs: 1 }));
  assert.equal(none.kind, 'no-output-location');
  assert.match(none.message, /workgroup no-output has no query result location: pass --output-location/);
  assert.equal(callsOf('StartQueryExecution', from).length, 1, 'only the refused start: none for the workgroup without a location');

  // The workgroup's own location is enough.
  await setMotoAthenaResult(moto.endpoint, ['path', 'eventid'], [['p', 'e']]);
  assert.deepEqual(await collect(runAthenaQuery(client, query({ outputLocation: undefined, workgroup: 'with-output' }), { pollMs: 1 })), [['p', 'e']]);
  // And an unknown workgroup is Athena's own words, on one line.
  const unknown = await failure(runAthenaQuery(client, query({ workgroup: 'nope' }), { pollMs: 1 }));
  assert.equal(unknown.kind, 'api');
  assert.match(unknown.message, /^Athena StartQueryExecution: .*WorkGroup does not exist/);
});

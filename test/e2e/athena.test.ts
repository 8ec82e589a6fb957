import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { AthenaClient, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetTableCommand, GlueClient, UpdateTableCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { cliPath, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { setMotoAthenaResult, startAthenaProxy, type AthenaProxy } from '../helpers/athena-proxy.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';

/**
 * `ctrail athena setup` and `ctrail athena query`, run as a user would, against moto's S3, Glue and Athena
 * on 127.0.0.1 (Athena through the paging/state proxy, so queries have a life: queued, running, stopped).
 */
const ORG = 'o-aa11bb22cc';
const BUCKET = 'org-trail';
let moto: MotoServer;
let proxy: AthenaProxy;
let s3: S3Client;
let glue: GlueClient;
let athena: AthenaClient;
let env: NodeJS.ProcessEnv;

const key = (acct: string, region: string, day: string) => `logs/AWSLogs/${ORG}/${acct}/CloudTrail/${region}/${day}/${acct}_CloudTrail_${region}_20240101T0000Z_abc.json.gz`;
const put = (k: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: 'x' }));
const ctrail = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { env: { ...env, ...extra } });

function oneLineError(r: CliResult, code: number, re: RegExp): void {
  assert.equal(r.code, code, `exit ${code}\nstderr: ${r.stderr}`);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('ctrail: ') && !l.startsWith('ctrail: note:') && !l.startsWith('ctrail: athena query '));
  assert.equal(errors.length, 1, `one error line:\n${r.stderr}`);
  assert.match(errors[0]!, re);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

before(async () => {
  moto = await startMoto();
  proxy = await startAthenaProxy({ target: moto.endpoint });
  env = { ...moto.env, AWS_ENDPOINT_URL_ATHENA: proxy.endpoint, CTRAIL_ATHENA_POLL_MS: '5' };
  const local = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } };
  s3 = new S3Client({ ...local, forcePathStyle: true });
  glue = new GlueClient(local);
  athena = new AthenaClient(local);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await put(key('111122223333', 'us-east-1', '2024/01/02'));
  await put(key('111122223333', 'eu-west-1', '2023/12/31'));
  await put(key('444455556666', 'us-east-1', '2024/02/01'));
});

after(async () => {
  s3?.destroy();
  glue?.destroy();
  athena?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

describe('athena setup', () => {
  test('creates the table over the organization, then changes nothing, then reports a changed layout in one line', async () => {
    const first = await ctrail(['athena', 'setup', `s3://${BUCKET}/logs`]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stdout,
      `Created table ctrail.cloudtrail over s3://${BUCKET}/logs/AWSLogs/${ORG}/: 2 account(s), 2 region(s), from 2023/12/31 (and database ctrail)\n`,
    );
    // moto's primary workgroup has no result location, and none was given: worth a word, not a failure.
    assert.match(first.stderr, /^ctrail: note: Athena workgroup primary has no query result location: pass --output-location/m);
    const t = (await glue.send(new GetTableCommand({ DatabaseName: 'ctrail', Name: 'cloudtrail' }))).Table!;
    assert.equal(t.Parameters?.['projection.account.values'], '111122223333,444455556666');
    assert.equal(t.Parameters?.['projection.region.values'], 'eu-west-1,us-east-1');
    assert.equal(t.Parameters?.['projection.day.range'], '2023/12/31,NOW');
    assert.equal(t.Parameters?.['storage.location.template'], `s3://${BUCKET}/logs/AWSLogs/${ORG}/\${account}/CloudTrail/\${region}/\${day}`);

    const again = await ctrail(['athena', 'setup', `s3://${BUCKET}/logs`]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Table ctrail\.cloudtrail over .* is up to date \(2 account\(s\), 2 region\(s\), from 2023\/12\/31\): nothing changed\n$/);

    await put(key('777788889999', 'ap-southeast-2', '2024/03/01'));
    const grown = await ctrail(['athena', 'setup', `s3://${BUCKET}/logs`]);
    assert.equal(grown.code, 0, grown.stderr);
    assert.equal(grown.stdout, 'Updated table ctrail.cloudtrail: the layout changed: accounts +777788889999; regions +ap-southeast-2\n');
  });

  test('--print shows the DDL and creates nothing', async () => {
    const r = await ctrail(['athena', 'setup', `s3://${BUCKET}/logs`, '--table', 'printed_only', '--print']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^CREATE DATABASE IF NOT EXISTS `ctrail`;\n\nCREATE EXTERNAL TABLE `ctrail`\.`printed_only` \(/);
    assert.match(r.stdout, /'projection\.enabled'='true'/);
    assert.match(r.stdout, /LOCATION 's3:\/\/org-trail\/logs\/AWSLogs\/o-aa11bb22cc\/'/);
    await assert.rejects(glue.send(new GetTableCommand({ DatabaseName: 'ctrail', Name: 'printed_only' })), /EntityNotFound/);
  });

  test('a table over another place is refused (exit 2, one line) unless --replace', async () => {
    await ctrail(['athena', 'setup', `s3://${BUCKET}/logs`, '--table', 'moving']);
    await s3.send(new CreateBucketCommand({ Bucket: 'other-trail' }));
    await s3.send(new PutObjectCommand({ Bucket: 'other-trail', Key: `AWSLogs/${ORG}/111122223333/CloudTrail/us-east-1/2025/01/01/f.json.gz`, Body: 'x' }));
    const refused = await ctrail(['athena', 'setup', 's3://other-trail', '--table', 'moving']);
    oneLineError(refused, 2, /^ctrail: table ctrail\.moving reads s3:\/\/org-trail\/logs\/AWSLogs\/o-aa11bb22cc\/, not s3:\/\/other-trail\/AWSLogs\/o-aa11bb22cc\/: .*--replace/);
    const replaced = await ctrail(['athena', 'setup', 's3://other-trail', '--table', 'moving', '--replace']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /^Replaced table ctrail\.moving: it read s3:\/\/org-trail\/logs\/AWSLogs\/o-aa11bb22cc\/, it now reads s3:\/\/other-trail\/AWSLogs\/o-aa11bb22cc\//);
  });

  test("a changed layout is reported with the catalog's own values escaped: table properties are not ctrail's to trust", async () => {
    await ctrail(['athena', 'setup', `s3://${BUCKET}/logs`, '--table', 'tampered']);
    const t = (await glue.send(new GetTableCommand({ DatabaseName: 'ctrail', Name: 'tampered' }))).Table!;
    const Parameters = { ...t.Parameters, 'projection.account.values': `${t.Parameters!['projection.account.values']},\u001b]0;owned\u0007`, 'projection.day.range': '\u001b[2J2020/01/01,NOW' };
    await glue.send(
      new UpdateTableCommand({
        DatabaseName: 'ctrail',
        TableInput: { Name: 'tampered', TableType: t.TableType, Parameters, PartitionKeys: t.PartitionKeys, StorageDescriptor: t.StorageDescriptor },
      }),
    );
    const r = await ctrail(['athena', 'setup', `s3://${BUCKET}/logs`, '--table', 'tampered']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /[\u001b\u0007]/, 'no control character from the catalog reaches the terminal');
    assert.match(r.stdout, /accounts -\\x1b\]0;owned\\x07; first day 2023\/12\/31 \(was \\x1b\[2J2020\/01\/01\)/);
  });

  test('bad names, an unknown workgroup and a bucket without a trail are one line each, exit 2', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'empty-bucket' }));
    const [badName, noWorkgroup, noTrail, notS3] = await Promise.all([
      ctrail(['athena', 'setup', `s3://${BUCKET}/logs`, '--table', 'x; DROP']),
      ctrail(['athena', 'setup', `s3://${BUCKET}/logs`, '--workgroup', 'nope']),
      ctrail(['athena', 'setup', 's3://empty-bucket']),
      ctrail(['athena', 'setup', '/tmp/folder']),
    ]);
    oneLineError(badName, 2, /--table "x; drop": Athena names are letters, digits and underscores/);
    oneLineError(noWorkgroup, 2, /Athena workgroup nope does not exist/);
    oneLineError(noTrail, 2, /s3:\/\/empty-bucket: no CloudTrail log folders/);
    oneLineError(notS3, 2, /athena setup reads a trail bucket/);
  });

  test('a listing that fails after its retries changes nothing and exits 3', async () => {
    const faults = await startFaultProxy({ target: moto.endpoint, seed: 1, rate: 1, faults: ['status-500'], maxConsecutive: Infinity, lifetimeMs: 60_000 });
    try {
      const r = await ctrail(['athena', 'setup', `s3://${BUCKET}/logs`, '--table', 'never_made'], { AWS_ENDPOINT_URL_S3: faults.endpoint });
      oneLineError(r, 3, /listing failed after \d+ attempts .*the layout is incomplete, so nothing was changed/);
    } finally {
      await faults.stop();
    }
    await assert.rejects(glue.send(new GetTableCommand({ DatabaseName: 'ctrail', Name: 'never_made' })), /EntityNotFound/);
  });
});

describe('athena query', () => {
  const sql = 'SELECT "$path" AS path, eventid FROM ctrail.cloudtrail';
  const results = ['--output-location', 's3://athena-results/ctrail/'];

  test('rows as tab-separated text, progress reduced to one final line with the cost when stderr is not a terminal', async () => {
    await setMotoAthenaResult(moto.endpoint, ['path', 'eventid'], [
      ['s3://org-trail/a.json.gz', 'e1'],
      ['s3://org-trail/b.json.gz', 'tab\there'],
    ]);
    proxy.script({ steps: [{ state: 'QUEUED' }, { state: 'RUNNING', bytes: 5e8 }, { state: 'SUCCEEDED', bytes: 2e9 }] });
    const r = await ctrail(['athena', 'query', sql, ...results]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'path\teventid\ns3://org-trail/a.json.gz\te1\ns3://org-trail/b.json.gz\ttab\\there\n');
    assert.match(r.stderr, /^ctrail: athena query [0-9a-f-]+ SUCCEEDED, 2 rows · 2\.00 GB scanned · \$0\.01 · \d+s\n$/);
  });

  test('no rows is exit 1', async () => {
    await setMotoAthenaResult(moto.endpoint, ['path', 'eventid'], []);
    const r = await ctrail(['athena', 'query', sql, ...results, '-q']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
  });

  test('FAILED, the scan limit, access denied and a workgroup without results are one line each, exit 2', async () => {
    proxy.script({ steps: [{ state: 'RUNNING' }, { state: 'FAILED', reason: 'TABLE_NOT_FOUND: line 1:40: Table awsdatacatalog.ctrail.cloudtrail does not exist' }] });
    oneLineError(await ctrail(['athena', 'query', sql, ...results]), 2, /^ctrail: Athena query [0-9a-f-]+ FAILED: TABLE_NOT_FOUND: line 1:40: Table .* does not exist$/);

    const before = proxy.calls.length;
    proxy.script({ steps: [{ state: 'RUNNING', bytes: 3e8 }, { state: 'RUNNING', bytes: 1.5e9 }] });
    const limited = await ctrail(['athena', 'query', sql, ...results, '--max-scan-gb', '1']);
    oneLineError(limited, 2, /^ctrail: Athena query ([0-9a-f-]+) scanned 1\.50 GB, more than the limit of 1\.00 GB \(--max-scan-gb\); stopped on Athena$/);
    const id = /Athena query ([0-9a-f-]+) scanned/.exec(limited.stderr)![1]!;
    assert.equal((await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status?.State, 'CANCELLED');
    assert.ok(proxy.calls.slice(before).some((c) => c.operation === 'StopQueryExecution'));

    proxy.refuse('StartQueryExecution', { status: 400, type: 'AccessDeniedException', message: 'not authorized to perform: athena:StartQueryExecution' });
    oneLineError(await ctrail(['athena', 'query', sql, ...results]), 2, /^ctrail: Athena StartQueryExecution: access denied \(not authorized/);

    oneLineError(await ctrail(['athena', 'query', sql]), 2, /^ctrail: Athena workgroup primary has no query result location: pass --output-location/);
    oneLineError(await ctrail(['athena', 'query', sql, '--max-scan-gb', 'lots']), 2, /--max-scan-gb "lots": expected a positive number/);
  });

  test('Ctrl-C stops the query on Athena, and the CLI exits 2', async () => {
    const before = proxy.calls.length;
    proxy.script({ steps: [{ state: 'QUEUED' }, { state: 'RUNNING', bytes: 1e6 }] });
    const running = proxy.reached('RUNNING');
    const child = spawn(process.execPath, [cliPath, 'athena', 'query', sql, ...results], {
      cwd: repoRoot,
      env: { ...process.env, ...env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await running;
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 2, stderr);
    assert.match(stderr, /interrupted: stopping the Athena query/);
    assert.match(stderr, /ctrail: Athena query ([0-9a-f-]+) interrupted; stopped on Athena\n/);
    const id = /Athena query ([0-9a-f-]+) interrupted/.exec(stderr)![1]!;
    const stops = proxy.calls.slice(before).filter((c) => c.operation === 'StopQueryExecution');
    assert.deepEqual(stops.map((c) => [c.input.QueryExecutionId, c.status]), [[id, 200]]);
    assert.equal((await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status?.State, 'CANCELLED');
  });
});

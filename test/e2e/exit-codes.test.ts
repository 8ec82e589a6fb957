import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { EXIT_TABLE, type ExitCode } from '../../src/cli/exit.js';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { tempDir } from '../helpers/temp.js';
import { TrailFixture, makeKey, type FixtureKey } from '../helpers/trail-fixture.js';

/**
 * docs/exit-codes.md and cli/exit.ts hold one table; this file holds each code of each family to it, end
 * to end: a real child process, real files, real S3 (moto) with one injected fault where a fault is needed.
 */
const demo = join(repoRoot, 'fixtures/demo');
const tmp = tempDir('ctrail-exit-');
const empty = join(tmp, 'empty');
const corrupt = join(tmp, 'corrupt.json.gz');

function code(r: CliResult, expected: ExitCode, why: string): void {
  assert.equal(r.code, expected, `${why}\nstderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

before(() => {
  mkdirSync(empty, { recursive: true });
  const gz = gzipSync(Buffer.from(JSON.stringify({ Records: [{ eventVersion: '1.08', eventTime: '2026-03-14T04:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'us-east-1' }] })));
  gz.fill(0x41, 20, gz.length - 8);
  writeFileSync(corrupt, gz);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

test('docs/exit-codes.md prints the table of cli/exit.ts', () => {
  const doc = readFileSync(join(repoRoot, 'docs/exit-codes.md'), 'utf8');
  const families = Object.values(EXIT_TABLE);
  for (const c of [0, 1, 2, 3] as const) {
    const row = doc.split('\n').find((l) => l.startsWith(`| ${c} |`));
    assert.ok(row, `a row for ${c}`);
    const cells = row.split('|').slice(3, -1).map((s) => s.trim());
    assert.deepEqual(cells, families.map((f) => f.meaning[c] ?? '—'), `row ${c}`);
  }
  const header = doc.split('\n').find((l) => l.startsWith('| Code |'))!;
  for (const f of families) for (const name of f.commands) assert.ok(header.includes(`\`${name}\``), `${name} is in the table's header`);
});

describe('search: events, count, insights, hunt', () => {
  test('0 found, 1 nothing (an empty source too), 2 usage, 3 unreadable input', async () => {
    code(await runCli(['events', demo, '--event-name', 'DeleteTable', '-q']), 0, 'events found');
    code(await runCli(['events', demo, '--event-name', 'NoSuchCall', '-q']), 1, 'events: nothing matched');
    code(await runCli(['events', empty, '-q']), 1, 'events: an empty source');
    code(await runCli(['events', demo, '--start', 'yesterday-ish']), 2, 'events: bad --start');
    const partial = await runCli(['events', demo, corrupt, '--event-name', 'DeleteTable', '-q']);
    code(partial, 3, 'events: one input unreadable, the rest printed');
    assert.equal(partial.stdout.trim().split('\n').length, 2, 'what could be read is printed');
    assert.match(partial.stderr, /corrupt\.json\.gz/);
    code(await runCli(['events', empty, corrupt, '-q']), 3, 'a fault is never "nothing found"');
  });

  test('count, insights and hunt say "nothing" with 1 and "found" with 0', async () => {
    code(await runCli(['count', demo, '-q']), 0, 'count: events counted');
    code(await runCli(['count', empty, '-q']), 1, 'count: nothing to count');
    code(await runCli(['count', demo, corrupt, '-q']), 3, 'count: unreadable input');
    code(await runCli(['insights', empty, '-q']), 1, 'insights: none');
    code(await runCli(['hunt', '--rules', 'fixtures/sigma/rules', 'fixtures/sigma/records.ndjson', '-q']), 0, 'hunt: hits');
    code(await runCli(['hunt', '--rules', 'fixtures/sigma/rules', empty, '-q']), 1, 'hunt: no hit');
  });
});

describe('forensics: find-deletion, trace, activity', () => {
  test('0 found, 1 nothing, 2 usage, 3 unreadable input', async () => {
    code(await runCli(['find-deletion', 'orders', demo, '-q']), 0, 'find-deletion found');
    code(await runCli(['find-deletion', 'no-such-table', demo, '-q']), 1, 'find-deletion: nothing');
    code(await runCli(['find-deletion', 'orders', empty, '-q']), 1, 'find-deletion: an empty source');
    code(await runCli(['find-deletion', 'orders', demo, '--look-back', 'forever']), 2, 'find-deletion: bad --look-back');
    code(await runCli(['find-deletion', 'orders', demo, corrupt, '-q']), 3, 'find-deletion: found, but an input was unreadable');
    code(await runCli(['find-deletion', 'no-such-table', demo, corrupt, '-q']), 3, 'find-deletion: a fault is never "not found"');
    code(await runCli(['trace', 'ASIAZ7ADMINSESSION01', demo, '-q']), 0, 'trace found');
    code(await runCli(['trace', 'ASIANOTHINGEXAMPLE01', demo, corrupt, '-q']), 3, 'trace: unreadable input');
    code(await runCli(['activity', 'ASIAZ7ADMINSESSION01', demo, '-q']), 0, 'activity found');
    code(await runCli(['activity', 'ASIANOTHINGEXAMPLE01', demo, '-q']), 1, 'activity: nothing');
    code(await runCli(['activity', 'not a principal', demo]), 2, 'activity: not a principal');
  });
});

describe('checks: validate (audit runs against moto in audit.test.ts)', () => {
  const ACCOUNT = '111111111111';
  const REGION = 'us-east-1';
  const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T06:00:00Z', '-o', 'json'];
  let s3: LocalS3;
  let key: FixtureKey;
  let n = 0;

  before(async () => {
    s3 = await startS3Server();
    key = makeKey();
  });
  after(() => s3.stop());

  /** A six-hour trail in moto's S3; `damage` edits it first; `unreadable` names log files whose GETs fail. */
  async function validate(damage: (fx: TrailFixture, bucket: string, logKeys: string[]) => void, unreadable: (logKeys: string[]) => string[]): Promise<CliResult> {
    const bucket = `exit-trail-${++n}`;
    const fx = new TrailFixture();
    const chain = fx.addChain({ bucket, prefix: '', account: ACCOUNT, region: REGION, trailName: 't', homeRegion: REGION, firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 6, key });
    const logKeys = chain.flatMap((d) => d.logKeys);
    damage(fx, bucket, logKeys);
    await s3.createBucket(bucket);
    for (const [k, obj] of fx.buckets.get(bucket)!) await s3.put(bucket, k, obj.body, obj.metadata);
    const failing = unreadable(logKeys).map((k) => `/${bucket}/${k}`);
    const proxy = await startFaultProxy({
      target: s3.endpoint,
      seed: 1,
      rate: 1,
      faults: ['status-500'],
      maxConsecutive: Infinity,
      match: (method, url) => method === 'GET' && failing.some((f) => url.startsWith(f)),
    });
    const ct = await startCloudTrailStandin({ keys: { [REGION]: [key] }, trails: [] });
    try {
      return await runCli(['validate', `s3://${bucket}/`, ...WINDOW], { env: { ...s3.env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint } });
    } finally {
      await Promise.all([proxy.stop(), ct.stop()]);
    }
  }
  const tamper = (fx: TrailFixture, bucket: string, logKeys: string[]): void => {
    const o = fx.get(bucket, logKeys[3]!);
    o.body = gzipSync(Buffer.from(gunzipSync(o.body).toString('utf8').replace('PutObject', 'DeleteBucket')));
  };
  const kinds = (r: CliResult): string[] => (JSON.parse(r.stdout) as { problems: Array<{ kind: string }> }).problems.map((p) => p.kind).sort();

  test('0 every file valid', async () => {
    code(await validate(() => undefined, () => []), 0, 'a healthy trail');
  });

  test('1 an INVALID log file', async () => {
    const r = await validate(tamper, () => []);
    code(r, 1, 'tampered');
    assert.deepEqual(kinds(r), ['log-hash-mismatch']);
  });

  test('3 a log file that could not be read is no verdict on it', async () => {
    const r = await validate(() => undefined, (logs) => [logs[5]!]);
    code(r, 3, 'unreadable, nothing INVALID');
    assert.deepEqual(kinds(r), ['log-error']);
    assert.match(r.stderr, /^ctrail: s3:\/\/exit-trail-\d+\/.*: .*\n$/, 'the unreadable file is named on stderr');
  });

  test('1 wins over 3: an INVALID file next to an unreadable one is still tampering', async () => {
    const r = await validate(tamper, (logs) => [logs[5]!]);
    code(r, 1, 'INVALID and unreadable');
    assert.deepEqual(kinds(r), ['log-error', 'log-hash-mismatch']);
    assert.match(r.stderr, /ctrail: s3:\/\/exit-trail-\d+\//, 'the unreadable file is still named');
  });

  test('2 a usage error checks nothing', async () => {
    code(await runCli(['validate', empty, '--start-time', '2026-03-14T05:00:00Z', '--end-time', '2026-03-14T01:00:00Z']), 2, 'reversed window');
  });
});

describe('copy: mirror', () => {
  test('2 a usage error copies nothing', async () => {
    const r = await runCli(['mirror', empty, join(tmp, 'm'), '--start-time', '2026-03-14T01:00:00Z']);
    code(r, 2, 'mirror reads from S3 only');
  });
});

describe('athena: athena setup, athena query (0, 1, 3, and 2 for a stopped query, against moto in athena.test.ts)', () => {
  test('2 a usage error changes and answers nothing', async () => {
    code(await runCli(['athena', 'setup', empty]), 2, 'athena setup reads from S3 only');
    code(await runCli(['athena', 'query', 'SELECT 1', '--max-scan-gb', '0']), 2, 'a scan limit of nothing');
    code(await runCli(['athena']), 2, 'athena without a subcommand does nothing');
  });
});

test('--help and --version exit 0; an unknown command exits 2', async () => {
  code(await runCli(['--help']), 0, '--help');
  code(await runCli(['--version']), 0, '--version');
  code(await runCli(['evnts', demo]), 2, 'misspelt command');
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { repoRoot, runCli } from '../helpers/cli.js';
import { startS3Server, dummyAwsEnv, type LocalS3 } from '../helpers/s3server.js';
import { startLookupEventsStandin, type CorpusEvent, type LookupStandin } from '../helpers/lookup-events-standin.js';
import { buildCorpus } from '../helpers/history-corpus.js';
import { loadLogGroup } from '../helpers/log-group.js';
import { tempDir } from '../helpers/temp.js';

/**
 * The AWS CLI's global options, typed before the command or after it, mean the same; and --endpoint-url
 * reaches every service a source talks to, with AWS_ENDPOINT_URL_<SERVICE> winning for its own service.
 */
const demo = join(repoRoot, 'fixtures/demo');
const DEAD = 'http://127.0.0.1:9';
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
let s3: LocalS3;
let standin: LookupStandin;
let corpus: CorpusEvent[];
let tmp: string;
/** Credentials only: every endpoint is chosen by the test. */
const creds: NodeJS.ProcessEnv = { ...dummyAwsEnv, AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_S3: '', AWS_ENDPOINT_URL_CLOUDTRAIL: '', AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: '' };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

before(async () => {
  tmp = tempDir('ctrail-global-');
  s3 = await startS3Server();
  await s3.createBucket('demo-trail');
  for (const file of walk(demo)) await s3.put('demo-trail', relative(demo, file).split('\\').join('/'), readFileSync(file));
  corpus = buildCorpus({ perRegion: 20, regions: ['us-east-1'], newest: NOW });
  standin = await startLookupEventsStandin({ events: corpus });
  const logs = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: s3.endpoint, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'x' } });
  try {
    await loadLogGroup(logs, 'trail-group', corpus);
  } finally {
    logs.destroy();
  }
});

after(async () => {
  await standin?.stop();
  await s3?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const ids = (ndjson: string): string[] =>
  ndjson
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { eventID: string }).eventID)
    .sort();

/** Runs `global` before the command and after it; both must exit 0 with the same stdout. */
async function bothPositions(global: string[], command: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string[] }> {
  const [cmd, ...rest] = command;
  const before = await runCli([...global, cmd!, ...rest], { env });
  const afterIt = await runCli([cmd!, ...rest, ...global], { env });
  assert.equal(before.code, 0, `${global.join(' ')} before ${cmd}: ${before.stderr}`);
  assert.equal(afterIt.code, 0, `${global.join(' ')} after ${cmd}: ${afterIt.stderr}`);
  assert.equal(before.stdout, afterIt.stdout, `${global.join(' ')}: the same output in both positions`);
  return { stdout: before.stdout, stderr: [before.stderr, afterIt.stderr] };
}

test('-o / --output before or after the command', async () => {
  for (const flag of [['-o', 'json'], ['--output', 'json'], ['--output=json'], ['-ojson']]) {
    const r = await bothPositions(flag, ['events', demo, '--event-name', 'DeleteTable']);
    const parsed = JSON.parse(r.stdout) as unknown[];
    assert.ok(Array.isArray(parsed) && parsed.length > 0, `${flag.join(' ')} gives a JSON array`);
  }
  // A value that is also a command's name stays the value.
  const bad = await runCli(['-o', 'audit', 'events', demo]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /-o, --output <format>' argument 'audit' is invalid/);
});

test('usage errors read the same before and after the command: an unknown option, a bad --opt=value, -o twice', async () => {
  const cases: Array<[string[], string[]]> = [
    [['--profile', 'p', '--nonsense'], ['events', demo]],
    [['--output=bogus'], ['events', demo]],
    [['--color=sometimes'], ['events', demo]],
    [['-o', 'json', '-o', 'chart'], ['events', demo]],
    [['--debug=yes'], ['events', demo]],
  ];
  for (const [global, [cmd, ...rest]] of cases) {
    const before = await runCli([...global, cmd!, ...rest]);
    const afterIt = await runCli([cmd!, ...rest, ...global]);
    assert.equal(before.code, 2, `${global.join(' ')} before: ${before.stderr}`);
    assert.equal(afterIt.code, 2, `${global.join(' ')} after: ${afterIt.stderr}`);
    assert.equal(before.stdout + afterIt.stdout, '');
    assert.equal(before.stderr, afterIt.stderr, global.join(' '));
  }
});

test('global options with no command after them: a usage error that says so, not "unknown option"', async () => {
  for (const words of [['--profile', 'p'], ['--profile'], ['-o', 'json', '--debug'], ['--color', 'always']]) {
    const r = await runCli(words);
    assert.equal(r.code, 2, words.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `ctrail: ${words.join(' ')}: a command must follow (run with --help for usage)\n`);
  }
  const bare = await runCli([]);
  assert.equal(bare.code, 0, 'ctrail alone still shows its help');
});

test('--region before or after the command filters the same events', async () => {
  const all = ids((await runCli(['events', demo, '-o', 'ndjson', '-q'])).stdout);
  const r = await bothPositions(['--region', 'eu-west-1'], ['events', demo, '-o', 'ndjson', '-q']);
  const regional = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { awsRegion: string });
  assert.ok(regional.length > 0 && regional.length < all.length, `${regional.length} of ${all.length}`);
  assert.ok(regional.every((e) => e.awsRegion === 'eu-west-1'));
});

test('--color before or after the command, into a pipe', async () => {
  const table = ['events', demo, '--event-name', 'DeleteTable', '-o', 'table'];
  const on = await bothPositions(['--color', 'always'], table);
  assert.match(on.stdout, /\u001b\[31mAccessDenied\u001b\[39m/, '--color always colours into a pipe, NO_COLOR notwithstanding');
  const off = await bothPositions(['--color', 'never'], table, { FORCE_COLOR: '1' });
  assert.doesNotMatch(off.stdout, /\u001b\[/, '--color never beats FORCE_COLOR');
  const forced = await runCli(table, { env: { FORCE_COLOR: '1' } });
  assert.match(forced.stdout, /\u001b\[31m/, 'FORCE_COLOR beats NO_COLOR and a pipe');
  const plain = await runCli(table);
  assert.doesNotMatch(plain.stdout, /\u001b\[/, 'into a pipe, no colour by default');
  assert.equal((await runCli(['--color', 'sometimes', ...table])).code, 2);
});

test('--endpoint-url before or after the command reaches S3', async () => {
  const local = ids((await runCli(['events', demo, '-o', 'ndjson', '-q'])).stdout);
  const r = await bothPositions(['--endpoint-url', s3.endpoint], ['events', 's3://demo-trail/', '-o', 'ndjson', '-q'], creds);
  assert.deepEqual(ids(r.stdout), local);
});

test('--endpoint-url reaches CloudTrail for history: and CloudWatch Logs for logs:', async () => {
  const expected = corpus.map((e) => e.eventID).sort();
  const history = await bothPositions(['--endpoint-url', standin.endpoint], ['events', 'history:us-east-1', '--start', '1d', '-o', 'ndjson', '-q'], creds);
  assert.deepEqual(ids(history.stdout), expected);
  const logs = await bothPositions(['--endpoint-url', s3.endpoint], ['events', 'logs:trail-group', '--start', '1d', '-o', 'ndjson', '-q'], creds);
  assert.deepEqual(ids(logs.stdout), expected);
});

test('AWS_ENDPOINT_URL_<SERVICE> wins over --endpoint-url for its service; --endpoint-url wins over AWS_ENDPOINT_URL', async () => {
  const local = ids((await runCli(['events', demo, '-o', 'ndjson', '-q'])).stdout);
  const s3Wins = await runCli(['--endpoint-url', DEAD, 'events', 's3://demo-trail/', '-o', 'ndjson', '-q'], { env: { ...creds, AWS_ENDPOINT_URL_S3: s3.endpoint } });
  assert.equal(s3Wins.code, 0, s3Wins.stderr);
  assert.deepEqual(ids(s3Wins.stdout), local);
  const flagWins = await runCli(['events', 's3://demo-trail/', '--endpoint-url', s3.endpoint, '-o', 'ndjson', '-q'], { env: { ...creds, AWS_ENDPOINT_URL: DEAD } });
  assert.equal(flagWins.code, 0, flagWins.stderr);
  assert.deepEqual(ids(flagWins.stdout), local);
  // The variable of one service leaves the others to the flag: S3 dead by variable, logs: by the flag.
  const split = await runCli(['events', 'logs:trail-group', '--start', '1d', '--endpoint-url', s3.endpoint, '-o', 'ndjson', '-q'], {
    env: { ...creds, AWS_ENDPOINT_URL_S3: DEAD },
  });
  assert.equal(split.code, 0, split.stderr);
  assert.equal(ids(split.stdout).length, corpus.length);
  const cloudTrailVariable = await runCli(['events', 'history:us-east-1', '--start', '1d', '--endpoint-url', DEAD, '-o', 'ndjson', '-q'], {
    env: { ...creds, AWS_ENDPOINT_URL_CLOUDTRAIL: standin.endpoint },
  });
  assert.equal(cloudTrailVariable.code, 0, cloudTrailVariable.stderr);
  assert.equal(ids(cloudTrailVariable.stdout).length, corpus.length);
});

test('--profile before or after the command: its region and credentials are used', async () => {
  const config = join(tmp, 'config');
  const credentials = join(tmp, 'credentials');
  writeFileSync(config, '[profile investigator]\nregion = eu-west-2\n');
  writeFileSync(credentials, '[investigator]\naws_access_key_id = AKIDPROFILEKEY\naws_secret_access_key = profile-secret\n');
  // No AWS_REGION and no keys in the environment (the SDK reads an empty variable as a value): the profile's.
  const { AWS_REGION: _region, AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = creds;
  const env = { ...rest, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
  const r = await bothPositions(['--profile', 'investigator'], ['events', 's3://demo-trail/', '--endpoint-url', s3.endpoint, '-o', 'ndjson', '-q', '-v'], env);
  assert.equal(ids(r.stdout).length, ids((await runCli(['events', demo, '-o', 'ndjson', '-q'])).stdout).length);
  for (const err of r.stderr) assert.match(err, /AWS region eu-west-2 \(region of profile investigator in /);
  const unknown = await runCli(['--profile', 'nobody', 'events', 's3://demo-trail/', '--endpoint-url', s3.endpoint, '-q'], { env });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no AWS credentials found/);
});

test('--debug before or after the command: one stderr line per AWS call, stdout unchanged', async () => {
  const plain = await runCli(['events', 's3://demo-trail/', '--endpoint-url', s3.endpoint, '-o', 'ndjson', '-q'], { env: creds });
  const r = await bothPositions(['--debug'], ['events', 's3://demo-trail/', '--endpoint-url', s3.endpoint, '-o', 'ndjson', '-q'], creds);
  assert.equal(r.stdout, plain.stdout, '--debug writes nothing to stdout');
  assert.doesNotMatch(plain.stderr, /debug/);
  for (const err of r.stderr) {
    const lines = err.split('\n').filter((l) => l.startsWith('ctrail: debug: '));
    assert.ok(lines.some((l) => /^ctrail: debug: S3 ListObjectsV2: 200, 1 attempt$/.test(l)), err);
    assert.ok(lines.filter((l) => /^ctrail: debug: S3 GetObject: 200, 1 attempt$/.test(l)).length >= 17, err);
  }
  // A failed call names its status and error.
  const missing = await runCli(['--debug', 'events', 's3://no-such-bucket/', '--endpoint-url', s3.endpoint, '-q'], { env: creds });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^ctrail: debug: S3 ListObjectsV2: 404 NoSuchBucket, 1 attempt$/m);
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'a usage or configuration error has no stack, even under --debug');
});

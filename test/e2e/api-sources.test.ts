import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { runCli } from '../helpers/cli.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { startLookupEventsStandin, type CorpusEvent, type LookupStandin } from '../helpers/lookup-events-standin.js';
import { buildCorpus, CORPUS_ACCOUNT } from '../helpers/history-corpus.js';
import { cloudTrailStreamName, loadLogGroup } from '../helpers/log-group.js';
import { writeTrailFolder } from '../helpers/trail-folder.js';
import { tempDir } from '../helpers/temp.js';

/**
 * One corpus in three places: a local trail folder, CloudTrail event history (the LookupEvents stand-in)
 * and a CloudWatch Logs log group (moto). The same filters must give the same events from each.
 */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const REGIONS = ['us-east-1', 'eu-west-1'];
const GROUP = 'CloudTrail/logs';
const BAD_GROUP = 'CloudTrail/mixed';

let dir: string;
let corpus: CorpusEvent[];
/** Insights events: in the trail folder (CloudTrail-Insight/) and in event history, not in the log group. */
let insights: CorpusEvent[];
let moto: MotoServer;
let standin: LookupStandin;
let env: NodeJS.ProcessEnv;

before(async () => {
  corpus = buildCorpus({ perRegion: 60, regions: REGIONS, newest: NOW });
  insights = buildCorpus({ perRegion: 0, regions: REGIONS, newest: NOW, insightEvents: 3 });
  dir = tempDir('ctrail-api-e2e-');
  writeTrailFolder(dir, [...corpus, ...insights], CORPUS_ACCOUNT);
  moto = await startMoto({ accountId: CORPUS_ACCOUNT });
  standin = await startLookupEventsStandin({ events: [...corpus, ...insights] });
  const client = new CloudWatchLogsClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'x' },
  });
  try {
    await loadLogGroup(client, GROUP, corpus);
    await loadLogGroup(client, BAD_GROUP, corpus.slice(0, 3), [
      { stream: cloudTrailStreamName(CORPUS_ACCOUNT, 'us-east-1'), message: 'not json at all', timestamp: NOW.getTime() - 1000 },
    ]);
  } finally {
    client.destroy();
  }
  env = {
    ...moto.env,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto.endpoint,
    AWS_ENDPOINT_URL_CLOUDTRAIL: standin.endpoint,
    AWS_REGION: 'us-east-1',
  };
});

after(async () => {
  await standin?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function eventIds(source: string, filters: string[]): Promise<string[]> {
  const r = await runCli(['events', source, ...filters, '-o', 'ndjson', '-q'], { env });
  assert.equal(r.code, 0, `${source} ${filters.join(' ')}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { eventID: string }).eventID)
    .sort();
}

const FILTER_SETS: Array<{ name: string; args: string[]; expect: (e: CorpusEvent) => boolean }> = [
  {
    name: 'two event names (two LookupEvents series)',
    args: ['--event-name', 'DeleteBucket', '--event-name', 'StopLogging'],
    expect: (e) => e.eventName === 'DeleteBucket' || e.eventName === 'StopLogging',
  },
  {
    name: 'an access key and write calls',
    args: ['--access-key', 'AKIAEXAMPLEALICEXXXX', '--write-only'],
    expect: (e) => (e.userIdentity as { accessKeyId?: string }).accessKeyId === 'AKIAEXAMPLEALICEXXXX' && e.readOnly === false,
  },
  {
    name: 'a user glob (not pushed down) in a window',
    args: ['--user', '*session-1', '--start', new Date(NOW.getTime() - 40 * 60_000).toISOString(), '--end', new Date(NOW.getTime() - 5 * 60_000).toISOString()],
    expect: (e) => {
      const t = Date.parse(e.eventTime);
      return String((e.userIdentity as { arn?: string }).arn).endsWith('session-1') && t >= NOW.getTime() - 40 * 60_000 && t <= NOW.getTime() - 5 * 60_000;
    },
  },
  {
    name: 'an event source and a region',
    args: ['--event-source', 'ec2.amazonaws.com', '--region', 'eu-west-1'],
    expect: (e) => e.eventSource === 'ec2.amazonaws.com' && e.awsRegion === 'eu-west-1',
  },
];

for (const set of FILTER_SETS) {
  test(`same events from a trail folder, history: and logs: — ${set.name}`, async () => {
    const expected = corpus.filter(set.expect).map((e) => e.eventID).sort();
    assert.ok(expected.length > 0, 'the filter must select something');
    const local = await eventIds(dir, set.args);
    assert.deepEqual(local, expected);
    const regionArg = set.args.includes('--region') ? 'history:' : `history:${REGIONS.join(',')}`;
    assert.deepEqual(await eventIds(regionArg, set.args), expected, 'history:');
    const logsArg = set.args.includes('--region')
      ? `logs:arn:aws:logs:us-east-1:${CORPUS_ACCOUNT}:log-group:${GROUP}`
      : `logs:${GROUP}`;
    assert.deepEqual(await eventIds(logsArg, set.args), expected, 'logs:');
  });
}

test('history: and a trail folder together yield each event once', async () => {
  const ids = await eventIds(dir, ['--event-name', 'CreateAccessKey']);
  const r = await runCli(['events', `history:${REGIONS.join(',')}`, dir, '--event-name', 'CreateAccessKey', '-o', 'ndjson', '-q'], { env });
  assert.equal(r.code, 0, r.stderr);
  const both = r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { eventID: string }).eventID).sort();
  assert.deepEqual(both, ids);
});

test('history: and logs: together without dedup give each matching event once per source', async () => {
  const logsArn = `logs:arn:aws:logs:us-east-1:${CORPUS_ACCOUNT}:log-group:${GROUP}`;
  const r = await runCli(['events', 'history:eu-west-1', logsArn, '--event-name', 'StopLogging', '--region', 'eu-west-1', '-o', 'ndjson', '-q', '--no-dedup'], { env });
  assert.equal(r.code, 0, r.stderr);
  const expected = corpus.filter((e) => e.eventName === 'StopLogging' && e.awsRegion === 'eu-west-1').length;
  assert.ok(expected > 0);
  // Each matching event once per source (no dedup across the two here).
  assert.equal(r.stdout.split('\n').filter(Boolean).length, expected * 2);
});

test('a log message that is not a CloudTrail event is reported, the rest is read (exit 3)', async () => {
  const r = await runCli(['events', `logs:${BAD_GROUP}`, '-o', 'ndjson', '-q'], { env });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 3);
  assert.match(r.stderr, new RegExp(`ctrail: logs:${BAD_GROUP}/${CORPUS_ACCOUNT}_CloudTrail_us-east-1: 1 record skipped: record is not a CloudTrail event`));
});

test('unknown log group and unknown region are configuration errors (exit 2, nothing printed)', async () => {
  const group = await runCli(['events', 'logs:no/such/group', '-o', 'ndjson'], { env });
  assert.equal(group.code, 2);
  assert.equal(group.stdout, '');
  assert.match(group.stderr, /^ctrail: logs:no\/such\/group: no such log group in us-east-1 \(the region comes from/);
  const region = await runCli(['events', 'history:us-east-1,mars-north-1', '-o', 'ndjson'], { env });
  assert.equal(region.code, 2);
  assert.match(region.stderr, /"mars-north-1" is not an AWS region/);
  assert.doesNotMatch(group.stderr + region.stderr, /\n\s+at /);
});

test('history: says once that data events and old windows are not there, and goes on', async () => {
  const r = await runCli(['events', `history:${REGIONS.join(',')}`, '--event-name', 'GetObject', '--event-name', 'StopLogging', '--start', '120d', '-o', 'ndjson', '-q'], { env });
  assert.equal(r.code, 0, r.stderr);
  const notices = r.stderr.split('\n').filter((l) => l.includes('event history'));
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /90 days.*management events only \(no data events: GetObject\)/);
  assert.equal(r.stdout.split('\n').filter(Boolean).length, corpus.filter((e) => e.eventName === 'StopLogging').length);
});

test('count works unchanged on history: and logs: (same table as the trail folder)', async () => {
  const args = ['--by', 'eventName', '--interval', '1d', '-o', 'csv', '-q', '--write-only'];
  const outputs: string[] = [];
  for (const source of [dir, `history:${REGIONS.join(',')}`, `logs:${GROUP}`]) {
    const r = await runCli(['count', source, ...args], { env });
    assert.equal(r.code, 0, `${source}: ${r.stderr}`);
    outputs.push(r.stdout);
  }
  assert.ok(outputs[0]!.split('\n').filter(Boolean).length > 1);
  assert.equal(outputs[1], outputs[0]);
  assert.equal(outputs[2], outputs[0]);
});

test('--category insight gives the same Insights events from history: as from the trail folder', async () => {
  const args = ['--category', 'insight', '--event-name', 'RunInstances'];
  const expected = insights.map((e) => e.eventID).sort();
  assert.ok(expected.length > 0);
  assert.deepEqual(await eventIds(dir, args), expected);
  assert.deepEqual(await eventIds(`history:${REGIONS.join(',')}`, args), expected);
});

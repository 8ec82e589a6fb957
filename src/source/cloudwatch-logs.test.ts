import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigError, UsageError, type InputProblem } from '../errors.js';
import { LimiterRegistry } from './api-pacing.js';
import {
  CloudWatchLogsSource,
  logMessageLine,
  logsFilterPattern,
  parseCloudTrailStreamName,
  parseLogsArg,
  selectStreams,
  type CloudWatchLogsSourceOptions,
} from './cloudwatch-logs.js';
import type { ScanScope } from './types.js';
import { startMoto, type MotoServer } from '../../test/helpers/moto.js';
import { JsonApiError, startJsonApiStandin, type JsonApiRequest } from '../../test/helpers/json-api-standin.js';
import { loadLogGroup } from '../../test/helpers/log-group.js';
import { buildCorpus, CORPUS_ACCOUNT } from '../../test/helpers/history-corpus.js';
import type { CorpusEvent } from '../../test/helpers/lookup-events-standin.js';

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const OTHER_ACCOUNT = '444455556666';

test('parseLogsArg: names, stream prefixes, ARNs; region from the ARN or --region', () => {
  assert.deepEqual(parseLogsArg('logs:CloudTrail/logs', { region: 'eu-west-1' }), {
    group: 'CloudTrail/logs',
    region: 'eu-west-1',
    label: 'logs:CloudTrail/logs',
  });
  assert.deepEqual(parseLogsArg('logs:aws-cloudtrail-logs:111122223333_CloudTrail_us-east-1', { region: 'us-east-1' }).streamPrefix, '111122223333_CloudTrail_us-east-1');
  const arn = parseLogsArg('logs:arn:aws:logs:ap-southeast-2:111122223333:log-group:CloudTrail/org:*', { region: 'us-east-1' });
  assert.deepEqual([arn.group, arn.region, arn.streamPrefix], ['CloudTrail/org', 'ap-southeast-2', undefined]);
  const streamArn = parseLogsArg('logs:arn:aws:logs:eu-west-1:111122223333:log-group:ct:log-stream:111122223333_CloudTrail_eu');
  assert.deepEqual([streamArn.group, streamArn.region, streamArn.streamPrefix], ['ct', 'eu-west-1', '111122223333_CloudTrail_eu']);
  assert.throws(() => parseLogsArg('logs:arn:aws:logs:mars-east-1:111122223333:log-group:ct'), ConfigError);
  assert.throws(() => parseLogsArg('logs:ct', { region: 'us-est-1' }), ConfigError);
  assert.throws(() => parseLogsArg('logs:a:b:c'), UsageError);
  assert.throws(() => parseLogsArg('logs:'), UsageError);
  assert.throws(() => parseLogsArg('logs:bad name'), UsageError);
});

test('CloudTrail stream names select streams by account and region; other names are always read', () => {
  assert.deepEqual(parseCloudTrailStreamName('111122223333_CloudTrail_us-east-1_2'), { account: '111122223333', region: 'us-east-1' });
  assert.deepEqual(parseCloudTrailStreamName('o-abc123def4_444455556666_CloudTrail_eu-west-1'), { account: '444455556666', region: 'eu-west-1' });
  assert.equal(parseCloudTrailStreamName('application-logs'), undefined);
  const names = [
    '111122223333_CloudTrail_us-east-1',
    '111122223333_CloudTrail_us-east-1_2',
    '111122223333_CloudTrail_eu-west-1',
    '444455556666_CloudTrail_us-east-1',
    'hand-made-stream',
  ];
  assert.deepEqual(selectStreams(names, { regions: ['us-east-1'] }), [
    '111122223333_CloudTrail_us-east-1',
    '111122223333_CloudTrail_us-east-1_2',
    '444455556666_CloudTrail_us-east-1',
    'hand-made-stream',
  ]);
  assert.deepEqual(selectStreams(names, { accounts: ['444455556666'] }), ['444455556666_CloudTrail_us-east-1', 'hand-made-stream']);
  assert.deepEqual(selectStreams(names, {}, '111122223333_CloudTrail_e'), ['111122223333_CloudTrail_eu-west-1']);
});

test('a log message that is not a JSON object is wrapped so the record stage reports it', () => {
  assert.equal(logMessageLine('{"eventName":"X"}'), '{"eventName":"X"}\n');
  assert.equal(logMessageLine('{\n  "eventName": "X"\n}'), '{   "eventName": "X" }\n');
  assert.equal(logMessageLine('START RequestId: 1'), '{"cloudWatchLogsMessage":"START RequestId: 1"}\n');
  assert.equal(logMessageLine('42'), '{"cloudWatchLogsMessage":"42"}\n');
  assert.equal(logMessageLine('{"truncated":'), '{"cloudWatchLogsMessage":"{\\"truncated\\":"}\n');
});

test('logsFilterPattern translates only what CloudWatch Logs matches exactly', () => {
  assert.equal(logsFilterPattern({}), undefined);
  assert.equal(
    logsFilterPattern({ eventNames: ['DeleteBucket', 'StopLogging'], eventSources: ['s3.amazonaws.com'], readOnly: false }),
    '{ ($.eventName = "DeleteBucket" || $.eventName = "StopLogging") && $.eventSource = "s3.amazonaws.com" && $.readOnly IS FALSE }',
  );
  assert.equal(logsFilterPattern({ accessKeyIds: ['AKIAEXAMPLE'] }), '{ $.userIdentity.accessKeyId = "AKIAEXAMPLE" }');
  // Wildcards, user names and resource names have meanings a JSON equality does not share.
  assert.equal(logsFilterPattern({ eventNames: ['Delete*'], usernames: ['alice'], resourceNames: ['bucket'] }), undefined);
  // Too long: the least selective fields go first, the pattern never exceeds the service limit.
  const many = Array.from({ length: 60 }, (_, i) => `EventNumber${i}`);
  const capped = logsFilterPattern({ eventIds: ['e-1'], eventNames: many });
  assert.equal(capped, '{ $.eventID = "e-1" }');
});

let moto: MotoServer;
let corpus: CorpusEvent[];
let streams: string[];
const GROUP = 'aws-cloudtrail-logs-111122223333-0a1b2c3d';
const NOT_AN_EVENT = 'this line is not a CloudTrail event';

function motoClient(region: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

before(async () => {
  moto = await startMoto({ accountId: CORPUS_ACCOUNT });
  const mine = buildCorpus({ perRegion: 40, regions: ['us-east-1', 'eu-west-1', 'ap-northeast-1'], newest: NOW });
  const other = buildCorpus({ perRegion: 15, regions: ['us-east-1'], newest: new Date(NOW.getTime() - 3_600_000) }).map((e) => ({
    ...e,
    eventID: `x${e.eventID.slice(1)}`,
    recipientAccountId: OTHER_ACCOUNT,
  }));
  corpus = [...mine, ...other];
  const client = motoClient('us-east-1');
  try {
    streams = await loadLogGroup(client, GROUP, corpus, [
      { stream: `${CORPUS_ACCOUNT}_CloudTrail_eu-west-1`, message: NOT_AN_EVENT, timestamp: NOW.getTime() - 5000 },
    ]);
  } finally {
    client.destroy();
  }
});

after(async () => {
  await moto?.stop();
});

interface Read {
  byUnit: Map<string, string[]>;
  problems: InputProblem[];
}

async function read(source: CloudWatchLogsSource, scope: ScanScope = {}): Promise<Read> {
  const byUnit = new Map<string, string[]>();
  const problems: InputProblem[] = [];
  const pending: Array<Promise<void>> = [];
  for await (const item of source.units(scope)) {
    if ('problem' in item) problems.push(item.problem);
    else if ('unit' in item) {
      const unit = item.unit;
      pending.push(
        (async () => {
          let text = '';
          const dec = new TextDecoder();
          for await (const chunk of unit.open()) text += dec.decode(chunk, { stream: true });
          byUnit.set(unit.name, text.split('\n').filter(Boolean));
        })(),
      );
    }
  }
  await Promise.all(pending);
  return { byUnit, problems };
}

function logsSource(arg: string, extra: Partial<CloudWatchLogsSourceOptions> = {}): CloudWatchLogsSource {
  const target = parseLogsArg(arg, { region: 'us-east-1' });
  return new CloudWatchLogsSource({ target, clientFor: motoClient, limiters: new LimiterRegistry(), ...extra });
}

const idsOf = (lines: string[]) => lines.filter((l) => !l.includes(NOT_AN_EVENT)).map((l) => (JSON.parse(l) as { eventID: string }).eventID);

test('moto: the whole group, one unit per CloudTrail stream, every event once with its stream as provenance', async () => {
  const { byUnit, problems } = await read(logsSource(`logs:${GROUP}`));
  assert.deepEqual(problems, []);
  assert.deepEqual([...byUnit.keys()].sort(), streams.map((s) => `logs:${GROUP}/${s}`));
  for (const [unit, lines] of byUnit) {
    const stream = unit.slice(`logs:${GROUP}/`.length);
    const expected = corpus.filter((e) => `${e.recipientAccountId}_CloudTrail_${e.awsRegion}` === stream);
    assert.deepEqual(idsOf(lines).sort(), expected.map((e) => e.eventID).sort(), unit);
  }
  // A message that is not an event is passed on for the decode stage to count and report.
  assert.ok(byUnit.get(`logs:${GROUP}/${CORPUS_ACCOUNT}_CloudTrail_eu-west-1`)!.includes(JSON.stringify({ cloudWatchLogsMessage: NOT_AN_EVENT })));
  const first = JSON.parse(byUnit.get(`logs:${GROUP}/${CORPUS_ACCOUNT}_CloudTrail_us-east-1`)![0]!) as CorpusEvent;
  assert.deepEqual(first, corpus.find((e) => e.eventID === first.eventID));
});

test('moto: --account/--region become a stream selection; the window becomes startTime/endTime', async () => {
  const scoped = await read(logsSource(`logs:${GROUP}`), { accounts: [CORPUS_ACCOUNT], regions: ['us-east-1', 'ap-northeast-1'] });
  assert.deepEqual([...scoped.byUnit.keys()].sort(), [
    `logs:${GROUP}/${CORPUS_ACCOUNT}_CloudTrail_ap-northeast-1`,
    `logs:${GROUP}/${CORPUS_ACCOUNT}_CloudTrail_us-east-1`,
  ]);
  const start = new Date(NOW.getTime() - 10 * 60_000);
  const end = new Date(NOW.getTime() - 5 * 60_000);
  const windowed = await read(logsSource(`logs:${GROUP}:${CORPUS_ACCOUNT}_CloudTrail_us-east-1`), { start, end });
  const expected = corpus.filter(
    (e) => e.recipientAccountId === CORPUS_ACCOUNT && e.awsRegion === 'us-east-1' && Date.parse(e.eventTime) >= start.getTime() && Date.parse(e.eventTime) <= end.getTime(),
  );
  assert.ok(expected.length > 0);
  assert.deepEqual([...windowed.byUnit.keys()], [`logs:${GROUP}/${CORPUS_ACCOUNT}_CloudTrail_us-east-1`]);
  assert.deepEqual(idsOf([...windowed.byUnit.values()][0]!).sort(), expected.map((e) => e.eventID).sort());
});

test('moto: a filter pattern is only a hint; what the server returns is passed on for exact local filtering', async () => {
  const { byUnit } = await read(logsSource(`logs:${GROUP}:${CORPUS_ACCOUNT}_CloudTrail_us-east-1`, { hints: { eventNames: ['DeleteBucket'] } }));
  const ids = idsOf([...byUnit.values()].flat());
  const deletes = corpus.filter((e) => e.recipientAccountId === CORPUS_ACCOUNT && e.awsRegion === 'us-east-1' && e.eventName === 'DeleteBucket');
  // moto ignores JSON patterns, AWS applies them: either way every matching event must be there.
  for (const e of deletes) assert.ok(ids.includes(e.eventID));
});

test('moto: an unknown log group is a configuration error before anything is read', async () => {
  await assert.rejects(async () => read(logsSource('logs:no-such-group')), (err: unknown) => err instanceof ConfigError && /no such log group/.test(err.message));
});

test('the real SDK endpoint variable AWS_ENDPOINT_URL_CLOUDWATCH_LOGS reaches moto', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, moto.env, { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto.endpoint });
  try {
    const target = parseLogsArg(`logs:${GROUP}:${OTHER_ACCOUNT}_CloudTrail_`, { region: 'us-east-1' });
    const { byUnit } = await read(new CloudWatchLogsSource({ target, limiters: new LimiterRegistry() }));
    assert.equal(idsOf([...byUnit.values()].flat()).length, 15);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('FilterLogEvents throttling is retried; every page is read once; access denied is one problem', async () => {
  const total = 95;
  const pageSize = 10;
  let lastAccepted = 0;
  let throttled = 0;
  const servedTokens: string[] = [];
  const standin = await startJsonApiStandin({
    DescribeLogStreams: (req: JsonApiRequest) => {
      if (req.input.logGroupName === 'denied') throw new JsonApiError('AccessDeniedException', 'not authorized', 400);
      return { logStreams: [{ logStreamName: `${CORPUS_ACCOUNT}_CloudTrail_us-east-1` }] };
    },
    FilterLogEvents: (req: JsonApiRequest) => {
      // A strict quota: a call less than 100 ms after the previous accepted one is refused.
      const now = Date.now();
      if (now - lastAccepted < 100) {
        throttled += 1;
        throw new JsonApiError('ThrottlingException', 'Rate exceeded', 400);
      }
      lastAccepted = now;
      const offset = typeof req.input.nextToken === 'string' ? Number(req.input.nextToken) : 0;
      servedTokens.push(String(offset));
      const events = Array.from({ length: Math.min(pageSize, total - offset) }, (_, i) => ({
        eventId: `log-${offset + i}`,
        timestamp: NOW.getTime() - (total - offset - i) * 1000,
        logStreamName: `${CORPUS_ACCOUNT}_CloudTrail_us-east-1`,
        message: JSON.stringify({ eventID: `e-${offset + i}`, eventTime: NOW.toISOString(), eventName: 'X', eventSource: 'y', awsRegion: 'us-east-1' }),
      }));
      return { events, ...(offset + pageSize < total ? { nextToken: String(offset + pageSize) } : {}) };
    },
  });
  const client = () =>
    new CloudWatchLogsClient({ region: 'us-east-1', endpoint: standin.endpoint, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    const source = new CloudWatchLogsSource({
      target: parseLogsArg('logs:fast', { region: 'us-east-1' }),
      clientFor: client,
      limiters: new LimiterRegistry(),
      requestsPerSecond: 40,
      retryPolicy: { maxConsecutiveThrottles: 50, baseDelayMs: 50, maxDelayMs: 400, maxTransientAttempts: 2 },
    });
    const { byUnit, problems } = await read(source);
    assert.deepEqual(problems, []);
    const ids = idsOf([...byUnit.values()].flat());
    assert.deepEqual(ids, Array.from({ length: total }, (_, i) => `e-${i}`));
    assert.ok(throttled > 0);
    assert.equal(new Set(servedTokens).size, servedTokens.length);

    const denied = await read(new CloudWatchLogsSource({ target: parseLogsArg('logs:denied', { region: 'us-east-1' }), clientFor: client, limiters: new LimiterRegistry() }));
    assert.deepEqual(denied.problems, [{ source: 'logs:denied', problem: 'access denied (AccessDeniedException)' }]);
    assert.equal(denied.byUnit.size, 0);
  } finally {
    await standin.stop();
  }
});

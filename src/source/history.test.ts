import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudTrailClient,
  LookupEventsCommand,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
} from '@aws-sdk/client-cloudtrail';
import { ConfigError, UsageError } from '../errors.js';
import { LimiterRegistry, type ApiProgress } from './api-pacing.js';
import {
  DATA_EVENT_NAMES,
  HistorySource,
  LOOKUP_ATTRIBUTE_CHOICE,
  historyShortfall,
  parseHistoryArg,
  planLookup,
  type HistorySourceOptions,
} from './history.js';
import type { QueryHints } from './query-hints.js';
import type { InputProblem } from '../errors.js';
import { startLookupEventsStandin, type CorpusEvent, type LookupStandin } from '../../test/helpers/lookup-events-standin.js';
import { buildCorpus } from '../../test/helpers/history-corpus.js';

// Whole seconds, as CloudTrail's eventTime has them.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

function clientFactory(standin: LookupStandin): (region: string) => CloudTrailClient {
  return (region) =>
    new CloudTrailClient({
      region,
      endpoint: standin.endpoint,
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
}

interface Collected {
  byUnit: Map<string, Record<string, unknown>[]>;
  problems: InputProblem[];
}

async function collect(source: HistorySource, scope: Parameters<HistorySource['units']>[0] = {}): Promise<Collected> {
  const byUnit = new Map<string, Record<string, unknown>[]>();
  const problems: InputProblem[] = [];
  const opened: Array<Promise<void>> = [];
  for await (const item of source.units(scope)) {
    if ('problem' in item) problems.push(item.problem);
    else if ('unit' in item) {
      const unit = item.unit;
      // Read units concurrently, as the scan pipeline does, so regions really run in parallel.
      opened.push(
        (async () => {
          let text = '';
          const dec = new TextDecoder();
          for await (const chunk of unit.open()) text += dec.decode(chunk, { stream: true });
          byUnit.set(unit.name, text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
        })(),
      );
    }
  }
  await Promise.all(opened);
  return { byUnit, problems };
}

function historySource(standin: LookupStandin, opts: Partial<HistorySourceOptions> & { regions: string[] }): HistorySource {
  return new HistorySource({ clientFor: clientFactory(standin), limiters: new LimiterRegistry(), ...opts });
}

const ids = (events: readonly Record<string, unknown>[]) => events.map((e) => e.eventID as string);
const sorted = (xs: string[]) => [...xs].sort();

test('planLookup picks the most selective attribute the filters allow', () => {
  const all: QueryHints = {
    eventIds: ['e1'],
    accessKeyIds: ['AKIA1'],
    resourceNames: ['bucket'],
    eventNames: ['DeleteBucket'],
    usernames: ['alice'],
    eventSources: ['s3.amazonaws.com'],
    readOnly: false,
  };
  // Drop hints one by one from the top: each row of the table must win once the rows above are gone.
  const remaining: QueryHints = { ...all };
  for (const row of LOOKUP_ATTRIBUTE_CHOICE) {
    const plan = planLookup(remaining);
    assert.equal(plan.attribute, row.attribute);
    assert.equal(plan.hint, row.hint);
    delete remaining[row.hint];
  }
  assert.deepEqual(planLookup({}), { series: [{ category: 'management' }] });
  assert.deepEqual(planLookup({ readOnly: true }).series, [{ attribute: 'ReadOnly', value: 'true', category: 'management' }]);
});

test('planLookup: one series per value, wildcards are never pushed down, Insights via EventCategory', () => {
  const plan = planLookup({ eventNames: ['DeleteBucket', 'DeleteTrail', 'DeleteBucket'], usernames: ['alice'] });
  assert.deepEqual(
    plan.series.map((s) => s.value),
    ['DeleteBucket', 'DeleteTrail'],
  );
  // `Delete*` cannot be a LookupEvents value; the next exact filter is used instead.
  assert.equal(planLookup({ eventNames: ['Delete*', 'StopLogging'], usernames: ['alice'] }).attribute, 'Username');
  assert.equal(planLookup({ eventNames: ['Delete*'] }).attribute, undefined);
  const insight = planLookup({ eventNames: ['RunInstances'] }, { categories: ['insight'] });
  assert.deepEqual(insight.series, [{ attribute: 'EventName', value: 'RunInstances', category: 'insight' }]);
  assert.deepEqual(planLookup({}, { categories: ['data'] }).series, []);
});

test('historyShortfall names old windows and data events, and nothing otherwise', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  assert.deepEqual(historyShortfall({ eventNames: ['DeleteBucket'] }, { start: new Date('2026-05-01T00:00:00Z') }, now), []);
  const old = historyShortfall({}, { start: new Date('2026-01-01T00:00:00Z') }, now);
  assert.equal(old.length, 1);
  assert.match(old[0]!, /90 days \(nothing before 2026-03-03\)/);
  assert.equal(historyShortfall({}, { end: new Date('2025-12-01T00:00:00Z') }, now).length, 1);
  const data = historyShortfall({ eventNames: ['GetObject', 'DeleteBucket'] }, {}, now);
  assert.match(data[0]!, /management events only \(no data events: GetObject\)/);
  assert.equal(historyShortfall({}, { categories: ['management', 'data'] }, now).length, 1);
  // The table lists data events only; a management name slipping in would warn on ordinary queries.
  for (const row of DATA_EVENT_NAMES) assert.doesNotMatch(row.eventName, /^(Delete|Create|Put)Bucket/);
});

test('parseHistoryArg: region lists, fallbacks, unknown regions are a config error', () => {
  assert.deepEqual(parseHistoryArg('history:us-east-1,eu-west-1,us-east-1', []), ['us-east-1', 'eu-west-1']);
  assert.deepEqual(parseHistoryArg('history:', ['ap-southeast-2']), ['ap-southeast-2']);
  assert.deepEqual(parseHistoryArg('history:', [], { region: 'eu-north-1' }), ['eu-north-1']);
  assert.throws(() => parseHistoryArg('history:us-est-1', []), ConfigError);
  assert.throws(() => parseHistoryArg('history:us-east-1,', []), UsageError);
});

test('stand-in keeps the real API rules: one attribute, MaxResults ≤ 50, time range, tokens bound to their query', async () => {
  const standin = await startLookupEventsStandin({ events: buildCorpus({ perRegion: 60, regions: ['us-east-1'], newest: NOW }), requestsPerSecond: 100 });
  const client = clientFactory(standin)('us-east-1');
  try {
    await assert.rejects(
      client.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'A' },
            { AttributeKey: 'Username', AttributeValue: 'B' },
          ],
        }),
      ),
      InvalidLookupAttributesException,
    );
    await assert.rejects(client.send(new LookupEventsCommand({ MaxResults: 51 })), InvalidMaxResultsException);
    await assert.rejects(client.send(new LookupEventsCommand({ StartTime: NOW, EndTime: new Date(NOW.getTime() - 1000) })), InvalidTimeRangeException);
    const first = await client.send(new LookupEventsCommand({}));
    assert.equal(first.Events?.length, 50);
    assert.ok(first.Events![0]!.EventTime instanceof Date);
    assert.ok(['true', 'false'].includes(first.Events![0]!.ReadOnly!));
    await assert.rejects(
      client.send(new LookupEventsCommand({ NextToken: first.NextToken, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'RunInstances' }] })),
      InvalidNextTokenException,
    );
  } finally {
    client.destroy();
    await standin.stop();
  }
});

test('a broad query over two regions reads every management event once, newest first, each page once', async () => {
  const corpus = buildCorpus({ perRegion: 120, regions: ['us-east-1', 'eu-west-1'], newest: NOW, dataEvents: 5, insightEvents: 3 });
  const standin = await startLookupEventsStandin({ events: corpus });
  const progress: ApiProgress[] = [];
  try {
    const source = historySource(standin, { regions: ['us-east-1', 'eu-west-1'], onProgress: (p) => progress.push(p) });
    const { byUnit, problems } = await collect(source);
    assert.deepEqual(problems, []);
    assert.deepEqual([...byUnit.keys()].sort(), ['history:eu-west-1', 'history:us-east-1']);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const got = byUnit.get(`history:${region}`)!;
      const expected = corpus.filter((e) => e.awsRegion === region && e.eventCategory === 'Management');
      assert.deepEqual(sorted(ids(got)), sorted(ids(expected)));
      assert.equal(new Set(ids(got)).size, got.length);
      const times = got.map((e) => Date.parse(e.eventTime as string));
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
      // The NDJSON line is the event exactly as CloudTrail recorded it.
      assert.deepEqual(got[0], expected.find((e) => e.eventID === got[0]!.eventID));
    }
    const pageKeys = standin.served.map((p) => `${p.region}|${p.token ?? ''}`);
    assert.equal(new Set(pageKeys).size, pageKeys.length);
    assert.equal(standin.served.length, 6); // 120 events a region, 50 a page
    const finals = progress.filter((p) => p.done);
    assert.deepEqual(finals.map((p) => [p.source, p.events, p.pages]).sort(), [
      ['history:eu-west-1', 120, 3],
      ['history:us-east-1', 120, 3],
    ]);
  } finally {
    await standin.stop();
  }
});

test('throttling: a client pacing faster than the quota still gets every event exactly once', async () => {
  const corpus = buildCorpus({ perRegion: 400, regions: ['us-west-2'], newest: NOW });
  const standin = await startLookupEventsStandin({ events: corpus });
  try {
    const source = historySource(standin, {
      regions: ['us-west-2'],
      // Three times the quota, so the stand-in must refuse some calls and the retry must recover them.
      requestsPerSecond: 6,
      retryPolicy: { maxConsecutiveThrottles: 50, baseDelayMs: 100, maxDelayMs: 1000, maxTransientAttempts: 2 },
    });
    const { byUnit, problems } = await collect(source);
    assert.deepEqual(problems, []);
    assert.ok(standin.throttled > 0, 'the stand-in should have throttled some calls');
    const got = ids(byUnit.get('history:us-west-2')!);
    assert.equal(got.length, 400);
    assert.deepEqual(sorted(got), sorted(ids(corpus)));
    const tokens = standin.served.map((p) => p.token ?? '');
    assert.equal(new Set(tokens).size, tokens.length, 'no page read twice');
    assert.equal(standin.served.length, 8);
  } finally {
    await standin.stop();
  }
});

test('a multi-valued filter runs one series per value and yields shared events once', async () => {
  const corpus = buildCorpus({ perRegion: 70, regions: ['us-east-1'], newest: NOW });
  const standin = await startLookupEventsStandin({ events: corpus });
  try {
    // Both names index the same bucket events (the ARN and the name at its end).
    const source = historySource(standin, {
      regions: ['us-east-1'],
      hints: { resourceNames: ['arn:aws:s3:::evidence-1', 'evidence-1'], eventNames: ['DeleteBucket'] },
    });
    const { byUnit } = await collect(source);
    const expected = corpus.filter((e) => (e.resources as Array<{ ARN: string }> | undefined)?.some((r) => r.ARN === 'arn:aws:s3:::evidence-1'));
    assert.ok(expected.length > 1);
    assert.deepEqual(sorted(ids(byUnit.get('history:us-east-1')!)), sorted(ids(expected)));
    assert.deepEqual(
      standin.served.map((p) => [p.attribute, p.value]),
      [
        ['ResourceName', 'arn:aws:s3:::evidence-1'],
        ['ResourceName', 'evidence-1'],
      ],
    );
  } finally {
    await standin.stop();
  }
});

test('window becomes StartTime/EndTime; Insights come through EventCategory', async () => {
  const corpus = buildCorpus({ perRegion: 60, regions: ['us-east-1'], newest: NOW, insightEvents: 4 });
  const standin = await startLookupEventsStandin({ events: corpus });
  try {
    const start = new Date(NOW.getTime() - 20 * 60_000 - 500);
    const end = new Date(NOW.getTime() - 10 * 60_000 + 500);
    const windowed = await collect(historySource(standin, { regions: ['us-east-1'] }), { start, end });
    const expected = corpus.filter((e) => {
      const t = Date.parse(e.eventTime);
      return e.eventCategory === 'Management' && t >= start.getTime() && t <= end.getTime();
    });
    assert.ok(expected.length > 0 && expected.length < 60);
    assert.deepEqual(sorted(ids(windowed.byUnit.get('history:us-east-1')!)), sorted(ids(expected)));
    const sent = standin.calls.at(-1)!.input;
    assert.equal(sent.StartTime, start.getTime() / 1000);
    assert.equal(sent.EndTime, end.getTime() / 1000);

    const insights = await collect(historySource(standin, { regions: ['us-east-1'] }), { categories: ['insight'] });
    const got = insights.byUnit.get('history:us-east-1')!;
    assert.deepEqual(sorted(ids(got)), sorted(ids(corpus.filter((e) => e.eventCategory === 'Insight'))));
    assert.equal(standin.calls.at(-1)!.input.EventCategory, 'insight');
  } finally {
    await standin.stop();
  }
});

test('access denied in one region is one problem; the other region is read in full', async () => {
  const corpus = buildCorpus({ perRegion: 30, regions: ['us-east-1', 'eu-central-1'], newest: NOW });
  const standin = await startLookupEventsStandin({ events: corpus, denyRegions: ['eu-central-1'] });
  try {
    const { byUnit, problems } = await collect(historySource(standin, { regions: ['eu-central-1', 'us-east-1'] }));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.source, 'history:eu-central-1');
    assert.match(problems[0]!.problem, /access denied/);
    assert.deepEqual([...byUnit.keys()], ['history:us-east-1']);
    assert.equal(byUnit.get('history:us-east-1')!.length, 30);
  } finally {
    await standin.stop();
  }
});

test('asking for data events or older than 90 days says so once, and the run goes on', async () => {
  const corpus: CorpusEvent[] = buildCorpus({ perRegion: 5, regions: ['us-east-1'], newest: NOW });
  const standin = await startLookupEventsStandin({ events: corpus });
  const notices: string[] = [];
  try {
    const source = historySource(standin, {
      regions: ['us-east-1'],
      hints: { eventNames: ['GetObject', 'DescribeInstances'] },
      notices: { notice: (m) => notices.push(m) },
    });
    const scope = { start: new Date(NOW.getTime() - 200 * 86_400_000) };
    const first = await collect(source, scope);
    await collect(source, scope);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /^history:us-east-1: event history .*90 days.*management events only.*GetObject/);
    assert.equal(first.byUnit.get('history:us-east-1')!.length, 1);
    // History cannot go further back than 90 days: the request does not ask it to.
    assert.ok((standin.calls[0]!.input.StartTime as number | undefined) === undefined);
  } finally {
    await standin.stop();
  }
});

test('the SDK picks up AWS_ENDPOINT_URL_CLOUDTRAIL when no client is injected', async () => {
  const corpus = buildCorpus({ perRegion: 3, regions: ['us-east-1'], newest: NOW });
  const standin = await startLookupEventsStandin({ events: corpus });
  const saved = { ...process.env };
  Object.assign(process.env, standin.env);
  try {
    const { byUnit } = await collect(new HistorySource({ regions: ['us-east-1'], limiters: new LimiterRegistry() }));
    assert.equal(byUnit.get('history:us-east-1')!.length, 3);
  } finally {
    for (const k of Object.keys(standin.env)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await standin.stop();
  }
});

test('the documented attribute table lists the attributes in the order ctrail picks them', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/sources.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| (EventId|AccessKeyId|ResourceName|EventName|Username|EventSource|ReadOnly)\s+\|/gm)].map((m) => m[1]);
  assert.deepEqual(rows, LOOKUP_ATTRIBUTE_CHOICE.map((r) => r.attribute));
});

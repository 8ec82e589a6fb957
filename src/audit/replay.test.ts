import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { BENIGN_EVENTS, TRAIL_TAMPERING } from './canonical-events.js';
import { patternEngines } from './engines.js';
import type { AccountFacts } from './facts.js';
import { patternsFromFacts, replay } from './replay.js';
import { readFailed, readOk } from './types.js';

const facts: AccountFacts = {
  account: '111122223333',
  regions: ['us-east-1', 'eu-west-1'],
  trails: [],
  trailListErrors: [],
  buckets: [],
  logGroups: [
    {
      arn: 'arn:aws:logs:us-east-1:111122223333:log-group:ct',
      name: 'ct',
      region: 'us-east-1',
      trails: [],
      metricFilters: readOk([
        { name: 'stops', pattern: '{ $.eventName = "StopLogging" }', metrics: [] },
        { name: 'term', pattern: '"Failed authentication"', metrics: [] },
      ]),
    },
  ],
  alarms: {},
  topicSubscriptions: {},
  eventRules: {
    'us-east-1': readOk([{ name: 'trails', state: 'ENABLED', eventPattern: TRAIL_TAMPERING.referencePattern, targets: readOk([]) }]),
    'eu-west-1': readFailed('access denied (AccessDeniedException)'),
  },
};

async function* stream(events: CloudTrailEvent[]): AsyncGenerator<CloudTrailEvent> {
  yield* events;
}

test('replay counts each pattern once per matching event, with first and last times, in any input order', async () => {
  const stop = TRAIL_TAMPERING.events.find((e) => e.label === 'cloudtrail:StopLogging')!.event;
  const update = TRAIL_TAMPERING.events.find((e) => e.label === 'cloudtrail:UpdateTrail')!.event;
  const events = [
    { ...stop, eventTime: '2026-03-05T00:00:00Z' },
    { ...BENIGN_EVENTS[0]!.event, eventTime: '2026-03-01T00:00:00Z' },
    { ...update, eventTime: '2026-03-02T00:00:00Z' },
    { ...stop, eventTime: '2026-03-03T00:00:00Z' },
  ];
  const r = await replay(stream(events), patternsFromFacts(facts, patternEngines));
  assert.equal(r.events, 4);
  assert.equal(r.from, '2026-03-01T00:00:00Z');
  assert.equal(r.to, '2026-03-05T00:00:00Z');
  assert.deepEqual(
    r.patterns.map((p) => [p.kind, p.name, p.where, p.fired, p.first, p.last, Boolean(p.error)]),
    [
      ['metric-filter', 'stops', 'ct', 2, '2026-03-03T00:00:00Z', '2026-03-05T00:00:00Z', false],
      ['metric-filter', 'term', 'ct', 0, null, null, true],
      ['event-rule', 'trails', 'us-east-1', 3, '2026-03-02T00:00:00Z', '2026-03-05T00:00:00Z', false],
    ],
  );
});

test('replay over no events reports an empty window', async () => {
  const r = await replay(stream([]), patternsFromFacts(facts, patternEngines));
  assert.deepEqual([r.events, r.from, r.to], [0, null, null]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { apiCallAt } from '../helpers/events.js';

// -o timesketch is Timesketch's JSONL import: every line one object with message, datetime (ISO 8601),
// timestamp (µs) and timestamp_desc, for events, activity and hunt.
const tmp = tempDir('ctrail-timesketch-');
const demo = 'fixtures/demo';

function timeline(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  return lines.map((l) => {
    const o = JSON.parse(l) as Record<string, unknown>;
    assert.equal(typeof o.message, 'string');
    assert.ok((o.message as string).length > 0);
    assert.match(o.datetime as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    assert.ok(Number.isSafeInteger(o.timestamp));
    assert.equal(o.timestamp, Date.parse(o.datetime as string) * 1000);
    assert.equal(o.timestamp_desc, 'Event Recorded');
    for (const v of Object.values(o)) assert.ok(v === null || typeof v !== 'object' || Object.keys(v).length === 0, 'flat');
    return o;
  });
}

test('events, activity and hunt write one Timesketch line per event or hit', async () => {
  const [events, ndjson, activity, activityJson, hunt] = await Promise.all([
    runCli(['events', demo, '-o', 'timesketch', '-q']),
    runCli(['events', demo, '-q']),
    runCli(['activity', 'ops-admin', demo, '-o', 'timesketch', '-q']),
    runCli(['activity', 'ops-admin', demo, '-o', 'ndjson', '-q']),
    runCli(['hunt', '--rules', 'fixtures/sigma/rules', demo, '-o', 'timesketch', '-q']),
  ]);
  for (const r of [events, activity, hunt]) assert.equal(r.code, 0, r.stderr);
  const ev = timeline(events.stdout);
  assert.equal(ev.length, ndjson.stdout.split('\n').filter(Boolean).length);
  const del = ev.find((o) => o.eventID === '9b60ea3f-7106-4aec-a064-4c28fbb3d963')!;
  assert.equal(del.message, 'assumed-role/Admin/ops-session dynamodb:DeleteTable arn:aws:dynamodb:us-east-1:111122223333:table/orders');
  assert.equal(del['userIdentity.sessionContext.sessionIssuer.userName'], 'Admin');
  const act = timeline(activity.stdout);
  assert.equal(act.length, activityJson.stdout.split('\n').filter(Boolean).length);
  assert.ok(act.every((o) => typeof o['activity.depth'] === 'number'));
  const hits = timeline(hunt.stdout);
  assert.equal(hits.length, 88);
  const important = hits.filter((o) => o['sigma.level'] === 'medium');
  assert.equal(important.length, 1);
  assert.match(important[0]!.message as string, /^\[medium\] AWS CloudTrail Important Change: assumed-role\/Admin\/ops-session cloudtrail:StopLogging/);
});

test('hostile records: an unreadable time is left out with one stderr line and exit 3; deep nesting and control characters still give valid lines', async () => {
  let deep: unknown = 'x';
  for (let i = 0; i < 100; i++) deep = { k: deep };
  const file = join(tmp, 'hostile.ndjson');
  writeFileSync(
    file,
    [
      apiCallAt('2026-03-14T03:00:00Z', { requestParameters: deep as Record<string, never>, eventID: 'deep' }),
      apiCallAt('2026-03-14T03:00:01Z', { eventName: 'Evil\u001b]0;owned\u0007\u009b2J\u202e', eventID: 'controls', message: 'spoofed' } as never),
      apiCallAt('not a time', { eventID: 'no-time-1' }),
      apiCallAt('2026-13-45T99:00:00Z', { eventID: 'no-time-2' }),
    ]
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  const r = await runCli(['events', file, '-o', 'timesketch', '-q']);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr, 'ctrail: timesketch: 2 events left out: no readable eventTime (the first: eventID no-time-1)\n');
  assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, 'no raw control character in the output');
  const lines = timeline(r.stdout);
  assert.deepEqual(lines.map((o) => o.eventID), ['deep', 'controls']);
  assert.equal(lines[1]!.eventName, 'Evil\u001b]0;owned\u0007\u009b2J\u202e');
  assert.equal(lines[1]!['cloudtrail.message'], 'spoofed');
  assert.ok(Object.keys(lines[0]!).some((k) => k.startsWith('requestParameters.k.k.') && typeof lines[0]![k] === 'string'));
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { perMinute } from '../helpers/events.js';
import { tempDir } from '../helpers/temp.js';

const T0 = Date.parse('2024-05-01T00:00:00Z');
const mallory = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/mallory', accountId: '123456789012', userName: 'mallory' };
let dir: string;
let history: string;

before(() => {
  dir = tempDir('ctrail-rules-');
  history = join(dir, 'history.json');
  // An hour of steady TerminateInstances (2/min), then mallory's burst at 01:10-01:13 and an AccessDenied
  // burst on ListBuckets at 01:20-01:22.
  const records = [
    ...perMinute(T0, 0, 90, 2, { eventName: 'TerminateInstances' }),
    ...perMinute(T0, 70, 73, 28, { eventName: 'TerminateInstances', userIdentity: mallory, userAgent: 'Boto3/1.34.0' }),
    ...perMinute(T0, 80, 82, 12, { eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', readOnly: true, errorCode: 'AccessDenied', userIdentity: mallory }),
  ];
  writeFileSync(history, JSON.stringify({ Records: records }));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const lines = (text: string): Array<Record<string, unknown>> => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

test('events --pattern / --rule / --filter-pattern select the same events as the rule would', async () => {
  const pattern = await runCli(['events', history, '-o', 'ndjson', '--pattern', '{"source":["aws.s3"],"detail":{"errorCode":[{"prefix":"AccessDenied"}]}}']);
  assert.equal(pattern.code, 0, pattern.stderr);
  assert.equal(lines(pattern.stdout).length, 24);

  const rule = join(dir, 'rule.json');
  writeFileSync(rule, JSON.stringify({ Name: 'terminate', EventPattern: JSON.stringify({ detail: { userIdentity: { userName: ['mallory'] }, eventName: ['TerminateInstances'] } }) }));
  const byRule = await runCli(['events', history, '-o', 'ndjson', '--rule', rule]);
  assert.equal(byRule.code, 0, byRule.stderr);
  assert.equal(lines(byRule.stdout).length, 84);

  const cwl = await runCli(['events', history, '-o', 'ndjson', '--filter-pattern', '{ ($.eventName = "TerminateInstances") && ($.userIdentity.userName = "mallory") && ($.errorCode NOT EXISTS) }']);
  assert.deepEqual(lines(cwl.stdout), lines(byRule.stdout));
});

test('rule syntax errors exit 2 with one line naming the problem', async () => {
  const bad = await runCli(['events', history, '--filter-pattern', '{ $.eventName = "X" && }']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'ctrail: --filter-pattern: filter pattern, column 24: expected a selector such as $.eventName, found "}"\n');
  const badPattern = await runCli(['events', history, '--pattern', '{"detail":{"eventName":"X"}}']);
  assert.equal(badPattern.code, 2);
  assert.match(badPattern.stderr, /^ctrail: --pattern: event pattern at detail\.eventName: values must be in a list/);
  const missing = await runCli(['events', history, '--rule', join(dir, 'nope.json')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^ctrail: --rule .*nope\.json: /);
});

test('count --by --interval prints the series, and --alarm says when it would have fired', async () => {
  const r = await runCli(['count', history, '--by', 'eventName', '--interval', '10m', '--alarm', 'sum > 100 for 1 period', '-o', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const terminate = out.filter((o) => o.eventName === 'TerminateInstances' && 'time' in o);
  assert.equal(terminate.length, 9);
  assert.deepEqual(terminate.map((o) => o.count), [20, 20, 20, 20, 20, 20, 20, 104, 20]);
  assert.deepEqual(terminate.map((o) => o.state), ['OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'ALARM', 'OK']);
  const alarm = out.find((o) => o.alarm && o.eventName === 'TerminateInstances')!;
  assert.equal(alarm.firstAlarm, '2024-05-01T01:20:00Z');
  assert.deepEqual(alarm.alarms, [{ from: '2024-05-01T01:10:00Z', to: '2024-05-01T01:20:00Z' }]);
  assert.equal(out.find((o) => o.alarm && o.eventName === 'ListBuckets')!.firstAlarm, null);
});

test('count with a filter pattern, as a table and as a chart', async () => {
  const table = await runCli(['count', history, '--filter-pattern', '{ $.errorCode = "AccessDenied" }', '--interval', '1h', '-o', 'table', '--alarm', 'count > 10']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /2024-05-01T01:00:00Z .* 24 /);
  assert.match(table.stdout, /alarm "count > 10" \(all events\): first ALARM at 2024-05-01T02:00:00Z/);
  const chart = await runCli(['count', history, '--by', 'principal', '--interval', '5m', '-o', 'chart', '--alarm', 'sum > 50 for 1 period']);
  assert.equal(chart.code, 0, chart.stderr);
  assert.match(chart.stdout, /^2024-05-01T00:00:00Z → 2024-05-01T01:30:00Z, one column = 5m\n/);
  assert.match(chart.stdout, /principal=arn:aws:iam::123456789012:user\/mallory +[ ▁-█]+ total 108, peak 84\n +\^+ +ALARM\n/);
  assert.match(chart.stdout, /principal=arn:aws:iam::123456789012:user\/ops +[▁-█]{18} total 180, peak 10\n/);
});

test('count refuses bad --interval and --alarm with exit 2', async () => {
  const interval = await runCli(['count', history, '--interval', '5 minutes']);
  assert.equal(interval.code, 2);
  assert.match(interval.stderr, /--interval 5 minutes: not a duration/);
  const alarm = await runCli(['count', history, '--alarm', 'p99 > 3']);
  assert.equal(alarm.code, 2);
  assert.match(alarm.stderr, /unknown statistic "p99"/);
});

test('insights finds the write burst and the error burst, with baseline and contributors', async () => {
  const r = await runCli(['insights', history, '--baseline', '1h', '--start', '2024-05-01T01:00:00Z', '-o', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out.map((i) => [i.insightType, i.eventName, i.start, i.end]), [
    ['ApiCallRateInsight', 'TerminateInstances', '2024-05-01T01:10:00Z', '2024-05-01T01:13:00Z'],
    ['ApiErrorRateInsight', 'ListBuckets', '2024-05-01T01:20:00Z', '2024-05-01T01:22:00Z'],
  ]);
  const call = out[0] as { peak: { count: number }; baseline: { average: number }; attributions: Array<{ attribute: string; insight: Array<{ value: string }> }> };
  assert.equal(call.peak.count, 30);
  assert.equal(call.baseline.average, 2);
  assert.equal(call.attributions[0]!.insight[0]!.value, 'arn:aws:iam::123456789012:user/mallory');

  const events = await runCli(['insights', history, '--baseline', '1h', '--start', '2024-05-01T01:00:00Z', '--type', 'ApiCallRateInsight', '-o', 'cloudtrail']);
  const pair = lines(events.stdout);
  assert.deepEqual(pair.map((e) => [(e.insightDetails as { state: string }).state, e.eventTime]), [
    ['Start', '2024-05-01T01:10:00Z'],
    ['End', '2024-05-01T01:13:00Z'],
  ]);
  const quiet = await runCli(['insights', history, '--baseline', '1h', '--min-rate', '100', '-o', 'ndjson']);
  assert.equal(quiet.code, 1, 'no insight found: exit 1');
  assert.equal(quiet.stdout, '');
  const bad = await runCli(['insights', history, '--baseline', '90s']);
  assert.equal(bad.code, 2);
});

test('hunt runs the shipped SigmaHQ rules and credits each rule author', async () => {
  const r = await runCli(['hunt', '--rules', 'fixtures/sigma/rules', 'fixtures/sigma/records.ndjson', '-o', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  const hits = lines(r.stdout) as Array<{ rule: { title: string; id: string; level: string; author: string; license: string }; event: { eventName: string } }>;
  assert.ok(hits.length >= 10);
  assert.ok(hits.every((h) => h.rule.title && h.rule.id && h.rule.level && h.rule.author && h.rule.license === 'DRL-1.1'));
  const stop = hits.find((h) => h.event.eventName === 'StopLogging')!;
  assert.equal(stop.rule.title, 'AWS CloudTrail Important Change');
  assert.equal(stop.rule.author, 'vitaliy0x1');
  assert.match(r.stderr, /\d+ hits from 55 Sigma rules/);

  const unsupported = await runCli(['hunt', '--rules', 'fixtures/sigma/unsupported', 'fixtures/sigma/records.ndjson']);
  assert.equal(unsupported.code, 2);
  assert.equal(unsupported.stderr.split('\n').filter((l) => / skipped: /.test(l)).length, 9);
  assert.match(unsupported.stderr, /aws_enum_listing\.yml \(Account Enumeration on AWS\) skipped: condition "selection_eventname \| count\(\) > 50" aggregates/i);
  assert.match(unsupported.stderr, /no runnable Sigma rules/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perMinute } from '../../test/helpers/events.js';
import { detectInsights, toInsightsEvents } from './insights.js';

const T0 = Date.parse('2024-05-01T00:00:00Z');
const M = 60_000;
const HOUR = 60 * M;
const mallory = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/mallory', accountId: '123456789012', userName: 'mallory' };

// Baseline: the first hour, 2 TerminateInstances a minute by ops. Analysis from minute 60: a burst by
// mallory of 30/min in minutes 70-72 and 74 (one quiet minute at 73), plus steady reads that never count.
function history() {
  return [
    ...perMinute(T0, 0, 90, 2, { eventName: 'TerminateInstances' }),
    ...perMinute(T0, 70, 73, 28, { eventName: 'TerminateInstances', userIdentity: mallory, userAgent: 'Boto3/1.34.0' }),
    ...perMinute(T0, 74, 75, 40, { eventName: 'TerminateInstances', userIdentity: mallory, userAgent: 'Boto3/1.34.0' }),
    ...perMinute(T0, 0, 90, 50, { eventName: 'DescribeInstances', readOnly: true }),
  ];
}

test('ApiCallRateInsight: start, end, peak, baseline and top contributors of a write burst', async () => {
  const report = await detectInsights(history(), { start: T0 + HOUR, baselineMs: HOUR, types: ['ApiCallRateInsight'] });
  assert.equal(report.baselineStart, T0);
  assert.equal(report.insights.length, 1);
  const i = report.insights[0]!;
  assert.equal(i.insightType, 'ApiCallRateInsight');
  assert.equal(i.eventName, 'TerminateInstances');
  assert.equal(i.region, 'us-east-1');
  assert.equal(i.start, T0 + 70 * M);
  assert.equal(i.end, T0 + 75 * M);
  assert.equal(i.durationMinutes, 5);
  assert.deepEqual(i.peak, { minute: T0 + 74 * M, count: 42 });
  assert.equal(i.insight.total, 3 * 30 + 2 + 42);
  assert.equal(i.insight.average, (3 * 30 + 2 + 42) / 5);
  assert.equal(i.baseline.average, 2);
  assert.equal(i.baseline.stddev, 0);
  assert.equal(i.baseline.durationMinutes, 60);
  const arns = i.attributions.find((a) => a.attribute === 'userIdentityArn')!;
  assert.deepEqual(arns.insight.map((c) => [c.value, c.count]), [
    ['arn:aws:iam::123456789012:user/mallory', 124],
    ['arn:aws:iam::123456789012:user/ops', 10],
  ]);
  assert.deepEqual(arns.baseline.map((c) => [c.value, c.average]), [
    ['arn:aws:iam::123456789012:user/mallory', 0],
    ['arn:aws:iam::123456789012:user/ops', 2],
  ]);
  assert.deepEqual(i.attributions.find((a) => a.attribute === 'errorCode')!.insight.map((c) => c.value), ['null']);
});

test('a gap longer than mergeGapMinutes splits the burst; a high minPerMinute hides it', async () => {
  const split = await detectInsights(history(), { start: T0 + HOUR, baselineMs: HOUR, types: ['ApiCallRateInsight'], mergeGapMinutes: 0 });
  assert.deepEqual(split.insights.map((i) => [(i.start - T0) / M, (i.end - T0) / M]), [[70, 73], [74, 75]]);
  const quiet = await detectInsights(history(), { start: T0 + HOUR, baselineMs: HOUR, minPerMinute: 50 });
  assert.equal(quiet.insights.length, 0);
});

test('a noisy baseline raises the threshold (mean + sigma * stddev)', async () => {
  // Baseline alternates 0 and 20 per minute: mean 10, stddev 10, threshold 40 at sigma 3.
  const noisy = [
    ...Array.from({ length: 30 }, (_, k) => perMinute(T0, 2 * k, 2 * k + 1, 20, { eventName: 'PutObjectAcl', eventSource: 's3.amazonaws.com' })).flat(),
    ...perMinute(T0, 61, 62, 35, { eventName: 'PutObjectAcl', eventSource: 's3.amazonaws.com' }),
    ...perMinute(T0, 65, 66, 45, { eventName: 'PutObjectAcl', eventSource: 's3.amazonaws.com' }),
  ];
  const r = await detectInsights(noisy, { start: T0 + HOUR, baselineMs: HOUR });
  assert.equal(r.insights.length, 1);
  assert.equal(r.insights[0]!.baseline.threshold, 40);
  assert.equal(r.insights[0]!.start, T0 + 65 * M);
});

test('ApiErrorRateInsight on an AccessDenied burst, per principal', async () => {
  const events = [
    ...perMinute(T0, 0, 60, 1, { eventName: 'GetObject', readOnly: true, errorCode: 'NoSuchKey', eventSource: 's3.amazonaws.com' }),
    ...perMinute(T0, 80, 82, 12, { eventName: 'ListBuckets', readOnly: true, errorCode: 'AccessDenied', eventSource: 's3.amazonaws.com', userIdentity: mallory }),
    ...perMinute(T0, 80, 82, 1, { eventName: 'ListBuckets', readOnly: true, errorCode: 'AccessDenied', eventSource: 's3.amazonaws.com' }),
  ];
  const r = await detectInsights(events, { start: T0 + HOUR, baselineMs: HOUR, perPrincipal: true });
  assert.equal(r.insights.length, 1);
  const i = r.insights[0]!;
  assert.equal(i.insightType, 'ApiErrorRateInsight');
  assert.equal(i.principal, 'arn:aws:iam::123456789012:user/mallory');
  assert.equal(i.insight.total, 24);
  assert.deepEqual(i.attributions.find((a) => a.attribute === 'errorCode')!.insight.map((c) => [c.value, c.average]), [['AccessDenied', 12]]);
});

test('without a start, the first baseline period of the data is the baseline', async () => {
  const r = await detectInsights(history(), { baselineMs: HOUR, types: ['ApiCallRateInsight'] });
  assert.equal(r.start, T0 + HOUR);
  assert.equal(r.end, T0 + 90 * M);
  assert.equal(r.insights.length, 1);
});

test('Insights events: a Start/End pair shaped like CloudTrail writes them', async () => {
  const [insight] = (await detectInsights(history(), { start: T0 + HOUR, baselineMs: HOUR, types: ['ApiCallRateInsight'] })).insights;
  const [start, end] = toInsightsEvents(insight!);
  assert.equal(start.eventType, 'AwsCloudTrailInsight');
  assert.equal(start.eventCategory, 'Insight');
  assert.equal(start.eventTime, '2024-05-01T01:10:00Z');
  assert.equal(end.eventTime, '2024-05-01T01:15:00Z');
  assert.equal(start.sharedEventID, end.sharedEventID);
  assert.notEqual(start.eventID, end.eventID);
  assert.equal(start.eventName, undefined);
  const details = end.insightDetails as { state: string; insightType: string; eventName: string; insightContext: { statistics: Record<string, unknown>; attributions: Array<{ attribute: string }> } };
  assert.equal(details.state, 'End');
  assert.equal(details.insightType, 'ApiCallRateInsight');
  assert.equal(details.eventName, 'TerminateInstances');
  assert.deepEqual(details.insightContext.statistics, { baseline: { average: 2 }, insight: { average: 26.8 }, insightDuration: 5, baselineDuration: 60 });
  assert.deepEqual(details.insightContext.attributions.map((a) => a.attribute), ['userIdentityArn', 'userAgent', 'errorCode']);
  assert.deepEqual(toInsightsEvents(insight!), [start, end]);
});

test('data shorter than the baseline is reported as a shortfall, never as a quiet trail', async () => {
  // 90 minutes of writes against a 2-hour baseline: no minute after a full baseline.
  const short = await detectInsights(history(), { baselineMs: 2 * HOUR, types: ['ApiCallRateInsight'] });
  assert.equal(short.insights.length, 0);
  assert.deepEqual(short.shortfall, { coveredMs: 90 * M, neededMs: 2 * HOUR });
  // An explicit start whose baseline the data covers for 20 of 60 minutes.
  const late = await detectInsights(history(), { start: T0 + 20 * M, baselineMs: HOUR, types: ['ApiCallRateInsight'] });
  assert.deepEqual(late.shortfall, { coveredMs: 20 * M, neededMs: HOUR });
  // A covered baseline has no shortfall, and no events at all is not one either (nothing was read).
  assert.equal((await detectInsights(history(), { start: T0 + HOUR, baselineMs: HOUR })).shortfall, undefined);
  assert.equal((await detectInsights([], { baselineMs: HOUR })).shortfall, undefined);
});

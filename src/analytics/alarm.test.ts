import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAlarm, parseAlarm } from './alarm.js';
import type { PeriodStats, Series } from './series.js';

const P = 300_000;
const periods = (n: number): number[] => Array.from({ length: n }, (_, i) => i * P);
const counts = (values: Array<number | undefined>): Series => ({
  key: [],
  total: 0,
  points: values.map((v): PeriodStats | undefined => (v === undefined ? undefined : { count: v, sum: v, min: v, max: v })),
});

test('alarm expressions', () => {
  assert.deepEqual(parseAlarm('sum > 10 for 2 periods'), {
    statistic: 'sum', comparison: '>', threshold: 10, datapointsToAlarm: 2, evaluationPeriods: 2, text: 'sum > 10 for 2 periods',
  });
  const mOfN = parseAlarm('Maximum >= 3.5 for 3 out of 5 periods');
  assert.equal(mOfN.statistic, 'max');
  assert.equal(mOfN.datapointsToAlarm, 3);
  assert.equal(mOfN.evaluationPeriods, 5);
  assert.equal(parseAlarm('SampleCount<1').statistic, 'count');
  assert.equal(parseAlarm('avg <= 2 for 1 period').evaluationPeriods, 1);
  assert.throws(() => parseAlarm('p99 > 1'), /unknown statistic "p99"/);
  assert.throws(() => parseAlarm('sum = 1'), /expected e\.g\./);
  assert.throws(() => parseAlarm('sum > 1 for 4 out of 3 periods'), /datapoints/);
});

test('sum > 10 for 2 periods: fires at the end of the second breaching period in a row', () => {
  const r = evaluateAlarm(parseAlarm('sum > 10 for 2 periods'), periods(7), counts([5, 12, 11, 3, 15, undefined, 20]), P);
  assert.deepEqual(r.periods.map((p) => p.breaching), [false, true, true, false, true, false, true]);
  assert.deepEqual(r.periods.map((p) => p.state), ['INSUFFICIENT_DATA', 'OK', 'ALARM', 'OK', 'OK', 'OK', 'OK']);
  assert.equal(r.firstAlarm, 3 * P);
  assert.deepEqual(r.alarms, [{ from: 2 * P, to: 3 * P }]);
  assert.equal(r.periods[5]!.value, 0);
});

test('M out of N: 3 breaching of the last 5', () => {
  const r = evaluateAlarm(parseAlarm('count >= 4 for 3 out of 5 periods'), periods(8), counts([4, 0, 5, 0, 0, 6, 7, 0]), P);
  assert.deepEqual(r.periods.map((p) => p.state), [
    'INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'OK', 'OK', 'ALARM', 'OK',
  ]);
  assert.equal(r.firstAlarm, 7 * P);
  assert.deepEqual(r.alarms, [{ from: 6 * P, to: 7 * P }]);
});

test('avg/min/max: missing data does not breach, even for "<"', () => {
  const series: Series = {
    key: [],
    total: 0,
    points: [{ count: 2, sum: 10, min: 1, max: 9 }, undefined, { count: 4, sum: 4, min: 1, max: 1 }],
  };
  assert.deepEqual(evaluateAlarm(parseAlarm('avg > 4'), periods(3), series, P).periods.map((p) => p.state), ['ALARM', 'OK', 'OK']);
  assert.deepEqual(evaluateAlarm(parseAlarm('max < 5'), periods(3), series, P).periods.map((p) => [p.value, p.state]), [
    [9, 'OK'], [undefined, 'OK'], [1, 'ALARM'],
  ]);
  // sum of an empty period is a real 0 and does breach "< 1".
  assert.deepEqual(evaluateAlarm(parseAlarm('sum < 1'), periods(3), series, P).periods.map((p) => p.state), ['OK', 'ALARM', 'OK']);
});

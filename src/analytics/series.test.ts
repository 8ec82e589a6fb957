import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiCallAt } from '../../test/helpers/events.js';
import { countSeries, totalSeries } from './series.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const min = (n: number): number => T0 + n * 60_000;

test('counts per interval and per --by key, with empty periods kept', async () => {
  const events = [
    apiCallAt(min(0), { eventName: 'TerminateInstances' }),
    apiCallAt(min(1), { eventName: 'TerminateInstances' }),
    apiCallAt(min(4), { eventName: 'RunInstances' }),
    apiCallAt(min(12), { eventName: 'TerminateInstances' }),
    apiCallAt('not a time'),
  ];
  async function* stream() {
    yield* events;
  }
  const ts = await countSeries(stream(), { intervalMs: 5 * 60_000, by: ['eventName'] });
  assert.deepEqual(ts.periods, [min(0), min(5), min(10)]);
  assert.equal(ts.uncounted, 1);
  assert.deepEqual(ts.series.map((s) => [s.key, s.total]), [[['TerminateInstances'], 3], [['RunInstances'], 1]]);
  assert.deepEqual(ts.series[0]!.points.map((p) => p?.count ?? 0), [2, 0, 1]);
  assert.equal(ts.series[0]!.points[1], undefined);
  assert.deepEqual(totalSeries(ts).points.map((p) => p?.count ?? 0), [3, 0, 1]);
});

test('two --by fields, nested paths and the principal shorthand', async () => {
  const bob = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/bob', accountId: '123456789012' };
  const ts = await countSeries(
    [apiCallAt(min(0)), apiCallAt(min(0), { userIdentity: bob }), apiCallAt(min(1), { userIdentity: bob, errorCode: 'AccessDenied' })],
    { intervalMs: 3_600_000, by: ['principal', 'errorCode'] },
  );
  assert.deepEqual(ts.series.map((s) => [...s.key, s.total]), [
    ['arn:aws:iam::123456789012:user/bob', '-', 1],
    ['arn:aws:iam::123456789012:user/bob', 'AccessDenied', 1],
    ['arn:aws:iam::123456789012:user/ops', '-', 1],
  ]);
  const byType = await countSeries([apiCallAt(min(0)), apiCallAt(min(0), { userIdentity: bob })], { intervalMs: 60_000, by: ['userIdentity.type'] });
  assert.deepEqual(byType.series.map((s) => [...s.key, s.total]), [['IAMUser', 2]]);
});

test('window bounds and metric values from a field', async () => {
  const events = [0, 1, 2, 3, 7].map((m) => apiCallAt(min(m), { requestParameters: { maxCount: m * 2 } }));
  const ts = await countSeries(events, { intervalMs: 2 * 60_000, start: min(2), end: min(10), valueField: 'requestParameters.maxCount' });
  assert.deepEqual(ts.periods, [min(2), min(4), min(6), min(8)]);
  const p = ts.series[0]!.points;
  assert.deepEqual(p[0], { count: 2, sum: 10, min: 4, max: 6 });
  assert.equal(p[1], undefined);
  assert.deepEqual(p[2], { count: 1, sum: 14, min: 14, max: 14 });
  assert.equal(ts.series[0]!.total, 24);
});

test('an interval too small for the window is refused', async () => {
  await assert.rejects(countSeries([apiCallAt(min(0)), apiCallAt(T0 + 400 * 86_400_000)], { intervalMs: 60_000 }), /exceed the limit/);
});

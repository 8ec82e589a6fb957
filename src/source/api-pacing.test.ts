import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimiterRegistry, RateLimiter, estimateEta, isThrottling, pacedCall, type RetryPolicy } from './api-pacing.js';
import { ApiProgressBoard } from '../output/api-progress.js';

function awsError(name: string, status?: number): Error {
  const err = new Error(`${name} happened`);
  err.name = name;
  if (status !== undefined) Object.assign(err, { $metadata: { httpStatusCode: status } });
  return err;
}

const policy: RetryPolicy = { maxConsecutiveThrottles: 4, baseDelayMs: 100, maxDelayMs: 250, maxTransientAttempts: 3 };
const noWait = async () => undefined;

test('throttling is recognised by name or by HTTP 429, nothing else', () => {
  assert.ok(isThrottling(awsError('ThrottlingException', 400)));
  assert.ok(isThrottling(awsError('TooManyRequestsException')));
  assert.ok(isThrottling(awsError('SomethingNew', 429)));
  assert.ok(!isThrottling(awsError('AccessDeniedException', 400)));
  assert.ok(!isThrottling('ThrottlingException'));
});

test('pacedCall re-sends a throttled call until it succeeds, with capped growing delays', async () => {
  const delays: number[] = [];
  let calls = 0;
  const result = await pacedCall(
    new RateLimiter(1000),
    async () => {
      calls++;
      if (calls < 4) throw awsError('ThrottlingException', 400);
      return 'page';
    },
    { policy, sleeper: noWait, hooks: { onThrottled: (_attempt, d) => delays.push(d) } },
  );
  assert.equal(result, 'page');
  assert.equal(calls, 4);
  assert.equal(delays.length, 3);
  // Half fixed, half jitter: attempt n waits between ceiling/2 and ceiling, ceiling = min(max, base·2^(n-1)).
  const ceilings = [100, 200, 250];
  delays.forEach((d, i) => assert.ok(d >= ceilings[i]! / 2 && d <= ceilings[i]!, `delay ${i}: ${d}`));
});

test('pacedCall gives up after the policy allows, and never retries other errors', async () => {
  let calls = 0;
  await assert.rejects(
    pacedCall(new RateLimiter(1000), async () => {
      calls++;
      throw awsError('ThrottlingException', 400);
    }, { policy, sleeper: noWait }),
    /ThrottlingException/,
  );
  assert.equal(calls, policy.maxConsecutiveThrottles);
  calls = 0;
  await assert.rejects(
    pacedCall(new RateLimiter(1000), async () => {
      calls++;
      throw awsError('AccessDeniedException', 400);
    }, { policy, sleeper: noWait }),
    /AccessDenied/,
  );
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(
    pacedCall(new RateLimiter(1000), async () => {
      calls++;
      throw awsError('InternalFailure', 500);
    }, { policy, sleeper: noWait }),
    /InternalFailure/,
  );
  assert.equal(calls, policy.maxTransientAttempts);
});

test('limiters are shared per quota bucket', () => {
  const reg = new LimiterRegistry();
  assert.equal(reg.get('cloudtrail||us-east-1', 2), reg.get('cloudtrail||us-east-1', 2));
  assert.notEqual(reg.get('cloudtrail||us-east-1', 2), reg.get('cloudtrail||eu-west-1', 2));
  assert.throws(() => new RateLimiter(0), RangeError);
});

test('ETA and the progress board', () => {
  assert.equal(estimateEta(10_000, 0.25), 30);
  assert.equal(estimateEta(10_000, undefined), undefined);
  assert.equal(estimateEta(10_000, 1), 0);
  const board = new ApiProgressBoard();
  assert.equal(board.summary(), undefined);
  board.update({ source: 'history:us-east-1', pages: 3, events: 150, requests: 4, throttled: 1, requestRate: 2, fractionDone: 0.5, etaSeconds: 90, done: false });
  board.update({ source: 'history:eu-west-1', pages: 2, events: 60, requests: 2, throttled: 0, requestRate: 2, fractionDone: 1, etaSeconds: 0, done: true });
  const text = board.summary(Date.now() + 3000)!;
  assert.match(text, /^API 5 pages · 210 events · [\d.]+ req\/s · 1 throttled · API ETA 1m30s$/);
});

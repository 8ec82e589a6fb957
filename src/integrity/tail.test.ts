import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainTail, statusFor } from './tail.js';

const ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/main';
const tail = { trailName: 'main', homeRegion: 'us-east-1', newest: new Date('2026-03-14T04:17:28Z'), until: new Date('2026-03-14T06:00:00Z'), folderUri: 's3://b/f/' };

test('statusFor matches the trail by name and home region, and skips malformed entries', () => {
  const other = { trailArn: 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/main', readAt: 't' };
  const mine = { trailArn: ARN, readAt: 't', isLogging: 'yes', latestDigestDeliveryTime: 5 };
  assert.deepEqual(statusFor([null, 3, other, mine], 'main', 'us-east-1'), { trailArn: ARN, readAt: 't' });
  assert.equal(statusFor({ trailArn: ARN }, 'main', 'us-east-1'), undefined);
  assert.equal(statusFor([other], 'main', 'us-east-1'), undefined);
});

test('explainTail: a delivery more than an hour after the newest digest fails; within the hour, or unknown, notes', () => {
  const at = (t: string) => ({ trailArn: ARN, readAt: 'r', latestDigestDeliveryTime: t });
  assert.equal(explainTail(tail, at('2026-03-14T05:17:29Z'), false).kind, 'tail-missing');
  assert.equal(explainTail(tail, at('2026-03-14T05:17:28Z'), false).kind, 'tail-uncovered');
  assert.equal(explainTail(tail, at('garbage'), false).kind, 'tail-uncovered');
  assert.equal(explainTail(tail, undefined, false).kind, 'tail-uncovered');
  assert.equal(explainTail(tail, undefined, true).kind, 'tail-missing');
  assert.match(explainTail(tail, { trailArn: ARN, readAt: 'r', isLogging: false, stopLoggingTime: '2026-03-14T04:30:00.000Z' }, false).detail, /logging stopped at 2026-03-14T04:30:00Z/);
  assert.match(explainTail(tail, { trailArn: ARN, readAt: 'r', error: 'AccessDeniedException' }, false).detail, /could not be read \(AccessDeniedException\)/);
});

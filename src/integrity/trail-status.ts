import { describeError } from '../errors.js';
import type { AwsOptions } from '../source/aws.js';
import type { TrailStatusSeen } from './manifest.js';
import { isoTime } from '../cloudtrail/time.js';

/** GetTrailStatus in the trail's home region; a status that cannot be read is recorded with the reason. */
export async function readTrailStatus(aws: AwsOptions, trailArn: string, homeRegion: string): Promise<TrailStatusSeen> {
  const readAt = isoTime(new Date());
  const [{ GetTrailStatusCommand }, { createCloudTrailClient }] = await Promise.all([import('@aws-sdk/client-cloudtrail'), import('../source/aws-clients.js')]);
  const client = createCloudTrailClient(aws, homeRegion);
  try {
    // Bounded: an unreachable endpoint must not hold the finished copy hostage.
    const s = await client.send(new GetTrailStatusCommand({ Name: trailArn }), { abortSignal: AbortSignal.timeout(15_000) });
    return {
      trailArn,
      readAt,
      ...(s.IsLogging !== undefined ? { isLogging: s.IsLogging } : {}),
      ...(s.StopLoggingTime ? { stopLoggingTime: isoTime(s.StopLoggingTime) } : {}),
      ...(s.LatestDigestDeliveryTime ? { latestDigestDeliveryTime: isoTime(s.LatestDigestDeliveryTime) } : {}),
      ...(s.LatestDeliveryTime ? { latestDeliveryTime: isoTime(s.LatestDeliveryTime) } : {}),
    };
  } catch (err) {
    return { trailArn, readAt, error: describeError(err) };
  } finally {
    client.destroy();
  }
}

import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CorpusEvent } from './lookup-events-standin.js';

/** The stream a trail writes an event to: `ACCOUNT_CloudTrail_REGION`. */
export function cloudTrailStreamName(account: string, region: string): string {
  return `${account}_CloudTrail_${region}`;
}

/**
 * Loads events into a log group the way CloudTrail delivers them: one stream per account and region, one
 * log event per CloudTrail event (message = the event's JSON), timestamps = event times, in time order.
 * `extra` adds raw messages to a stream (to test what is not a CloudTrail event).
 */
export async function loadLogGroup(
  client: CloudWatchLogsClient,
  group: string,
  events: readonly CorpusEvent[],
  extra: ReadonlyArray<{ stream: string; message: string; timestamp: number }> = [],
): Promise<string[]> {
  await client.send(new CreateLogGroupCommand({ logGroupName: group }));
  const byStream = new Map<string, Array<{ message: string; timestamp: number }>>();
  for (const e of events) {
    const account = String(e.recipientAccountId ?? (e.userIdentity as { accountId?: string } | undefined)?.accountId);
    const stream = cloudTrailStreamName(account, e.awsRegion);
    const list = byStream.get(stream) ?? [];
    list.push({ message: JSON.stringify(e), timestamp: Date.parse(e.eventTime) });
    byStream.set(stream, list);
  }
  for (const x of extra) {
    const list = byStream.get(x.stream) ?? [];
    list.push({ message: x.message, timestamp: x.timestamp });
    byStream.set(x.stream, list);
  }
  for (const [stream, list] of byStream) {
    await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    list.sort((a, b) => a.timestamp - b.timestamp);
    for (let i = 0; i < list.length; i += 5000) {
      await client.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: list.slice(i, i + 5000) }));
    }
  }
  return [...byStream.keys()].sort();
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface TrailEvent {
  eventTime: string;
  awsRegion: string;
  eventCategory?: unknown;
  recipientAccountId?: unknown;
}

/**
 * Writes events as a trail delivers them: AWSLogs/ACCOUNT/CloudTrail[-Insight]/REGION/YYYY/MM/DD/…json.gz,
 * one gzipped `{"Records": [...]}` file per account, region and hour.
 */
export function writeTrailFolder(root: string, events: readonly TrailEvent[], defaultAccount: string): void {
  const files = new Map<string, TrailEvent[]>();
  for (const e of events) {
    const account = typeof e.recipientAccountId === 'string' ? e.recipientAccountId : defaultAccount;
    const day = e.eventTime.slice(0, 10).replaceAll('-', '/');
    const hour = e.eventTime.slice(0, 13).replace(/[-:]/g, '');
    const folder = e.eventCategory === 'Insight' ? 'CloudTrail-Insight' : 'CloudTrail';
    const key = `AWSLogs/${account}/${folder}/${e.awsRegion}/${day}/${account}_${folder}_${e.awsRegion}_${hour}00Z_test.json.gz`;
    const list = files.get(key) ?? [];
    list.push(e);
    files.set(key, list);
  }
  for (const [key, list] of files) {
    const path = join(root, key);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, gzipSync(JSON.stringify({ Records: list })));
  }
}

import type { CloudTrailEvent } from '../cloudtrail/event.js';

/** The fields that name one CloudTrail event in every forensic output (`find-deletion`, `activity`). */
export interface EventFields {
  eventID?: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string;
  recipientAccountId?: string;
  errorCode: string | null;
}

type RecordIdentity = Pick<CloudTrailEvent, 'eventID' | 'eventName' | 'eventTime' | 'recipientAccountId'>;

/** One delivered record: real logs reuse eventIDs across different calls, so the key is wider than the eventID. */
export function recordKey(e: RecordIdentity): string {
  return [e.eventID, e.eventName, e.eventTime, e.recipientAccountId].join('|');
}

/**
 * The records a pass has met, so a record delivered twice (overlapping files, a trail and its copy) counts once.
 * A record without an eventID cannot be told from another call at the same time, so it is always new.
 */
export class RecordsSeen {
  private readonly seen = new Set<string>();

  /** Whether `e` is met for the first time; remembers it either way. */
  firstSighting(e: RecordIdentity): boolean {
    const key = recordKey(e);
    const repeat = Boolean(e.eventID) && this.seen.has(key);
    this.seen.add(key);
    return !repeat;
  }
}

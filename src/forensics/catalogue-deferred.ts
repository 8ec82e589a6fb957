/**
 * Deletions that AWS carries out itself, later, because someone scheduled them. The event that records the
 * deletion is an AwsServiceEvent with no caller (KMS `DeleteKey` at the end of the waiting period), so the
 * person behind it is whoever made the scheduling call — unless a cancelling call came in between.
 *
 * Data on purpose, like the deletion catalogue: each row names the three kinds of event and where each
 * names the resource. Executor and scheduler are catalogue rows (catalogue.ts), so they are matched and
 * named exactly as any deletion is; the cancellers name the resource at `targets`, read like catalogue
 * target paths and normalised with the scheduler's row (a key ARN and a key id are the same key).
 * Only events CloudTrail really records are listed (AWS KMS and Secrets Manager developer guides,
 * "CloudTrail log entries"); S3 lifecycle expirations, for one, never reach CloudTrail.
 */

export interface DeferredCall {
  eventName: string;
  /** Where the call names the resource (catalogue path syntax). */
  targets: readonly string[];
}

export interface DeferredDeletion {
  eventSource: string;
  /** The service event that records the deletion when the waiting period ends. */
  executor: string;
  /** The calls that start the waiting period; the last one before the executor that was not cancelled counts. */
  schedulers: readonly string[];
  /** Calls that end the waiting period without a deletion. */
  cancellers: readonly DeferredCall[];
  /** Longest waiting period the API allows, in days: a schedule older than this cannot have led to the deletion. */
  maxWaitDays: number;
}

export const DEFERRED_DELETIONS: readonly DeferredDeletion[] = [
  // ScheduleKeyDeletion: PendingWindowInDays 7–30; CancelKeyDeletion takes the key id or ARN.
  { eventSource: 'kms.amazonaws.com', executor: 'DeleteKey', schedulers: ['ScheduleKeyDeletion'], cancellers: [{ eventName: 'CancelKeyDeletion', targets: ['keyId', 'responseElements.keyId'] }], maxWaitDays: 30 },
  // DeleteSecret: RecoveryWindowInDays 7–30; RestoreSecret cancels (its response names the ARN, `aRN` before 2024).
  { eventSource: 'secretsmanager.amazonaws.com', executor: 'EndSecretVersionDelete', schedulers: ['DeleteSecret'], cancellers: [{ eventName: 'RestoreSecret', targets: ['secretId', 'responseElements.arn'] }], maxWaitDays: 30 },
];

export function deferredByExecutor(eventSource: string, eventName: string): DeferredDeletion | undefined {
  return DEFERRED_DELETIONS.find((d) => d.eventSource === eventSource && d.executor === eventName);
}

export function deferredByScheduler(eventSource: string, eventName: string): DeferredDeletion | undefined {
  return DEFERRED_DELETIONS.find((d) => d.eventSource === eventSource && d.schedulers.includes(eventName));
}

export function cancellerOf(eventSource: string, eventName: string): { deferred: DeferredDeletion; call: DeferredCall } | undefined {
  for (const deferred of DEFERRED_DELETIONS) {
    if (deferred.eventSource !== eventSource) continue;
    const call = deferred.cancellers.find((c) => c.eventName === eventName);
    if (call) return { deferred, call };
  }
  return undefined;
}

/** Every event name the table involves, for API-source pushdown. */
export function deferredEventNames(): string[] {
  return [...new Set(DEFERRED_DELETIONS.flatMap((d) => [d.executor, ...d.schedulers, ...d.cancellers.map((c) => c.eventName)]))];
}

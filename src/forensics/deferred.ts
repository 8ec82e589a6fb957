import type { CloudTrailEvent, SourcedEvent } from '../cloudtrail/event.js';
import { asString } from '../cloudtrail/json.js';
import { serviceOf } from '../cloudtrail/arn.js';
import { eventTimeMs } from '../cloudtrail/time.js';
import { ruleFor } from './catalogue.js';
import { cancellerOf, deferredByExecutor, deferredByScheduler, type DeferredDeletion } from './catalogue-deferred.js';
import { refMatches, resourcesNamedAt, type ResourceQuery, type ResourceRef } from './resource.js';

/**
 * Links a deletion AWS carried out itself (catalogue-deferred.ts) to the call that scheduled it. Evidence
 * is every scheduling and cancelling call seen for the resource, whatever the window or scope: those
 * choose the deletions to report, not the calls that explain them.
 */

interface Evidence {
  kind: 'schedule' | 'cancel';
  deferred: DeferredDeletion;
  key: string;
  timeMs: number;
  sourced: SourcedEvent;
}

export type DeferredLink =
  | { linked: true; scheduler: SourcedEvent; deferred: DeferredDeletion }
  | { linked: false; deferred: DeferredDeletion; missing: string };

const DAY_MS = 86_400_000;
/** Deletion runs "at the end of the waiting period" as a background task; allow for its lateness. */
const LATENESS_DAYS = 7;

/** The resource as the three kinds of event all name it: account, region, and the normalised name. */
function linkKey(ref: ResourceRef): string {
  return [ref.account ?? '', ref.region ?? '', ref.name].join('|');
}

/** A cancelling call (CancelKeyDeletion, RestoreSecret) naming the queried resource: the scan must keep it. */
export function isCancellerFor(query: ResourceQuery, event: CloudTrailEvent): boolean {
  const found = cancellerOf(event.eventSource, event.eventName);
  if (!found) return false;
  const rule = ruleFor(event.eventSource, found.deferred.schedulers[0]!);
  if (!rule) return false;
  return resourcesNamedAt(event, found.call.targets, rule).some((ref) => refMatches(query, ref, serviceOf(event.eventSource)));
}

export class DeferredLinks {
  private readonly evidence: Evidence[] = [];

  /** Records a scheduling call (already matched as a deletion of `resource`) or a cancelling call. */
  note(sourced: SourcedEvent, resource?: ResourceRef): void {
    const e = sourced.event;
    if (asString(e.errorCode)) return;
    const timeMs = eventTimeMs(e.eventTime);
    if (timeMs === undefined) return;
    const scheduling = deferredByScheduler(e.eventSource, e.eventName);
    if (scheduling && resource) {
      this.evidence.push({ kind: 'schedule', deferred: scheduling, key: linkKey(resource), timeMs, sourced });
      return;
    }
    const cancelling = cancellerOf(e.eventSource, e.eventName);
    if (!cancelling) return;
    const rule = ruleFor(e.eventSource, cancelling.deferred.schedulers[0]!);
    if (!rule) return;
    const keys = new Set(resourcesNamedAt(e, cancelling.call.targets, rule).map(linkKey));
    for (const key of keys) this.evidence.push({ kind: 'cancel', deferred: cancelling.deferred, key, timeMs, sourced });
  }

  /** For an executor event: the scheduling call it carried out, or why there is none. Undefined for other events. */
  link(executor: CloudTrailEvent, resource: ResourceRef): DeferredLink | undefined {
    const deferred = deferredByExecutor(executor.eventSource, executor.eventName);
    if (!deferred) return undefined;
    const at = eventTimeMs(executor.eventTime) ?? 0;
    const earliest = at - (deferred.maxWaitDays + LATENESS_DAYS) * DAY_MS;
    const key = linkKey(resource);
    // The last word before the deletion decides: a schedule, or a cancellation of every earlier schedule.
    let last: Evidence | undefined;
    for (const ev of this.evidence) {
      if (ev.deferred !== deferred || ev.key !== key || ev.timeMs > at || ev.timeMs < earliest) continue;
      if (!last || ev.timeMs > last.timeMs || (ev.timeMs === last.timeMs && ev.kind === 'cancel')) last = ev;
    }
    const schedulers = deferred.schedulers.join(' or ');
    if (last?.kind === 'schedule') return { linked: true, scheduler: last.sourced, deferred };
    if (last?.kind === 'cancel') {
      const c = last.sourced.event;
      return { linked: false, deferred, missing: `AWS carried out a scheduled deletion, but the last ${schedulers} found was cancelled by ${c.eventName} ${asString(c.eventID) ?? '?'} at ${c.eventTime} and no later schedule was found in the sources` };
    }
    return { linked: false, deferred, missing: `AWS carried out a scheduled deletion; the ${schedulers} that scheduled it (up to ${deferred.maxWaitDays} days earlier) was not found in the sources — add the trail that covers it` };
  }
}

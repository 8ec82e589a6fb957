import type { CloudTrailEvent, SourcedEvent } from '../../cloudtrail/event.js';
import type { MatcherRecipe } from '../../filter/recipe.js';
import { RecordsSeen } from '../event-fields.js';
import { asString } from '../../cloudtrail/json.js';
import { eventTimeMs } from '../../cloudtrail/time.js';
import { ActivityClosure } from './closure.js';
import { activityEventPart } from './matchers.js';
import { summarize } from './summarize.js';
import { targetValue, type ActivityTarget } from './target.js';
import { opt, type ActivityEvent, type ActivityNode, type ActivityOptions, type ActivityReport, type Branch, type ClosureNode, type ViaStep } from './types.js';

/**
 * Runs the closure over both passes. `indexEvents` is pass 1 (activityIndexPart), `identityEvents` the
 * --identity-source issuing events, and `events` a factory for pass 2 given its recipe — called once.
 */
export async function collectActivity(
  target: ActivityTarget,
  indexEvents: AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
  events: (recipe: MatcherRecipe) => AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
  opts: ActivityOptions = {},
  identityEvents?: AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
  who = targetValue(target),
): Promise<ActivityReport> {
  const closure = new ActivityClosure(target, opts);
  for await (const s of indexEvents) closure.addIndexEvent(s);
  // Issuing calls from --identity-source may be <WHO>'s own (the first hops of its chain).
  if (identityEvents) for await (const s of identityEvents) closure.addIndexEvent(s);
  closure.build();

  const out: ActivityEvent[] = [];
  const seen = new RecordsSeen();
  let unattributed = 0;
  const accept = opts.accept ?? (() => true);
  const push = (e: CloudTrailEvent, source: string, node: { depth: number; via: ViaStep[]; branch: Branch; principal: ActivityNode['principal']; accessKeyId?: string }, count?: ClosureNode) => {
    if (!seen.firstSighting(e)) return;
    if (!accept(e)) return;
    const t = eventTimeMs(e.eventTime);
    if (count && t !== undefined) {
      count.count++;
      count.firstMs = Math.min(count.firstMs ?? t, t);
      count.lastMs = Math.max(count.lastMs ?? t, t);
    }
    out.push({
      ...opt('eventID', asString(e.eventID)),
      eventTime: e.eventTime,
      eventName: e.eventName,
      eventSource: e.eventSource,
      awsRegion: e.awsRegion,
      ...opt('recipientAccountId', asString(e.recipientAccountId)),
      errorCode: asString(e.errorCode) ?? null,
      ...opt('accessKeyId', asString(e.userIdentity?.accessKeyId) ?? node.accessKeyId),
      ...opt('session', asString(e.userIdentity?.arn) ?? node.principal.arn),
      depth: node.depth,
      via: node.via,
      branch: node.branch,
      source,
      event: e,
    });
  };
  const selection = closure.eventSelection();
  for await (const { event, source } of events(activityEventPart.recipe(selection))) {
    const node = closure.nodeOf(event);
    if (!node) {
      if (accept(event)) unattributed++;
      continue;
    }
    push(event, source, node, node);
  }
  for (const { copy, by } of closure.ownerCopies()) push(copy.event!, copy.source, by);
  const reported = withCopies(out).sort((a, b) => (eventTimeMs(a.eventTime) ?? 0) - (eventTimeMs(b.eventTime) ?? 0));
  return { summary: summarize(who, target, closure, reported, unattributed), events: reported };
}

/** Both records of a call logged in two accounts (same sharedEventID) name each other in `copies`. */
function withCopies(events: ActivityEvent[]): ActivityEvent[] {
  const groups = new Map<string, ActivityEvent[]>();
  for (const x of events) {
    const shared = asString(x.event.sharedEventID);
    if (!shared) continue;
    const id = `${shared}|${x.eventName}`;
    (groups.get(id) ?? groups.set(id, []).get(id)!).push(x);
  }
  return events.map((x) => {
    const shared = asString(x.event.sharedEventID);
    const others = shared ? (groups.get(`${shared}|${x.eventName}`) ?? []).filter((y) => y !== x && y.eventID).map((y) => y.eventID!) : [];
    if (others.length === 0) return x;
    // `copies` sits before `source` and `event`, as documented.
    const { source, event, ...rest } = x;
    return { ...rest, copies: others, source, event };
  });
}

import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import { looksDestructive, ruleFor } from '../catalogue.js';
import { isIssuingEvent } from '../issued-credential.js';
import { serviceOf } from '../../cloudtrail/arn.js';
import { asObject, asString, valuesAt } from '../../cloudtrail/json.js';
import { eventTimeMs, isoTime } from '../../cloudtrail/time.js';
import type { ActivityClosure } from './closure.js';
import type { ActivityTarget } from './target.js';
import { opt, type ActivityEvent, type ActivityNode, type ActivitySummary, type Count, type ResourceChange } from './types.js';

function tally(values: Iterable<string | undefined>): Count[] {
  const m = new Map<string, number>();
  for (const v of values) if (v !== undefined) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([name, events]) => ({ name, events })).sort((a, b) => b.events - a.events || a.name.localeCompare(b.name));
}

const CREATES = /^(Create|Run|Register|Import|Allocate|Launch|Copy|Restore|Publish)/;

/** The resource a write call names: resources[] first, then the first name/id/ARN-like request parameter. */
function resourceOf(e: CloudTrailEvent): string {
  // A catalogued deletion knows where its target is written.
  const rule = ruleFor(e.eventSource, e.eventName);
  for (const target of rule?.targets ?? []) {
    const path = typeof target === 'string' ? target : target.path;
    const value = valuesAt(e.requestParameters, path)[0];
    if (value) return `${rule!.label} ${value}`;
  }
  const listed = Array.isArray(e.resources) ? e.resources.map((r) => asString(asObject(r)?.ARN)).find((a) => a !== undefined) : undefined;
  if (listed) return listed;
  const request = asObject(e.requestParameters) ?? {};
  for (const [k, v] of Object.entries(request)) if (/(Name|Id|Arn|ARN|Key|^name)$/.test(k) && asString(v)) return `${k}=${String(v)}`;
  const nested = Object.values(request).map(asObject).find((o) => o !== undefined);
  if (nested) for (const [k, v] of Object.entries(nested)) if (/(Name|Id|Arn|ARN|Key)$/.test(k) && asString(v)) return `${k}=${String(v)}`;
  return '?';
}

export function summarize(who: string, target: ActivityTarget, closure: ActivityClosure, events: ActivityEvent[], unattributed: number): ActivitySummary {
  const services = new Map<string, Map<string, { events: number; errors: number }>>();
  const created: ResourceChange[] = [];
  const changed: ResourceChange[] = [];
  const deleted: ResourceChange[] = [];
  let writes = 0;
  for (const x of events) {
    const service = serviceOf(x.eventSource);
    const calls = services.get(service) ?? services.set(service, new Map()).get(service)!;
    const c = calls.get(x.eventName) ?? calls.set(x.eventName, { events: 0, errors: 0 }).get(x.eventName)!;
    c.events++;
    if (x.errorCode) c.errors++;
    const e = x.event;
    // Records without readOnly (older or hand-made ones) are judged by the verb.
    const write = e.readOnly === undefined ? !/^(Describe|Get|List|Head|Lookup|Search|Scan|Query|Select|BatchGet|ConsoleLogin)/.test(x.eventName) : String(e.readOnly) === 'false';
    if (!write || isIssuingEvent(e) || x.eventSource === 'signin.amazonaws.com') continue;
    writes++;
    if (x.errorCode) continue;
    const change: ResourceChange = { resource: resourceOf(e), eventName: x.eventName, eventTime: x.eventTime, ...opt('account', x.recipientAccountId), region: x.awsRegion };
    if (ruleFor(x.eventSource, x.eventName) || looksDestructive(x.eventName)) deleted.push(change);
    else if (CREATES.test(x.eventName)) created.push(change);
    else changed.push(change);
  }
  const times = events.map((x) => eventTimeMs(x.eventTime)).filter((t): t is number => t !== undefined);
  const tree: ActivityNode[] = closure.all.map((n) => {
    const node: ActivityNode = {
      id: n.id,
      ...(n.parent !== undefined ? { parent: n.parent } : {}),
      depth: n.depth,
      branch: n.branch,
      joinedBy: n.joinedBy,
      ...opt('accessKeyId', n.accessKeyId),
      principal: n.principal,
      ...opt('issuedAt', isoTime(n.fromMs)),
      ...opt('expiresAt', isoTime(n.toMs)),
      ...opt('sourceIdentity', n.sourceIdentity),
      via: n.via,
      events: n.count,
      ...opt('firstSeen', isoTime(n.firstMs)),
      ...opt('lastSeen', isoTime(n.lastMs)),
    };
    return node;
  });
  return {
    who,
    target,
    events: events.length,
    // A loop, not Math.min(...times): spreading hundreds of thousands of arguments overflows the stack.
    ...opt('firstSeen', times.length ? isoTime(times.reduce((a, b) => Math.min(a, b))) : undefined),
    ...opt('lastSeen', times.length ? isoTime(times.reduce((a, b) => Math.max(a, b))) : undefined),
    tree,
    accounts: tally(events.map((x) => x.recipientAccountId)),
    regions: tally(events.map((x) => x.awsRegion)),
    services: [...services]
      .map(([name, calls]) => ({ name, events: [...calls.values()].reduce((s, c) => s + c.events, 0), calls: [...calls].map(([call, c]) => ({ name: call, ...c })).sort((a, b) => b.events - a.events || a.name.localeCompare(b.name)) }))
      .sort((a, b) => b.events - a.events || a.name.localeCompare(b.name)),
    writes,
    errors: tally(events.map((x) => x.errorCode ?? undefined)),
    resources: { created, changed, deleted },
    sourceIPs: tally(events.map((x) => asString(x.event.sourceIPAddress))),
    userAgents: tally(events.map((x) => asString(x.event.userAgent))),
    persistence: closure.persistence,
    unattributed,
    issuingEvents: closure.index.size,
  };
}

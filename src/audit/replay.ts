import { describeError } from '../errors.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import type { AccountFacts } from './facts.js';
import type { PatternEngines, ReplayKind, ReplayReport, ReplayResult } from './types.js';
import { eventTimeMs } from '../cloudtrail/time.js';

/** One alerting pattern found in the account, ready to run over history. */
export interface ReplayPattern {
  kind: ReplayKind;
  name: string;
  /** Log group (metric filters) or region (EventBridge rules). */
  where: string;
  pattern: string;
  matches?: (event: CloudTrailEvent) => boolean;
  /** Set when the pattern could not be compiled. */
  error?: string;
}

function compile(kind: ReplayKind, name: string, where: string, pattern: string, make: () => (e: CloudTrailEvent) => boolean): ReplayPattern {
  try {
    return { kind, name, where, pattern, matches: make() };
  } catch (err) {
    return { kind, name, where, pattern, error: describeError(err) };
  }
}

/** Every metric filter on a trail's log group and every EventBridge rule with an event pattern. */
export function patternsFromFacts(facts: AccountFacts, engines: PatternEngines): ReplayPattern[] {
  const out: ReplayPattern[] = [];
  for (const group of facts.logGroups) {
    if (!group.metricFilters.ok) continue;
    for (const f of group.metricFilters.value) out.push(compile('metric-filter', f.name, group.name, f.pattern, () => engines.filterPattern(f.pattern)));
  }
  for (const [region, rules] of Object.entries(facts.eventRules)) {
    if (!rules.ok) continue;
    for (const r of rules.value) if (r.eventPattern) out.push(compile('event-rule', r.name, region, r.eventPattern, () => engines.eventPattern(r.eventPattern!)));
  }
  return out;
}

/** Runs every pattern over the events once and counts when each would have fired. */
export async function replay(events: AsyncIterable<CloudTrailEvent>, patterns: ReplayPattern[]): Promise<ReplayReport> {
  const results: ReplayResult[] = patterns.map((p) => ({
    kind: p.kind,
    name: p.name,
    where: p.where,
    pattern: p.pattern,
    fired: 0,
    first: null,
    last: null,
    ...(p.error ? { error: p.error } : {}),
  }));
  let count = 0;
  let from: string | null = null;
  let to: string | null = null;
  for await (const event of events) {
    count++;
    const t = event.eventTime;
    from = extreme(from, t, -1);
    to = extreme(to, t, 1);
    patterns.forEach((p, i) => {
      if (!p.matches || !p.matches(event)) return;
      const r = results[i]!;
      r.fired++;
      r.first = extreme(r.first, t, -1);
      r.last = extreme(r.last, t, 1);
    });
  }
  return { events: count, from, to, patterns: results };
}

/**
 * The earlier (-1) or later (1) of two event times, compared as instants, not text: a Lake time and an ISO
 * time of the same second differ as text. A readable time wins over one that cannot be read.
 */
function extreme(current: string | null, t: string, direction: -1 | 1): string {
  if (current === null) return t;
  const tc = eventTimeMs(current);
  const tt = eventTimeMs(t);
  if (tt === undefined) return current;
  return tc === undefined || (tt - tc) * direction > 0 ? t : current;
}

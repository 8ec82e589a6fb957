import type { CloudTrailEvent, JsonObject, JsonValue } from '../cloudtrail/event.js';
import { describeError } from '../errors.js';
import { BENIGN_EVENTS, type AlertControl, type CanonicalEvent } from './canonical-events.js';
import type { AccountFacts, AlarmFacts } from './facts.js';
import type { PatternEngines } from './types.js';
import { fail, pass, unknown, type Verdict } from './verdict.js';
import { parseArn } from '../cloudtrail/arn.js';

/** How a pattern fares on a control's canonical events and the shared benign set. */
export interface PatternJudgement {
  /** Canonical events the pattern does not match. */
  missed: string[];
  /** Benign events the pattern matches (it would fire on ordinary activity). */
  matchedBenign: string[];
  /** Set when the pattern could not be compiled. */
  error?: string;
}

export function judgePattern(compile: () => (e: CloudTrailEvent) => boolean, control: AlertControl, benign: readonly CanonicalEvent[] = BENIGN_EVENTS): PatternJudgement {
  let matches: (e: CloudTrailEvent) => boolean;
  try {
    matches = compile();
  } catch (err) {
    return { missed: control.events.map((e) => e.label), matchedBenign: [], error: describeError(err) };
  }
  return {
    missed: control.events.filter((e) => !matches(e.event)).map((e) => e.label),
    matchedBenign: benign.filter((e) => matches(e.event)).map((e) => e.label),
  };
}

export const judgementPasses = (j: PatternJudgement): boolean => !j.error && j.missed.length === 0 && j.matchedBenign.length === 0;

function describeJudgement(j: PatternJudgement): string {
  if (j.error) return `pattern not understood (${j.error})`;
  const parts: string[] = [];
  if (j.missed.length) parts.push(`misses ${j.missed.slice(0, 3).join(', ')}${j.missed.length > 3 ? ` and ${j.missed.length - 3} more` : ''}`);
  if (j.matchedBenign.length) parts.push(`also matches ordinary ${j.matchedBenign.slice(0, 2).join(', ')}${j.matchedBenign.length > 2 ? ` and ${j.matchedBenign.length - 2} more` : ''}`);
  return parts.join(' and ');
}

/**
 * The explanation most useful to the reader when nothing passes: a matching pattern with a broken alarm
 * chain first, then a specific pattern that misses some events (fewest first), then an over-broad one.
 */
class Closest {
  private rank = Infinity;
  best: string | undefined;
  add(rank: number, text: string): void {
    if (rank < this.rank) {
      this.rank = rank;
      this.best = text;
    }
  }
}

const rankOf = (j: PatternJudgement): number => (j.matchedBenign.length ? 1000 + j.matchedBenign.length : 1 + j.missed.length);

const isSnsTopic = (arn: string) => parseArn(arn)?.service === 'sns';

/** Why an alarm would or would not notify anyone; `ok` when a subscribed topic receives its actions. */
function alarmDelivery(alarm: AlarmFacts, facts: AccountFacts): { ok: boolean; undecided?: string; why: string } {
  if (!alarm.actionsEnabled) return { ok: false, why: `alarm ${alarm.name} has its actions disabled` };
  const topics = alarm.alarmActions.filter(isSnsTopic);
  if (!topics.length) return { ok: false, why: `alarm ${alarm.name} notifies no SNS topic` };
  let undecided: string | undefined;
  for (const topic of topics) {
    const subs = facts.topicSubscriptions[topic];
    if (!subs) continue;
    if (!subs.ok) {
      undecided ??= `ListSubscriptionsByTopic ${topic}: ${subs.error}`;
      continue;
    }
    if (subs.value.some((s) => s.arn && s.arn !== 'PendingConfirmation')) return { ok: true, why: `alarm ${alarm.name} notifies ${topic}` };
  }
  return { ok: false, undecided, why: `alarm ${alarm.name}'s topic ${topics.join(', ')} has no confirmed subscription` };
}

/**
 * alert.cis-4.N: some metric filter on a log group fed by a logging trail matches every canonical event of
 * the control and no benign one, and an alarm on its metric notifies a subscribed SNS topic.
 */
export function checkMetricFilterAlert(control: AlertControl, facts: AccountFacts, engines: PatternEngines | undefined): Verdict {
  const trails = new Map(facts.trails.map((t) => [t.arn, t]));
  const filtersEvidence: JsonValue[] = [];
  const closest = new Closest();
  const undecided: string[] = [];
  const groupsEvidence: JsonObject[] = [];
  for (const group of facts.logGroups) {
    const states = group.trails.map((arn) => trails.get(arn)?.status);
    const logging = states.some((s) => s?.ok && s.value.isLogging);
    groupsEvidence.push({ logGroup: group.arn, trails: group.trails, receivesLoggingTrail: logging });
    if (!logging) {
      if (states.some((s) => s && !s.ok)) undecided.push(`whether a trail logs to ${group.name} (GetTrailStatus failed)`);
      continue;
    }
    if (!group.metricFilters.ok) {
      undecided.push(`metric filters of ${group.name}: ${group.metricFilters.error}`);
      continue;
    }
    if (!engines) {
      if (group.metricFilters.value.length) undecided.push('no filter-pattern engine is available to evaluate the patterns');
      continue;
    }
    for (const filter of group.metricFilters.value) {
      const j = judgePattern(() => engines.filterPattern(filter.pattern), control);
      const entry: JsonObject = { logGroup: group.name, filter: filter.name, pattern: filter.pattern, missed: j.missed, matchedBenign: j.matchedBenign };
      if (j.error) entry.error = j.error;
      filtersEvidence.push(entry);
      if (j.error) {
        // CloudWatch accepted the pattern, so failing to read it is ours: it might match, it might not.
        undecided.push(`filter ${filter.name}: ${describeJudgement(j)}`);
        continue;
      }
      if (!judgementPasses(j)) {
        if (j.missed.length < control.events.length) closest.add(rankOf(j), `filter ${filter.name} ${describeJudgement(j)}`);
        continue;
      }
      const alarmsRead = facts.alarms[group.region];
      if (!alarmsRead || !alarmsRead.ok) {
        undecided.push(`alarms in ${group.region}: ${alarmsRead && !alarmsRead.ok ? alarmsRead.error : 'not read'}`);
        continue;
      }
      const alarms = alarmsRead.value.filter((a) => filter.metrics.some((m) => m.name === a.metricName && m.namespace === a.namespace));
      entry.alarms = alarms.map((a) => a.name);
      if (!alarms.length) {
        closest.add(0, `filter ${filter.name} matches, but no alarm watches ${filter.metrics.map((m) => `${m.namespace}/${m.name}`).join(', ')}`);
        continue;
      }
      for (const alarm of alarms) {
        const d = alarmDelivery(alarm, facts);
        if (d.ok) return pass(`filter ${filter.name} on ${group.name} matches all ${control.events.length} canonical events; ${d.why}`, { logGroups: groupsEvidence, filters: filtersEvidence });
        if (d.undecided) undecided.push(d.undecided);
        closest.add(0, `filter ${filter.name} matches, but ${d.why}`);
      }
    }
  }
  const ev = { logGroups: groupsEvidence, filters: filtersEvidence };
  if (undecided.length) return unknown(`could not check ${undecided[0]}`, ev);
  if (facts.trailListErrors.length) return unknown(`trails could not be listed everywhere (${facts.trailListErrors.map((e) => e.region).join(', ')})`, ev);
  if (!groupsEvidence.some((g) => g.receivesLoggingTrail)) return fail('no logging trail delivers to CloudWatch Logs', ev);
  if (closest.best) return fail(closest.best, ev);
  if (filtersEvidence.length) return fail(`none of the ${filtersEvidence.length} metric filters matches this control's events`, ev);
  return fail('no metric filter on the trail log group', ev);
}

/** alert.trail-tampering: an enabled EventBridge rule with a target matches StopLogging, DeleteTrail and UpdateTrail. */
export function checkEventRuleAlert(control: AlertControl, facts: AccountFacts, engines: PatternEngines | undefined): Verdict {
  const rulesEvidence: JsonValue[] = [];
  const closest = new Closest();
  const undecided: string[] = [];
  for (const [region, rules] of Object.entries(facts.eventRules)) {
    if (!rules.ok) {
      undecided.push(`EventBridge rules in ${region}: ${rules.error}`);
      continue;
    }
    for (const rule of rules.value) {
      if (!rule.eventPattern) continue;
      if (!engines) {
        undecided.push('no event-pattern engine is available to evaluate the rules');
        continue;
      }
      const j = judgePattern(() => engines.eventPattern(rule.eventPattern!), control);
      const entry: JsonObject = { region, rule: rule.name, state: rule.state ?? null, pattern: rule.eventPattern, missed: j.missed, matchedBenign: j.matchedBenign };
      if (j.error) entry.error = j.error;
      rulesEvidence.push(entry);
      if (j.error) {
        undecided.push(`rule ${rule.name}: ${describeJudgement(j)}`);
        continue;
      }
      if (!judgementPasses(j)) {
        if (j.missed.length < control.events.length) closest.add(rankOf(j), `rule ${rule.name} ${describeJudgement(j)}`);
        continue;
      }
      if (rule.state !== 'ENABLED') {
        closest.add(0, `rule ${rule.name} matches, but it is ${rule.state ?? 'not enabled'}`);
        continue;
      }
      if (!rule.targets.ok) {
        undecided.push(`targets of rule ${rule.name}: ${rule.targets.error}`);
        continue;
      }
      entry.targets = rule.targets.value.map((t) => t.arn ?? t.id ?? '');
      if (!rule.targets.value.length) {
        closest.add(0, `rule ${rule.name} matches, but it has no target`);
        continue;
      }
      return pass(`rule ${rule.name} (${region}) matches StopLogging, DeleteTrail and UpdateTrail and sends them to ${rule.targets.value.map((t) => t.arn).join(', ')}`, { rules: rulesEvidence });
    }
  }
  const ev = { rules: rulesEvidence };
  if (undecided.length) return unknown(`could not check ${undecided[0]}`, ev);
  if (closest.best) return fail(closest.best, ev);
  if (rulesEvidence.length) return fail(`none of the ${rulesEvidence.length} EventBridge rules matches trail tampering`, ev);
  return fail('no EventBridge rule with an event pattern was found', ev);
}

import { valueNeedle } from '../../filter/flags.js';
import { anyOf } from '../../filter/matcher.js';
import { matcherPart } from '../../filter/recipe.js';
import type { RecordMatcher } from '../../records/matcher.js';
import { issuingMatcher } from '../issuing.js';
import { asString } from '../../cloudtrail/json.js';
import { isTarget, targetValue, type ActivityTarget } from './target.js';

/**
 * The two passes' matchers: `activityIndexMatcher` reads the issuing and persistence events (and <WHO>'s own
 * uses) once; `activityEventMatcher` reads the events of the closure's final key set, pre-filtered by those
 * keys as byte needles. Both are also built from plain data (recipes) in worker threads.
 */

/** The calls that create a way back in, reported as their own branch. */
export const PERSISTENCE_EVENTS = ['CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'CreateUser', 'CreateRole'] as const;
export const persistenceMatcher: RecordMatcher = {
  needles: [PERSISTENCE_EVENTS.map((n) => `"${n}"`)],
  matches: (e) => e.eventSource === 'iam.amazonaws.com' && (PERSISTENCE_EVENTS as readonly string[]).includes(e.eventName),
};

function needleFor(value: string): string[] {
  const run = valueNeedle(value)?.replace(/^"|"$/g, '');
  return run ? [run] : [];
}

/** Pass 2's selection: the closure's keys, <WHO>'s own keyless calls (console sign-in…), and users the set created. */
export interface ActivitySelection {
  keys: string[];
  keylessTarget?: ActivityTarget;
  createdUsers: string[];
}

/** Pass 2's matcher, pre-filtered on the keys (and names) as byte needles. */
export function activityEventMatcher(sel: ActivitySelection): RecordMatcher {
  const keys = new Set(sel.keys);
  const users = new Set(sel.createdUsers);
  const needles = sel.keys.map((k) => `"${k}"`);
  if (sel.keylessTarget) needles.push(...needleFor(targetValue(sel.keylessTarget)));
  for (const arn of users) needles.push(...needleFor(arn.split('/').pop()!));
  const target = sel.keylessTarget;
  return {
    needles: needles.length ? [needles] : [['"\u0000never\u0000"']],
    matches: (e) => {
      const key = asString(e.userIdentity?.accessKeyId);
      if (key !== undefined && keys.has(key)) return true;
      if (target && !key && isTarget(target, e.userIdentity)) return true;
      const arn = asString(e.userIdentity?.arn);
      return arn !== undefined && users.has(arn);
    },
  };
}

/** Pass 1: issuing calls, persistence calls, and <WHO>'s own uses. */
export function activityIndexMatcher(target: ActivityTarget): RecordMatcher {
  const own: RecordMatcher = { needles: [needleFor(targetValue(target))], matches: (e) => isTarget(target, e.userIdentity) };
  return anyOf([own, issuingMatcher, persistenceMatcher]);
}

/** The two passes' matchers as recipe parts: what each scan reads, on every thread. */
export const activityIndexPart = matcherPart(import.meta.url, 'activityIndexPart', activityIndexMatcher);
export const activityEventPart = matcherPart(import.meta.url, 'activityEventPart', activityEventMatcher);

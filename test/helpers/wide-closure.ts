import type { CloudTrailEvent, UserIdentity } from '../../src/cloudtrail/event.js';
import { apiEvent, assumeRole, assumedRole, iamUser } from './scenario.js';

/**
 * Closures of the size that made `activity` quadratic: many sessions spawned by one key, chained deep,
 * each acting, next to a stranger doing the same with keys of their own; and one key that STS handed
 * out over and over (a replayed test fixture, a documentation key). Each returns the exact eventIDs the
 * closure must report.
 */
export const WIDE_ACCOUNT = '111122223333';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const key = (prefix: string, n: number) => `ASIA${prefix}${n.toString(36).toUpperCase().padStart(16 - prefix.length, '0')}`;

export interface WideClosure {
  events: CloudTrailEvent[];
  rootKey: string;
  /** eventIDs the closure must report: the root's calls and every session's, at every depth. */
  expected: string[];
  /** Keys of the closure (the root's and every session's). */
  keys: number;
}

/**
 * `width` chains of `depth` role sessions each, started by alice's key; every session makes `uses` calls.
 * bob does the same with his own key and must stay out.
 */
export function wideClosure(width: number, depth: number, uses = 2, t0 = Date.parse('2026-03-14T08:00:00Z')): WideClosure {
  const events: CloudTrailEvent[] = [];
  const expected: string[] = [];
  const people: Array<[string, string, boolean]> = [
    ['alice', 'AKIAWIDEALICE0000001', true],
    ['bob', 'AKIAWIDEBOB000000001', false],
  ];
  for (const [name, rootKey, mine] of people) {
    const tag = name === 'alice' ? 'A' : 'B';
    const root = iamUser(WIDE_ACCOUNT, name, rootKey);
    const first = apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', eventTime: iso(t0), userIdentity: root, readOnly: true });
    events.push(first);
    if (mine) expected.push(first.eventID!);
    for (let w = 0; w < width; w++) {
      let caller: UserIdentity = root;
      for (let d = 0; d < depth; d++) {
        // Seconds apart, well inside every session's hour: each use fits exactly one issuing call.
        const at = t0 + 1000 * (1 + w * depth + d) * 3;
        const issued = key(tag, w * depth + d);
        const role = `Hop${d}`;
        const call = assumeRole({ caller, roleArn: `arn:aws:iam::${WIDE_ACCOUNT}:role/${role}`, sessionName: `${name}-${w}`, issuedKey: issued, eventTime: iso(at) });
        events.push(call);
        if (mine) expected.push(call.eventID!);
        caller = assumedRole(WIDE_ACCOUNT, role, `${name}-${w}`, issued, { creationDate: iso(at) });
        for (let u = 0; u < uses; u++) {
          const use = apiEvent({ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', eventTime: iso(at + 1000 + u), userIdentity: caller, readOnly: true });
          events.push(use);
          if (mine) expected.push(use.eventID!);
        }
      }
    }
  }
  return { events, rootKey: people[0]![1], expected, keys: 1 + width * depth };
}

/**
 * alice assumes one role `issuances` times, two hours apart, and STS hands back the same key each time;
 * each session makes one call within its hour, and with `chained` also assumes a second role (a key of
 * its own) that acts. Every use fits exactly one issuing call (by time).
 */
export function repeatedKey(issuances: number, chained = false, t0 = Date.parse('2026-01-01T00:00:00Z')): WideClosure {
  const rootKey = 'AKIAREPEATALICE00001';
  const root = iamUser(WIDE_ACCOUNT, 'alice', rootKey);
  const issued = 'ASIAREPEATEDKEY00001';
  const events: CloudTrailEvent[] = [];
  for (let i = 0; i < issuances; i++) {
    const at = t0 + i * 2 * 3600_000;
    events.push(assumeRole({ caller: root, roleArn: `arn:aws:iam::${WIDE_ACCOUNT}:role/Repeat`, sessionName: 'repeat', issuedKey: issued, eventTime: iso(at) }));
    const session = assumedRole(WIDE_ACCOUNT, 'Repeat', 'repeat', issued, { creationDate: iso(at) });
    events.push(apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: iso(at + 60_000), userIdentity: session, readOnly: true, requestParameters: { bucketName: 'b', key: String(i) } }));
    if (!chained) continue;
    const next = key('N', i);
    events.push(assumeRole({ caller: session, roleArn: `arn:aws:iam::${WIDE_ACCOUNT}:role/Next`, sessionName: 'next', issuedKey: next, eventTime: iso(at + 120_000) }));
    const nextSession = assumedRole(WIDE_ACCOUNT, 'Next', 'next', next, { creationDate: iso(at + 120_000) });
    events.push(apiEvent({ eventSource: 'ec2.amazonaws.com', eventName: 'StopInstances', eventTime: iso(at + 180_000), userIdentity: nextSession, requestParameters: { instancesSet: { items: [{ instanceId: `i-${i}` }] } } }));
  }
  return { events, rootKey, expected: events.map((e) => e.eventID!), keys: chained ? 2 + issuances : 2 };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourcedEvent } from '../../cloudtrail/event.js';
import { compileRecipe } from '../../filter/recipe.js';
import type { RecordMatcher } from '../../records/matcher.js';
import { compileNeedles, passesNeedles } from '../../records/search.js';
import { collectActivity } from './collect.js';
import { activityIndexMatcher } from './matchers.js';
import { parseActivityTarget } from './target.js';
import type { ActivityReport } from './types.js';
import { repeatedKey, wideClosure, type WideClosure } from '../../../test/helpers/wide-closure.js';

/**
 * Closures of thousands of keys, and one key issued thousands of times. These took minutes while each record
 * was tried against every key and every issuance; they must finish in the suite's ordinary time (no timing
 * is asserted: a slow machine must not fail them) and report exactly the closure.
 */

/** One pass as the CLI runs it: the real byte pre-filter, then the exact matcher. */
function scan(matcher: RecordMatcher, records: Array<SourcedEvent & { raw: Buffer }>): SourcedEvent[] {
  const groups = compileNeedles(matcher.needles).plain;
  return records.filter(({ raw, event }) => passesNeedles(raw, groups) && matcher.matches(event));
}

async function run(sc: WideClosure): Promise<ActivityReport> {
  const records = sc.events.map((event) => ({ event, source: 'trail.json', raw: Buffer.from(JSON.stringify(event)) }));
  const target = parseActivityTarget(sc.rootKey);
  return collectActivity(target, scan(activityIndexMatcher(target), records), async function* (recipe) {
    yield* scan(await compileRecipe(recipe), records);
  });
}

const sorted = (xs: string[]) => [...xs].sort();

test('a deep, wide closure: 1,200 sessions in chains of 4, all of them and nothing of the stranger doing the same', async () => {
  const sc = wideClosure(300, 4);
  const r = await run(sc);
  assert.deepEqual(sorted(r.events.map((x) => x.eventID!)), sorted(sc.expected));
  assert.equal(r.summary.tree.length, sc.keys);
  assert.deepEqual([...new Set(r.summary.tree.map((n) => n.depth))].sort(), [0, 1, 2, 3, 4]);
  assert.ok(r.summary.tree.every((n) => n.depth === 0 || n.principal.arn?.includes('/alice-')));
});

test('one key issued 2,000 times: each use joins the session issued just before it, and that session\'s own chain', async () => {
  const sc = repeatedKey(2000, true);
  const r = await run(sc);
  assert.deepEqual(sorted(r.events.map((x) => x.eventID!)), sorted(sc.expected));
  assert.equal(r.summary.tree.length, 1 + 2000 + 2000);
  // The i-th GetObject was made with the i-th issuance of the repeated key (requestParameters.key = i).
  const issuances = sc.events.filter((e) => e.eventName === 'AssumeRole' && e.requestParameters!.roleSessionName === 'repeat').map((e) => e.eventID);
  for (const x of r.events.filter((e) => e.eventName === 'GetObject')) {
    const i = Number((x.event.requestParameters as { key: string }).key);
    assert.deepEqual(x.via.map((v) => v.eventID), [issuances[i]], `use ${i}`);
  }
  const stops = r.events.filter((e) => e.eventName === 'StopInstances');
  assert.equal(stops.length, 2000);
  // The i-th chained key (ASIAN + i in base 36) hangs under the i-th issuance.
  for (const x of stops) assert.deepEqual([x.depth, x.via[0]!.eventID], [2, issuances[parseInt(x.via[1]!.issuedAccessKeyId.slice(5), 36)]]);
});

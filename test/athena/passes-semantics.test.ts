import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { candidates, localHits, openCorpus, type Corpus } from './duckdb-corpus.js';
import { corpusFiles, DEMO_TRAIL } from './corpus-files.js';
import { activityEventPass, activityIndexPass, deletionPass, issuingPass, issuingWindow, usesPass, type ForensicScope } from '../../src/athena/passes.js';
import { parseResourceQuery, matchEvent } from '../../src/forensics/resource.js';
import { isCancellerFor } from '../../src/forensics/deferred.js';
import { ISSUING_EVENT_NAMES, isIssuingEvent } from '../../src/forensics/issued-credential.js';
import { traceMatcher, parseTraceTarget } from '../../src/forensics/trace.js';
import { activityEventMatcher, activityIndexMatcher, PERSISTENCE_EVENTS } from '../../src/forensics/activity/matchers.js';
import { parseActivityTarget, targetValue } from '../../src/forensics/activity/target.js';
import { ActivityClosure } from '../../src/forensics/activity/closure.js';
import { eventTimeMs } from '../../src/cloudtrail/time.js';
import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';
import type { ScanScope } from '../../src/source/types.js';

/**
 * find-deletion's, trace's and activity's passes, run on DuckDB: pass 1 holds every event the command's
 * own matcher takes from a local scan, and pass 2 holds every issuing call in its look-back window (or every
 * call of the closure), each pass one query.
 */

let corpus: Corpus;
const TABLE = { database: 'main', table: 'cloudtrail' };
const NOW = new Date('2026-03-20T00:00:00Z');
const LOOK_BACK = 36 * 3_600_000;

before(async () => {
  corpus = await openCorpus(corpusFiles(), [DEMO_TRAIL]);
});
after(() => corpus?.close());

const matcherOf = (matches: (e: CloudTrailEvent) => boolean) => ({ needles: [], matches });

function missing(local: Set<string>, cands: Set<string>): string[] {
  return [...local].filter((k) => !cands.has(k));
}

/** Times of the pass-1 candidates, as the engine reads them from the result rows. */
async function rowsTimes(sql: string): Promise<string[]> {
  return (await corpus.query(sql)).map((r) => String(r.eventtime));
}

async function issuingHolds(times: string[], scope: ForensicScope): Promise<void> {
  const window = issuingWindow(times, LOOK_BACK, scope);
  assert.ok(window, 'pass 1 found something, so pass 2 runs');
  const from = window.start?.getTime() ?? -Infinity;
  const to = window.end?.getTime() ?? Infinity;
  const local = await localHits(corpus, matcherOf((e) => isIssuingEvent(e) && (eventTimeMs(e.eventTime) ?? NaN) >= from && (eventTimeMs(e.eventTime) ?? NaN) <= to), scope as ScanScope);
  assert.ok(local.size > 0);
  const sql = issuingPass(ISSUING_EVENT_NAMES, window, scope, { table: TABLE, now: NOW }).sql;
  const cands = await candidates(corpus, sql);
  assert.deepEqual(missing(local, cands), [], sql);
  assert.ok(cands.size < corpus.size);
}

for (const [resource, type] of [['orders', undefined], ['i-0oddshape', undefined], ["odd/it's-bucket", 's3:bucket'], ['arn:aws:dynamodb:us-east-1:444455556666:table/orders', undefined], ['arn:aws:backup:us-east-1:111122223333:recovery-point:db-nightly-2026-03-13', undefined]] as const) {
  test(`find-deletion ${resource}: pass 1 holds every deletion a local scan finds, pass 2 every issuing call it needs`, async () => {
    const query = parseResourceQuery(resource, type);
    const scope: ForensicScope = { start: new Date('2026-03-13T00:00:00Z'), end: new Date('2026-03-15T00:00:00Z') };
    const local = await localHits(corpus, matcherOf((e) => matchEvent(query, e) !== undefined || isCancellerFor(query, e)), scope as ScanScope);
    assert.ok(local.size > 0, 'the scenario holds a deletion');
    const sql = deletionPass([query.input, ...query.names], scope, { table: TABLE, now: NOW }).sql;
    const cands = await candidates(corpus, sql);
    assert.deepEqual(missing(local, cands), [], sql);
    assert.ok(cands.size < corpus.size / 2, `pass 1 narrows: ${cands.size} of ${corpus.size}`);
    await issuingHolds(await rowsTimes(sql), scope);
  });
}

test('trace: pass 1 holds every use of the key or session', async () => {
  for (const who of ['ASIAADMINEXAMPLE0001', 'arn:aws:sts::111122223333:assumed-role/Ops/night-shift']) {
    const target = parseTraceTarget(who);
    const scope: ForensicScope = { accounts: ['111122223333', '444455556666'] };
    const uses = traceMatcher(target);
    const local = await localHits(corpus, matcherOf((e) => uses.matches(e) && !isIssuingEvent(e)), scope as ScanScope);
    assert.ok(local.size > 0, who);
    const sql = usesPass(target.kind === 'key' ? target : { kind: 'principal', arn: target.arn }, scope, { table: TABLE, now: NOW }).sql;
    const cands = await candidates(corpus, sql);
    assert.deepEqual(missing(local, cands), [], sql);
    assert.ok(cands.size < corpus.size / 4);
    await issuingHolds(await rowsTimes(sql), scope);
  }
});

for (const who of ['AKIAALICEEXAMPLEKEY1', 'arn:aws:iam::111122223333:user/mallory', 'jane.doe@example.com', 'arn:aws:iam::111122223333:role/Engineer']) {
  test(`activity ${who}: pass 1 holds the closure's index events, pass 2 every call of the closure`, async () => {
    const target = parseActivityTarget(who);
    const window = { start: new Date('2026-03-12T00:00:00Z'), end: new Date('2026-03-16T00:00:00Z') };
    const index = activityIndexMatcher(target);
    const local = await localHits(corpus, index, window);
    const sql1 = activityIndexPass(targetValue(target), ISSUING_EVENT_NAMES, PERSISTENCE_EVENTS, window, { table: TABLE, now: NOW }).sql;
    const cands1 = await candidates(corpus, sql1);
    assert.deepEqual(missing(local, cands1), [], sql1);
    assert.ok(cands1.size < corpus.size, 'pass 1 is not the whole table');

    // The closure as ctrail builds it from pass 1's events, then pass 2's one query for all of its keys.
    const closure = new ActivityClosure(target, { lookBackMs: LOOK_BACK });
    const events: Array<{ event: CloudTrailEvent; source: string }> = [];
    const { scanEvents } = await import('../../src/pipeline/scan.js');
    const { folderSource } = await import('../../src/source/local.js');
    for await (const hit of scanEvents({ sources: [folderSource(corpus.dir)], scope: window, matcher: index, jobs: 4, dedup: false }, { problem: (p) => assert.fail(p.problem) })) events.push({ event: hit.event, source: hit.source });
    for (const s of events) closure.addIndexEvent(s);
    closure.build();
    const sel = closure.eventSelection();
    const local2 = await localHits(corpus, activityEventMatcher(sel), window);
    assert.ok(local2.size > 0, 'the closure has calls');
    const sql2 = activityEventPass({ keys: sel.keys, ...(sel.keylessTarget ? { keylessTarget: targetValue(sel.keylessTarget) } : {}), createdUsers: sel.createdUsers }, window, { table: TABLE, now: NOW }).sql;
    const cands2 = await candidates(corpus, sql2);
    assert.deepEqual(missing(local2, cands2), [], sql2);
    assert.ok(cands2.size < corpus.size / 2, `pass 2 narrows: ${cands2.size} of ${corpus.size}`);
  });
}

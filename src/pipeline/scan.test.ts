import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { ConfigError, type InputProblem } from '../errors.js';
import { compileFilters } from '../filter/flags.js';
import { matchAll } from '../filter/matcher.js';
import type { RecordMatcher } from '../records/matcher.js';
import { searchInput } from '../records/searcher.js';
import type { InputUnit, ScanScope, Source, UnitOrProblem } from '../source/types.js';
import { newProgress, scanEventBatches, scanEvents, type ResolvedScan, type ScanHit, type UnitOffload } from './scan.js';

const event = (name: string, id: string | undefined, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.09', eventTime: '2026-03-01T10:00:00Z', eventSource: 'dynamodb.amazonaws.com', eventName: name,
  awsRegion: 'eu-west-1', ...(id ? { eventID: id } : {}), userIdentity: { type: 'Root' }, ...extra,
});
const file = (...records: object[]) => gzipSync(JSON.stringify({ Records: records }));

/** An in-memory input; `delayMs` makes it slow to open, `failAfter` breaks it after its first bytes. */
function unit(name: string, body: Buffer, opts: { delayMs?: number; failAfter?: Error } = {}): InputUnit {
  return {
    name,
    sortKey: name,
    size: body.length,
    async *open() {
      if (opts.delayMs) await sleep(opts.delayMs);
      if (opts.failAfter) {
        // Two pieces: a decoder looks one piece ahead before it passes any on.
        yield body.subarray(0, body.length >> 2);
        yield body.subarray(body.length >> 2, body.length >> 1);
        throw opts.failAfter;
      }
      yield body;
    },
  };
}

/** A source listing the given items; `failWith` makes its listing throw after them. */
function source(label: string, items: UnitOrProblem[], failWith?: Error): Source & { scopes: ScanScope[] } {
  const scopes: ScanScope[] = [];
  return {
    label,
    scopes,
    async *units(scope) {
      scopes.push(scope);
      yield* items;
      if (failWith) throw failWith;
    },
  };
}

function resolved(sources: Source[], over: Partial<ResolvedScan> = {}): ResolvedScan {
  return { sources, scope: {}, matcher: matchAll, jobs: 4, dedup: false, ...over };
}

async function run(scan: ResolvedScan) {
  const problems: InputProblem[] = [];
  const skipped: string[] = [];
  const progress = newProgress();
  const hits: ScanHit[] = [];
  for await (const hit of scanEvents(scan, { problem: (p) => problems.push(p), skipped: (what, why) => skipped.push(`${what}: ${why}`), progress })) hits.push(hit);
  return { hits, problems, skipped, progress, ids: hits.map((h) => `${h.source}/${h.event.eventID}`) };
}

test('hits come out in listing order whatever order the inputs finish in, each named by its input', async () => {
  const a = source('a', [
    { unit: unit('a/1', file(event('DeleteTable', '1'), event('DescribeTable', '2')), { delayMs: 40 }) },
    { unit: unit('a/2', file(event('DeleteTable', '3'))) },
  ]);
  const b = source('b', [{ unit: unit('b/1', file(event('DeleteTable', '4')), { delayMs: 10 }) }]);
  const r = await run(resolved([a, b], { matcher: compileFilters({ eventNames: ['DeleteTable'] }), scope: { regions: ['eu-west-1'] } }));
  assert.deepEqual(r.ids, ['a/1/1', 'a/2/3', 'b/1/4']);
  // Every source lists with the scan's scope.
  assert.deepEqual(a.scopes, [{ regions: ['eu-west-1'] }]);
  assert.equal(r.progress.unitsListed, 3);
  assert.equal(r.progress.unitsDone, 3);
  assert.equal(r.progress.unitsHere, 3);
  assert.equal(r.progress.records, 4);
  assert.equal(r.progress.matched, 3);
  assert.equal(r.progress.listingDone, true);
  assert.deepEqual(r.problems, []);
});

test('dedup keeps the first delivery of an eventID across inputs; records without one are always kept', async () => {
  const items = [
    { unit: unit('1', file(event('A', 'x'), event('B', undefined))) },
    { unit: unit('2', file(event('A', 'x'), event('B', undefined), event('C', 'y'))) },
  ];
  const kept = await run(resolved([source('s', items)], { dedup: true }));
  assert.deepEqual(kept.hits.map((h) => `${h.source}:${h.event.eventName}`), ['1:A', '1:B', '2:B', '2:C']);
  assert.equal(kept.progress.matched, 4);
  const all = await run(resolved([source('s', items)], { dedup: false }));
  assert.equal(all.hits.length, 5);
});

test('dedup memory is bounded: a repeat beyond a generation of IDs is printed again, and one notice says how many were forgotten', async () => {
  const id = (i: number) => `0000000${i % 10}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`;
  // Inputs of 4 events each; the second delivery of input 0 comes 20 IDs later, that of input 4 right after it.
  const body = (k: number) => file(...[0, 1, 2, 3].map((j) => event('PutItem', id(k * 4 + j))));
  const items = [0, 1, 2, 3, 4, 4, 0].map((k, n) => ({ unit: unit(`i${n}-${k}`, body(k)) }));
  const notices: string[] = [];
  const hits: ScanHit[] = [];
  const scan = resolved([source('s', items)], { dedup: true, dedupGeneration: 8, jobs: 1 });
  for await (const hit of scanEvents(scan, { problem: () => assert.fail('no problem'), notice: (m) => notices.push(m) })) hits.push(hit);
  const sources = hits.map((h) => h.source);
  assert.equal(sources.filter((s) => s === 'i5-4').length, 0, 'a close repeat is dropped');
  assert.equal(sources.filter((s) => s === 'i6-0').length, 4, 'a repeat 20 IDs back is printed again');
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /^deduplication memory exceeded: \d+ of the oldest eventIDs were forgotten/);
  // Without the bound being reached, no notice.
  const quiet: string[] = [];
  for await (const _ of scanEvents(resolved([source('s', items.slice(0, 2))], { dedup: true, dedupGeneration: 8 }), { problem: () => undefined, notice: (m) => quiet.push(m) })) void _;
  assert.deepEqual(quiet, []);
});

test('a broken input is one problem naming what was read before it; the other inputs are unaffected', async () => {
  const many = Array.from({ length: 400 }, (_, i) => event('PutItem', `p${i}`));
  const broken = Buffer.from(JSON.stringify({ Records: many }));
  const items: UnitOrProblem[] = [
    { unit: unit('broken', broken, { failAfter: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }) },
    { problem: { source: 'listed-bad', problem: 'access denied' } },
    { skipped: 'digest/x.json.gz', reason: 'a digest file' },
    { unit: unit('fine', file(event('DeleteTable', 'ok'))) },
    { unit: unit('not-json', Buffer.from('hello')) },
  ];
  const r = await run(resolved([source('s', items)]));
  const broke = r.problems.find((p) => p.source === 'broken');
  assert.ok(broke, 'the broken input is reported');
  const before = r.hits.filter((h) => h.source === 'broken').length;
  assert.ok(before > 0 && before < 400, `${before} hits kept from before the break`);
  assert.match(broke.problem, new RegExp(`; the ${before} records before it were read$`));
  assert.deepEqual(r.hits.filter((h) => h.source === 'fine').map((h) => h.event.eventID), ['ok']);
  assert.ok(r.problems.some((p) => p.source === 'listed-bad' && p.problem === 'access denied'));
  assert.ok(r.problems.some((p) => p.source === 'not-json'), 'an input that is not JSON is a problem');
  assert.deepEqual(r.skipped, ['digest/x.json.gz: a digest file']);
  assert.equal(r.progress.problems, r.problems.length);
});

test('a listing that fails is a problem of its source; a fatal one (credentials, no bucket) ends the scan', async () => {
  const flaky = source('s3://flaky/', [{ unit: unit('flaky/1', file(event('A', '1'))) }], new Error('throttled'));
  const other = source('other', [{ unit: unit('other/1', file(event('B', '2'))) }]);
  const r = await run(resolved([flaky, other]));
  assert.deepEqual(r.ids, ['flaky/1/1', 'other/1/2']);
  assert.deepEqual(r.problems.map((p) => p.source), ['s3://flaky/']);
  assert.match(r.problems[0]!.problem, /^cannot list: /);

  const fatal = source('s3://gone/', [], new ConfigError('s3://gone/: bucket does not exist'));
  await assert.rejects(run(resolved([fatal, other])), /bucket does not exist/);
});

/** An offload that searches on this thread through the same searcher, recording what it was given. */
function recordingOffload(accept: (u: InputUnit) => boolean): UnitOffload & { searched: string[]; closed: number } {
  const o = {
    searched: [] as string[],
    closed: 0,
    accepts: accept,
    search(u: InputUnit, input: AsyncIterable<Uint8Array>, stats: Parameters<UnitOffload['search']>[2]) {
      o.searched.push(u.name);
      return searchInput(input, matcherUsed, stats);
    },
    async close() {
      o.closed++;
    },
  };
  return o;
}
const matcherUsed: RecordMatcher = compileFilters({ eventNames: ['DeleteTable'] });

test('inputs the offload accepts are searched there, the others here, with the same results; it is closed once', async () => {
  const items = Array.from({ length: 6 }, (_, i) => ({ unit: unit(`u${i}`, file(event('DeleteTable', `d${i}`), event('PutItem', `p${i}`))) }));
  const here = await run(resolved([source('s', items)], { matcher: matcherUsed }));
  const offload = recordingOffload((u) => Number(u.name.slice(1)) % 2 === 0);
  const split = await run(resolved([source('s', items)], { matcher: matcherUsed, offload }));
  assert.deepEqual(split.ids, here.ids);
  assert.deepEqual(offload.searched, ['u0', 'u2', 'u4']);
  assert.equal(split.progress.unitsHere, 3);
  assert.equal(split.progress.unitsDone, 6);
  assert.equal(offload.closed, 1);
});

test('the offload is closed when the consumer stops early and when the scan fails', async () => {
  const items = Array.from({ length: 20 }, (_, i) => ({ unit: unit(`u${i}`, file(event('DeleteTable', `d${i}`))) }));
  const offload = recordingOffload(() => true);
  for await (const batch of scanEventBatches(resolved([source('s', items)], { matcher: matcherUsed, offload, jobs: 2 }), { problem: () => undefined })) {
    assert.ok(batch.length > 0);
    break;
  }
  assert.equal(offload.closed, 1);

  const failing = recordingOffload(() => true);
  const fatal = source('s3://gone/', items.slice(0, 2), new ConfigError('s3://gone/: bucket does not exist'));
  await assert.rejects(run(resolved([fatal], { matcher: matcherUsed, offload: failing })), /bucket does not exist/);
  assert.equal(failing.closed, 1);
});

test('an aborted scan ends quietly: inputs under way then fail without a problem reported', async () => {
  const controller = new AbortController();
  const items = [
    { unit: unit('u0', file(event('A', 'a0'))) },
    ...Array.from({ length: 6 }, (_, i) => ({ unit: unit(`u${i + 1}`, file(event('A', `a${i + 1}`)), { delayMs: 30, failAfter: new Error('read after abort') }) })),
  ];
  const problems: InputProblem[] = [];
  const seen: string[] = [];
  for await (const hit of scanEvents(resolved([source('s', items)], { jobs: 8 }), { problem: (p) => problems.push(p) }, controller.signal)) {
    seen.push(hit.source);
    controller.abort();
  }
  assert.deepEqual(seen, ['u0']);
  assert.deepEqual(problems, []);
});

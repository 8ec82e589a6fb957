import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { candidates, localHits, openCorpus, type Corpus } from './duckdb-corpus.js';
import { corpusFiles, DEMO_TRAIL } from './corpus-files.js';
import { eventsPass } from '../../src/athena/passes.js';
import { filterSpecFrom, type RawScanOptions } from '../../src/cli/options.js';
import { scopeFrom } from '../../src/cli/scan-plan.js';
import { compileFilters } from '../../src/filter/flags.js';
import type { FilterSpec } from '../../src/filter/spec.js';

/**
 * The generated SQL's meaning, tested by running it: on DuckDB over a table with the Athena CloudTrail
 * columns, filled from a corpus, the candidates must hold every event a local scan of the same trail finds
 * (no false negatives), and for a selective filter they must not be the whole table.
 */

let corpus: Corpus;
const TABLE = { database: 'main', table: 'cloudtrail' };

before(async () => {
  corpus = await openCorpus(corpusFiles(), [DEMO_TRAIL]);
});
after(() => corpus?.close());

function missing(local: Set<string>, cands: Set<string>): string[] {
  return [...local].filter((k) => !cands.has(k));
}

const NOW = new Date('2026-03-20T00:00:00Z');

interface Case {
  args: RawScanOptions;
  /** The filter is selective on this corpus: the candidates must be fewer than the rows. */
  selective?: boolean;
  /** The local scan must find something, so the case tests a real answer. */
  finds?: boolean;
}

/** One or more cases for every filter flag of `ctrail events --help`, including hostile values. */
const CASES: Record<string, Case> = {
  'event-name exact': { args: { eventName: ['DeleteTable'] }, selective: true, finds: true },
  'event-name glob': { args: { eventName: ['Delete*', 'Assume?ole'] }, selective: true, finds: true },
  'event-source': { args: { eventSource: ['s3.amazonaws.com'] }, selective: true, finds: true },
  'event-source glob': { args: { eventSource: ['*.amazonaws.com'] }, finds: true },
  'user name': { args: { user: ['ops-admin'] }, selective: true, finds: true },
  'user session name (principal id tail)': { args: { user: ['night-shift'] }, selective: true, finds: true },
  'user arn glob': { args: { user: ['arn:aws:iam::*:user/*'] }, selective: true, finds: true },
  'user glob ?? over one character outside the BMP': { args: { user: ['pager-??'] }, selective: true, finds: true },
  'user glob ?*? over one character outside the BMP': { args: { user: ['pager-?*?'] }, selective: true, finds: true },
  'user with a quote': { args: { user: ["o'brien"] }, selective: true, finds: true },
  'access-key': { args: { accessKey: ['AKIAOPSADMINEXAMPLE1', 'AKIAODDEXAMPLE000002'] }, selective: true, finds: true },
  'source-ip exact, padded in the record': { args: { sourceIp: ['10.20.1.15'] }, selective: true, finds: true },
  'source-ip /8': { args: { sourceIp: ['10.0.0.0/8'] }, selective: true, finds: true },
  'source-ip /4 and IPv6': { args: { sourceIp: ['0.0.0.0/4', '2001:db8::/32'] }, finds: true },
  'region': { args: { region: ['eu-west-1'] }, selective: true, finds: true },
  'region us-east-1 (global events)': { args: { region: ['us-east-1'] }, selective: true, finds: true },
  'account': { args: { account: ['444455556666'] }, selective: true, finds: true },
  'errors': { args: { errors: true }, selective: true, finds: true },
  'no-errors': { args: { errors: false }, finds: true },
  'read-only': { args: { readOnly: true }, selective: true, finds: true },
  'write-only': { args: { writeOnly: true }, selective: true, finds: true },
  'category data': { args: { category: ['data'] }, selective: true, finds: true },
  'category management': { args: { category: ['management'] }, finds: true },
  'resource name': { args: { resource: ['orders'] }, selective: true, finds: true },
  'resource with escaped slash and quote': { args: { resource: ["odd/it's-bucket"] }, selective: true, finds: true },
  'resource ARN glob': { args: { resource: ['arn:aws:s3:::data-lake-raw/*'] }, selective: true, finds: true },
  'resource with LIKE wildcards': { args: { resource: ['a%b_c\\d'] }, selective: true, finds: true },
  'start and end': { args: { start: '2026-03-14T04:00:00Z', end: '2026-03-14T04:03:00Z' }, selective: true, finds: true },
  'start only, odd time shapes': { args: { start: '2026-03-14T04:02:00Z', eventName: ['DeleteBucket', 'TerminateInstances'] }, selective: true, finds: true },
  'match (no predicate)': { args: { match: ['orders'] }, finds: true },
  'hostile: quotes and comment': { args: { eventName: ["x'; DROP TABLE cloudtrail; --"], user: ["' OR '1'='1"], resource: ["%' OR 1=1 --"] }, selective: true },
  'hostile: LIKE metacharacters': { args: { eventName: ['%'], user: ['_'], accessKey: ["\\'"] }, selective: true },
  'several flags': { args: { eventSource: ['dynamodb.amazonaws.com'], account: ['444455556666'], errors: false, start: '2026-03-14T00:00:00Z' }, selective: true, finds: true },
};

for (const [name, c] of Object.entries(CASES)) {
  test(`events SQL holds every local hit: ${name}`, async () => {
    const spec: FilterSpec = filterSpecFrom(c.args, NOW.getTime());
    const local = await localHits(corpus, compileFilters(spec), scopeFrom(spec));
    if (c.finds) assert.ok(local.size > 0, 'the local scan finds something');
    const sql = eventsPass(spec, { table: TABLE, now: NOW }).sql;
    const cands = await candidates(corpus, sql);
    assert.deepEqual(missing(local, cands), [], sql);
    if (c.selective) assert.ok(cands.size < corpus.size, `selective, yet ${cands.size} of ${corpus.size} rows:\n${sql}`);
  });
}

test('hostile values stay literals: the table is still there and a quote is matched as text', async () => {
  const spec = filterSpecFrom({ eventName: ["x'; DROP TABLE cloudtrail; --"] }, NOW.getTime());
  assert.equal((await candidates(corpus, eventsPass(spec, { table: TABLE, now: NOW }).sql)).size, 0);
  assert.equal((await corpus.query('SELECT count(*) AS n FROM cloudtrail'))[0]!.n, corpus.size);
});

test('every filter and window flag of `ctrail events` has a case above', async () => {
  const { Command } = await import('commander');
  const { addFilterOptions, addWindowOptions } = await import('../../src/cli/options.js');
  const cmd = addFilterOptions(addWindowOptions(new Command()));
  const covered = new Set(Object.values(CASES).flatMap((c) => Object.entries(c.args).map(([k, v]) => (k === 'errors' && v === false ? 'no-errors' : k))));
  for (const o of cmd.options) {
    const name = o.negate ? `no-${o.attributeName()}` : o.attributeName();
    assert.ok(covered.has(name), `no case for ${o.long}`);
  }
});

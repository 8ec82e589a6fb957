import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ListEntry, ObjectBody, ObjectStore } from './object-store.js';
import { LocalStore } from './store.js';
import { TrailSource } from './trail-source.js';
import type { ScanScope, UnitOrProblem } from './types.js';
import { tempDir } from '../../test/helpers/temp.js';

/*
 * The trail source over a local folder in the trail layout. Pruning must be real (folders the scope cannot
 * match are never listed, which is what makes a day in a bucket of years cheap), so the store below records
 * every prefix it is asked to list.
 */

const A = '111111111111';
const B = '222222222222';
const ORG = 'o-abc123def4';
const C = '333333333333';

function log(account: string, region: string, stamp: string, tag: string, product = 'CloudTrail', org = ''): string {
  const day = `${stamp.slice(0, 4)}/${stamp.slice(4, 6)}/${stamp.slice(6, 8)}`;
  return `AWSLogs/${org ? `${org}/` : ''}${account}/${product}/${region}/${day}/${account}_${product}_${region}_${stamp}Z_${tag}.json.gz`;
}

const FILES = {
  lateOnThe13th: log(A, 'us-east-1', '20260313T2355', 'a'),
  beforeTheSkewHour: log(A, 'us-east-1', '20260314T0155', 'early'),
  morning: log(A, 'us-east-1', '20260314T0405', 'b'),
  late: log(A, 'us-east-1', '20260314T0955', 'c'),
  deliveredNextDay: log(A, 'us-east-1', '20260315T0010', 'd'),
  threeDaysLater: log(A, 'us-east-1', '20260317T1200', 'e'),
  lastYear: log(A, 'us-east-1', '20251231T1200', 'old'),
  otherRegion: log(A, 'eu-west-1', '20260314T0500', 'f'),
  otherAccount: log(B, 'us-east-1', '20260314T0500', 'g'),
  insight: log(A, 'us-east-1', '20260314T0500', 'h', 'CloudTrail-Insight'),
  orgMember: log(C, 'us-east-1', '20260314T0500', 'i', 'CloudTrail', ORG),
  digest: log(A, 'us-east-1', '20260314T0500', 'digest', 'CloudTrail-Digest'),
  notAnAccount: 'AWSLogs/not-an-account/CloudTrail/us-east-1/2026/03/14/x.json.gz',
  loose: 'exports/events.json.gz',
  looseDigest: 'exports/111111111111_CloudTrail-Digest_us-east-1_main_us-east-1_20260314T050000Z.json.gz',
} as const;

type Name = keyof typeof FILES;

/** A real folder store that remembers what it was asked to list. */
class RecordingStore implements ObjectStore {
  readonly listed: string[] = [];
  constructor(private readonly inner: LocalStore) {}
  get label(): string {
    return this.inner.label;
  }
  get rootPrefix(): string {
    return this.inner.rootPrefix;
  }
  list(prefix: string, opts?: { delimiter?: string; signal?: AbortSignal }): AsyncIterable<ListEntry> {
    this.listed.push(prefix);
    return this.inner.list(prefix, opts);
  }
  get(key: string): Promise<ObjectBody> {
    return this.inner.get(key);
  }
  display(key: string): string {
    return this.inner.display(key);
  }
  localPath(key: string): string {
    return this.inner.localPath(key);
  }
}

function trailFolder(): string {
  const dir = tempDir('ctrail-trail-source-');
  for (const key of Object.values(FILES)) {
    const path = join(dir, ...key.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, key);
  }
  return dir;
}

const DIR = trailFolder();

async function run(scope: ScanScope, root = ''): Promise<{ units: Name[]; skipped: Array<[string, string]>; problems: string[]; listed: string[] }> {
  const store = new RecordingStore(new LocalStore(DIR));
  const byKey = new Map(Object.entries(FILES).map(([name, key]) => [key as string, name as Name]));
  const out: UnitOrProblem[] = [];
  for await (const u of new TrailSource(store, root).units(scope)) out.push(u);
  const units = out.flatMap((u) => ('unit' in u ? [byKey.get(u.unit.sortKey) ?? (u.unit.sortKey as Name)] : []));
  const skipped = out.flatMap((u): Array<[string, string]> => ('skipped' in u ? [[u.skipped.slice(DIR.length + 1).split(/[\\/]/).join('/'), u.reason]] : []));
  const problems = out.flatMap((u) => ('problem' in u ? [u.problem.problem] : []));
  return { units: units.sort(), skipped, problems, listed: store.listed };
}

function names(...n: Name[]): Name[] {
  return n.sort();
}

test('without a scope every log file is a unit; digests, insights and folders outside the layout are not', async () => {
  const r = await run({});
  assert.deepEqual(
    r.units,
    names('lateOnThe13th', 'beforeTheSkewHour', 'morning', 'late', 'deliveredNextDay', 'threeDaysLater', 'lastYear', 'otherRegion', 'otherAccount', 'orgMember', 'loose'),
  );
  assert.deepEqual(r.skipped.sort(), [
    [`AWSLogs/${A}/CloudTrail-Digest`, 'digest files, not logs'],
    ['AWSLogs/not-an-account', 'not an account folder'],
    [FILES.looseDigest, 'digest file, not a log'],
  ]);
  assert.deepEqual(r.problems, []);
});

test('a window opens only the day folders it can need, padded for delivery lag, and drops files delivered before its skew hour', async () => {
  const r = await run({ start: new Date('2026-03-14T04:00:00Z'), end: new Date('2026-03-14T10:00:00Z') });
  assert.deepEqual(r.units, names('morning', 'late', 'deliveredNextDay', 'otherRegion', 'otherAccount', 'orgMember', 'loose'));
  const regionFolder = `AWSLogs/${A}/CloudTrail/us-east-1/`;
  const opened = r.listed.filter((p) => p.startsWith(regionFolder)).sort();
  // Named directly: no listing of the region's years or months.
  assert.deepEqual(opened, [`${regionFolder}2026/03/14/`, `${regionFolder}2026/03/15/`]);
});

test('accounts and regions prune whole folders: the others are never listed', async () => {
  const r = await run({ accounts: [A], regions: ['eu-west-1'], start: new Date('2026-03-14T04:00:00Z'), end: new Date('2026-03-14T10:00:00Z') });
  assert.deepEqual(r.units, names('otherRegion', 'loose'));
  assert.ok(!r.listed.some((p) => p.startsWith(`AWSLogs/${B}/`)), 'another account was listed');
  assert.ok(!r.listed.some((p) => p.startsWith(`AWSLogs/${A}/CloudTrail/us-east-1/`)), 'another region was listed');
  assert.ok(!r.listed.some((p) => p.startsWith(`AWSLogs/${ORG}/${C}/`)), 'an org member account was listed');
});

test('us-east-1, where global-service events point, opens every region folder of the account: they lie in the home region', async () => {
  const r = await run({ accounts: [A], regions: ['us-east-1'], start: new Date('2026-03-14T04:00:00Z'), end: new Date('2026-03-14T10:00:00Z') });
  assert.deepEqual(r.units, names('morning', 'late', 'deliveredNextDay', 'otherRegion', 'loose'));
  assert.ok(!r.listed.some((p) => p.startsWith(`AWSLogs/${B}/`)), 'another account was listed');
  assert.ok(!r.listed.some((p) => p.startsWith(`AWSLogs/${ORG}/${C}/`)), 'an org member account was listed');
});

test('categories choose the CloudTrail or CloudTrail-Insight folders', async () => {
  const r = await run({ categories: ['insight'], accounts: [A] });
  assert.deepEqual(r.units, names('insight', 'loose'));
});

test('a root inside the layout starts the walk there, pruning years and months by the window', async () => {
  const root = `AWSLogs/${A}/CloudTrail/us-east-1/2026/`;
  const r = await run({ start: new Date('2026-03-17T00:00:00Z'), end: new Date('2026-03-17T23:00:00Z') }, root);
  assert.deepEqual(r.units, names('threeDaysLater'));
  assert.ok(!r.listed.includes(`${root}03/14/`), 'a day folder outside the window was listed');
});

test('a root naming one object yields it; a root naming nothing is a problem, not an empty result', async () => {
  const one = await run({}, FILES.late);
  assert.deepEqual(one.units, names('late'));
  const folder = await run({}, 'exports');
  assert.deepEqual(folder.units, names('loose'));
  const none = await run({}, 'AWSLogs/nothing-here');
  assert.deepEqual(none.units, []);
  assert.deepEqual(none.problems, ['no such object or prefix']);
});

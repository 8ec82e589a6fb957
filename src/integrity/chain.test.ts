import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LocalStore } from '../source/store.js';
import { ChainWalker, type ChainReport } from './chain.js';
import { listDigestFolder, type Window } from './digest-source.js';
import { parsePublicKeysJson } from './keys.js';
import { Limiter } from './limit.js';
import { inProcessLogHasher } from './log-hash.js';
import { StaticKeySource } from './public-keys.js';
import { TrailView } from './view.js';
import { tempDir } from '../../test/helpers/temp.js';
import { logBody, makeKey, TrailFixture, type BuiltDigest, type ChainSpec, type FixtureKey } from '../../test/helpers/trail-fixture.js';

/*
 * The walker on its own, over a mirror folder written by the trail fixture (generated RSA keys, real SHA-256
 * and gzip): each scenario damages the chain in one way and pins what the walker reports for it.
 */

const HOUR = 3_600_000;
const BUCKET = 'trail-bucket';
const WINDOW: Window = { start: new Date('2026-03-14T00:00:00Z'), end: new Date('2026-03-14T08:00:00Z') };
const KEY = makeKey();

function spec(over: Partial<ChainSpec> = {}): ChainSpec {
  return {
    bucket: BUCKET,
    prefix: '',
    account: '111111111111',
    region: 'us-east-1',
    trailName: 'main',
    homeRegion: 'us-east-1',
    firstEnd: new Date('2026-03-14T01:00:00Z'),
    hours: 5,
    logsPerHour: 2,
    key: KEY,
    ...over,
  };
}

function uri(key: string): string {
  return `s3://${BUCKET}/${key}`;
}

async function walk(fx: TrailFixture, opts: { keys?: FixtureKey[]; allowCopy?: boolean; readAs?: string } = {}): Promise<ChainReport> {
  const dir = tempDir('ctrail-chain-');
  fx.writeMirror(dir, BUCKET, { window: WINDOW });
  // readAs: the folder holds a copy of the trail bucket made into another bucket.
  const view = new TrailView(opts.readAs ?? BUCKET, new LocalStore(dir));
  const s = spec();
  const listed = await listDigestFolder(view, s, WINDOW, new Limiter(4));
  const keys = new StaticKeySource(parsePublicKeysJson(fx.publicKeysJson(opts.keys)), 'fixture keys');
  const walker = new ChainWalker(
    {
      window: WINDOW,
      limiter: new Limiter(4),
      hasher: inProcessLogHasher(),
      keys: () => keys.keys(),
      backfillKeys: () => keys.backfillKeys(),
      viewFor: () => undefined,
      allowCopy: opts.allowCopy ?? false,
      prefetch: 3,
    },
    view,
    listed,
    s.trailName,
    s.homeRegion,
    s.region,
    false,
  );
  return walker.walk();
}

function build(over: Partial<ChainSpec> = {}): { fx: TrailFixture; chain: BuiltDigest[] } {
  const fx = new TrailFixture();
  return { fx, chain: fx.addChain(spec(over)) };
}

function digestVerdicts(r: ChainReport): Array<[string, boolean, string | undefined]> {
  return r.entries.flatMap((e) => (e.type === 'digest' ? [[e.uri, e.valid, e.kind] as [string, boolean, string | undefined]] : []));
}

test('an intact chain: every digest and log file valid, newest first, nothing to report', async () => {
  const { fx, chain } = build();
  const r = await walk(fx);
  assert.deepEqual(r.digests, { valid: 5, invalid: 0, notFound: 0, missing: 0 });
  assert.deepEqual(r.logs, { valid: 10, invalid: 0, missing: 0 });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.gaps, []);
  assert.deepEqual(
    digestVerdicts(r),
    [...chain].reverse().map((d) => [uri(d.key), true, undefined]),
  );
  assert.ok(r.entries.every((e) => e.type !== 'log' || e.valid));
  assert.deepEqual(r.foundStart, chain[0]!.start);
  assert.deepEqual(r.foundEnd, chain[4]!.end);
  assert.deepEqual(r.newestListed, chain[4]!.end);
  assert.deepEqual([...r.referenced].sort(), chain.flatMap((d) => d.logKeys.map(uri)).sort());
});

test('a digest deleted in the middle is not found where the newer one points, and the walk resumes below it', async () => {
  const { fx, chain } = build();
  fx.delete(BUCKET, chain[2]!.key);
  const r = await walk(fx);
  assert.deepEqual(r.digests, { valid: 4, invalid: 1, notFound: 1, missing: 1 });
  assert.deepEqual(r.problems, [{ kind: 'digest-not-found', key: uri(chain[2]!.key), detail: 'not found' }]);
  assert.deepEqual(
    digestVerdicts(r),
    [
      [uri(chain[4]!.key), true, undefined],
      [uri(chain[3]!.key), true, undefined],
      [uri(chain[2]!.key), false, 'digest-not-found'],
      [uri(chain[1]!.key), true, undefined],
      [uri(chain[0]!.key), true, undefined],
    ],
  );
  // The deleted digest's log files are still there, but nothing that survives names them.
  assert.deepEqual(r.logs, { valid: 8, invalid: 0, missing: 0 });
  assert.ok(!chain[2]!.logKeys.some((k) => r.referenced.has(uri(k))));
});

test('consecutive deletions: the first is not found, and every one below it is estimated as missing', async () => {
  const { fx, chain } = build({ hours: 6 });
  for (const i of [1, 2, 3]) fx.delete(BUCKET, chain[i]!.key);
  const r = await walk(fx);
  assert.deepEqual(r.digests, { valid: 3, invalid: 1, notFound: 1, missing: 3 });
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.key]),
    [
      ['digest-not-found', uri(chain[3]!.key)],
      ['digest-missing', uri(chain[2]!.key)],
      ['digest-missing', uri(chain[1]!.key)],
    ],
  );
  assert.match(r.problems[1]!.detail, /^digest expected about 2026-03-14T03:00:00Z is missing: between 2026-03-14T01:00:00Z and the missing digest 2026-03-14T04:00:00Z/);
});

test('the newest digest deleted: the walker starts at the newest one listed and finds nothing wrong (the tail check is the caller\'s)', async () => {
  const { fx, chain } = build();
  fx.delete(BUCKET, chain[4]!.key);
  const r = await walk(fx);
  assert.deepEqual(r.digests, { valid: 4, invalid: 0, notFound: 0, missing: 0 });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.newestListed, chain[3]!.end);
  assert.deepEqual(r.foundEnd, chain[3]!.end);
});

test('modified, extended and deleted log files get their own verdicts; their digests stay valid', async () => {
  const { fx, chain } = build();
  const [changed, extended] = chain[3]!.logKeys as [string, string];
  const gone = chain[1]!.logKeys[0]!;
  fx.put(BUCKET, changed, { body: logBody('111111111111', 'us-east-1', [new Date('2026-03-14T03:10:00Z')], 'edited') });
  fx.put(BUCKET, extended, { body: Buffer.concat([fx.get(BUCKET, extended).body, gzipSync('{"Records":[]}')]) });
  fx.delete(BUCKET, gone);
  const r = await walk(fx);
  assert.deepEqual(r.digests, { valid: 5, invalid: 0, notFound: 0, missing: 0 });
  assert.deepEqual(r.logs, { valid: 7, invalid: 3, missing: 1 });
  assert.deepEqual(r.problems, [
    { kind: 'log-hash-mismatch', key: uri(changed), detail: "hash value doesn't match" },
    { kind: 'log-appended-data', key: uri(extended), detail: 'unexpected data after end of compressed stream' },
    { kind: 'log-not-found', key: uri(gone), detail: 'not found' },
  ]);
  const log = r.entries.find((e) => e.type === 'log' && e.uri === uri(changed));
  assert.deepEqual(log, { type: 'log', uri: uri(changed), valid: false, kind: 'log-hash-mismatch', message: "hash value doesn't match" });
});

test('a forged signature fails verification, and the newer digest\'s pointer no longer matches it', async () => {
  const { fx, chain } = build();
  const forger = makeKey();
  const original = fx.get(BUCKET, chain[2]!.key);
  // Same document, re-signed with a key that is not the one its fingerprint names.
  const doc = JSON.parse(gunzipSync(original.body).toString('utf8')) as Record<string, unknown>;
  fx.putDigest({ bucket: BUCKET, key: chain[2]!.key, signer: forger, doc });
  const r = await walk(fx);
  assert.deepEqual(r.digests, { valid: 4, invalid: 1, notFound: 0, missing: 0 });
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.key]),
    [
      ['chain-mismatch', uri(chain[2]!.key)],
      ['digest-signature-failed', uri(chain[2]!.key)],
    ],
  );
  assert.equal(r.problems[0]!.detail, "previousDigestSignature of the newer digest differs from this digest's signature metadata");
  // Log files of a digest that fails are named (for the unreferenced check) but not vouched for.
  assert.deepEqual(r.logs, { valid: 8, invalid: 0, missing: 0 });
  assert.ok(chain[2]!.logKeys.every((k) => r.referenced.has(uri(k))));
});

test('a key rotation verifies across the change; without the older key its digests are named, not failed', async () => {
  const newer = makeKey();
  const { fx, chain } = build({ key: (i) => (i < 2 ? KEY : newer) });
  const both = await walk(fx);
  assert.deepEqual(both.digests, { valid: 5, invalid: 0, notFound: 0, missing: 0 });
  assert.deepEqual(both.problems, []);

  const onlyNewer = await walk(fx, { keys: [newer] });
  assert.deepEqual(onlyNewer.digests, { valid: 3, invalid: 2, notFound: 0, missing: 0 });
  assert.deepEqual(
    onlyNewer.problems,
    [chain[1]!, chain[0]!].map((d) => ({
      kind: 'digest-key-not-found',
      key: uri(d.key),
      detail: `public key not found in region us-east-1 for fingerprint ${KEY.fingerprint}`,
    })),
  );
});

test('a chain start below the window\'s newest chain leaves a gap between the two chains', async () => {
  const fx = new TrailFixture();
  const older = fx.addChain(spec({ hours: 2 }));
  // Logging stopped for an hour, then a new chain started (its first digest points nowhere).
  const newer = fx.addChain(spec({ firstEnd: new Date(older[1]!.end.getTime() + 2 * HOUR), hours: 2 }));
  const r = await walk(fx);
  assert.deepEqual(r.digests, { valid: 4, invalid: 0, notFound: 0, missing: 0 });
  assert.deepEqual(r.gaps, [{ from: older[1]!.end, to: newer[0]!.start }]);
  assert.deepEqual(r.entries.filter((e) => e.type === 'gap'), [{ type: 'gap', from: '2026-03-14T02:00:00Z', to: '2026-03-14T03:00:00Z' }]);
});

test('a copy of the trail in another bucket reads as moved, unless --allow-copy verifies it where it is', async () => {
  const { fx, chain } = build({ hours: 2 });
  const copied = (key: string) => `s3://copy-bucket/${key}`;
  const moved = await walk(fx, { readAs: 'copy-bucket' });
  assert.deepEqual(moved.digests, { valid: 0, invalid: 2, notFound: 0, missing: 0 });
  assert.deepEqual(
    moved.problems.map((p) => [p.kind, p.key]),
    [['copy', 's3://copy-bucket/'], ['digest-moved', copied(chain[1]!.key)], ['digest-moved', copied(chain[0]!.key)]],
  );

  const allowed = await walk(fx, { readAs: 'copy-bucket', allowCopy: true });
  assert.deepEqual(allowed.digests, { valid: 2, invalid: 0, notFound: 0, missing: 0 });
  assert.deepEqual(allowed.logs, { valid: 4, invalid: 0, missing: 0 });
  assert.deepEqual(allowed.problems.map((p) => p.kind), ['copy-allowed']);
  assert.deepEqual([...allowed.referenced].sort(), chain.flatMap((d) => d.logKeys.map(copied)).sort());
});

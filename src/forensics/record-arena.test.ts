import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashChains, RecordArena, hashString } from './record-arena.js';

function records(n: number): string[] {
  // Mixed lengths, multi-byte text and one record larger than an arena chunk (1 MiB).
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${i}:${'x'.repeat(i % 97)}${i % 5 === 0 ? 'é€😀' : ''}`);
  out.splice(n >> 1, 0, 'big:' + 'ü'.repeat(700_000));
  return out;
}

test('records read back exactly from memory, from the temporary file and from the open chunk', () => {
  const arena = new RecordArena({ memoryBytes: 200_000 });
  const texts = records(40_000);
  const refs = texts.map((t) => arena.append(t));
  assert.equal(arena.spilled, true);
  assert.ok(arena.memoryUsed < 4 * 1024 * 1024, `kept ${arena.memoryUsed} bytes in memory`);
  // In order (the block cache path), then backwards (a file read per record).
  refs.forEach((r, i) => assert.equal(arena.read(r.at, r.length), texts[i]));
  for (let i = refs.length - 1; i >= 0; i -= 7) assert.equal(arena.read(refs[i]!.at, refs[i]!.length), texts[i]);
  // Appending after reads keeps earlier records intact.
  const more = arena.append('after');
  assert.equal(arena.read(more.at, more.length), 'after');
  assert.equal(arena.read(refs[3]!.at, refs[3]!.length), texts[3]);
});

test('within its memory budget nothing goes to disk', () => {
  const arena = new RecordArena({ memoryBytes: 64 * 1024 * 1024 });
  const texts = records(2_000);
  const refs = texts.map((t) => arena.append(t));
  assert.equal(arena.spilled, false);
  refs.forEach((r, i) => assert.equal(arena.read(r.at, r.length), texts[i]));
});

test('hash chains return every id filed under a key, oldest first, across growth', () => {
  const chains = new HashChains();
  const expected = new Map<string, number[]>();
  for (let id = 0; id < 20_000; id++) {
    const key = `ASIA${(id * 7919) % 3001}`;
    chains.add(key, id);
    expected.set(key, [...(expected.get(key) ?? []), id]);
  }
  for (const [key, ids] of expected) assert.deepEqual(chains.candidates(key), ids);
  assert.deepEqual(chains.candidates('ASIA-never-filed'), []);
});

test('keys that share a hash come back together, for the caller to tell apart', () => {
  const [a, b] = ['ASIACOLLIDE00000MG47', 'ASIACOLLIDE00000Q000'];
  assert.equal(hashString(a), hashString(b));
  const chains = new HashChains();
  chains.add(a, 1);
  chains.add(b, 2);
  chains.add(a, 3);
  assert.deepEqual(chains.candidates(a), [1, 2, 3]);
  assert.deepEqual(chains.candidates(b), [1, 2, 3]);
});

test('without a writable temporary folder every record stays in memory', () => {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = '/nonexistent/ctrail-no-such-folder';
  try {
    const arena = new RecordArena({ memoryBytes: 0 });
    const texts = records(5_000);
    const refs = texts.map((t) => arena.append(t));
    assert.equal(arena.spilled, false);
    refs.forEach((r, i) => assert.equal(arena.read(r.at, r.length), texts[i]));
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EventIdSet } from './event-ids.js';

test('answers exactly as a Set of the ID strings does, across growth', () => {
  const ids = new EventIdSet();
  const reference = new Set<string>();
  const pool: string[] = [];
  for (let i = 0; i < 20_000; i++) pool.push(randomUUID());
  // Other ID shapes: upper case (a different ID as text), non-UUIDs, the all-zero UUID, near misses.
  pool.push(pool[0]!.toUpperCase(), 'not-a-uuid', '', '00000000-0000-0000-0000-000000000000', pool[1]!.replace(/-/g, '_'), `${pool[2]!}x`);
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 60_000; i++) {
    const id = pool[Math.floor(rand() * pool.length)]!;
    const fresh = !reference.has(id);
    reference.add(id);
    assert.equal(ids.add(id), fresh, id);
  }
  assert.equal(ids.size, reference.size);
});

test('IDs that differ in one bit of any word are different', () => {
  const ids = new EventIdSet();
  const base = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  assert.equal(ids.add(base), true);
  for (const i of [0, 7, 9, 12, 14, 17, 19, 22, 24, 35]) {
    const flipped = base.slice(0, i) + (base[i] === '0' ? '1' : '0') + base.slice(i + 1);
    assert.equal(ids.add(flipped), true, flipped);
  }
  assert.equal(ids.add(base), false);
});

test('memory is bounded: two generations; a repeat within one generation of IDs is always dropped, one further back is let through and counted', () => {
  const generation = 100;
  const ids = new EventIdSet(generation);
  const pool = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? `other-${i}` : randomUUID()));
  for (const id of pool) assert.equal(ids.add(id), true);
  assert.ok(ids.size <= 2 * generation, `${ids.size} held`);
  assert.equal(ids.forgotten + ids.size, pool.length);
  // The last `generation` IDs are always held, whatever their shape.
  for (const id of pool.slice(-generation)) assert.equal(ids.add(id), false, id);
  // The first ones were forgotten: a repeat is printed again (and remembered anew).
  assert.equal(ids.add(pool[0]!), true);
  assert.equal(ids.add(pool[0]!), false);
  assert.equal(ids.add(pool[7]!), true, 'a forgotten non-UUID ID too');
});

test('with repeats never further apart than a generation, the bounded set answers exactly as an unbounded Set', () => {
  const generation = 64;
  const ids = new EventIdSet(generation);
  const reference = new Set<string>();
  const recent: string[] = [];
  let seed = 5;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000);
  for (let i = 0; i < 20_000; i++) {
    // A repeat of one of the last `generation` distinct IDs, or a new one.
    const id = recent.length && rand() < 0.3 ? recent[Math.floor(rand() * recent.length)]! : rand() < 0.1 ? `id-${i}` : randomUUID();
    const fresh = !reference.has(id);
    reference.add(id);
    assert.equal(ids.add(id), fresh, `${i}: ${id}`);
    if (fresh) {
      recent.push(id);
      if (recent.length > generation) recent.shift();
    }
  }
  assert.ok(ids.forgotten > 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { orderedMerge } from './ordered.js';

function producer(id: number, count: number, delayMs: number, log?: string[]): () => AsyncIterable<string> {
  return async function* () {
    for (let i = 0; i < count; i++) {
      await sleep(delayMs);
      log?.push(`${id}:${i}`);
      yield `${id}:${i}`;
    }
  };
}

async function* list<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

test('items come out in producer order even when later producers finish first', async () => {
  const out: string[] = [];
  for await (const x of orderedMerge(list([producer(0, 3, 30), producer(1, 3, 1), producer(2, 3, 5)]), 3)) out.push(x);
  assert.deepEqual(out, ['0:0', '0:1', '0:2', '1:0', '1:1', '1:2', '2:0', '2:1', '2:2']);
});

test('no more than `concurrency` producers run at once', async () => {
  let running = 0;
  let peak = 0;
  const make = () => async function* () {
    running++;
    peak = Math.max(peak, running);
    await sleep(5);
    yield 1;
    running--;
  };
  let n = 0;
  for await (const _ of orderedMerge(list(Array.from({ length: 12 }, make)), 4)) n++;
  assert.equal(n, 12);
  assert.equal(peak, 4);
});

test('a producer ahead of the head stops at the high-water mark (memory stays bounded)', async () => {
  const produced: string[] = [];
  const it = orderedMerge(list([producer(0, 2, 50), producer(1, 100, 0, produced)]), 2, { highWater: 8 });
  const first = await it.next();
  assert.equal(first.value, '0:0');
  await sleep(30);
  assert.ok(produced.length <= 9, `the second producer ran ahead by ${produced.length} items`);
  const rest: string[] = [];
  for await (const x of it) rest.push(x);
  assert.equal(rest.length, 101);
});

test('an error in a producer surfaces when its turn comes, after earlier items', async () => {
  const failing = () =>
    async function* () {
      yield 'f:0';
      throw new Error('boom');
    };
  const out: string[] = [];
  await assert.rejects(async () => {
    for await (const x of orderedMerge(list([producer(0, 2, 10), failing()]), 2)) out.push(x);
  }, /boom/);
  assert.deepEqual(out, ['0:0', '0:1', 'f:0']);
});

test('stopping early (a consumer that breaks) ends the producers', async () => {
  const produced: string[] = [];
  for await (const x of orderedMerge(list([producer(0, 1000, 1, produced)]), 1, { highWater: 4 })) {
    if (x === '0:2') break;
  }
  const after = produced.length;
  await sleep(30);
  assert.ok(produced.length <= after + 1, 'the producer kept going after the consumer stopped');
});

test('no producer starts while the items waiting for the head weigh the bound or more', async () => {
  const started: number[] = [];
  // The head is held until the test has seen what the merge started meanwhile; no timing decides the outcome.
  let releaseHead!: () => void;
  const headHeld = new Promise<void>((resolve) => (releaseHead = resolve));
  const head = async function* () {
    started.push(0);
    await headHeld;
    yield 0;
  };
  // The others finish at once, each item weighing 10, against a bound of 25.
  const others = Array.from({ length: 9 }, (_, i) => async function* () {
    started.push(i + 1);
    yield i + 1;
  });
  // Listed one at a time (as a folder walk does), so each started producer has yielded before the next.
  async function* slowList(): AsyncIterable<() => AsyncIterable<number>> {
    for (const p of [head, ...others]) {
      yield p;
      await sleep(1);
    }
  }
  const it = orderedMerge(slowList(), 10, { weigh: () => 10, maxBuffered: 25 });
  const first = it.next();
  // Lanes run ahead of the held head until the bound stops them: at most three (10, 20, 30 >= 25), and the
  // merge may stop earlier, as it also counts what the running head is expected to add.
  for (let i = 0; i < 500 && started.length < 2; i++) await sleep(10);
  await sleep(50);
  const ahead = started.length - 1;
  assert.ok(ahead >= 1 && ahead <= 3, `${ahead} producers ran ahead of the head`);
  assert.deepEqual(started, Array.from({ length: ahead + 1 }, (_, i) => i));
  // ...and no more, however long the head takes: a merge that ignored the bound would start another lane
  // within a millisecond or two, as the lister offers one every millisecond.
  await sleep(50);
  assert.equal(started.length, ahead + 1, `started ${started.length} producers past the bound`);
  releaseHead();
  assert.equal((await first).value, 0);
  const rest: number[] = [];
  for await (const x of it) rest.push(x);
  assert.deepEqual(rest, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

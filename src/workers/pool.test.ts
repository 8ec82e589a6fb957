import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { newStats } from '../records/search.js';
import type { InputUnit } from '../source/types.js';
import { workerOffload } from './offload.js';
import { closeWorkerPools } from './pool.js';

/** A worker thread holds a message port open on this thread until it has exited. */
const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;

function input(records: number): { unit: InputUnit; bytes: () => AsyncIterable<Uint8Array> } {
  const body = gzipSync(JSON.stringify({ Records: Array.from({ length: records }, (_, i) => ({ eventVersion: '1.09', eventTime: '2026-03-01T10:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'PutObject', awsRegion: 'us-east-1', eventID: `e${i}`, userIdentity: { type: 'Root' } })) }));
  return {
    unit: { name: 'mem', sortKey: 'mem', size: body.length, open: async function* () { yield body; } },
    bytes: async function* () { yield Buffer.from(body); },
  };
}

test('no worker starts before an input it can take, so a scan of stdin or an API source starts none', async () => {
  const before = ports();
  const offload = workerOffload({ threads: 2, recipe: {} });
  assert.equal(offload.accepts({ name: '-', sortKey: '-', open: async function* () {} }), false);
  assert.equal(ports(), before);
  await offload.close();
});

test('tasks are spread over every worker from the start, and each worker counts what it finished', async () => {
  const offload = workerOffload({ threads: 2, recipe: {} });
  try {
    const runs = Array.from({ length: 10 }, async () => {
      const { unit, bytes } = input(50);
      let hits = 0;
      for await (const batch of offload.search(unit, bytes(), newStats(), () => undefined)) hits += batch.length;
      return hits;
    });
    assert.deepEqual(await Promise.all(runs), Array(10).fill(50));
    const done = offload.tasksDone();
    assert.equal(done.length, 2);
    assert.ok(done.every((n) => n > 0), `both workers searched (${done.join(' + ')})`);
    assert.equal(done[0]! + done[1]!, 10);
  } finally {
    await offload.close();
  }
});

test('close waits until every thread has exited, even with a task under way, and refuses new tasks', async () => {
  const before = ports();
  const offload = workerOffload({ threads: 2, recipe: {} });
  // A task handed out and never read to its end: its worker is busy when the pool closes.
  const { unit, bytes } = input(20_000);
  assert.equal(offload.accepts(unit), true);
  assert.equal(ports(), before + 2, 'the workers start with the first input they can take');
  const it = offload.search(unit, bytes(), newStats(), () => undefined)[Symbol.asyncIterator]();
  await it.next();
  await offload.close();
  assert.equal(ports(), before, 'no worker thread is left');
  const next = input(1);
  await assert.rejects(async () => {
    for await (const _ of offload.search(next.unit, next.bytes(), newStats(), () => undefined));
  }, /pool is closed/);
});

test('closeWorkerPools closes a pool its owner forgot, and waits for its threads', async () => {
  const before = ports();
  const offload = workerOffload({ threads: 2, recipe: {} });
  const { unit, bytes } = input(10);
  assert.equal(offload.accepts(unit), true);
  for await (const _ of offload.search(unit, bytes(), newStats(), () => undefined));
  await closeWorkerPools();
  assert.equal(ports(), before);
  // Closing again is harmless.
  await offload.close();
});

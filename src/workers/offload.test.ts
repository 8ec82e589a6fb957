import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { workerOffload } from './offload.js';
import { newStats } from '../records/search.js';
import type { InputUnit } from '../source/types.js';
import type { ScanHit } from '../pipeline/scan.js';
import type { RecordHit } from '../records/search.js';

const event = (name: string, id: string) => ({
  eventVersion: '1.09', eventTime: '2026-03-01T10:00:00Z', eventSource: 'dynamodb.amazonaws.com', eventName: name,
  awsRegion: 'eu-west-1', eventID: id, userIdentity: { type: 'Root' },
});

function unit(body: Buffer): { unit: InputUnit; input: AsyncIterable<Uint8Array> } {
  return {
    unit: { name: 'mem', sortKey: 'mem', size: body.length, open: async function* () { yield body; } },
    input: (async function* () { yield Buffer.from(body); })(),
  };
}

/** Hits from the offload are ScanHits whose source the pipeline fills in. */
async function collect(it: AsyncIterable<RecordHit[]>): Promise<ScanHit[]> {
  const out: ScanHit[] = [];
  for await (const b of it) out.push(...(b as ScanHit[]));
  return out;
}

test('workers search transferred bytes: hits keep record order, raw bytes and lazily parsed events', async () => {
  const offload = workerOffload({ threads: 2, recipe: { flags: { eventNames: ['DeleteTable'] } } });
  try {
    const records = [event('DeleteTable', 'a'), event('DescribeTable', 'b'), event('DeleteTable', 'c')];
    const body = gzipSync(JSON.stringify({ Records: records }));
    const stats = newStats();
    let read = 0;
    const u = unit(body);
    const hits = await collect(offload.search(u.unit, u.input, stats, (n) => (read += n)));
    assert.deepEqual(hits.map((h) => h.eventIdHint), ['a', 'c']);
    assert.deepEqual(hits.map((h) => h.event.eventID), ['a', 'c']);
    assert.equal(hits[0]!.raw!.toString(), JSON.stringify(records[0]));
    assert.equal(stats.records, 3);
    // Parsed once, on first read: the same object every time after.
    assert.equal(hits[1]!.event, hits[1]!.event);
    assert.equal(hits[1]!.event.eventName, 'DeleteTable');
  } finally {
    await offload.close();
  }
});

test('a damaged input fails in the worker with the error the in-process search gives, after its earlier hits', async () => {
  const offload = workerOffload({ threads: 1, recipe: {} });
  try {
    const records = Array.from({ length: 3000 }, (_, i) => event('DeleteTable', `id-${i}`));
    const whole = gzipSync(JSON.stringify({ Records: records }));
    const u = unit(whole.subarray(0, Math.floor(whole.length / 2)));
    const stats = newStats();
    const hits: ScanHit[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of offload.search(u.unit, u.input, stats, () => undefined)) hits.push(...(b as ScanHit[]));
      })(),
      (err: Error & { code?: string }) => /unexpected end of file/.test(err.message) || err.code === 'Z_BUF_ERROR',
    );
    assert.ok(hits.length > 0 && hits.length < 3000, `${hits.length} hits before the damage`);
    assert.equal(hits[0]!.event.eventID, 'id-0');
  } finally {
    await offload.close();
  }
});

test('inputs of unknown size or over the limit stay in-process', async () => {
  const offload = workerOffload({ threads: 2, recipe: {}, maxInputBytes: 100 });
  try {
    assert.equal(offload.accepts({ name: 'x', sortKey: 'x', open: async function* () {} }), false);
    assert.equal(offload.accepts({ name: 'x', sortKey: 'x', size: 101, open: async function* () {} }), false);
    assert.equal(offload.accepts({ name: 'x', sortKey: 'x', size: 100, open: async function* () {} }), true);
  } finally {
    await offload.close();
  }
});

test('a recipe that cannot compile in the worker fails its tasks instead of hanging', async () => {
  const offload = workerOffload({ threads: 1, recipe: { modules: [{ module: 'file:///nonexistent/module.js', export: 'x', arg: null }] } });
  try {
    const u = unit(Buffer.from('{"Records":[]}'));
    await assert.rejects(collect(offload.search(u.unit, u.input, newStats(), () => undefined)), /could not start|Cannot find module/);
  } finally {
    await offload.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { OutputWriter } from './writer.js';

function sink(fail?: NodeJS.ErrnoException): { stream: Writable; chunks: string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (fail) return cb(fail);
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, chunks };
}

test('a record written as bytes is never flushed apart from its newline', async () => {
  const { stream, chunks } = sink();
  const w = new OutputWriter(stream, () => undefined, 100);
  const record = Buffer.from(`{"eventID":"${'x'.repeat(150)}"}`);
  for (let i = 0; i < 5; i++) {
    await w.write(record);
    await w.write('\n');
  }
  await w.end();
  assert.ok(chunks.length >= 5);
  for (const c of chunks.filter((c) => c !== '')) assert.ok(c.endsWith('\n'), `a flush ended mid-line: …${c.slice(-20)}`);
});

test('a failing write (a full disk) stops the writer and end() says so in one line', async () => {
  const err = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const { stream } = sink(err);
  let closed = 0;
  const w = new OutputWriter(stream, () => closed++, 10);
  await w.write('{"a":1}\n{"b":2}\n');
  await new Promise((r) => setImmediate(r));
  assert.equal(w.closed, true);
  assert.equal(closed, 1);
  await assert.rejects(w.end(), /cannot write the output: .*ENOSPC/);
});

test('a reader that went away (EPIPE) is not an error', async () => {
  const { stream } = sink(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  const w = new OutputWriter(stream, () => undefined, 10);
  await w.write('{"a":1}\n{"b":2}\n');
  await new Promise((r) => setImmediate(r));
  assert.equal(w.closed, true);
  await w.end();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { AthenaProgressLine, formatCost } from './athena-progress.js';
import type { AthenaProgress } from '../athena/client.js';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const p = (state: string, bytes: number, elapsedMs = 1500): AthenaProgress => ({ state, bytesScanned: bytes, costUsd: (bytes / 1e12) * 5, elapsedMs, queryId: 'q-1' });

test('on a terminal the line is redrawn in place, then cleared for the one final line', async () => {
  const s = sink();
  const line = new AthenaProgressLine(s.stream, true);
  line.update(p('QUEUED', 0));
  line.update(p('RUNNING', 4e9, 61_000));
  line.finish('SUCCEEDED, 3 rows');
  await new Promise((r) => setImmediate(r));
  assert.equal(
    s.text(),
    '\r\x1b[Kathena query q-1 QUEUED · 0 B scanned · $0.00 · 2s' +
      '\r\x1b[Kathena query q-1 RUNNING · 4.00 GB scanned · $0.02 · 1m01s' +
      '\r\x1b[K' +
      'ctrail: athena query q-1 SUCCEEDED, 3 rows · 4.00 GB scanned · $0.02 · 1m01s\n',
  );
});

test('elsewhere only the final line is written; quiet writes nothing', async () => {
  const s = sink();
  const line = new AthenaProgressLine(s.stream, false);
  line.update(p('RUNNING', 1e6));
  line.update(p('SUCCEEDED', 2e6));
  line.finish();
  const q = sink();
  const quiet = new AthenaProgressLine(q.stream, true, true);
  quiet.update(p('RUNNING', 1e6));
  quiet.finish();
  await new Promise((r) => setImmediate(r));
  assert.equal(s.text(), 'ctrail: athena query q-1 SUCCEEDED · 2.0 MB scanned · $0.000010 · 2s\n');
  assert.equal(q.text(), '');
});

test('a state from the service cannot move the cursor', async () => {
  const s = sink();
  const line = new AthenaProgressLine(s.stream, false);
  line.update({ ...p('RUNNING\x1b[2J', 0), queryId: 'q\x07' });
  line.finish();
  await new Promise((r) => setImmediate(r));
  assert.equal(s.text(), 'ctrail: athena query q\\x07 RUNNING\\x1b[2J · 0 B scanned · $0.00 · 2s\n');
  assert.equal(formatCost(0.5), '0.50');
  assert.equal(formatCost(0.0000123), '0.000012');
});


import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { newProgress } from '../pipeline/scan.js';
import { ProgressLine, formatBytes } from './progress.js';

class FakeTerminal extends Writable {
  text = '';
  columns = 120;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

test('the progress line shows files, bytes, rate, matches, skips and an ETA once the total is known', async () => {
  const p = newProgress();
  Object.assign(p, { unitsListed: 10, unitsDone: 4, listingDone: true, bytesTotal: 2_000_000, bytesRead: 500_000, records: 1234, matched: 7, problems: 1 });
  p.startedAt = Date.now() - 2000;
  const term = new FakeTerminal();
  const line = new ProgressLine(p, term as unknown as NodeJS.WriteStream, 10);
  line.start();
  await sleep(40);
  line.stop();
  assert.match(term.text, /4\/10 files · 500\.0 KB of 2\.0 MB · \d+ events\/s · 7 matched · 1 skipped · ETA \d+s/);
  assert.ok(term.text.endsWith('\r\x1b[2K'), 'the line is erased when progress stops');
});

test('while listing is still running, the file count is open-ended and no ETA is guessed', async () => {
  const p = newProgress();
  Object.assign(p, { unitsListed: 3, unitsDone: 1, bytesTotal: 100, bytesRead: 50 });
  const term = new FakeTerminal();
  const line = new ProgressLine(p, term as unknown as NodeJS.WriteStream, 10);
  line.start();
  await sleep(30);
  line.stop();
  assert.match(term.text, /1\/3\+ files/);
  assert.doesNotMatch(term.text, /ETA/);
});

test('byte sizes are shown in decimal units', () => {
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1_500_000), '1.5 MB');
  assert.equal(formatBytes(3_200_000_000), '3.2 GB');
});

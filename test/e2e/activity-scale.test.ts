import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityEvent, ActivitySummary } from '../../src/forensics/activity/types.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { layoutTrail, writeTrail } from '../helpers/trail-builder.js';
import { repeatedKey, wideClosure } from '../helpers/wide-closure.js';

// The closures that made activity quadratic (each record tried against every key, every use against every
// issuance of its key), written as a trail: the CLI must report exactly the closure, in ordinary test time.

test('activity on a deep, wide closure (400 sessions in chains of 5) reports all of it and nothing of the stranger, on either thread layout', async () => {
  const sc = wideClosure(80, 5);
  const dir = tempDir('ctrail-wide-closure-');
  writeTrail(dir, layoutTrail(sc.events, { windowMinutes: 60 }));
  const want = [...sc.expected].sort();
  for (const threads of [['--threads', '1'], ['--threads', '2']]) {
    const r = await runCli(['activity', sc.rootKey, dir, '-o', 'ndjson', '-q', ...threads]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ActivityEvent);
    assert.deepEqual(events.map((x) => x.eventID!).sort(), want, threads.join(' '));
    assert.equal(Math.max(...events.map((x) => x.depth)), 5);
  }
  const summary = JSON.parse((await runCli(['activity', sc.rootKey, dir, '-o', 'json', '-q'])).stdout) as ActivitySummary;
  assert.equal(summary.tree.length, sc.keys);
});

test('activity where one key was issued 500 times: every use under the issuance just before it', async () => {
  const sc = repeatedKey(500, true);
  const dir = tempDir('ctrail-repeated-key-');
  writeTrail(dir, layoutTrail(sc.events, { windowMinutes: 24 * 60 }));
  const r = await runCli(['activity', sc.rootKey, dir, '-o', 'ndjson', '-q']);
  assert.equal(r.code, 0);
  const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ActivityEvent);
  assert.deepEqual(events.map((x) => x.eventID!).sort(), [...sc.expected].sort());
  // Uses sit two hours apart: each session's GetObject follows its own AssumeRole in the timeline.
  const order = events.filter((x) => x.depth <= 1).map((x) => x.eventName);
  for (let i = 0; i < order.length; i += 3) assert.deepEqual(order.slice(i, i + 3), ['AssumeRole', 'GetObject', 'AssumeRole'], `at ${i}`);
});

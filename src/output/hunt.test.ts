import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SigmaRule } from '../filter/dialects/sigma.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { HuntTable, levelRank } from './hunt.js';
import { displayWidth } from './fit.js';

const rule = (title: string, level?: string): SigmaRule => ({ file: `${title}.yml`, title, ...(level ? { level } : {}), references: [], tags: [], matcher: { matches: () => true } }) as unknown as SigmaRule;
const event = (i: number): CloudTrailEvent => ({ eventTime: `2026-03-14T00:00:${String(i).padStart(2, '0')}Z`, eventSource: 's3.amazonaws.com', eventName: 'PutObject', awsRegion: 'us-east-1' }) as unknown as CloudTrailEvent;

test('levelRank: critical, high, medium, low, informational, then anything else', () => {
  assert.deepEqual(['low', 'whatever', 'CRITICAL', undefined, 'informational', 'high', 'medium'].sort((a, b) => levelRank(a) - levelRank(b)), ['CRITICAL', 'high', 'medium', 'low', 'informational', 'whatever', undefined]);
});

test('the table leads with hits by rule, most severe first, then each hit; past the limit, hits are counted, not shown', () => {
  const t = new HuntTable(false, { width: 100, wide: false }, 3);
  const noisy = rule('Noisy rule', 'low');
  const rare = rule('Rare rule', 'critical');
  const none = rule('Rule without a level');
  for (let i = 0; i < 4; i++) t.add(noisy, event(i));
  t.add(none, event(10));
  t.add(rare, event(20));
  const text = [...t.pages()].join('');
  const [head, summary, hits] = text.split(/\n(?=┌)/);
  assert.equal(head, '6 hits from 3 rules, most severe first:');
  const rows = summary!.split('\n').filter((l) => /^│ (?!level)/.test(l)).map((l) => l.split('│').slice(1, 4).map((c) => c.trim()));
  assert.deepEqual(rows, [
    ['critical', '1', 'Rare rule'],
    ['low', '4', 'Noisy rule'],
    ['-', '1', 'Rule without a level'],
  ]);
  assert.equal(hits!.split('\n').filter((l) => /^│ 2026/.test(l)).length, 3);
  assert.match(text, /\n… and 3 more hits, counted above \(-o ndjson lists all\)\n$/);
  for (const line of text.split('\n').filter((l) => /^[┌│├└]/.test(l))) assert.ok(displayWidth(line) <= 100);
});

test('no hits, no table', () => {
  assert.deepEqual([...new HuntTable(false, { width: 80, wide: false }).pages()], []);
});

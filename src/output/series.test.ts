import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Series } from '../analytics/series.js';
import { displayWidth } from './fit.js';
import { seriesChart, type CountView } from './series.js';

function view(keys: string[]): CountView {
  const series: Series[] = keys.map((k, i) => ({ key: [k], points: [{ count: i + 1, sum: i + 1, min: 1, max: 1 }, { count: 1, sum: 1, min: 1, max: 1 }], total: i + 2 }));
  return { ts: { intervalMs: 60_000, by: ['who'], periods: [0, 60_000], series, uncounted: 0 }, series, by: ['who'], metric: 'count' };
}

test('seriesChart: labels are cut and padded by display width, whole graphemes and escapes, so the bars line up', () => {
  const long = 'x'.repeat(70);
  const keys = ['東京'.repeat(40), `${'a'.repeat(53)}\u{1f1fa}\u{1f1f8}\u{1f1fa}\u{1f1f8}`, `${'b'.repeat(52)}\u001b[2J`, long, 'ascii'];
  const lines = seriesChart(view(keys)).split('\n').slice(1).filter(Boolean);
  assert.equal(lines.length, keys.length);
  // Every bar starts in the same terminal column: the label field is 60 columns wide whatever it holds.
  for (const line of lines) {
    const label = line.slice(0, line.search(/ [▁▂▃▄▅▆▇█]+ total /));
    assert.equal(displayWidth(label), 60, JSON.stringify(label));
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(label), `no lone surrogate: ${JSON.stringify(label)}`);
    assert.doesNotMatch(label, /\u001b/, 'escaped');
  }
  // `who=` and 53 letters are 57 columns: one flag fits before the ellipsis, the next goes whole.
  assert.match(lines[1]!, /^who=a{53}\u{1f1fa}\u{1f1f8}… /u);
  // 56 columns, then `\x1b` (four) would pass 59: the escape goes whole, never as `\x1`.
  assert.match(lines[2]!, /^who=b{52}… {3}/);
});

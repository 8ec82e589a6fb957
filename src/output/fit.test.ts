import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateWidths, chooseColumns, displayWidth, fitTable, FittedTable, tableOverhead, terminalWidth, truncateToWidth, wrapToWidth, type FitColumn } from './fit.js';
import { neutralize } from './sanitize.js';

const lines = (text: string): string[] => text.split('\n').filter(Boolean);

test('truncateToWidth: display width, not string length; never splits a surrogate pair or a wide character', () => {
  assert.equal(truncateToWidth('abcdef', 6), 'abcdef');
  assert.equal(truncateToWidth('abcdef', 5), 'abcd…');
  assert.equal(truncateToWidth('abcdef', 1), '…');
  assert.equal(truncateToWidth('abcdef', 0), '');
  // Each CJK character is two columns: four of them are eight, so a width of 6 keeps two and the ellipsis.
  assert.equal(truncateToWidth('東京都庁', 6), '東京…');
  // A width of 4 cannot hold two wide characters and the ellipsis: the second goes whole, not half.
  assert.equal(truncateToWidth('東京都庁', 4), '東…');
  const emoji = '😀😀😀😀'; // four surrogate pairs, two columns each
  for (let w = 0; w <= 8; w++) {
    const cut = truncateToWidth(emoji, w);
    assert.ok(displayWidth(cut) <= w, `width ${w}: ${cut}`);
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(cut), `a lone surrogate at width ${w}`);
  }
  assert.equal(truncateToWidth('a😀b', 3), 'a…');
});

test('truncateToWidth: never splits a grapheme (combining accents, a flag, a ZWJ emoji, Hangul jamo) or an escape neutralize wrote', () => {
  const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
  const cases: Array<[string, string[]]> = [
    ['e\u0301'.repeat(6), ['e\u0301']],
    ['\u{1f1fa}\u{1f1f8}'.repeat(4), ['\u{1f1fa}\u{1f1f8}']],
    [family.repeat(3), [family]],
    ['\u1100\u1161\u11a8'.repeat(3), ['\u1100\u1161\u11a8']],
    ['\u2764\ufe0f'.repeat(4), ['\u2764\ufe0f']],
  ];
  for (const [text, [unit]] of cases) {
    for (let w = 2; w <= 7; w++) {
      const cut = truncateToWidth(text, w);
      const body = cut.endsWith('…') ? cut.slice(0, -1) : cut;
      assert.ok(displayWidth(cut) <= w, `${JSON.stringify(text)} at ${w}: ${JSON.stringify(cut)}`);
      assert.equal(body.split(unit!).join(''), '', `${JSON.stringify(text)} at ${w} keeps whole units only: ${JSON.stringify(cut)}`);
    }
  }
  const hostile = neutralize('ab\x1b[31mred\u202eevil\nend');
  for (let w = 2; w < displayWidth(hostile); w++) {
    const cut = truncateToWidth(hostile, w);
    assert.ok(displayWidth(cut) <= w);
    // What is kept is a prefix of the escaped text that ends at a unit: never `\x1…`, `\u20…` or a lone `\`.
    assert.doesNotMatch(cut, /\\(?:x[0-9a-f]?|u[0-9a-f]{0,3})?…$/, `width ${w}: ${cut}`);
  }
});

test('fitTable: headers are neutralised too (a --fields name can hold a control character), wide or fitted', () => {
  const columns: FitColumn[] = [{ header: 'a\x1b[2Jb', priority: 1 }, { header: 'x\u202ey', priority: 2 }];
  for (const wide of [false, true]) {
    const fit = fitTable(columns, [['1', '2']], { width: 12, wide });
    for (const h of [...fit.head, ...fit.hidden]) assert.doesNotMatch(h, /[\x00-\x1f\u202e]/, `wide ${wide}: ${JSON.stringify(h)}`);
  }
  assert.deepEqual(fitTable(columns, [['1', '2']], { width: 80, wide: false }).head, ['a\\x1b[2Jb', 'x\\u202ey']);
});

test('wrapToWidth: lines within the width, words whole where they fit, long words broken between units, nothing lost', () => {
  assert.equal(wrapToWidth('access logs go to s3://logs/', 12), 'access logs\ngo to\ns3://logs/');
  assert.equal(wrapToWidth('key arn:aws:kms:us-east-1:1:key/k', 12), 'key arn:aws:\nkms:us-east-\n1:1:key/k');
  for (const text of ['abcdefghij abcdefghijkl a', '東京都庁東京都庁 x', `x ${'\u{1f1fa}\u{1f1f8}'.repeat(7)}`, neutralize('a\x1b[2J\x1b[2J\x1b[2Jb')]) {
    for (let w = 4; w <= 13; w++) {
      const lines = wrapToWidth(text, w).split('\n');
      for (const l of lines) assert.ok(displayWidth(l) <= w, `${JSON.stringify(text)} at ${w}: ${JSON.stringify(l)}`);
      assert.equal(lines.join('').replace(/ /g, ''), text.replace(/ /g, ''), `${JSON.stringify(text)} at ${w}`);
      assert.ok(!lines.some((l) => /^\\x?[0-9a-f]?$|^[0-9a-f]{1,2}\[/.test(l)), `an escape split at ${w}: ${JSON.stringify(lines)}`);
    }
  }
});

const COLUMNS: FitColumn[] = [
  { header: 'time', priority: 1, min: 20 },
  { header: 'who', priority: 2, min: 12 },
  { header: 'agent', priority: 5, min: 12 },
  { header: 'what', priority: 3, min: 10 },
  { header: 'ip', priority: 4, min: 15 },
];
const ROWS = [
  ['2026-03-14T03:58:40Z', 'arn:aws:sts::111122223333:assumed-role/a-very-long-role-name/session', 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/s3.cp', 'DeleteObjects', '203.0.113.77'],
  ['2026-03-14T03:59:00Z', '東京のユーザー名がとても長い場合の表示幅', '😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀', 'ConsoleLogin', '2001:db8::1234:5678:9abc:def0'],
  ['2026-03-14T04:00:00Z', neutralize('evil\u001b[2J\u001b]0;owned\u0007'), neutralize('a\u009b31m\u202eb'), 'x', ''],
];

test('a fitted table is never wider than the terminal, and shows the most useful columns', () => {
  for (const width of [40, 60, 80, 120, 200]) {
    const t = new FittedTable(COLUMNS, { width, wide: false }, false);
    const text = t.render(ROWS);
    for (const line of lines(text)) assert.ok(displayWidth(line) <= width, `width ${width}: ${displayWidth(line)} ${line}`);
    assert.match(text, /│ time/);
    assert.doesNotMatch(text, /\u001b/, 'no escape sequence from the data reaches the terminal');
  }
});

test('the least useful columns go first, and the note names them', () => {
  const fit = fitTable(COLUMNS, ROWS, { width: 80, wide: false });
  assert.deepEqual(fit.head, ['time', 'who', 'what', 'ip']);
  assert.deepEqual(fit.hidden, ['agent']);
  assert.deepEqual(fitTable(COLUMNS, ROWS, { width: 60, wide: false }).hidden, ['agent', 'ip']);
  const t = new FittedTable(COLUMNS, { width: 80, wide: false }, false);
  t.render(ROWS);
  assert.equal(t.note(), 'ctrail: --wide shows every column whole (hidden here: agent)\n');
  assert.equal(t.note(), undefined, 'the note is said once');
});

test('--wide shows every column and every cell whole, still neutralised', () => {
  const t = new FittedTable(COLUMNS, { width: 60, wide: true }, false);
  const text = t.render(ROWS);
  for (const row of ROWS) for (const cell of row) assert.ok(text.includes(cell), cell);
  assert.doesNotMatch(text, /\u001b/);
  assert.equal(t.note(), undefined);
});

test('a paged table keeps the first page’s columns, and later pages still fit', () => {
  const t = new FittedTable(COLUMNS, { width: 80, wide: false }, false);
  const first = t.render([ROWS[2]!]);
  const second = t.render(ROWS);
  const heads = (text: string): string => lines(text)[1]!;
  assert.equal(heads(first).replace(/\s+/g, ' '), heads(second).replace(/\s+/g, ' ').replace(/\s+/g, ' '));
  for (const line of lines(second)) assert.ok(displayWidth(line) <= 80);
});

test('chooseColumns and allocateWidths: minimums first, the rest to the most useful column', () => {
  assert.deepEqual(chooseColumns(COLUMNS, [20, 60, 80, 13, 29], 20 + 12 + 10 + tableOverhead(3)), [0, 1, 3]);
  assert.deepEqual(allocateWidths([20, 60, 13], [20, 12, 10], 50, [0, 1, 2]), [20, 20, 10]);
  assert.deepEqual(allocateWidths([20, 60, 13], [20, 12, 10], 200, [0, 1, 2]), [20, 60, 13]);
  // When even the minimums do not fit, every column is cut evenly, none below one column.
  const even = allocateWidths([20, 60, 13], [20, 12, 10], 21, [0, 1, 2]);
  assert.ok(even.reduce((a, b) => a + b, 0) <= 21 && even.every((w) => w >= 1));
});

test('terminalWidth: the terminal, else COLUMNS, else 80', () => {
  assert.equal(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '90' }), 132);
  assert.equal(terminalWidth({ isTTY: false }, { COLUMNS: '90' }), 90);
  assert.equal(terminalWidth({ isTTY: true, columns: 0 }, { COLUMNS: 'wide' }), 80);
  assert.equal(terminalWidth({}, {}), 80);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RECORD_DEPTH, RecordSplitter, SplitError } from './split.js';

function splitAll(text: string | Buffer, chunkSize = Infinity): string[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const s = new RecordSplitter();
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize === Infinity ? bytes.length : chunkSize) {
    for (const r of s.push(bytes.subarray(i, i + (chunkSize === Infinity ? bytes.length : chunkSize)))) out.push(r.toString());
  }
  s.end();
  return out;
}

const e1 = '{"eventName":"A","x":{"y":[1,{"z":"}"}]}}';
const e2 = '{"eventName":"B","s":"quote \\" and brace { and bracket ]"}';

const containers: Record<string, string> = {
  'log file': `{"Records":[${e1},${e2}]}`,
  'log file with Records not first': `{"x":{"Records":[1]},"Records":[${e1},${e2}],"z":[{"no":"record"}]}`,
  'lookup-events output': `{"Events":[${e1},${e2}],"NextToken":"abc"}`,
  'bare array': `[${e1},\n ${e2}]`,
  ndjson: `${e1}\n${e2}\n`,
  'ndjson without trailing newline, CRLF': `${e1}\r\n${e2}`,
  'pretty-printed log file': `{\n  "Records" : [\n    ${e1} ,\n    ${e2}\n  ]\n}\n`,
};

for (const [name, text] of Object.entries(containers)) {
  test(`splits ${name} into its records`, () => {
    assert.deepEqual(splitAll(text), [e1, e2]);
  });
  test(`splits ${name} the same when fed one byte at a time`, () => {
    assert.deepEqual(splitAll(text, 1), [e1, e2]);
  });
}

test('a single top-level object is one record', () => {
  assert.deepEqual(splitAll(`  ${e1}  `), [e1]);
});

test('a UTF-8 byte order mark is ignored', () => {
  assert.deepEqual(splitAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(e1)])), [e1]);
});

test('records with multi-byte UTF-8 split across chunks stay whole', () => {
  const ev = '{"eventName":"Ünïcødé","userAgent":"日本語"}';
  assert.deepEqual(splitAll(`{"Records":[${ev}]}`, 3), [ev]);
});

test('non-JSON input is an error naming the byte', () => {
  assert.throws(() => splitAll('hello world'), (err: unknown) => err instanceof SplitError && /not JSON/.test(err.message));
});

test('a truncated log file yields the complete records, then an error', () => {
  const s = new RecordSplitter();
  const full = containers['log file']!;
  const cut = full.slice(0, full.indexOf(e2) + 10);
  const records = s.push(Buffer.from(cut)).map(String);
  assert.deepEqual(records, [e1]);
  assert.throws(() => s.end(), /truncated JSON/);
});

test('empty input is an error', () => {
  assert.throws(() => splitAll('  \n'), /empty input/);
});

test('a closing bracket with nothing open is an error', () => {
  assert.throws(() => splitAll(`${e1}]`), /unbalanced/);
});

test('a bare string line between NDJSON records is passed on as a record, not dropped', () => {
  assert.deepEqual(splitAll(`${e1}\n"stray"\n${e2}\n`), [e1, '"stray"', e2]);
});

test('a record nested past the bound is skipped and counted; the records around it are kept', () => {
  const deep = '{"a":' + '{"b":'.repeat(5000) + '1' + '}'.repeat(5000) + '}';
  const deepArray = '{"a":' + '['.repeat(MAX_RECORD_DEPTH) + ']'.repeat(MAX_RECORD_DEPTH) + '}';
  const justFits = '{"a":' + '['.repeat(MAX_RECORD_DEPTH - 2) + ']'.repeat(MAX_RECORD_DEPTH - 2) + '}';
  for (const text of [`{"Records":[${e1},${deep},${deepArray},${justFits},${e2}]}`, `${e1}\n${deep}\n${deepArray}\n${justFits}\n${e2}\n`]) {
    for (const chunk of [Infinity, 7, 4096]) {
      const s = new RecordSplitter();
      const out: string[] = [];
      const skipped: string[] = [];
      const bytes = Buffer.from(text);
      const step = chunk === Infinity ? bytes.length : chunk;
      for (let i = 0; i < bytes.length; i += step) {
        for (const r of s.push(bytes.subarray(i, i + step))) out.push(r.toString());
        skipped.push(...s.takeSkipped());
      }
      s.end();
      assert.deepEqual(out, [e1, justFits, e2]);
      assert.deepEqual(skipped, [`nested deeper than ${MAX_RECORD_DEPTH} levels`, `nested deeper than ${MAX_RECORD_DEPTH} levels`]);
    }
  }
});

test('a long string cut into many chunks, with escapes at the cuts, is read once and split right', () => {
  const long = '{"eventName":"L","s":"' + 'ab\\"cd\\\\'.repeat(20_000) + '"}';
  for (const chunk of [1, 2, 3, 5, 64, 1000]) {
    assert.deepEqual(splitAll(`{"Records":[${e1},${long},${e2}]}`, chunk), [e1, long, e2]);
  }
});

test('records handed out stay intact while later chunks are appended', () => {
  const big = '{"eventName":"B","s":"' + 'x'.repeat(300_000) + '"}';
  const s = new RecordSplitter();
  const text = Buffer.from(`${big}\n${e1}\n${big}\n${e2}\n`);
  const held: Buffer[] = [];
  for (let i = 0; i < text.length; i += 1000) held.push(...s.push(text.subarray(i, i + 1000)));
  s.end();
  assert.deepEqual(held.map((r) => r.toString()), [big, e1, big, e2]);
});

test('a record past the size bound is skipped without being held, and the records after it are read', () => {
  const big = '{"eventName":"B","s":"' + 'x'.repeat(50_000) + '","t":{"u":"}"}}';
  for (const text of [`{"Records":[${e1},${big},${e2}]}`, `${e1}\n${big}\n${e2}\n`]) {
    const s = new RecordSplitter(10_000);
    const out: string[] = [];
    const skipped: string[] = [];
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 1000) {
      for (const r of s.push(bytes.subarray(i, i + 1000))) out.push(r.toString());
      skipped.push(...s.takeSkipped());
    }
    s.end();
    assert.deepEqual(out, [e1, e2]);
    assert.deepEqual(skipped, ['larger than 10000 bytes']);
  }
});

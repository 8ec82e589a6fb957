import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordSplitter, SplitError } from './split.js';

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

for (const [name, text] of Object.entries({
  'log file': `{"Records":[${e1}${e2}\n${e1}]}`,
  'bare array': `[${e1} ${e2},${e1}]`,
})) {
  test(`a ${name} without commas between records passes every record on, then fails as malformed`, () => {
    for (const chunk of [Infinity, 1]) {
      const s = new RecordSplitter();
      const out: string[] = [];
      const bytes = Buffer.from(text);
      const step = chunk === Infinity ? bytes.length : chunk;
      for (let i = 0; i < bytes.length; i += step) for (const r of s.push(bytes.subarray(i, i + step))) out.push(r.toString());
      assert.deepEqual(out, [e1, e2, e1]);
      assert.throws(() => s.end(), (err: unknown) => err instanceof SplitError && err.message === `malformed JSON: no comma between records at byte ${text.indexOf(e2)}`);
    }
  });
}

test('commas inside records and between NDJSON lines are not a container matter', () => {
  assert.deepEqual(splitAll(`{"Records":[{"a":[{"b":1}{"c":2}]},${e1}]}\n${e1}\n${e2}`), ['{"a":[{"b":1}{"c":2}]}', e1, e1, e2]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ByteNeedle, byteRanking, CLOUDTRAIL_BYTES_BY_FREQUENCY, NeedleSet } from './needle.js';

const realDir = fileURLToPath(new URL('../../../fixtures/real', import.meta.url));

function realRecords(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...realRecords(path));
    else if (/\.(json|ndjson)(\.gz)?$/.test(name)) {
      const bytes = readFileSync(path);
      out.push(bytes[0] === 0x1f ? gunzipSync(bytes) : bytes);
    }
  }
  return out;
}

test('the frequency table is the ranking of the real records in fixtures/real', () => {
  assert.equal(byteRanking(realRecords(realDir)), CLOUDTRAIL_BYTES_BY_FREQUENCY);
});

test('finds exactly what Buffer.indexOf finds, from any offset', () => {
  const hay = Buffer.concat(realRecords(realDir));
  const needles = ['"DeleteTable"', 'DeleteBucket', '"eventName"', 'AssumeRole', '"readOnly"', 'ab', 'zzzz-not-there', '"}', 'Records'];
  for (const text of needles) {
    const needle = new ByteNeedle(text);
    for (const from of [0, 1, 17, 5000, hay.length - 20, hay.length]) {
      assert.equal(needle.indexIn(hay, from), hay.indexOf(text, from), `${text} from ${from}`);
    }
    // Every occurrence, walked one after another.
    let want = hay.indexOf(text);
    let got = needle.indexIn(hay);
    while (want >= 0) {
      assert.equal(got, want, text);
      want = hay.indexOf(text, want + 1);
      got = needle.indexIn(hay, got + 1);
    }
    assert.equal(got, -1, text);
  }
});

test('a needle at the very start or end, or longer than the input', () => {
  const needle = new ByteNeedle('"DeleteTable"');
  assert.equal(needle.indexIn(Buffer.from('"DeleteTable",x')), 0);
  assert.equal(needle.indexIn(Buffer.from('x,"DeleteTable"')), 2);
  assert.equal(needle.indexIn(Buffer.from('"DeleteTabl')), -1);
  assert.equal(needle.indexIn(Buffer.from('')), -1);
  assert.equal(new ByteNeedle('Q').indexIn(Buffer.from('abQ')), 2);
});

test('input dense in the anchor byte (switches to plain search) still answers exactly', () => {
  // 'T' is the rarest byte of this needle in CloudTrail, so here every byte is an anchor candidate.
  const text = 'DeleteTable';
  const hay = Buffer.from('T'.repeat(100_000) + 'DeleteTabl' + 'T'.repeat(5000) + text + 'TTT');
  assert.equal(new ByteNeedle(text).indexIn(hay), hay.indexOf(text));
  assert.equal(new ByteNeedle(text).indexIn(Buffer.from('T'.repeat(50_000))), -1);
});

test('random haystacks over a small alphabet agree with Buffer.indexOf', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = 'abT"D';
  for (let round = 0; round < 300; round++) {
    const hay = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 400) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
    const start = Math.floor(rand() * hay.length);
    const text = hay.subarray(start, start + 1 + Math.floor(rand() * 5)).toString() || 'a';
    const from = Math.floor(rand() * hay.length);
    assert.equal(new ByteNeedle(text).indexIn(hay, from), hay.indexOf(text, from), `${text} in ${hay} from ${from}`);
  }
});

test('a needle calibrated on one input (its anchor re-chosen) still answers exactly on others', () => {
  const text = 'DeleteTable';
  const needle = new ByteNeedle(text);
  // In this input 'T' and 'D' are everywhere and 'b' nowhere: the anchor moves to 'b'.
  const first = Buffer.from('TD'.repeat(40_000) + text);
  assert.equal(needle.indexIn(first), first.indexOf(text));
  for (const hay of [Buffer.from(`x${text}`), Buffer.from('b'.repeat(70_000) + text), Buffer.from('DeleteTablDeleteTable'), Buffer.from('no')]) {
    assert.equal(needle.indexIn(hay), hay.indexOf(text), hay.subarray(0, 30).toString());
  }
});

const naive = (needles: readonly string[], hay: Buffer) => needles.some((n) => hay.includes(Buffer.from(n)));

test('NeedleSet: thousands of keys are searched as a few prefixes and agree with searching each key', () => {
  let seed = 11;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000);
  const keyOf = (i: number) => `"${i % 3 ? 'ASIA' : 'AKIA'}${i.toString(36).toUpperCase().padStart(16, 'Q')}"`;
  const keys = Array.from({ length: 3000 }, (_, i) => keyOf(i * 7));
  const set = new NeedleSet(keys);
  assert.ok(set.passes <= 2, `${set.passes} passes`);
  const records = realRecords(realDir).map((b) => b.toString('latin1'));
  for (let round = 0; round < 400; round++) {
    // Real text, with a key of the set, a near miss (one byte off, cut short, unquoted) or nothing spliced in.
    const base = records[Math.floor(rand() * records.length)]!;
    const at = Math.floor(rand() * base.length);
    const k = keys[Math.floor(rand() * keys.length)]!;
    const variants = [k, k.slice(0, -1), k.slice(1), keyOf(Math.floor(rand() * 30000) * 7 + 1), k.slice(0, 6) + 'x' + k.slice(7), ''];
    const hay = Buffer.from(base.slice(0, at) + variants[Math.floor(rand() * variants.length)] + base.slice(at), 'latin1');
    assert.equal(set.in(hay), naive(keys, hay), `round ${round}`);
  }
});

test('NeedleSet: random needles over a small alphabet, any lengths, overlapping, at the edges', () => {
  let seed = 5;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000);
  const alphabet = 'ab"\\Q\u00e9';
  const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
  for (let round = 0; round < 500; round++) {
    const needles = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => word(1 + Math.floor(rand() * 7)));
    const set = new NeedleSet(needles);
    for (let h = 0; h < 5; h++) {
      const hay = Buffer.from(word(Math.floor(rand() * 60)));
      assert.equal(set.in(hay), naive(needles, hay), `${JSON.stringify(needles)} in ${JSON.stringify(hay.toString())}`);
    }
  }
});

test('NeedleSet: an empty needle occurs everywhere; no needles occur nowhere; a prefix dense in the input', () => {
  assert.equal(new NeedleSet(['"ASIAX"', '']).in(Buffer.from('x')), true);
  assert.equal(new NeedleSet([]).in(Buffer.from('x')), false);
  const keys = Array.from({ length: 50 }, (_, i) => `"ASIA${String(i).padStart(4, '0')}"`);
  const dense = Buffer.from('"ASIA'.repeat(20_000) + '"ASIA0049"');
  assert.equal(new NeedleSet(keys).in(dense), true);
  assert.equal(new NeedleSet(keys).in(dense.subarray(0, dense.length - 2)), false);
  // A short needle (a two-letter user name) is searched on its own instead of shortening every prefix.
  const withName = new NeedleSet([...keys, 'jo']);
  assert.equal(withName.passes, new NeedleSet(keys).passes + 1);
  assert.equal(withName.in(Buffer.from('{"userName":"jo"}')), true);
  assert.equal(withName.in(Buffer.from('{"userName":"j"}')), false);
});

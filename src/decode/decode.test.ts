import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decode, sniffCompression } from './decode.js';
import { zstdCompress } from '../../test/helpers/zstd.js';

async function* chunks(buf: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of it) parts.push(b);
  return Buffer.concat(parts);
}

const text = Buffer.from(JSON.stringify({ Records: Array.from({ length: 200 }, (_, i) => ({ eventName: `E${i}` })) }));

test('sniffs gzip, zstd and plain from magic bytes', async () => {
  assert.equal(sniffCompression(gzipSync(text)), 'gzip');
  assert.equal(sniffCompression(await zstdCompress(text)), 'zstd');
  assert.equal(sniffCompression(text), 'plain');
  assert.equal(sniffCompression(Buffer.alloc(0)), 'plain');
});

for (const [name, make] of [
  ['gzip', async () => gzipSync(text)],
  ['zstd', () => zstdCompress(text)],
  ['plain', async () => text],
] as const) {
  test(`decodes ${name} fed in small chunks`, async () => {
    const input = await make();
    const d = await decode(chunks(input, 7));
    assert.equal(d.compression, name);
    assert.deepEqual(await collect(d.bytes), text);
  });
}

test('decodes every member of a multi-member gzip file', async () => {
  const a = Buffer.from('{"a":1}\n');
  const b = Buffer.from('{"b":2}\n');
  const d = await decode(chunks(Buffer.concat([gzipSync(a), gzipSync(b)]), 5));
  assert.equal((await collect(d.bytes)).toString(), '{"a":1}\n{"b":2}\n');
});

test('a truncated gzip stream fails after yielding what it could decode', async () => {
  const big = Buffer.from('x'.repeat(1 << 20));
  const gz = gzipSync(big);
  const d = await decode(chunks(gz.subarray(0, gz.length - 20), 1024));
  let got = 0;
  await assert.rejects(async () => {
    for await (const b of d.bytes) got += b.length;
  }, /unexpected end of file/);
  assert.ok(got > 0);
});

test('a truncated zstd stream fails after yielding what it could decode', async () => {
  // Varied text, so the frame holds several blocks and the decoder has output before the cut.
  const big = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `{"eventID":"e-${i}","n":${(i * 7919) % 104729}}\n`).join(''));
  const zst = await zstdCompress(big);
  const d = await decode(chunks(zst.subarray(0, Math.floor(zst.length * 0.8)), 1024));
  let got = 0;
  await assert.rejects(async () => {
    for await (const b of d.bytes) got += b.length;
  }, /^Error: corrupt or truncated zstd data \(it ends inside a frame\)$/);
  assert.ok(got > 0 && got < big.length, `decoded ${got} of ${big.length} bytes before the cut`);
});

test('corrupt gzip data is an error', async () => {
  const gz = gzipSync(text);
  gz.fill(0x41, 20, 60);
  const d = await decode(chunks(gz, 64));
  await assert.rejects(collect(d.bytes));
});

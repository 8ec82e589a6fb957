import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { constants, zstdCompressSync } from 'node:zlib';
import { ZstdFrameWalker } from './zstd-frames.js';

function walk(input: Uint8Array, chunk = input.length || 1): string | undefined {
  const w = new ZstdFrameWalker();
  for (let i = 0; i < input.length; i += chunk) {
    const fault = w.feed(input.subarray(i, i + chunk));
    if (fault) return fault;
  }
  return w.end();
}

const text = Buffer.from(Array.from({ length: 3000 }, (_, i) => `{"eventID":"e-${i}","n":${(i * 7919) % 104729}}\n`).join(''));
const frame = zstdCompressSync(text);
const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
/** Each input, and the offsets where a cut leaves only whole frames (a shorter input, not a cut one). */
const inputs: [string, Buffer, number[]][] = [
  ['compressed blocks', frame, []],
  ['raw blocks (random bytes)', zstdCompressSync(randomBytes(300_000)), []],
  ['an RLE block', zstdCompressSync(Buffer.alloc(200_000, 0x41)), []],
  ['a content checksum', zstdCompressSync(text, { params: { [constants.ZSTD_c_checksumFlag]: 1 } }), []],
  ['an empty frame', zstdCompressSync(Buffer.alloc(0)), []],
  ['two frames and a skippable frame', Buffer.concat([frame, skippable, frame]), [frame.length, frame.length + skippable.length]],
];

for (const [what, zst, boundaries] of inputs) {
  test(`zstd with ${what}: whole is complete, in one piece or byte by byte`, () => {
    assert.equal(walk(zst), undefined);
    assert.equal(walk(zst, 1), undefined);
  });

  test(`zstd with ${what}: a cut at any byte is found`, () => {
    // Every cut point of small inputs; a stride over the big random one keeps the test quick.
    const stride = zst.length > 100_000 ? 97 : 1;
    for (let cut = 1; cut < zst.length; cut += stride) {
      if (boundaries.includes(cut)) continue;
      assert.ok(walk(zst.subarray(0, cut), 4096), `a cut after ${cut} of ${zst.length} bytes passed as complete`);
    }
  });
}

test('bytes after the last frame that are not a frame are a fault', () => {
  assert.match(walk(Buffer.concat([zstdCompressSync(text), Buffer.from('trailing garbage')]))!, /not a frame/);
});

test('a cut between whole frames is indistinguishable from a shorter input', () => {
  assert.equal(walk(Buffer.concat([frame, skippable])), undefined);
});

test('no frame at all is a fault', () => {
  assert.equal(walk(Buffer.alloc(0)), 'no zstd frame');
});

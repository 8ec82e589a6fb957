import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { hashFirstGzipMember } from '../decode/gzip-members.js';
import { inProcessLogHasher, WHOLE_READ_LIMIT } from './log-hash.js';
import { tempDir } from '../../test/helpers/temp.js';

test('concurrent in-process hashing of local files: each result is its own file\'s, damaged and large ones too', async () => {
  const dir = tempDir('ctrail-log-hash-');
  try {
    const texts = Array.from({ length: 12 }, (_, i) => Buffer.from(JSON.stringify({ Records: [{ eventName: `E${i}`, pad: 'x'.repeat(i * 997) }] })));
    const paths = texts.map((t, i) => {
      const path = join(dir, `${i}.json.gz`);
      const gz = gzipSync(t);
      // Every third file is truncated: it takes the asynchronous streaming path while others are read.
      writeFileSync(path, i % 3 === 0 ? gz.subarray(0, gz.length - 6) : gz);
      return path;
    });
    // Larger than the whole-read limit (incompressible): streamed from the file.
    const big = Buffer.from(Array.from({ length: WHOLE_READ_LIMIT / 16 + 1 }, (_, i) => createHash('md5').update(String(i)).digest('hex')).join(''));
    const bigPath = join(dir, 'big.json.gz');
    writeFileSync(bigPath, gzipSync(big, { level: 1 }));
    const hasher = inProcessLogHasher();
    const [a, b, c] = await Promise.all([
      hasher.hash(paths.slice(0, 6).map((path) => ({ path }))),
      hasher.hash(paths.slice(6).map((path) => ({ path }))),
      hasher.hash([{ path: bigPath }]),
    ]);
    const results = [...a, ...b];
    for (const [i, r] of results.entries()) {
      // What the streaming walk says about the file on its own, one small chunk at a time.
      const alone = await hashFirstGzipMember((async function* () {
        const bytes = readFileSync(paths[i]!);
        for (let at = 0; at < bytes.length; at += 512) yield bytes.subarray(at, at + 512);
      })());
      assert.deepEqual(r, alone, `file ${i}`);
      if (i % 3 === 0) assert.equal(alone.outcome, 'truncated');
      else assert.equal(alone.sha256, createHash('sha256').update(texts[i]!).digest('hex'));
    }
    assert.deepEqual(c, [{ outcome: 'complete', sha256: createHash('sha256').update(big).digest('hex'), inflatedBytes: big.length, trailingBytes: 0 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

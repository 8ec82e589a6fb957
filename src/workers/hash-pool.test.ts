import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inProcessLogHasher, type LogInput } from '../integrity/log-hash.js';
import { hashWorkers } from './hash-pool.js';
import { tempDir } from '../../test/helpers/temp.js';

test('worker hashing returns, in input order, what in-process hashing returns (paths, bytes, damaged, unreadable)', async () => {
  const dir = tempDir('ctrail-hash-pool-');
  try {
    const inputs: LogInput[] = [];
    const bytesInputs: Array<() => LogInput> = [];
    for (let i = 0; i < 150; i++) {
      const text = Buffer.from(JSON.stringify({ Records: Array.from({ length: 1 + (i % 7) * 50 }, (_, n) => ({ eventName: `E${i}-${n}` })) }));
      let body = gzipSync(text);
      if (i % 10 === 3) body = Buffer.concat([body, Buffer.from('appended')]);
      if (i % 10 === 5) body = body.subarray(0, body.length - 12);
      if (i % 10 === 7) body = Buffer.from('not gzip');
      const path = join(dir, `${i}.json.gz`);
      writeFileSync(path, body);
      inputs.push({ path });
      // Bytes are transferred to a worker: each run gets its own copy.
      bytesInputs.push(() => ({ bytes: Buffer.from(body) }));
    }
    inputs.push({ path: join(dir, 'missing.json.gz') });
    mkdirSync(join(dir, 'a-folder.json.gz'));
    inputs.push({ path: join(dir, 'a-folder.json.gz') });

    const expected = await inProcessLogHasher().hash([...inputs, ...bytesInputs.map((b) => b())]);
    const pool = hashWorkers(2);
    try {
      // Several callers at once, as chains walked in parallel do.
      const [a, b] = await Promise.all([pool.hash(inputs), pool.hash(bytesInputs.map((b) => b()))]);
      assert.deepEqual([...a, ...b], expected);
    } finally {
      await pool.close();
    }
    assert.deepEqual(expected[150], { unreadable: true });
    assert.deepEqual(expected[151], { unreadable: true });
    await assert.rejects(pool.hash(inputs.slice(0, 1)), /closed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

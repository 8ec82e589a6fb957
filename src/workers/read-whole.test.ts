import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWholeInto } from './read-whole.js';
import { tempDir } from '../../test/helpers/temp.js';

test('a file that fits is read into the scratch buffer; a bigger one whole into its own', () => {
  const dir = tempDir('ctrail-read-');
  const scratch = Buffer.alloc(1000);
  const small = Buffer.from('x'.repeat(999));
  writeFileSync(join(dir, 'small'), small);
  const got = readWholeInto(join(dir, 'small'), scratch);
  assert.deepEqual(got, small);
  assert.equal(got.buffer, scratch.buffer);
  for (const size of [0, 1000, 1001, 3500]) {
    const bytes = Buffer.from(Array.from({ length: size }, (_, i) => i % 251));
    writeFileSync(join(dir, `f${size}`), bytes);
    assert.deepEqual(readWholeInto(join(dir, `f${size}`), scratch), bytes, `${size} bytes`);
  }
});

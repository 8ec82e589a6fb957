import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSigmaSources } from './rule-options.js';
import { tempDir } from '../../test/helpers/temp.js';

test('--rules reads .yml and .yaml files under a folder in path order, and a link back to a parent once', async () => {
  const root = tempDir('ctrail-rules-');
  mkdirSync(join(root, 'b', 'deeper'), { recursive: true });
  writeFileSync(join(root, 'z.yml'), 'title: z\n');
  writeFileSync(join(root, 'b', 'a.yaml'), 'title: a\n');
  writeFileSync(join(root, 'b', 'deeper', 'c.YML'), 'title: c\n');
  writeFileSync(join(root, 'b', 'notes.txt'), 'not a rule\n');
  // A loop: b/deeper/up -> the root. Followed naively, the walk never ends.
  symlinkSync(root, join(root, 'b', 'deeper', 'up'), 'dir');
  const sources = await readSigmaSources(root);
  assert.deepEqual(
    sources.map((s) => s.file.slice(root.length + 1)),
    ['b/a.yaml', 'b/deeper/c.YML', 'z.yml'],
  );
  assert.equal(sources[0]!.text, 'title: a\n');
});

test('--rules with one file reads it whatever its extension', async () => {
  const root = tempDir('ctrail-rules-');
  writeFileSync(join(root, 'rule.txt'), 'title: t\n');
  assert.deepEqual(await readSigmaSources(join(root, 'rule.txt')), [{ file: join(root, 'rule.txt'), text: 'title: t\n' }]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStore } from '../source/store.js';
import { TrailView } from './view.js';
import { tempDir } from '../../test/helpers/temp.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('keys() of a mirror folder are the keys list() yields, in the same order, without a stat per file', async () => {
  const dir = tempDir('ctrail-view-');
  try {
    const day = join(dir, 'AWSLogs', '111111111111', 'CloudTrail', 'us-east-1', '2026', '03', '14');
    mkdirSync(join(day, 'nested', 'deeper'), { recursive: true });
    mkdirSync(join(dir, 'elsewhere'));
    for (const name of ['b.json.gz', 'a.json.gz', 'Z.json.gz', 'é.json.gz', '\u{1F600}.json.gz', '\uFF58.json.gz', 'nested/x.json.gz', 'nested/deeper/y.json.gz']) {
      writeFileSync(join(day, name), 'x');
    }
    writeFileSync(join(dir, 'elsewhere', 'target.json.gz'), 'x');
    symlinkSync(join(dir, 'elsewhere', 'target.json.gz'), join(day, 'link.json.gz'));
    symlinkSync(join(dir, 'elsewhere'), join(day, 'linked-folder'));
    symlinkSync(join(dir, 'missing'), join(day, 'dangling.json.gz'));
    const view = new TrailView('bucket', new LocalStore(dir), 'root/');
    for (const prefix of [
      'root/AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/',
      'root/AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/n',
      'root/AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/15/',
      'root/AWSLogs/',
      'elsewhere/',
      'ro',
    ]) {
      const listed = (await collect(view.list(prefix))).map((o) => o.key);
      assert.deepEqual(await collect(view.keys(prefix)), listed, prefix);
    }
    const all = await collect(view.keys('root/AWSLogs/'));
    assert.equal(all.length, 10, 'files at any depth, and behind links to files and folders; not dangling links');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

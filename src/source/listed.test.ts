import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { emptyDetail } from '../pipeline/scan.js';
import { folderSource } from './local.js';
import type { UnitOrProblem } from './types.js';

async function all(it: AsyncIterable<UnitOrProblem>): Promise<UnitOrProblem[]> {
  const out: UnitOrProblem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('a folder source counts the folders it listed, for the line that names an empty source', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctrail-listed-'));
  try {
    mkdirSync(join(dir, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1'), { recursive: true });
    writeFileSync(join(dir, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/d.json.gz'), '');
    const source = folderSource(dir);
    const items = await all(source.units({}));
    assert.equal(items.filter((i) => 'unit' in i).length, 0);
    // The root, AWSLogs/ and the account folder (whose only product is digests, skipped).
    assert.equal(source.listingSummary?.(), 'listed 3 folders');
    assert.equal(emptyDetail(source, 1, { regions: ['eu-west-1'], start: new Date(0) }), 'listed 3 folders; 1 skipped as not logs (--verbose names them); within the time window, regions asked');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

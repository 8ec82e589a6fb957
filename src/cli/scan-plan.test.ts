import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localInputBytes } from './scan-plan.js';

test('local inputs are sized until they pass the limit, and anything unreadable or endless counts as large', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctrail-sizing-'));
  try {
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'one.json'), 'x'.repeat(1000));
    writeFileSync(join(dir, 'a', 'b', 'two.json.gz'), 'x'.repeat(500));
    assert.equal(localInputBytes(dir, 10_000), 1500);
    assert.equal(localInputBytes(join(dir, 'a', 'one.json'), 10_000), 1000);
    assert.equal(localInputBytes(dir, 1200), Infinity, 'past the limit');
    assert.equal(localInputBytes(join(dir, 'missing'), 10_000), Infinity);
    assert.equal(localInputBytes(join(dir, 'a', '*.json'), 10_000), Infinity, 'a glob is not sized');
    // A folder that links back to itself ends at the depth budget instead of looping.
    symlinkSync(dir, join(dir, 'a', 'b', 'loop'));
    assert.equal(localInputBytes(dir, 10_000_000), Infinity);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

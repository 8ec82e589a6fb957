#!/usr/bin/env node
// Runs every compiled *.test.js under dist/ (or the paths given) with node's own test runner.
// Listing the files ourselves keeps helper modules under test/ from being mistaken for tests.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

function collect(path, out) {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (path.endsWith('.test.js')) {
    out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = [];
for (const root of roots.length ? roots : ['dist/src', 'dist/test']) collect(resolve(root), files);
if (files.length === 0) {
  console.error('test/run.js: no compiled tests found; run `npm run build` first');
  process.exit(1);
}
// Most test files wait on child processes and local servers rather than compute, so one more file than there are
// cores keeps the machine busy (node's default, cores - 1, runs one file at a time on a 2-core CI machine).
// No test may depend on running alone: each takes its own ports and temporary folders.
const concurrency = Number(process.env.CTRAIL_TEST_CONCURRENCY) || availableParallelism() + 1;
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);

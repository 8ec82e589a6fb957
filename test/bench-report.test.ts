import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeResultsIndex } from '../bench/report.js';
import { tempDir } from './helpers/temp.js';

const run = (when: string, target: string) =>
  `# Benchmark run: 1GB, ${when} UTC\n\nLoad average (1 min) at the start: 0.2\n\n## Targets (issue #19)\n\n| target | synthetic |\n|---|---:|\n| ${target} |\n\n## synthetic corpus\n\n| case |\n`;

test('RESULTS.md: the newest run by the time in its title, every run listed, and PROFILE.md\'s blockers shown', () => {
  const dir = tempDir('ctrail-bench-report-');
  try {
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs', '2026-12-03-1GB.md'), run('2026-12-03 09:33', 'needle 1.2× **not met**'));
    writeFileSync(join(dir, 'runs', '2026-12-03-1GB-1008.md'), run('2026-12-03 10:08', 'needle 1.7× **not met**'));
    writeFileSync(
      join(dir, 'PROFILE.md'),
      '# Where the time goes\n\n## 1. Before\n\nold figures\n\n## What stands in the way now\n\n- **Needle query:** inflate is half of a worker.\n\n## Appendix\n\nnot shown\n',
    );
    const text = readFileSync(writeResultsIndex(dir), 'utf8');
    assert.match(text, /## Latest: \[2026-12-03-1GB-1008\.md\]/);
    assert.match(text, /needle 1\.7× \*\*not met\*\*/);
    assert.doesNotMatch(text, /needle 1\.2×/, 'only the latest run\'s targets');
    assert.match(text, /## What stands in the way of the unmet targets\n\nFrom \[`PROFILE\.md`\]\(PROFILE\.md\)[^\n]*\n\n- \*\*Needle query:\*\* inflate is half of a worker\.\n/);
    assert.doesNotMatch(text, /not shown|old figures/);
    assert.match(text, /- \[2026-12-03-1GB\.md\]\(runs\/2026-12-03-1GB\.md\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('RESULTS.md without a PROFILE.md section on blockers has no such heading', () => {
  const dir = tempDir('ctrail-bench-report-');
  try {
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs', '2026-12-03-1GB.md'), run('2026-12-03 09:33', 'needle 2.1× **met**'));
    const text = readFileSync(writeResultsIndex(dir), 'utf8');
    assert.doesNotMatch(text, /What stands in the way of the unmet targets\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

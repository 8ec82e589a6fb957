import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

/**
 * On a Node older than `engines`, ctrail says in one line what it needs instead of failing somewhere inside.
 * The running Node is real; only the version the launcher reads is replaced, before it runs.
 */
const engines = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;

function asNode(version: string): NodeJS.ProcessEnv {
  const fake = `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: ${JSON.stringify(version)} } });`;
  return { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(fake)}` };
}

test('engines names the supported LTS lines: Node 22.15 and later', () => {
  assert.equal(engines, '>=22.15.0');
});

for (const old of ['20.19.0', '22.14.0', '18.20.4']) {
  test(`on Node ${old}, ctrail refuses in one line that names the versions it needs`, async () => {
    const r = await runCli(['events', 'fixtures/demo'], { env: asNode(old) });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `ctrail: needs Node.js >= 22.15 (22 and 24 are tested); this is Node ${old} (see docs/install.md)\n`);
  });
}

for (const ok of ['22.15.0', '24.0.0']) {
  test(`on Node ${ok}, ctrail runs`, async () => {
    const r = await runCli(['--version'], { env: asNode(ok) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });
}

test("the clone's own Node (the node devDependency) is the engines floor, so npm test proves the floor", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  assert.equal(pkg.devDependencies.node, '22.15.0');
  assert.equal(`>=${pkg.devDependencies.node}`, engines);
});

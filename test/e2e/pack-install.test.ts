import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/**
 * The package as the registry would get it: `npm pack` (which builds in prepack from an empty dist/), then a
 * global install of the tarball into a temporary prefix, then the installed `ctrail` run as a user runs it.
 * The pack happens in a copy of the sources, because prepack empties dist/ and this suite runs from dist/.
 */
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; files: string[] };
const MINUTES = 60_000;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  // A hung npm must fail the test, not the suite: every child has a deadline.
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 8 * MINUTES, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.error, undefined, `${cmd} ${args.join(' ')}: ${r.error?.message}`);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

test('npm pack, then a global install of the tarball: only the runtime ships, and the installed ctrail answers', async () => {
  const root = tempDir('ctrail-pack-');
  const src = join(root, 'src');
  const sources = ['package.json', 'npm-shrinkwrap.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts', ...pkg.files.filter((f) => !f.startsWith('dist'))];
  for (const f of sources) cpSync(join(repoRoot, f), join(src, f), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(src, 'node_modules'), 'dir');
  // A left-over build output that no source produces any more: a clean prepack must not ship it.
  mkdirSync(join(src, 'dist', 'src'), { recursive: true });
  writeFileSync(join(src, 'dist', 'src', 'stale-removed-module.js'), 'export {};\n');

  const packed = run('npm', ['pack', '--json', '--pack-destination', root], src);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  const files = info!.files.map((f) => f.path);
  assert.ok(files.includes('bin/ctrail.cjs'));
  // The lockfile ships as npm-shrinkwrap.json, so an install gets the tested dependency tree (and works offline).
  assert.ok(files.includes('npm-shrinkwrap.json'));
  assert.ok(files.includes('dist/src/cli/main.js'));
  assert.ok(files.includes('LICENSE') && files.includes('README.md') && files.includes('docs/install.md'));
  assert.ok(files.some((f) => f.startsWith('fixtures/demo/AWSLogs/')));
  assert.ok(files.includes('man/ctrail.1'), 'the man page ships');
  const unwanted = files.filter(
    (f) => f.endsWith('.test.js') || f.endsWith('.map') || f.endsWith('.ts') || f.includes('stale-removed-module') || /^(dist\/(test|bench|scripts)|src|test|bench)\//.test(f),
  );
  assert.deepEqual(unwanted, [], 'only the runtime is packed');

  const prefix = join(root, 'prefix');
  const install = run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(root, info!.filename)], root);
  const warnings = `${install.stdout}\n${install.stderr}`.split('\n').filter((l) => /warn|deprecat/i.test(l) && /ctrail|EBADENGINE|install-scripts|prepare/i.test(l));
  assert.deepEqual(warnings, [], 'installing ctrail warns about nothing of ours');

  const ctrail = join(prefix, 'bin', 'ctrail');
  const version = run(ctrail, ['--version'], root);
  assert.equal(version.stdout.trim(), pkg.version);
  const demo = join(prefix, 'lib', 'node_modules', pkg.name, 'fixtures', 'demo');
  const query = run(ctrail, ['events', demo, '--event-name', 'DeleteTable', '-o', 'ndjson'], root);
  assert.equal(query.stderr, '');
  const events = query.stdout.trim().split('\n').map((l) => JSON.parse(l) as { eventName: string; errorCode?: string });
  assert.deepEqual(events.map((e) => [e.eventName, e.errorCode ?? null]), [['DeleteTable', 'AccessDenied'], ['DeleteTable', null]]);

  // The "man" field of package.json: a global install links the page where `man ctrail` finds it.
  const manPage = join(prefix, 'share', 'man', 'man1', 'ctrail.1');
  assert.equal(readFileSync(manPage, 'utf8'), readFileSync(join(repoRoot, 'man', 'ctrail.1'), 'utf8'));
});

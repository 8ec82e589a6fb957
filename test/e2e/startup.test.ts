import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Which of ctrail's modules a run loads, seen by a module-resolution hook (node:module register) that
 * appends every file: URL it resolves to a log.
 */
function modulesLoaded(args: string[]): string[] {
  const dir = tempDir('ctrail-startup-');
  const log = join(dir, 'loaded.txt');
  try {
    const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  if (r.url.startsWith('file:')) appendFileSync(process.env.CTRAIL_LOAD_LOG, r.url + '\\n');
  return r;
}`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(hooks))});`;
    const r = spawnSync(process.execPath, ['--import', 'data:text/javascript,' + encodeURIComponent(register), cliPath, ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, CTRAIL_LOAD_LOG: log, NO_COLOR: '1' },
    });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter((u) => u.includes('/dist/src/'))
      .map((u) => u.slice(u.indexOf('/dist/src/') + '/dist/src/'.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COMMAND_CODE = /^(cli\/(events|find-deletion|trace|activity|count|insights|hunt|audit|validate|mirror|scan-plan|forensics-scan)\.js|(forensics|integrity|audit|pipeline|source|workers|analytics|filter|records|decode)\/)/;

test('--help and `help` load no command code', () => {
  for (const args of [['--help'], ['help']]) {
    const loaded = modulesLoaded(args);
    assert.ok(loaded.includes('cli/main.js'), `${args.join(' ')}: the hook sees ctrail's modules (${loaded.join(', ')})`);
    assert.deepEqual(loaded.filter((m) => COMMAND_CODE.test(m)), [], `${args.join(' ')} loads only the CLI's shell`);
  }
});

test('--version alone loads none of the CLI, and says what the full CLI says', () => {
  for (const flag of ['--version', '-V']) assert.deepEqual(modulesLoaded([flag]), [], flag);
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const fast = spawnSync(process.execPath, [cliPath, '--version'], { encoding: 'utf8' });
  // With another option first the launcher passes it on: commander answers.
  const full = spawnSync(process.execPath, [cliPath, '--color', 'never', '--version'], { encoding: 'utf8' });
  assert.equal(fast.status, 0);
  assert.equal(full.status, 0, full.stderr);
  assert.equal(fast.stdout, `${version}\n`);
  assert.equal(full.stdout, fast.stdout);
});

test('a command\'s own --help loads that command and no other', () => {
  const loaded = modulesLoaded(['trace', '--help']);
  assert.ok(loaded.includes('cli/trace.js'));
  assert.deepEqual(loaded.filter((m) => /^cli\/(events|find-deletion|activity|count|insights|hunt|audit|validate|mirror)\.js$/.test(m)), []);
});

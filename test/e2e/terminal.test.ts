import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../helpers/cli.js';

/**
 * Runs ctrail on a real pseudo-terminal (util-linux `script`), the way a person at a terminal sees it:
 * stdout and stderr are both the tty, so the table, colours and the progress line are in play.
 */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', TERM: 'xterm-256color', COLUMNS: '200', ...env },
  });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stdout);
  return r.stdout;
}

const demo = join(repoRoot, 'fixtures/demo');

test('on a terminal, events print as a coloured table', () => {
  const out = onTerminal(['events', demo, '--event-name', 'DeleteTable']);
  assert.match(out.replace(/\u001b\[\d+m/g, ''), /│ time +│ account +│ region/);
  assert.match(out, /\u001b\[31mAccessDenied\u001b\[39m/, 'the error column is red');
});

test('NO_COLOR turns colour off on a terminal', () => {
  const out = onTerminal(['events', demo, '--event-name', 'DeleteTable'], { NO_COLOR: '1' });
  assert.match(out, /│ time +│ account +│ region/);
  assert.doesNotMatch(out, /\u001b\[3\dm/);
});

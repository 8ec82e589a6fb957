import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { TrailFixture, makeKey } from '../helpers/trail-fixture.js';

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

test('on a terminal, every command defaults to its table form', (t) => {
  const tmp = tempDir('ctrail-tty-');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const plain = (args: string[]): string => onTerminal(args, { NO_COLOR: '1' });
  assert.match(plain(['find-deletion', 'orders', demo]), /│ time +│ outcome +│ event/);
  assert.match(plain(['trace', 'ASIAZ7ADMINSESSION01', demo]), /ASIAZ7ADMINSESSION01/);
  assert.match(plain(['count', demo, '--interval', '1d']), /│ time +│ count/);
  assert.match(plain(['hunt', '--rules', 'fixtures/sigma/rules', 'fixtures/sigma/records.ndjson']), /│ time +│ level +│ rule/);
  const fx = new TrailFixture();
  const key = makeKey();
  fx.addChain({ bucket: 'b', prefix: '', account: '111111111111', region: 'us-east-1', trailName: 't', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 3, key });
  const mirror = join(tmp, 'mirror');
  fx.writeMirror(mirror, 'b', { window: { start: new Date('2026-03-14T01:00:00Z'), end: new Date('2026-03-14T03:00:00Z') }, keys: [key] });
  assert.match(plain(['validate', mirror]), /Validating log files in .*\r?\n[\s\S]*3\/3 digest files valid/);
});

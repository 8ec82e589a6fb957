import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/commands.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/**
 * `ctrail completion SHELL` scripts, loaded by the real shells. bash, zsh and fish must be installed
 * (CI: `apt-get install -y zsh fish`); a missing shell fails the test, it is never skipped.
 */
let tmp: string;
const scripts: Record<string, string> = {};

before(async () => {
  tmp = tempDir('ctrail-completion-');
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runCli(['completion', shell]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    scripts[shell] = join(tmp, `ctrail.${shell}`);
    writeFileSync(scripts[shell]!, r.stdout);
  }
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function shell(program: string, script: string): { stdout: string; stderr: string } {
  const r = spawnSync(program, program === 'zsh' ? ['-f', '-c', script] : ['-c', script], { encoding: 'utf8', cwd: tmp, env: { ...process.env, HOME: tmp } });
  if (r.error) throw new Error(`${program} is needed for this test (apt-get install -y zsh fish): ${r.error.message}`);
  assert.equal(r.status, 0, `${program}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

test('bash loads the script without a word, and completes commands, options and -o formats', () => {
  const complete = (words: string[]): string =>
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _ctrail; echo "\${COMPREPLY[*]}"`;
  const out = shell(
    'bash',
    [
      `source '${scripts.bash}'`,
      'complete -p ctrail',
      complete(['ctrail', 'find']),
      complete(['ctrail', 'events', '-o', '']),
      complete(['ctrail', 'validate', '--output', '']),
      complete(['ctrail', '--profile', 'events', 'hu']),
      complete(['ctrail', '--region', 'eu-west-1', 'events', '--event-n']),
      complete(['ctrail', '--color', '']),
      complete(['ctrail', '']),
    ].join('\n'),
  );
  assert.equal(out.stderr, '');
  const lines = out.stdout.split('\n');
  assert.equal(lines[0], 'complete -o default -F _ctrail ctrail');
  assert.equal(lines[1], 'find-deletion');
  // The shared formats (a command may have more, such as timesketch).
  for (const f of ['table', 'ndjson', 'json', 'csv']) assert.ok(lines[2]!.split(' ').includes(f), `events -o ${f}: ${lines[2]}`);
  assert.equal(lines[3], 'table json text');
  assert.equal(lines[4], 'hunt', 'a global option\'s value is not the command, even when it is a command\'s name');
  assert.equal(lines[5], '--event-name');
  assert.equal(lines[6], 'auto always never');
  assert.deepEqual(lines[7]!.split(' ').sort(), Object.keys(COMMANDS).sort());
});

test('zsh loads the script without a word and registers _ctrail for ctrail', () => {
  const out = shell('zsh', `autoload -U compinit && compinit -u -d '${join(tmp, 'zcompdump')}' && source '${scripts.zsh}' && print -r -- $_comps[ctrail] && whence -w _ctrail`);
  assert.equal(out.stderr, '');
  assert.equal(out.stdout, '_ctrail\n_ctrail: function\n');
  shell('zsh', `zsh -n '${scripts.zsh}'`);
});

test('fish loads the script and completes commands, options and -o formats', () => {
  const out = shell('fish', [`source '${scripts.fish}'`, 'complete -C "ctrail aud"', 'complete -C "ctrail count -o "', 'complete -C "ctrail hunt --ru"', 'complete -C "ctrail --col"'].join('\n'));
  assert.equal(out.stderr, '');
  const names = out.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
  assert.deepEqual(names, ['audit', 'chart', 'csv', 'ndjson', 'table', '--rules', '--color']);
});

test('an unknown shell is a usage error', async () => {
  const r = await runCli(['completion', 'powershell']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected bash, zsh, fish/);
});

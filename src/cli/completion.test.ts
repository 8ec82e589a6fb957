import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { completionModel, completionScript, type Shell } from './completion.js';

/** A tree with a command that has subcommands, as `athena setup|query` has. */
function tree(): Command {
  const program = new Command('ctrail').option('--debug', 'log calls');
  program.command('events').description('events').argument('[source...]').option('--event-name <name>', 'name').addOption(new Option('-o, --output <f>', 'format').choices(['table', 'ndjson']));
  const athena = program.command('athena').description('Athena: setup, query');
  athena.command('setup').description('make the table').option('--database <db>', 'database');
  athena.command('query').description("run SQL ('quoted' [bracketed]: colon)").argument('<sql>').option('--max-scan-gb <n>', 'limit').addOption(new Option('-o, --output <f>', 'format').choices(['table', 'csv']));
  return program;
}

function withScript(shell: Shell, run: (file: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctrail-completion-unit-'));
  try {
    const file = join(dir, `ctrail.${shell}`);
    writeFileSync(file, completionScript(shell, completionModel(tree(), ['--profile', '--output'])));
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sh(program: string, script: string): string {
  const r = spawnSync(program, program === 'zsh' ? ['-f', '-c', script] : ['-c', script], { encoding: 'utf8' });
  if (r.error) throw new Error(`${program} is needed for this test (apt-get install -y zsh fish): ${r.error.message}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', `${program} says nothing`);
  return r.stdout;
}

test('bash: subcommands complete after their command, and their own options and -o formats after them', () => {
  const out = withScript('bash', (file) => {
    const complete = (...words: string[]): string =>
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _ctrail; echo "\${COMPREPLY[*]}"`;
    return sh('bash', [`source '${file}'`, complete('ctrail', 'athena', ''), complete('ctrail', 'athena', 'query', '--max'), complete('ctrail', '--debug', 'athena', 'query', '-o', ''), complete('ctrail', 'athena', 'setup', '--'), complete('ctrail', 'events', '-o', '')].join('\n'));
  });
  assert.deepEqual(out.split('\n').slice(0, 5), ['setup query', '--max-scan-gb', 'table csv', '--database --help', 'table ndjson']);
});

test('fish: the same, through fish\'s own completer', () => {
  const out = withScript('fish', (file) => sh('fish', [`source '${file}'`, 'complete -C "ctrail athena "', 'complete -C "ctrail athena query --max"', 'complete -C "ctrail athena query -o "'].join('\n')));
  assert.deepEqual(out.split('\n').filter(Boolean).map((l) => l.split('\t')[0]), ['query', 'setup', '--max-scan-gb', 'csv', 'table']);
});

test('zsh: the script with nested commands and quoted descriptions loads, and parses', () => {
  const out = withScript('zsh', (file) => sh('zsh', `zsh -n '${file}' && autoload -U compinit && compinit -u -D && source '${file}' && whence -w _ctrail`));
  assert.equal(out, '_ctrail: function\n');
});

test('a name or choice that is not a plain word is refused, never written where a shell would expand it', () => {
  for (const bad of ['$(touch pwned)', '`id`', 'a b', "it's", 'a|b', '*']) {
    const program = tree();
    program.command('x').addOption(new Option('--when <w>', 'when').choices(['now', bad]));
    for (const shell of ['bash', 'zsh', 'fish'] as const) assert.throws(() => completionScript(shell, completionModel(program, [])), /not a plain word/, `${shell}: ${bad}`);
  }
  // A tree of plain words is written (the e2e test loads the real tree's scripts in each shell).
  for (const shell of ['bash', 'zsh', 'fish'] as const) assert.ok(completionScript(shell, completionModel(tree(), ['--profile'])).length > 0);
});

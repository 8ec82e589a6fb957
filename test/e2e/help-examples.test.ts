import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/cli/commands.js';
import { runCli } from '../helpers/cli.js';

/** A command line as a POSIX shell splits it, for the quoting the examples use ('…' and "…"). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let current = '';
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m.index > last && current) {
      words.push(current);
      current = '';
    }
    current += m[1] ?? m[2] ?? m[3]!;
    last = re.lastIndex;
  }
  if (current) words.push(current);
  return words;
}

test('every --help ends with two or three examples, from commands.ts', async () => {
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const examples = entry.examples ?? [];
    assert.ok(examples.length >= 2 && examples.length <= 3, `${name}: ${examples.length} examples (add them to its entry in src/cli/commands.ts)`);
    const help = await runCli([name, '--help']);
    assert.equal(help.code, 0, help.stderr);
    const tail = help.stdout.slice(help.stdout.lastIndexOf('\nExamples:\n'));
    assert.equal(tail, `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`, `${name} --help ends with its examples`);
    for (const e of examples) assert.match(e, /^ctrail [a-z-]+ /, e);
  }
  const top = await runCli(['--help']);
  assert.match(top.stdout, /\nExamples:\n {2}\$ ctrail /);
});

test('every example that reads the demo trail runs, and exits 0 (found) or 1 (nothing found), never 2 or 3', async () => {
  let ran = 0;
  for (const entry of Object.values(COMMANDS)) {
    for (const example of entry.examples ?? []) {
      if (!example.includes('fixtures/demo')) continue;
      const [program, ...args] = shellWords(example);
      assert.equal(program, 'ctrail');
      const r = await runCli(args);
      assert.ok(r.code === 0 || r.code === 1, `${example}: exit ${r.code}: ${r.stderr}`);
      ran++;
    }
  }
  assert.ok(ran >= 15, `${ran} examples ran`);
});

test('the shell splitting the test uses is the shell\'s', () => {
  assert.deepEqual(shellWords(`ctrail events d --event-name 'Delete*' --alarm 'sum >= 1 for 1 period' --x "a b"c`), [
    'ctrail', 'events', 'd', '--event-name', 'Delete*', '--alarm', 'sum >= 1 for 1 period', '--x', 'a bc',
  ]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandNamed, hoistGlobalOptions, onlyGlobalOptions } from './global-options.js';

const run = (...words: string[]): string[] => hoistGlobalOptions(['node', 'ctrail', ...words]).slice(2);

test('global options before the command move to just after it, values with them', () => {
  assert.deepEqual(run('--profile', 'prod', 'events', 'demo'), ['events', '--profile', 'prod', 'demo']);
  assert.deepEqual(run('--region', 'eu-west-1', '-o', 'json', '--debug', 'count', 'demo', '--by', 'eventName'), [
    'count', '--region', 'eu-west-1', '-o', 'json', '--debug', 'demo', '--by', 'eventName',
  ]);
  assert.deepEqual(run('--endpoint-url', 'http://127.0.0.1:5000', '--color', 'always', 'audit'), ['audit', '--endpoint-url', 'http://127.0.0.1:5000', '--color', 'always']);
});

test('--opt=value and -oVALUE are one word, and stay one', () => {
  assert.deepEqual(run('--profile=prod', '--output=json', '-ondjson', 'events', 'x'), ['events', '--profile=prod', '--output=json', '-ondjson', 'x']);
});

test('a value that looks like a command name is the value, not the command', () => {
  assert.deepEqual(run('--profile', 'events', 'hunt', '--rules', 'r'), ['hunt', '--profile', 'events', '--rules', 'r']);
  assert.deepEqual(run('-o', 'table', 'events'), ['events', '-o', 'table']);
  assert.deepEqual(run('--profile', 'audit', 'audit'), ['audit', '--profile', 'audit']);
});

test('options after the command, and a run without global options before it, are left alone', () => {
  assert.deepEqual(run('events', 'demo', '--profile', 'p'), ['events', 'demo', '--profile', 'p']);
  assert.deepEqual(run('events', '--profile', 'p', 'demo'), ['events', '--profile', 'p', 'demo']);
  assert.deepEqual(run(), []);
  assert.deepEqual(run('--help'), ['--help']);
});

test('`--`, an unknown option or a missing command ends the move and leaves the words for commander', () => {
  assert.deepEqual(run('--profile', 'p', '--', 'events'), ['--profile', 'p', '--', 'events']);
  // An option that is not global goes first: commander's error names it, not the --profile before it.
  assert.deepEqual(run('--profile', 'p', '--nonsense', 'events'), ['--nonsense', 'events', '--profile', 'p']);
  assert.deepEqual(run('-o', 'json', '--help'), ['--help', '-o', 'json']);
  assert.deepEqual(run('--profile', 'p'), ['--profile', 'p']);
  assert.deepEqual(run('--profile'), ['--profile']);
  // After `--` a word that looks like a global option is a source name, never moved.
  assert.deepEqual(run('events', '--', '--profile', 'p'), ['events', '--', '--profile', 'p']);
});

test('before `help`, the options are dropped: help reads no AWS setting', () => {
  assert.deepEqual(run('--profile', 'p', 'help', 'events'), ['help', 'events']);
});

test('a command with subcommands gets the options after the whole path', () => {
  const tree: Record<string, string[]> = { athena: ['setup', 'query'] };
  const sub = (path: readonly string[]): string[] => tree[path.join(' ')] ?? [];
  const hoist = (...words: string[]): string[] => hoistGlobalOptions(['node', 'ctrail', ...words], sub).slice(2);
  assert.deepEqual(hoist('--profile', 'p', 'athena', 'query', 'SELECT 1'), ['athena', 'query', '--profile', 'p', 'SELECT 1']);
  // A word that is not a subcommand is an argument: the options stop before it.
  assert.deepEqual(hoist('--profile', 'p', 'athena', 'setup2'), ['athena', '--profile', 'p', 'setup2']);
  assert.deepEqual(hoist('--profile', 'p', 'events', 'query'), ['events', '--profile', 'p', 'query']);
});

test('commandNamed skips the global options before the command, and reads through help', () => {
  const named = (...words: string[]): string | undefined => commandNamed(['node', 'ctrail', ...words]);
  assert.equal(named('--profile', 'events', 'trace', 'AKIA'), 'trace');
  assert.equal(named('-ojson', 'events'), 'events');
  assert.equal(named('help', 'count'), 'count');
  assert.equal(named('--debug', 'help', 'count'), 'count');
  assert.equal(named('--help'), '--help');
  assert.equal(named(), undefined);
});

test('only global options and no command: --profile p alone, but not help, --help or a command', () => {
  const argv = (...words: string[]) => ['node', 'ctrail', ...words];
  assert.equal(onlyGlobalOptions(argv('--profile', 'p')), true);
  assert.equal(onlyGlobalOptions(argv('--region', 'eu-west-1', '-o', 'json')), true);
  assert.equal(onlyGlobalOptions(argv()), false);
  assert.equal(onlyGlobalOptions(argv('help')), false);
  assert.equal(onlyGlobalOptions(argv('--help')), false);
  assert.equal(onlyGlobalOptions(argv('--profile', 'p', 'events')), false);
});

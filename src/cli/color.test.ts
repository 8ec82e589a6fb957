import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorWanted } from './color.js';

test('--color always and never decide, whatever the environment and the terminal', () => {
  for (const env of [{}, { NO_COLOR: '1' }, { FORCE_COLOR: '0' }, { FORCE_COLOR: '1' }, { TERM: 'dumb' }]) {
    for (const tty of [true, false]) {
      assert.equal(colorWanted('always', env, tty), true, JSON.stringify({ env, tty }));
      assert.equal(colorWanted('never', env, tty), false, JSON.stringify({ env, tty }));
    }
  }
});

test('without the flag (or with auto): FORCE_COLOR, then NO_COLOR, then the terminal', () => {
  for (const when of [undefined, 'auto'] as const) {
    assert.equal(colorWanted(when, { FORCE_COLOR: '1', NO_COLOR: '1' }, false), true, 'FORCE_COLOR beats NO_COLOR and a pipe');
    assert.equal(colorWanted(when, { FORCE_COLOR: '3' }, false), true);
    assert.equal(colorWanted(when, { FORCE_COLOR: '0' }, true), false, 'FORCE_COLOR=0 turns colour off on a terminal');
    assert.equal(colorWanted(when, { FORCE_COLOR: 'false' }, true), false);
    assert.equal(colorWanted(when, { NO_COLOR: '1' }, true), false);
    assert.equal(colorWanted(when, {}, true), true);
    assert.equal(colorWanted(when, {}, false), false);
    assert.equal(colorWanted(when, { TERM: 'dumb' }, true), false);
  }
});

test('an empty FORCE_COLOR or NO_COLOR counts as unset', () => {
  assert.equal(colorWanted(undefined, { NO_COLOR: '' }, true), true);
  assert.equal(colorWanted(undefined, { FORCE_COLOR: '' }, false), false);
  assert.equal(colorWanted(undefined, { FORCE_COLOR: '', NO_COLOR: '1' }, true), false);
});

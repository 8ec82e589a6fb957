import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, valueMatcher, wildcardPieces, wildcardRegExp, wildcardSource } from './wildcard.js';

test('shell globs: * and ? over the whole value, across newlines, no escapes', () => {
  assert.ok(valueMatcher('Delete*')('DeleteBucket'));
  assert.ok(!valueMatcher('Delete*')('BatchDeleteItem'));
  assert.ok(valueMatcher('Get?bject')('GetObject'));
  assert.ok(valueMatcher('a*b')('a\nb'));
  assert.ok(valueMatcher('a.b')('a.b'));
  assert.ok(!valueMatcher('a.b')('axb'), 'regexp characters are literal');
  assert.ok(globToRegExp('\\*').test('\\anything'), 'a backslash is a literal in a shell glob');
});

test('EventBridge syntax: ? is literal, \\* and \\\\ escape', () => {
  assert.deepEqual(wildcardPieces('a*b\\*c\\\\d?', true), ['a', 'b*c\\d?']);
  assert.deepEqual(wildcardPieces('a*b\\*c', false), ['a', 'b\\', 'c']);
  const re = wildcardRegExp(wildcardPieces('arn:*:role/x?', true));
  assert.ok(re.test('arn:aws:role/x?'));
  assert.ok(!re.test('arn:aws:role/xy'));
});

test('Sigma syntax: * and ? are wildcards, \\*, \\? and \\\\ are literals', () => {
  const { source, plain } = wildcardSource('a?b*c\\?d\\*e\\\\', { question: true, escapes: true });
  assert.equal(plain, false);
  const re = new RegExp(`^${source}$`);
  assert.ok(re.test('aXbYYc?d*e\\'));
  assert.ok(!re.test('aXbYYcXd*e\\'));
  assert.deepEqual(wildcardSource('plain.text', { question: true, escapes: true }), { source: 'plain\\.text', plain: true });
});

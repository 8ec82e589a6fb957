import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors.js';
import { exitCodeFor } from './main.js';
import type { CliIO } from './io.js';

function stderr(): { io: Pick<CliIO, 'stderr'>; text: () => string } {
  let text = '';
  const io = { stderr: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream };
  return { io, text: () => text };
}

test('an internal error is one line; --debug adds its stack', () => {
  const saved = process.env.CTRAIL_DEBUG;
  delete process.env.CTRAIL_DEBUG;
  try {
    const bug = new TypeError('x is undefined');
    const quiet = stderr();
    exitCodeFor(bug, quiet.io, false);
    assert.equal(quiet.text(), 'ctrail: internal error: TypeError: x is undefined (run with --debug for details, and please report it)\n');
    const loud = stderr();
    exitCodeFor(bug, loud.io, true);
    assert.ok(loud.text().startsWith(quiet.text()));
    assert.ok(loud.text().includes(bug.stack!), 'the stack follows under --debug');
  } finally {
    if (saved !== undefined) process.env.CTRAIL_DEBUG = saved;
  }
});

test('a usage or configuration error never has a stack, even under --debug', () => {
  const out = stderr();
  assert.equal(exitCodeFor(new ConfigError('no AWS credentials found'), out.io, true), 2);
  assert.equal(out.text(), 'ctrail: no AWS credentials found\n');
});

test('error messages and stacks reach the terminal neutralised: they can carry names and text from the evidence', () => {
  const usage = stderr();
  exitCodeFor(new ConfigError('s3://b/evil\u001b]0;owned\u0007: NoSuchKey\u202e'), usage.io, true);
  assert.equal(usage.text(), 'ctrail: s3://b/evil\\x1b]0;owned\\x07: NoSuchKey\\u202e\n');
  const bug = stderr();
  exitCodeFor(new TypeError('key \u001b[2J is odd'), bug.io, true);
  assert.doesNotMatch(bug.text(), /\u001b/);
  assert.match(bug.text(), /^ctrail: internal error: TypeError: key \\x1b\[2J is odd/);
  assert.ok(bug.text().split('\n').length > 3, 'the stack keeps its lines');
});

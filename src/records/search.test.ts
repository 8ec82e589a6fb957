import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNeedles, mayContainCandidates } from './search.js';

const needles = compileNeedles([['"DeleteTable"']]);

test('a whole input is kept when the quoted needle, or its escaped spelling in lookup-events output, is in it', () => {
  const cases: Array<[string, boolean]> = [
    ['{"Records":[{"eventName":"DeleteTable"}]}', true],
    // The core alone (a policy action) is no candidate.
    ['{"Records":[{"policy":"dynamodb:DeleteTable"}]}', false],
    ['{"Records":[{"policy":"dynamodb:DeleteTable","x":1},{"eventName":"DeleteTable"}]}', true],
    // Escaped: a candidate only in lookup-events output.
    ['{"Events":[{"CloudTrailEvent":"{\\"eventName\\":\\"DeleteTable\\"}"}]}', true],
    ['{"Records":[{"note":"{\\"eventName\\":\\"DeleteTable\\"}"}]}', false],
    // At the very edges of the input.
    ['"DeleteTable"', true],
    ['DeleteTable"', false],
  ];
  for (const [text, want] of cases) assert.equal(mayContainCandidates(Buffer.from(text), needles), want, text);
});

test('agrees with searching each spelling over the whole input', () => {
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pieces = ['DeleteTable', '"', '\\"', 'CloudTrailEvent', 'x', ':', 'DeleteTabl'];
  for (let round = 0; round < 2000; round++) {
    const text = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
    const bytes = Buffer.from(text);
    const bySpelling = bytes.includes('"DeleteTable"') || (bytes.includes('CloudTrailEvent') && bytes.includes('\\"DeleteTable\\"'));
    assert.equal(mayContainCandidates(bytes, needles), bySpelling, text);
  }
});

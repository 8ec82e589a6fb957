import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topLevelLiteral } from './literal.js';

const KEY = Buffer.from('"readOnly"');
const read = (text: string) => topLevelLiteral(Buffer.from(text), KEY);

/** What JSON.parse says the top-level readOnly is, as literal text (undefined when not a literal). */
function parsed(text: string): string | undefined {
  const v = (JSON.parse(text) as { readOnly?: unknown }).readOnly;
  return typeof v === 'boolean' || typeof v === 'number' || v === null ? String(v) : undefined;
}

test('reads the top-level literal as JSON.parse does', () => {
  const cases = [
    '{"eventName":"DeleteTable","readOnly":false,"eventType":"AwsApiCall"}',
    '{"eventName":"ListTables","readOnly":true}',
    '{ "readOnly" : true , "x" : { "y" : [1, 2, {"z": "}"}] } }\n',
    '{"a":{"readOnly":true},"readOnly":false,"b":"x"}',
    '{"readOnly":false,"readOnly":true}',
    '{"readOnly":null}',
    '{"readOnly":12}',
    '{"tlsDetails":{"tlsVersion":"TLSv1.3"},"readOnly":true,"s":"a\\\\","t":"\\"}"}',
  ];
  for (const c of cases) assert.equal(read(c), parsed(c), c);
});

test('answers nothing where it cannot be exact, so the record is parsed instead', () => {
  const cases = [
    // Only nested (ECS mount points carry their own readOnly).
    '{"requestParameters":{"mountPoints":[{"readOnly":true}]},"eventName":"RegisterTaskDefinition"}',
    // The last occurrence is nested even though a top-level one comes first: undecided, not wrong.
    '{"readOnly":false,"requestParameters":{"readOnly":true}}',
    // Inside a string, behind an escaped quote.
    '{"policy":"{\\"readOnly\\":true}"}',
    '{"x\\"readOnly":1}',
    // A string value, not a literal.
    '{"readOnly":"true"}',
    // Absent.
    '{"eventName":"GetObject"}',
  ];
  for (const c of cases) assert.equal(read(c), undefined, c);
});

test('an even run of backslashes before the quote does not escape it', () => {
  // The key "a\\" ends with an escaped backslash; the next quote really opens "readOnly".
  const text = '{"a\\\\":1,"readOnly":true}';
  assert.equal(JSON.parse(text).readOnly, true);
  assert.equal(read(text), 'true');
});

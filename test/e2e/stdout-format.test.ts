import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

/**
 * stdout belongs to the documented format and nothing else: a runtime warning, a decoder's abort message or a
 * progress line there would corrupt a pipe into jq, a spreadsheet or a SIEM. Every command that reads local
 * sources runs here on the demo trail, in each of its output formats, and stdout is parsed as that format.
 */
const DEMO = 'fixtures/demo';
const WINDOW = ['--start-time', '2026-03-13T00:00:00Z', '--end-time', '2026-03-15T00:00:00Z'];

type Format = 'ndjson' | 'json' | 'csv' | 'text';

const cases: { args: string[]; format: Format; nonEmpty: boolean }[] = [
  { args: ['events', DEMO], format: 'ndjson', nonEmpty: true }, // the default when piped
  { args: ['events', DEMO, '-o', 'ndjson'], format: 'ndjson', nonEmpty: true },
  { args: ['events', DEMO, '-o', 'json'], format: 'json', nonEmpty: true },
  { args: ['events', DEMO, '-o', 'csv'], format: 'csv', nonEmpty: true },
  { args: ['events', DEMO, '-o', 'table'], format: 'text', nonEmpty: true },
  { args: ['events', DEMO, '-o', 'timesketch'], format: 'ndjson', nonEmpty: true },
  { args: ['activity', 'ops-admin', DEMO, '-o', 'timesketch'], format: 'ndjson', nonEmpty: true },
  { args: ['hunt', '--rules', 'fixtures/sigma/rules', DEMO, '-o', 'timesketch'], format: 'ndjson', nonEmpty: true },
  ...(['ndjson', 'json', 'table'] as const).flatMap((o) => [
    { args: ['find-deletion', 'orders', DEMO, '-o', o], format: o === 'table' ? ('text' as const) : o, nonEmpty: true },
    { args: ['trace', 'ASIAZ7ADMINSESSION01', DEMO, '-o', o], format: o === 'table' ? ('text' as const) : o, nonEmpty: true },
    { args: ['activity', 'ops-admin', DEMO, '-o', o], format: o === 'table' ? ('text' as const) : o, nonEmpty: true },
  ]),
  { args: ['count', DEMO, '--by', 'eventName', '-o', 'ndjson'], format: 'ndjson', nonEmpty: true },
  { args: ['count', DEMO, '--by', 'eventName', '-o', 'csv'], format: 'csv', nonEmpty: true },
  { args: ['count', DEMO, '--by', 'eventName', '-o', 'table'], format: 'text', nonEmpty: true },
  { args: ['count', DEMO, '--by', 'eventName', '-o', 'chart'], format: 'text', nonEmpty: true },
  // The demo has no unusual rates: these formats must then print nothing at all, not a stray line.
  { args: ['insights', DEMO, '-o', 'ndjson'], format: 'ndjson', nonEmpty: false },
  { args: ['insights', DEMO, '-o', 'cloudtrail'], format: 'ndjson', nonEmpty: false },
  { args: ['insights', DEMO, '-o', 'table'], format: 'text', nonEmpty: true },
  { args: ['hunt', '--rules', 'fixtures/sigma/rules', DEMO, '-o', 'ndjson'], format: 'ndjson', nonEmpty: true },
  { args: ['hunt', '--rules', 'fixtures/sigma/rules', DEMO, '-o', 'table'], format: 'text', nonEmpty: true },
  // The demo carries no digests, so validate reports every log file as unreferenced (exit 1), in its format.
  { args: ['validate', DEMO, ...WINDOW, '-o', 'json'], format: 'json', nonEmpty: true },
  { args: ['validate', DEMO, ...WINDOW, '-o', 'text'], format: 'text', nonEmpty: true },
];

/** What a runtime or a native module prints when it misbehaves; none of it may ever reach stdout. */
const STRAY = [/\(node:\d+\)/, /Warning:/, /\babort\(/, /\bOOM\b/, /^\s+at .+\(.+:\d+:\d+\)$/m, /AWS SDK for JavaScript/];

function csvRecords(text: string): string[][] {
  // RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks.
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  assert.equal(quoted, false, 'csv ends inside a quoted field');
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

function assertFormat(stdout: string, format: Format, what: string): void {
  for (const re of STRAY) assert.doesNotMatch(stdout, re, `${what}: stray text on stdout`);
  // No control characters besides line breaks and tabs (NO_COLOR is set, so no escape sequences either).
  assert.doesNotMatch(stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/, `${what}: control character on stdout`);
  if (stdout === '') return;
  assert.ok(stdout.endsWith('\n'), `${what}: stdout does not end with a line break`);
  if (format === 'ndjson') {
    for (const [i, line] of stdout.slice(0, -1).split('\n').entries()) {
      let parsed: unknown;
      assert.doesNotThrow(() => (parsed = JSON.parse(line)), `${what}: line ${i + 1} is not JSON: ${line.slice(0, 120)}`);
      assert.equal(typeof parsed, 'object', `${what}: line ${i + 1} is not a JSON object`);
    }
  } else if (format === 'json') {
    assert.doesNotThrow(() => JSON.parse(stdout), `${what}: stdout is not one JSON document`);
  } else if (format === 'csv') {
    const rows = csvRecords(stdout);
    assert.ok(rows.length >= 1);
    for (const [i, r] of rows.entries()) assert.equal(r.length, rows[0]!.length, `${what}: csv row ${i + 1} has ${r.length} fields, header ${rows[0]!.length}`);
  }
}

for (const c of cases) {
  const what = `ctrail ${c.args.join(' ')}`;
  test(`stdout of \`${what}\` is ${c.format} and nothing else`, async () => {
    const r = await runCli(c.args);
    assert.ok(r.code === 0 || r.code === 1, `${what}: exit ${r.code}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `${what}: stack trace on stderr`);
    if (c.nonEmpty) assert.notEqual(r.stdout, '', `${what}: printed nothing\n${r.stderr}`);
    assertFormat(r.stdout, c.format, what);
  });
}

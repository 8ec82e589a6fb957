import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { apiCallAt, perMinute } from '../helpers/events.js';
import { displayWidth } from '../../src/output/fit.js';

// Tables fit the terminal (COLUMNS when stdout is not one): the least useful columns go, long cells end in
// `…`, and --wide shows everything whole. Data stays neutralised whatever is cut.
const tmp = tempDir('ctrail-width-');
const demo = 'fixtures/demo';

const hostile = join(tmp, 'hostile.ndjson');
writeFileSync(
  hostile,
  [
    apiCallAt('2026-03-14T03:00:00Z', {
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/東京の管理者アカウント-with-a-long-name', accountId: '123456789012', userName: '東京' },
      sourceIPAddress: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
      errorCode: 'Client.UnauthorizedOperation😀😀😀😀😀😀',
      eventName: 'Delete\u001b[2J\u001b]0;owned\u0007Everything',
    }),
    apiCallAt('2026-03-14T03:01:00Z', { userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/${'x'.repeat(300)}\u009b31m`, accountId: '123456789012' } }),
  ]
    .map((e) => JSON.stringify(e))
    .join('\n') + '\n',
);

// A write burst after an hour of steady calls: one insight.
const T0 = Date.parse('2026-03-14T00:00:00Z');
const burst = join(tmp, 'burst.ndjson');
const mallory = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/mallory-with-a-rather-long-user-name', accountId: '123456789012', userName: 'mallory' };
writeFileSync(
  burst,
  [...perMinute(T0, 0, 90, 2, { eventName: 'TerminateInstances' }), ...perMinute(T0, 70, 75, 30, { eventName: 'TerminateInstances', userIdentity: mallory })]
    .map((e) => JSON.stringify(e))
    .join('\n') + '\n',
);

const TABLES: [string, string[]][] = [
  ['events', ['events', demo, '-o', 'table']],
  ['events (hostile cells)', ['events', hostile, '-o', 'table']],
  ['events --fields', ['events', demo, '--fields', 'eventTime,userIdentity.arn,userAgent,requestParameters', '-o', 'table']],
  ['hunt', ['hunt', '--rules', 'fixtures/sigma/rules', demo, '-o', 'table']],
  ['find-deletion', ['find-deletion', 'orders', demo, '-o', 'table']],
  ['count', ['count', demo, '--by', 'eventName,userIdentity.arn', '--interval', '1h', '-o', 'table']],
  ['insights', ['insights', burst, '--start', '2026-03-14T01:00:00Z', '--baseline', '1h', '--per-principal', '-o', 'table']],
];

const tableLines = (out: string): string[] => out.split('\n').filter((l) => /^[┌│├└]/.test(l));

for (const width of [60, 80, 120]) {
  test(`every table fits ${width} columns, with no escape sequence from the data`, async () => {
    const runs = await Promise.all(TABLES.map(([, args]) => runCli([...args, '-q'], { env: { COLUMNS: String(width) } })));
    runs.forEach((r, i) => {
      const name = TABLES[i]![0];
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      const lines = tableLines(r.stdout);
      assert.ok(lines.length >= 3, `${name} printed a table`);
      for (const line of lines) assert.ok(displayWidth(line) <= width, `${name} at ${width}: ${displayWidth(line)} columns: ${line}`);
      assert.doesNotMatch(r.stdout, /[\u001b\u0007\u009b]/, `${name}: nothing from the data is interpreted by the terminal`);
      assert.ok(r.stderr.split('\n').filter((l) => l.includes('--wide')).length <= 1, `${name}: at most one note`);
    });
  });
}

test('a table that leaves columns out says which on one stderr line; --wide shows every cell whole', async () => {
  const narrow = await runCli(['events', demo, '--event-name', 'DeleteTable', '-o', 'table'], { env: { COLUMNS: '80' } });
  assert.match(narrow.stderr, /^ctrail: --wide shows every column whole \(hidden here: account, region, source, source IP\)$/m);
  assert.doesNotMatch(narrow.stdout, /codebuild\.amazonaws\.com/);
  const wide = await runCli(['events', demo, '--event-name', 'DeleteTable', '-o', 'table', '--wide'], { env: { COLUMNS: '60' } });
  assert.equal(wide.code, 0);
  for (const cell of ['111122223333', 'us-east-1', 'dynamodb', 'assumed-role/ci-deployer/codebuild-4711', 'codebuild.amazonaws.com', 'AccessDenied']) assert.ok(wide.stdout.includes(cell), cell);
  assert.doesNotMatch(wide.stderr, /--wide/);
  const hostileWide = await runCli(['events', hostile, '-o', 'table', '--wide'], { env: { COLUMNS: '60' } });
  assert.ok(hostileWide.stdout.includes('Delete\\x1b[2J\\x1b]0;owned\\x07Everything'), 'still neutralised, and whole');
  assert.ok(hostileWide.stdout.includes('x'.repeat(300) + '\\x9b31m'));
});

test('hunt on a terminal leads with its hits by rule, the most severe level first', async () => {
  const r = await runCli(['hunt', '--rules', 'fixtures/sigma/rules', demo, '-o', 'table', '-q'], { env: { COLUMNS: '120' } });
  assert.equal(r.code, 0);
  const [first, ...rest] = r.stdout.split('\n');
  assert.equal(first, '88 hits from 2 rules, most severe first:');
  const summary = rest.join('\n').split('\n\n')[0]!;
  const levels = tableLines(summary).filter((l) => /^│ (?!level)/.test(l)).map((l) => l.split('│')[1]!.trim());
  assert.deepEqual(levels, ['medium', 'low']);
  assert.match(summary, /│ medium +│ 1 +│ AWS CloudTrail Important Change/);
  assert.match(summary, /│ low +│ 87 +│ AWS STS AssumeRole Misuse/);
  // Then the hits themselves, one row each.
  assert.equal(tableLines(r.stdout.slice(r.stdout.indexOf('\n\n'))).filter((l) => /^│ \d{4}-/.test(l)).length, 88);
  const ndjson = await runCli(['hunt', '--rules', 'fixtures/sigma/rules', demo, '-q']);
  assert.equal(ndjson.stdout.split('\n').filter(Boolean).length, 88, 'NDJSON is unchanged: one line per hit, no summary');
});

test('on a terminal, its own width wins over COLUMNS, and the note follows the table', () => {
  const quoted = [process.execPath, cliPath, 'events', demo, '--event-name', 'DeleteTable'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', `stty cols 70; ${quoted}`, '/dev/null'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm-256color', COLUMNS: '200' },
  });
  assert.equal(r.status, 0, r.stdout);
  const out = r.stdout.replace(/\r/g, '');
  const lines = tableLines(out);
  assert.ok(lines.length >= 5);
  for (const line of lines) assert.ok(displayWidth(line) <= 70, `${displayWidth(line)}: ${line}`);
  assert.ok(out.lastIndexOf('┘') < out.indexOf('ctrail: --wide shows every column whole'), 'the note comes after the table');
});

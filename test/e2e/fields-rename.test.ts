import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { apiCallAt } from '../helpers/events.js';

// --fields name=path renames a field in NDJSON, JSON, CSV, the table's header and the Timesketch line.
const demo = 'fixtures/demo';
const RENAME = ['--event-name', 'DeleteTable', '--fields', 'datetime=eventTime,who=userIdentity.arn,errorCode'];

test('--fields renames in NDJSON, JSON, CSV and table headers', async () => {
  const [ndjson, json, csv, table, timesketch] = await Promise.all([
    runCli(['events', demo, ...RENAME, '-o', 'ndjson']),
    runCli(['events', demo, ...RENAME, '-o', 'json']),
    runCli(['events', demo, ...RENAME, '-o', 'csv']),
    runCli(['events', demo, ...RENAME, '-o', 'table', '--wide']),
    runCli(['events', demo, ...RENAME, '-o', 'timesketch']),
  ]);
  const rows = [
    { datetime: '2026-03-14T03:58:40Z', who: 'arn:aws:sts::111122223333:assumed-role/ci-deployer/codebuild-4711', errorCode: 'AccessDenied' },
    { datetime: '2026-03-14T04:02:11Z', who: 'arn:aws:sts::111122223333:assumed-role/Admin/ops-session' },
  ];
  assert.deepEqual(ndjson.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown), rows);
  assert.deepEqual(JSON.parse(json.stdout), rows);
  assert.equal(
    csv.stdout,
    'datetime,who,errorCode\n2026-03-14T03:58:40Z,arn:aws:sts::111122223333:assumed-role/ci-deployer/codebuild-4711,AccessDenied\n2026-03-14T04:02:11Z,arn:aws:sts::111122223333:assumed-role/Admin/ops-session,\n',
  );
  assert.match(table.stdout, /│ datetime +│ who +│ errorCode +│/);
  const line = JSON.parse(timesketch.stdout.split('\n')[0]!) as Record<string, unknown>;
  assert.equal(line.who, 'arn:aws:sts::111122223333:assumed-role/ci-deployer/codebuild-4711');
  assert.equal(line['cloudtrail.datetime'], '2026-03-14T03:58:40Z', 'a rename onto a Timesketch name moves aside');
  assert.equal(line.datetime, '2026-03-14T03:58:40Z');
});

test('CSV keeps its formula guard on renamed headers and values; a bad rename is a usage error', async () => {
  const file = join(tempDir('ctrail-rename-'), 'formula.ndjson');
  writeFileSync(file, JSON.stringify(apiCallAt('2026-03-14T03:00:00Z', { userAgent: '=HYPERLINK("http://evil.example","x")' })) + '\n');
  const csv = await runCli(['events', file, '--fields', '=cmd|calc=userAgent,+n=eventName', '-o', 'csv']);
  // The name before the first = is empty: not a rename but a usage error.
  assert.equal(csv.code, 2);
  assert.match(csv.stderr, /expected name=path/);
  const ok = await runCli(['events', file, '--fields', '@who=userAgent,-n=eventName', '-o', 'csv']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, `'@who,'-n\n"'=HYPERLINK(""http://evil.example"",""x"")",CreateTags\n`);
  const twice = await runCli(['events', file, '--fields', 'a=eventName,a=eventTime']);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /^ctrail: --fields: the name a is given twice\n/);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { TrailFixture, makeKey } from '../helpers/trail-fixture.js';

const demo = join(repoRoot, 'fixtures/demo');
const tmp = tempDir('ctrail-formats-');
const hostile = join(tmp, 'hostile.json');
const mirror = join(tmp, 'mirror');

const EVENT = {
  eventVersion: '1.08',
  eventTime: '2026-03-14T04:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: 'us-east-1',
  eventID: 'e1',
  sourceIPAddress: '203.0.113.9',
  userAgent: '=HYPERLINK("http://attacker.example/","open me")',
  errorCode: 'AccessDenied',
  errorMessage: '@SUM(1+1)',
  recipientAccountId: '111122223333',
};

before(() => {
  writeFileSync(hostile, JSON.stringify({ Records: [EVENT] }));
  const fx = new TrailFixture();
  const key = makeKey();
  fx.addChain({ bucket: 'b', prefix: '', account: '111111111111', region: 'us-east-1', trailName: 't', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 3, key });
  fx.writeMirror(mirror, 'b', { window: { start: new Date('2026-03-14T01:00:00Z'), end: new Date('2026-03-14T03:00:00Z') }, keys: [key] });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('CSV cells that a spreadsheet would run are escaped (events -o csv)', async () => {
  const r = await runCli(['events', hostile, '-o', 'csv', '--fields', 'eventName,userAgent,errorMessage,errorCode']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `eventName,userAgent,errorMessage,errorCode\nGetObject,"'=HYPERLINK(""http://attacker.example/"",""open me"")",'@SUM(1+1),AccessDenied\n`);
  const table = await runCli(['events', hostile, '-o', 'csv']);
  assert.ok(!table.stdout.split('\n').some((line) => line.split(',').some((cell) => /^"?[=+@\t\r]/.test(cell))), table.stdout);
});

test('CSV cells are escaped in count -o csv too; numbers stay numbers', async () => {
  const r = await runCli(['count', hostile, '--by', 'userAgent', '--interval', '1h', '-o', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `time,userAgent,count\n2026-03-14T04:00:00Z,"'=HYPERLINK(""http://attacker.example/"",""open me"")",1\n`);
});

test('NDJSON and JSON keep the exact bytes', async () => {
  const nd = await runCli(['events', hostile, '-o', 'ndjson']);
  assert.equal(nd.stdout, JSON.stringify(EVENT) + '\n');
  const json = await runCli(['events', hostile, '-o', 'json', '--fields', 'userAgent,errorMessage']);
  assert.deepEqual(JSON.parse(json.stdout), [{ userAgent: EVENT.userAgent, errorMessage: EVENT.errorMessage }]);
  assert.equal(readFileSync(hostile, 'utf8'), JSON.stringify({ Records: [EVENT] }));
});

test('into a pipe, every command defaults to its machine format', async () => {
  const ndjson = (text: string): unknown[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
  for (const args of [
    ['events', demo, '--event-name', 'DeleteTable'],
    ['find-deletion', 'orders', demo],
    ['trace', 'ASIAZ7ADMINSESSION01', demo],
    ['activity', 'ASIAZ7ADMINSESSION01', demo],
    ['count', demo],
    ['hunt', '--rules', 'fixtures/sigma/rules', 'fixtures/sigma/records.ndjson'],
  ]) {
    const r = await runCli([...args, '-q']);
    assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
    assert.ok(ndjson(r.stdout).length > 0, `${args[0]} prints NDJSON into a pipe`);
  }
  const v = await runCli(['validate', mirror], { env: { AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9' } });
  assert.equal(v.code, 0, v.stderr);
  assert.equal((JSON.parse(v.stdout) as { valid: boolean }).valid, true, 'validate prints JSON into a pipe');
});

test('validate -o table is the validate-logs text; -o text stays as its old name', async () => {
  const env = { AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9' };
  const table = await runCli(['validate', mirror, '-o', 'table'], { env });
  const text = await runCli(['validate', mirror, '-o', 'text'], { env });
  assert.match(table.stdout, /^Validating log files in /);
  assert.equal(text.stdout, table.stdout);
  assert.equal((await runCli(['validate', mirror, '-o', 'csv'], { env })).code, 2);
});

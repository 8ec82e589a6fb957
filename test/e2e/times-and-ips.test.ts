import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { TrailFixture, makeKey } from '../helpers/trail-fixture.js';
import { tempDir } from '../helpers/temp.js';

const tmp = tempDir('ctrail-times-');
after(() => rmSync(tmp, { recursive: true, force: true }));

// eventTime "2025-03-26 16:43:57.000000000": CloudTrail Lake's form, UTC although it names no zone.
const lake = join(repoRoot, 'fixtures/forensics/real/stratus-bedrock-guardrail-delete.json');
const HOUR_WINDOW = ['--start', '2025-03-26T16:00:00Z', '--end', '2025-03-26T17:00:00Z'];

for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
  test(`TZ=${tz}: a Lake-form eventTime is UTC for events, count and find-deletion`, async () => {
    const env = { TZ: tz };
    const events = await runCli(['events', lake, ...HOUR_WINDOW, '-o', 'ndjson'], { env });
    assert.equal(events.code, 0, events.stderr);
    assert.deepEqual(events.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { eventID: string }).eventID), ['ee73c230-44bc-4492-8542-cfb189eae287']);
    const outside = await runCli(['events', lake, '--start', '2025-03-26T17:00:00Z', '--end', '2025-03-26T23:00:00Z', '-o', 'ndjson'], { env });
    assert.equal(outside.stdout, '', 'an hour later in UTC is outside, whatever the zone');
    const count = await runCli(['count', lake, ...HOUR_WINDOW, '--interval', '1h', '-o', 'ndjson'], { env });
    assert.equal(count.code, 0, count.stderr);
    assert.deepEqual(count.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown), [
      { time: '2025-03-26T16:00:00Z', count: 1 },
      { time: '2025-03-26T17:00:00Z', count: 0 }, // --end is inclusive
    ]);
    const found = await runCli(['find-deletion', '14sw4es53xdo', lake, ...HOUR_WINDOW, '-o', 'ndjson'], { env });
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, /"eventName":"DeleteGuardrail"/);
  });
}

test('events --start and --end take the basic ISO form as well as the extended one', async () => {
  const basic = await runCli(['events', lake, '--start', '20250326T160000Z', '--end', '20250326T1700Z', '-o', 'ndjson']);
  assert.equal(basic.code, 0, basic.stderr);
  assert.match(basic.stdout, /DeleteGuardrail/);
  const refused = await runCli(['events', lake, '--start', '03/26/2025']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--start "03\/26\/2025": not a time/);
});

test('validate --start-time 7d (a duration before now, as --start takes) validates the last week', async () => {
  const HOUR = 3_600_000;
  const now = Date.now();
  const firstEnd = new Date(Math.floor(now / HOUR) * HOUR - 3 * 24 * HOUR + 17 * 60_000);
  const key = makeKey('pkcs1', new Date(now - 30 * 24 * HOUR));
  const fx = new TrailFixture();
  fx.addChain({ bucket: 'recent', prefix: '', account: '111111111111', region: 'us-east-1', trailName: 't', homeRegion: 'us-east-1', firstEnd, hours: 3, key });
  const dir = join(tmp, 'recent');
  fx.writeMirror(dir, 'recent', { window: { start: new Date(0), end: new Date(0) }, keys: [key] });
  // The window ends inside the chain, so its newest digest covers the end; the basic form works here too.
  const end = new Date(firstEnd.getTime() + 90 * 60_000).toISOString().replace(/[-:]|\.\d{3}/g, '');
  const before = Date.now();
  const r = await runCli(['validate', dir, '--start-time', '7d', '--end-time', end, '-o', 'table'], { env: { AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9' } });
  const afterRun = Date.now();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const m = /Results requested for (\S+) to (\S+)\n/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const start = Date.parse(m[1]!);
  assert.ok(start >= before - 7 * 24 * HOUR - 1000 && start <= afterRun - 7 * 24 * HOUR, `${m[1]} is 7 days before the run`);
  assert.equal(m[2], new Date(firstEnd.getTime() + 90 * 60_000).toISOString().replace('.000Z', 'Z'));
  assert.match(r.stdout, /\n3\/3 digest files valid\n\n6\/6 log files valid\n$/);
});

test('010.020.001.015 is in 10.0.0.0/8 for --source-ip and for an EventBridge cidr pattern alike', async () => {
  const at = (id: string, ip: string) => ({ eventVersion: '1.08', eventID: id, eventTime: '2026-03-14T04:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', awsRegion: 'us-east-1', sourceIPAddress: ip });
  const file = join(tmp, 'padded.ndjson');
  writeFileSync(file, [at('padded', '010.020.001.015'), at('plain', '10.20.1.15'), at('other', '110.20.1.15'), at('dns', 'ec2.amazonaws.com')].map((e) => JSON.stringify(e)).join('\n') + '\n');
  const ids = (stdout: string): string[] => stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { eventID: string }).eventID);
  const flag = await runCli(['events', file, '--source-ip', '10.0.0.0/8', '-o', 'ndjson']);
  const rule = await runCli(['events', file, '--pattern', '{"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/8"}]}}', '-o', 'ndjson']);
  assert.equal(flag.code, 0, flag.stderr);
  assert.equal(rule.code, 0, rule.stderr);
  assert.deepEqual(ids(flag.stdout), ['padded', 'plain']);
  assert.deepEqual(ids(rule.stdout), ['padded', 'plain']);
  const threaded = await runCli(['events', file, '--source-ip', '10.0.0.0/8', '--threads', '2', '-o', 'ndjson']);
  assert.deepEqual(ids(threaded.stdout), ['padded', 'plain'], 'worker threads compile the same matcher');
});

test('events --sort time orders by instant, also across Lake and ISO forms', async () => {
  const at = (id: string, eventTime: string) => ({ eventVersion: '1.08', eventID: id, eventTime, eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'us-east-1' });
  const file = join(tmp, 'mixed.ndjson');
  // As text the Lake form sorts first (a space is before "T"); as instants it is 43 minutes later.
  writeFileSync(file, [at('lake-16:43', '2025-03-26 16:43:57.000000000'), at('iso-16:00', '2025-03-26T16:00:00Z'), at('offset-15:30', '2025-03-26T17:30:00+02:00')].map((e) => JSON.stringify(e)).join('\n') + '\n');
  const r = await runCli(['events', file, '--sort', 'time', '-o', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { eventID: string }).eventID), ['offset-15:30', 'iso-16:00', 'lake-16:43']);
});

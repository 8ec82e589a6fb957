import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';
import { zstdCompress } from '../helpers/zstd.js';
import { tempDir } from '../helpers/temp.js';
import { layoutTrail, makeEvent, writeTrail } from '../helpers/trail-builder.js';

const demo = join(repoRoot, 'fixtures/demo');
const real = join(repoRoot, 'fixtures/real');
const trailscraper = join(real, 'trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json');
const tmp = tempDir('ctrail-e2e-');

function lines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}
function names(stdout: string): string[] {
  return lines(stdout).map((e) => e.eventName as string);
}

test('the demo query finds the incident: the failed and the successful DeleteTable, and StopLogging', async () => {
  const r = await runCli(['events', demo, '--event-name', 'Delete*', '--event-name', 'StopLogging', '-o', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const evs = lines(r.stdout);
  assert.deepEqual(evs.map((e) => [e.eventName, e.errorCode ?? null]), [
    ['DeleteTable', 'AccessDenied'],
    ['DeleteTable', null],
    ['StopLogging', null],
  ]);
});

test('NDJSON output is the original record bytes', async () => {
  const r = await runCli(['events', trailscraper]);
  const original = (JSON.parse(readFileSync(trailscraper, 'utf8')) as { Records: unknown[] }).Records;
  assert.deepEqual(lines(r.stdout), original);
});

test('format: gzip and plain copies of a real log file give identical output', async () => {
  const plain = await runCli(['events', trailscraper]);
  const gz = await runCli(['events', trailscraper + '.gz']);
  assert.equal(gz.code, 0);
  assert.equal(gz.stdout, plain.stdout);
  assert.deepEqual(names(plain.stdout), ['DescribeLaunchConfigurations', 'AssumeRole']);
});

test('format: zstd is sniffed from content, whatever the file name', async () => {
  const file = join(tmp, 'renamed.log');
  writeFileSync(file, await zstdCompress(readFileSync(trailscraper)));
  const r = await runCli(['events', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(names(r.stdout), ['DescribeLaunchConfigurations', 'AssumeRole']);
});

test('format: lookup-events output yields the embedded event', async () => {
  const r = await runCli(['events', join(real, 'aws-cli/lookup-events-output.json'), '--event-name', 'ConsoleLogin']);
  assert.equal(r.code, 0, r.stderr);
  const [e] = lines(r.stdout);
  assert.equal(e?.eventID, '654ccbc0-ba0d-486a-9076-dbf7274677a7');
  assert.equal((e?.userIdentity as { arn: string }).arn, 'arn:aws:sts::123456789012:assumed-role/my-role/my-session-name');
});

test('format: EventBridge envelopes yield the CloudTrail event in detail', async () => {
  const r = await runCli(['events', join(real, 'streamalert/eventbridge-envelopes.ndjson')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(names(r.stdout), ['CreateImage', 'ModifyImageAttribute']);
});

test('format: a bare JSON array, a single event, and NDJSON on stdin', async () => {
  const events = (JSON.parse(readFileSync(trailscraper, 'utf8')) as { Records: unknown[] }).Records;
  const arrayFile = join(tmp, 'array.json');
  writeFileSync(arrayFile, JSON.stringify(events, null, 2));
  const single = join(tmp, 'single.json');
  writeFileSync(single, JSON.stringify(events[1], null, 2));
  const a = await runCli(['events', arrayFile]);
  assert.deepEqual(names(a.stdout), ['DescribeLaunchConfigurations', 'AssumeRole']);
  const s = await runCli(['events', single]);
  assert.deepEqual(names(s.stdout), ['AssumeRole']);
  const piped = await runCli(['events'], { input: a.stdout });
  assert.equal(piped.code, 0);
  assert.equal(piped.stdout, a.stdout, 'ctrail reads its own NDJSON back unchanged');
  const dash = await runCli(['events', '-', '--event-name', 'AssumeRole'], { input: a.stdout });
  assert.deepEqual(names(dash.stdout), ['AssumeRole']);
});

test('format: an Insights log file is read with --category insight; its API is named inside insightDetails', async () => {
  const file = join(real, 'streamalert/insights-log-file.json');
  const r = await runCli(['events', file, '--category', 'insight', '--event-name', 'CompleteLifecycleAction', '--event-source', 'autoscaling.amazonaws.com']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(lines(r.stdout)[0]?.eventID, '49dfd327-5991-494b-98bf-6fe1eb3e3732');
  const table = await runCli(['events', file, '-o', 'table', '--wide']);
  assert.match(table.stdout, /autoscaling.*CompleteLifecycleAction \(Insight\)/);
  const mgmt = await runCli(['events', file, '--category', 'management']);
  assert.equal(mgmt.stdout, '');
});

test('a folder is read recursively in key order, a glob matches files', async () => {
  const r = await runCli(['events', join(real, 'trailscraper'), '--no-dedup']);
  assert.deepEqual(names(r.stdout), ['DescribeLaunchConfigurations', 'AssumeRole', 'DescribeLaunchConfigurations', 'AssumeRole']);
  const g = await runCli(['events', join(real, 'trailscraper/*.gz')]);
  assert.deepEqual(names(g.stdout), ['DescribeLaunchConfigurations', 'AssumeRole']);
});

test('duplicate deliveries are dropped by eventID unless --no-dedup', async () => {
  const dedup = await runCli(['events', trailscraper, trailscraper + '.gz']);
  assert.equal(lines(dedup.stdout).length, 2);
  const all = await runCli(['events', trailscraper, trailscraper + '.gz', '--no-dedup']);
  assert.equal(lines(all.stdout).length, 4);
});

test('output is the same bytes whatever the concurrency', async () => {
  const one = await runCli(['events', demo, '-j', '1']);
  const many = await runCli(['events', demo, '-j', '32']);
  assert.equal(one.code, 0);
  assert.ok(one.stdout.length > 10_000);
  assert.equal(many.stdout, one.stdout);
});

test('--sort time orders by eventTime across regions', async () => {
  const r = await runCli(['events', demo, '--sort', 'time', '--fields', 'eventTime']);
  const times = lines(r.stdout).map((e) => e.eventTime as string);
  assert.deepEqual(times, [...times].sort());
  const unsorted = lines((await runCli(['events', demo, '--fields', 'eventTime'])).stdout).map((e) => e.eventTime as string);
  assert.notDeepEqual(unsorted, times, 'input order (eu-west-1 before us-east-1) differs from time order');
});

test('-o json, -o csv, -o table and --fields', async () => {
  const json = await runCli(['events', demo, '--event-name', 'StopLogging', '-o', 'json']);
  const arr = JSON.parse(json.stdout) as Array<{ eventName: string }>;
  assert.deepEqual(arr.map((e) => e.eventName), ['StopLogging']);
  const empty = await runCli(['events', demo, '--event-name', 'NoSuchEvent', '-o', 'json']);
  assert.deepEqual(JSON.parse(empty.stdout), []);
  const csv = await runCli(['events', demo, '--event-name', 'DeleteTable', '-o', 'csv', '--fields', 'eventTime,userIdentity.arn,errorCode']);
  assert.equal(
    csv.stdout,
    'eventTime,userIdentity.arn,errorCode\n' +
      '2026-03-14T03:58:40Z,arn:aws:sts::111122223333:assumed-role/ci-deployer/codebuild-4711,AccessDenied\n' +
      '2026-03-14T04:02:11Z,arn:aws:sts::111122223333:assumed-role/Admin/ops-session,\n',
  );
  const table = await runCli(['events', demo, '--event-name', 'StopLogging', '-o', 'table', '--wide']);
  assert.match(table.stdout, /time.*account.*region.*source.*event.*principal.*source IP.*error/);
  assert.match(table.stdout, /StopLogging.*assumed-role\/Admin\/ops-session.*203\.0\.113\.77/);
  const projected = await runCli(['events', demo, '--event-name', 'StopLogging', '--fields', 'eventName,userIdentity.sessionContext.sessionIssuer.userName']);
  assert.deepEqual(lines(projected.stdout), [{ eventName: 'StopLogging', userIdentity: { sessionContext: { sessionIssuer: { userName: 'Admin' } } } }]);
});

test('terminal control sequences in log fields are neutralised in tables', async () => {
  const evil = {
    Records: [{ eventTime: '2026-01-01T00:00:00Z', eventSource: 'x.amazonaws.com', eventName: 'Evil\u001b]0;pwned\u0007', awsRegion: 'us-east-1', sourceIPAddress: '\u001b[2J\u001b[31m1.2.3.4', errorCode: 'E\r\nFAKE LINE' }],
  };
  const file = join(tmp, 'evil.json');
  writeFileSync(file, JSON.stringify(evil));
  const r = await runCli(['events', file, '-o', 'table', '--wide']);
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/, 'no raw control characters reach the terminal');
  assert.match(r.stdout, /\\x1b\[2J/);
  const csv = await runCli(['events', file, '-o', 'csv']);
  assert.match(csv.stdout, /\u001b/, 'machine formats keep the exact bytes');
});

test('error: a corrupt gzip file is reported on one line, the scan goes on, exit 3', async () => {
  const bad = join(tmp, 'corrupt.json.gz');
  const gz = gzipSync(readFileSync(trailscraper));
  gz.fill(0x41, 30, 200);
  writeFileSync(bad, gz);
  const r = await runCli(['events', bad, trailscraper]);
  assert.equal(r.code, 3);
  assert.deepEqual(names(r.stdout), ['DescribeLaunchConfigurations', 'AssumeRole']);
  const errLines = r.stderr.trim().split('\n');
  assert.equal(errLines.length, 2, r.stderr);
  assert.match(errLines[0]!, new RegExp(`^ctrail: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt or truncated gzip`));
  assert.match(errLines[1]!, /1 input problem/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('error: a truncated gzip file keeps the records before the cut, exit 3', async () => {
  const big = { Records: Array.from({ length: 3000 }, (_, i) => ({ eventTime: '2026-01-01T00:00:00Z', eventSource: 's', eventName: `E${i}`, awsRegion: 'r', pad: 'x'.repeat(200) })) };
  const gz = gzipSync(Buffer.from(JSON.stringify(big)));
  const cut = join(tmp, 'truncated.json.gz');
  writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
  const r = await runCli(['events', cut]);
  assert.equal(r.code, 3);
  const got = names(r.stdout);
  assert.ok(got.length > 100 && got.length < 3000, `read ${got.length} records before the cut`);
  assert.deepEqual(got, got.map((_, i) => `E${i}`));
  assert.match(r.stderr, /truncated.json.gz: corrupt or truncated gzip data .*; the \d+ records before it were read/);
});

test('--region us-east-1 on a trail layout finds global-service events in the home-region folder', async () => {
  // IAM and sign-in events name us-east-1 but are delivered where the trail lives (here eu-west-1).
  const ev = (eventName: string, eventSource: string, awsRegion: string) => ({ eventVersion: '1.08', eventID: eventName, eventTime: '2026-03-14T04:01:00Z', eventSource, eventName, awsRegion });
  const root = join(tmp, 'global-trail');
  const put = (region: string, records: object[]) => {
    const dir = join(root, `AWSLogs/111122223333/CloudTrail/${region}/2026/03/14`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `111122223333_CloudTrail_${region}_20260314T0405Z_AAAA.json`), JSON.stringify({ Records: records }));
  };
  put('eu-west-1', [ev('CreateUser', 'iam.amazonaws.com', 'us-east-1'), ev('RunInstances', 'ec2.amazonaws.com', 'eu-west-1'), ev('ConsoleLogin', 'signin.amazonaws.com', 'us-east-1')]);
  put('us-east-1', [ev('GetObject', 's3.amazonaws.com', 'us-east-1')]);
  const window = ['--start', '2026-03-14T04:00:00Z', '--end', '2026-03-14T04:10:00Z', '-o', 'ndjson'];
  const east = await runCli(['events', root, '--region', 'us-east-1', ...window]);
  assert.equal(east.code, 0, east.stderr);
  assert.deepEqual(names(east.stdout).sort(), ['ConsoleLogin', 'CreateUser', 'GetObject']);
  const west = await runCli(['events', root, '--region', 'eu-west-1', ...window]);
  assert.deepEqual(names(west.stdout), ['RunInstances']);
});

test('error: junk after a complete gzip member keeps every record and names the file, exit 3', async () => {
  // As zcat does: every record of the member is read, and the junk is a problem of the file.
  const recs = { Records: Array.from({ length: 29 }, (_, i) => ({ eventTime: '2026-01-01T00:00:00Z', eventSource: 's', eventName: `G${i}`, awsRegion: 'r' })) };
  const junk = join(tmp, 'junk.json.gz');
  writeFileSync(junk, Buffer.concat([gzipSync(Buffer.from(JSON.stringify(recs))), Buffer.from('GARBAGE\n')]));
  const r = await runCli(['events', junk]);
  assert.equal(r.code, 3);
  assert.deepEqual(names(r.stdout), recs.Records.map((e) => e.eventName));
  assert.match(r.stderr, /junk\.json\.gz: corrupt or truncated gzip data \(8 trailing bytes after the last complete gzip member\); the 29 records before it were read/);
});

test('error: a Records file without commas between records keeps its records and is named malformed, exit 3', async () => {
  // Seen in a real export: read silently before (3 records, exit 0).
  const recs = ['A', 'B', 'C'].map((n) => JSON.stringify({ eventTime: '2026-01-01T00:00:00Z', eventSource: 's', eventName: n, awsRegion: 'r' }));
  const file = join(tmp, 'no-commas.json');
  writeFileSync(file, `{"Records":[\n${recs.join('\n')}\n]}\n`);
  const r = await runCli(['events', file]);
  assert.equal(r.code, 3);
  assert.deepEqual(names(r.stdout), ['A', 'B', 'C']);
  const errLines = r.stderr.trim().split('\n');
  assert.match(errLines[0]!, /no-commas\.json: malformed JSON: no comma between records at byte \d+; the 3 records before it were read$/);
  assert.equal(errLines.length, 2, r.stderr);
});

test('error: broken JSON, non-CloudTrail JSON, non-JSON and missing inputs', async () => {
  const notJson = join(tmp, 'notes.txt');
  writeFileSync(notJson, 'this is not a log\n');
  const missing = join(tmp, 'does-not-exist.json');
  const r = await runCli([
    'events',
    join(real, 'aws-cloudtrail-processing-library/SerializerTestFileBadJsonFormat.json'),
    join(real, 'grafana-loki/eventbridge-s3-event.json'),
    notJson,
    missing,
    trailscraper,
  ]);
  assert.equal(r.code, 3);
  assert.deepEqual(names(r.stdout).slice(-2), ['DescribeLaunchConfigurations', 'AssumeRole']);
  assert.match(r.stderr, /SerializerTestFileBadJsonFormat\.json: truncated JSON/);
  assert.match(r.stderr, /eventbridge-s3-event\.json: 1 record skipped: EventBridge event of detail-type "Object Created" is not from CloudTrail/);
  assert.match(r.stderr, /notes\.txt: not JSON: unexpected 't' at byte 0/);
  assert.match(r.stderr, /does-not-exist\.json: no such file or folder/);
  assert.match(r.stderr, /4 input problems/);
});

test('usage errors exit 2 and scan nothing', async () => {
  for (const args of [
    ['events', demo, '--bogus-flag'],
    ['events', demo, '--start', 'yesterday-ish'],
    ['events', demo, '--start', '2026-03-15', '--end', '2026-03-14'],
    ['events', demo, '--read-only', '--write-only'],
    ['events', demo, '--source-ip', '300.1.1.1'],
    ['events', demo, '--category', 'everything'],
    ['events', demo, '--account', '12345'],
    ['events', demo, '-o', 'xml'],
    ['events', 'ftp://example/x'],
  ]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ctrail: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('time window filters exactly on eventTime, with relative and ISO times', async () => {
  const r = await runCli(['events', demo, '--start', '2026-03-14T04:02:11Z', '--end', '2026-03-14T04:03:40Z', '--fields', 'eventTime,eventName']);
  assert.deepEqual(lines(r.stdout).map((e) => e.eventName), ['DeleteTable', 'StopLogging']);
  const recent = await runCli(['events', demo, '--start', '7d']);
  assert.equal(recent.stdout, '', 'the demo is older than a week');
  assert.equal(recent.code, 1, 'nothing matched: exit 1');
});

test('local layout pruning reads the right day folders, including a late delivery across midnight', async () => {
  // The 23:58:30 event of March 13 was delivered in the 00:03 file of March 14.
  const r = await runCli(['events', demo, '--start', '2026-03-13T23:50:00Z', '--end', '2026-03-13T23:59:59Z', '--region', 'eu-west-1']);
  assert.deepEqual(names(r.stdout), ['DescribeInstances', 'GetMetricData']);
  const nested = await runCli(['events', join(demo, 'AWSLogs/111122223333/CloudTrail/us-east-1'), '--event-name', 'StopLogging']);
  assert.deepEqual(names(nested.stdout), ['StopLogging']);
});

test('`ctrail events | head -1` exits 0 quietly and stops reading', () => {
  const dir = join(tmp, 'big');
  mkdirSync(dir, { recursive: true });
  const record = readFileSync(trailscraper, 'utf8');
  const events = (JSON.parse(record) as { Records: Array<Record<string, unknown>> }).Records;
  const many = Array.from({ length: 20000 }, (_, i) => ({ ...events[0], eventID: `id-${i}` }));
  for (let f = 0; f < 10; f++) writeFileSync(join(dir, `f${f}.json.gz`), gzipSync(JSON.stringify({ Records: many.map((e) => ({ ...e, eventID: `${f}-${e.eventID}` })) })));
  const r = spawnSync('bash', ['-c', `set -o pipefail; node "${cliPath}" events "${dir}" | head -1; echo "status=\${PIPESTATUS[0]}" >&2`], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
  assert.match(r.stderr, /status=0/);
  assert.doesNotMatch(r.stderr, /EPIPE|Error|at /);
});

test('copying a fixture keeps working: gunzip of a fixture equals its plain twin', () => {
  // Guards the fixture pair the format tests rely on.
  const copy = join(tmp, 'twin.json');
  copyFileSync(trailscraper, copy);
  assert.deepEqual(gunzipSync(readFileSync(trailscraper + '.gz')), readFileSync(copy));
});

test('--account gives the same answer for a trail layout and for its files named one by one', async () => {
  const dir = tempDir('ctrail-account-');
  const a = '111111111111';
  const b = '222222222222';
  const user = (account: string) => ({ type: 'IAMUser', accountId: account, arn: `arn:aws:iam::${account}:user/u`, userName: 'u' });
  const events = [
    makeEvent({ eventTime: '2026-03-14T04:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: user(a) }),
    // A's user reading B's bucket: B's trail records it, in B's folder.
    makeEvent({ eventTime: '2026-03-14T04:01:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: user(a), recipientAccountId: b }),
    makeEvent({ eventTime: '2026-03-14T04:02:00Z', eventSource: 's3.amazonaws.com', eventName: 'PutObject', userIdentity: user(b) }),
  ];
  const files = layoutTrail(events);
  writeTrail(dir, files);
  const asLayout = await runCli(['events', dir, '--account', a, '-o', 'ndjson']);
  const oneByOne = await runCli(['events', ...files.map((f) => join(dir, ...f.key.split('/'))), '--account', a, '-o', 'ndjson']);
  assert.equal(asLayout.code, 0, asLayout.stderr);
  assert.equal(oneByOne.code, 0, oneByOne.stderr);
  assert.deepEqual(lines(asLayout.stdout).map((e) => [e.eventName, e.recipientAccountId]), [['GetObject', a]]);
  assert.equal(oneByOne.stdout, asLayout.stdout);
});

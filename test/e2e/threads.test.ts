import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { assumedRole, layoutTrail, makeEvent, writeTrail } from '../helpers/trail-builder.js';
import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Output must be the same bytes whatever the thread and job counts: worker threads, the in-process path
 * and every concurrency level. The trail mixes the cases that take different paths: small and large files,
 * needle hits and near misses, repeated deliveries, pretty-printed and lookup-events files, non-ASCII text,
 * and damaged inputs (reported on stderr, with the records before the damage kept).
 */
const tmp = tempDir('ctrail-threads-');
const trail = join(tmp, 'trail');

function build(): void {
  const events: CloudTrailEvent[] = [];
  const names = ['GetObject', 'DeleteTable', 'DescribeTable', 'PutItem', 'DeleteBucket', 'AssumeRole'];
  for (let i = 0; i < 1500; i++) {
    const account = ['111122223333', '444455556666'][i % 2]!;
    const region = ['us-east-1', 'eu-west-1', 'ap-south-1'][i % 3]!;
    const when = new Date(Date.UTC(2026, 2, 1, 0, 0) + i * 37_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const name = names[(i * 7) % names.length]!;
    events.push(
      makeEvent(
        {
          eventTime: when,
          eventSource: name === 'DeleteBucket' || name === 'GetObject' ? 's3.amazonaws.com' : 'dynamodb.amazonaws.com',
          eventName: name,
          awsRegion: region,
          recipientAccountId: account,
          userIdentity: assumedRole(account, i % 5 ? 'App' : 'Admin', `s-${i % 11}`, `ASIA${i % 13}`, when),
          // Near miss: the needle's text in a value of another event; and non-ASCII text.
          requestParameters: i % 17 === 0 ? { tableName: 'DeleteTable', note: 'café ☕' } : { tableName: `t-${i % 5}` },
        },
        String(i),
      ),
    );
  }
  const files = layoutTrail(events);
  // A repeated delivery of one file under another name: de-duplication must drop the same events either way.
  const again = files[3]!;
  files.push({ ...again, key: again.key.replace('.json.gz', 'X.json.gz') });
  writeTrail(trail, files);

  const extra = join(trail, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '03', '01');
  mkdirSync(extra, { recursive: true });
  const some = events.slice(0, 40);
  writeFileSync(join(extra, 'pretty.json'), JSON.stringify({ Records: some }, null, 2));
  writeFileSync(join(extra, 'lookup.json'), JSON.stringify({ Events: some.map((e) => ({ EventId: e.eventID, EventName: e.eventName, CloudTrailEvent: JSON.stringify(e) })) }));
  const whole = gzipSync(Buffer.from(JSON.stringify({ Records: events.slice(100, 300) })));
  writeFileSync(join(extra, 'truncated.json.gz'), whole.subarray(0, Math.floor(whole.length * 0.6)));
  writeFileSync(join(extra, 'garbage.json.gz'), Buffer.from('not a log file at all'));
  writeFileSync(join(extra, 'bad-record.json'), '{"Records":[' + JSON.stringify(events[5]) + ',{"eventVersion":"1.0"},' + JSON.stringify(events[6]) + ']}');
}
build();

const variants: string[][] = [
  ['--threads', '1', '--jobs', '1'],
  ['--threads', '2', '--jobs', '5'],
  ['--threads', '3', '--jobs', '32'],
];

async function sameForEveryVariant(args: string[]): Promise<string> {
  const outs = [];
  for (const v of variants) {
    const r = await runCli([...args, ...v, '-q']);
    // Problems print as they happen, so their order follows concurrency; their set must not change.
    outs.push({ v: v.join(' '), code: r.code, stdout: r.stdout, stderr: r.stderr.split('\n').sort().join('\n') });
  }
  for (const o of outs.slice(1)) {
    assert.equal(o.code, outs[0]!.code, `exit code with ${o.v}`);
    assert.equal(o.stderr, outs[0]!.stderr, `problems with ${o.v}`);
    assert.ok(o.stdout === outs[0]!.stdout, `stdout with ${o.v} differs from ${outs[0]!.v}`);
  }
  return outs[0]!.stdout;
}

test('a needle query prints the same bytes for any --threads and --jobs', async () => {
  const out = await sameForEveryVariant(['events', trail, '--event-name', 'DeleteTable', '-o', 'ndjson']);
  const got = out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as CloudTrailEvent).eventName);
  assert.ok(got.length > 100);
  assert.ok(got.every((n) => n === 'DeleteTable'));
});

test('a broad scan, a table and a rule pattern print the same bytes for any --threads and --jobs', async () => {
  const out = await sameForEveryVariant(['events', trail, '--write-only', '-o', 'ndjson']);
  assert.ok(out.split('\n').filter(Boolean).length > 500);
  await sameForEveryVariant(['events', trail, '--user', 'Admin', '--pattern', '{"detail":{"eventName":["DeleteBucket"]}}', '--no-dedup', '-o', 'csv']);
  await sameForEveryVariant(['events', trail, '--filter-pattern', '{ $.requestParameters.tableName = "DeleteTable" }', '-o', 'table']);
});

test('damaged inputs are reported by workers, with the records before the damage kept', async () => {
  // No filter, so no input is skipped by the whole-file needle check and every record is examined.
  const r = await runCli(['events', trail, '--threads', '2', '-q', '-o', 'ndjson']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /truncated\.json\.gz: corrupt or truncated gzip data/);
  assert.match(r.stderr, /garbage\.json\.gz: /);
  assert.match(r.stderr, /bad-record\.json: 1 record skipped/);
  assert.match(r.stderr, /the \d+ records before it were read/);
});

test('an input with no needle anywhere is skipped whole, and one with a needle is searched', async () => {
  // bad-record.json holds no DeleteBucket, so its unparsable record is never looked at; lookup.json does.
  const r = await runCli(['events', trail, '--event-name', 'DeleteBucket', '--threads', '2', '-q', '-o', 'ndjson']);
  assert.doesNotMatch(r.stderr, /bad-record\.json/);
  const ids = r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as CloudTrailEvent).eventName);
  assert.ok(ids.length > 0 && ids.every((n) => n === 'DeleteBucket'));
});

test('hunt, find-deletion and activity with --identity-source print the same bytes for any --threads and --jobs', async () => {
  const hunted = await sameForEveryVariant(['hunt', trail, '--rules', 'fixtures/sigma/rules', '-o', 'ndjson']);
  assert.ok(hunted.split('\n').filter(Boolean).length > 0);
  await sameForEveryVariant(['find-deletion', 't-1', trail, '--identity-source', trail, '-o', 'ndjson']);
  await sameForEveryVariant(['activity', 'arn:aws:sts::111122223333:assumed-role/App/s-1', trail, '--identity-source', trail, '-o', 'ndjson']);
});

test('count works with worker threads and gives the in-process totals', async () => {
  await sameForEveryVariant(['count', trail, '--by', 'eventName']);
});

/** The --verbose lines that say which threads searched each scan's inputs. */
function threadLines(stderr: string): Array<{ label: string; inputs: number; workers: number[]; here: number }> {
  const out = [];
  for (const m of stderr.matchAll(/^ctrail: (?:(.+): )?(\d+) inputs? searched: (?:([\d + ]+) by (\d+) worker threads?, )?(\d+) by the main thread$/gm)) {
    const workers = m[3] ? m[3].split(' + ').map(Number) : [];
    if (m[4]) assert.equal(workers.length, Number(m[4]));
    out.push({ label: m[1] ?? '', inputs: Number(m[2]), workers, here: Number(m[5]) });
  }
  return out;
}

const inputsIn = (dir: string): number =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;

test('every scan searches its inputs on every worker thread: hunt, --identity-source and both passes of activity included', async () => {
  const inputs = inputsIn(trail);
  const session = 'arn:aws:sts::111122223333:assumed-role/App/s-1';
  const cases: Array<{ args: string[]; scans: string[] }> = [
    { args: ['events', trail, '--event-name', 'DeleteTable'], scans: [''] },
    { args: ['count', trail, '--by', 'eventName'], scans: [''] },
    { args: ['insights', trail], scans: [''] },
    { args: ['hunt', trail, '--rules', 'fixtures/sigma/rules'], scans: [''] },
    { args: ['find-deletion', 't-1', trail, '--identity-source', trail], scans: ['', '--identity-source'] },
    { args: ['trace', session, trail, '--identity-source', trail], scans: ['', '--identity-source'] },
    { args: ['activity', session, trail, '--identity-source', trail], scans: ['', '--identity-source', ''] },
  ];
  await Promise.all(
    cases.map(async ({ args, scans }) => {
      const r = await runCli([...args, '--threads', '2', '--verbose', '-q', '-o', 'ndjson']);
      // The trail's damaged inputs make every run partial (1; 3 for the forensics commands).
      assert.ok(r.code === 1 || r.code === 3, `${args[0]}: exit ${r.code}: ${r.stderr}`);
      const lines = threadLines(r.stderr);
      assert.deepEqual(lines.map((l) => l.label).sort(), [...scans].sort(), `${args[0]}: one line per scan\n${r.stderr}`);
      for (const l of lines) {
        assert.equal(l.inputs, inputs, `${args[0]} ${l.label}: every input searched`);
        assert.equal(l.here, 0, `${args[0]} ${l.label}: nothing searched on the main thread`);
        assert.equal(l.workers.length, 2, `${args[0]} ${l.label}: two worker threads`);
        assert.ok(l.workers.every((n) => n > 0), `${args[0]} ${l.label}: each worker searched inputs (${l.workers.join(' + ')})`);
        assert.equal(l.workers[0]! + l.workers[1]!, inputs);
      }
    }),
  );
  // One thread: the same scan, all on the main thread.
  const one = await runCli(['hunt', trail, '--rules', 'fixtures/sigma/rules', '--threads', '1', '--verbose', '-q', '-o', 'ndjson']);
  assert.deepEqual(threadLines(one.stderr), [{ label: '', inputs, workers: [], here: inputs }]);
});

test('--threads rejects nonsense', async () => {
  const r = await runCli(['events', trail, '--threads', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--threads 0: expected a whole number/);
});

test('threads follow the input size: a small input is searched on the main thread unless --threads says otherwise', async () => {
  // The demo trail is 17 small files: starting worker threads would cost more than the whole search.
  const demo = await runCli(['events', 'fixtures/demo', '--verbose', '-q', '-o', 'ndjson']);
  assert.deepEqual(threadLines(demo.stderr), [{ label: '', inputs: 17, workers: [], here: 17 }]);
  const forced = await runCli(['events', 'fixtures/demo', '--threads', '2', '--verbose', '-q', '-o', 'ndjson']);
  const [line] = threadLines(forced.stderr);
  assert.equal(line!.here, 0);
  assert.equal(line!.workers.length, 2);
  assert.equal(forced.stdout, demo.stdout);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
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

test('count works with worker threads and gives the in-process totals', async () => {
  await sameForEveryVariant(['count', trail, '--by', 'eventName']);
});

test('--threads rejects nonsense', async () => {
  const r = await runCli(['events', trail, '--threads', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--threads 0: expected a whole number/);
});

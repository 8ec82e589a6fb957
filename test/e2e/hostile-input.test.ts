import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// Evidence is hostile: one record shaped to hurt must cost only itself, never the file or the run.
const tmp = tempDir('ctrail-hostile-');

function event(id: string, extra = ''): string {
  return `{"eventVersion":"1.08","eventID":"${id}","eventName":"PutObject","eventTime":"2026-03-14T00:00:00Z","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1"${extra}}`;
}

function deep(levels: number): string {
  return ',"requestParameters":' + '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

function trail(levels: number): string {
  const dir = join(tmp, `deep-${levels}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a-bad.json.gz'), gzipSync(`{"Records":[${event('before')},${event('deep', deep(levels))},${event('after', ',"requestParameters":{"bucketName":"b"}')}]}`));
  writeFileSync(join(dir, 'b-good.json.gz'), gzipSync(`{"Records":[${event('other')}]}`));
  return dir;
}

for (const levels of [5_000, 1_000_000]) {
  for (const threads of ['1', '2']) {
    for (const extra of [['--fields', 'eventID,requestParameters'], ['--pattern', '{"detail":{"requestParameters":{"bucketName":["b"]}}}'], []]) {
      test(`a record ${levels} levels deep is one problem line (threads ${threads}, ${extra.join(' ') || 'no filter'}); the rest is read`, async () => {
        const r = await runCli(['events', trail(levels), '--threads', threads, ...extra, '-o', 'ndjson']);
        assert.equal(r.code, 1, r.stderr);
        const ids = r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { eventID?: string }).eventID);
        const expected = extra[0] === '--pattern' ? ['after'] : ['before', 'after', 'other'];
        if (extra[0] !== '--fields') assert.deepEqual(ids, expected);
        else assert.deepEqual(ids, ['before', 'after', 'other']);
        assert.match(r.stderr, /a-bad\.json\.gz: 1 record skipped: record nested deeper than \d+ levels/);
        assert.doesNotMatch(r.stderr, /RangeError|internal error|b-good/);
      });
    }
  }
}

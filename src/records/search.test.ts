import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNeedles, mayContainCandidates, newStats, passesNeedles, searchRecords, type RecordHit } from './search.js';

const needles = compileNeedles([['"DeleteTable"']]);

test('a whole input is kept when the quoted needle, or its escaped spelling in lookup-events output, is in it', () => {
  const cases: Array<[string, boolean]> = [
    ['{"Records":[{"eventName":"DeleteTable"}]}', true],
    // The core alone (a policy action) is no candidate.
    ['{"Records":[{"policy":"dynamodb:DeleteTable"}]}', false],
    ['{"Records":[{"policy":"dynamodb:DeleteTable","x":1},{"eventName":"DeleteTable"}]}', true],
    // Escaped: a candidate only in lookup-events output.
    ['{"Events":[{"CloudTrailEvent":"{\\"eventName\\":\\"DeleteTable\\"}"}]}', true],
    ['{"Records":[{"note":"{\\"eventName\\":\\"DeleteTable\\"}"}]}', false],
    // At the very edges of the input.
    ['"DeleteTable"', true],
    ['DeleteTable"', false],
  ];
  for (const [text, want] of cases) assert.equal(mayContainCandidates(Buffer.from(text), needles), want, text);
});

test('agrees with searching each spelling over the whole input', () => {
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pieces = ['DeleteTable', '"', '\\"', 'CloudTrailEvent', 'x', ':', 'DeleteTabl'];
  for (let round = 0; round < 2000; round++) {
    const text = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
    const bytes = Buffer.from(text);
    const bySpelling = bytes.includes('"DeleteTable"') || (bytes.includes('CloudTrailEvent') && bytes.includes('\\"DeleteTable\\"'));
    assert.equal(mayContainCandidates(bytes, needles), bySpelling, text);
  }
});

test('every container gives the embedded event exactly as AWS wrote it: 0.0 stays 0.0, \\u003d stays escaped', async () => {
  const event = '{"eventVersion":"1.08","eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","additionalEventData":{"bytesTransferredOut":0.0},"userAgent":"a\\u003db"}';
  const inputs = {
    'log file': `{"Records":[${event}]}`,
    'lookup-events': JSON.stringify({ Events: [{ EventId: 'x', CloudTrailEvent: event }] }),
    // The detail key also appears as a value and inside the event: only the envelope's member counts.
    eventbridge: `{"version":"0","source":"detail","detail-type":"AWS API Call via CloudTrail","detail" : ${event},"resources":[{"detail":{}}]}\n`,
  };
  for (const [name, text] of Object.entries(inputs)) {
    const hits: RecordHit[] = [];
    for await (const batch of searchRecords(one(Buffer.from(text)), { needles: [], matches: () => true }, newStats())) hits.push(...batch);
    assert.equal(hits.length, 1, name);
    assert.equal(hits[0]!.raw?.toString(), event, name);
    assert.equal(hits[0]!.event.eventName, 'GetObject', name);
  }
});

async function* one(b: Buffer): AsyncIterable<Buffer> {
  yield b;
}

test('a large group (a closure\'s keys) gives the same answers, whole input and record, as searching each key', () => {
  const keys = Array.from({ length: 200 }, (_, i) => `"ASIA${String(i * 3).padStart(16, '0')}"`);
  const big = compileNeedles([keys, ['"GetObject"']]);
  const one = (k: string) => compileNeedles([[k], ['"GetObject"']]);
  const texts = [
    `{"Records":[{"eventName":"GetObject","accessKeyId":${keys[7]}}]}`,
    `{"Records":[{"eventName":"GetObject","accessKeyId":"ASIA${'0'.repeat(15)}1"}]}`,
    `{"Records":[{"eventName":"PutObject","accessKeyId":${keys[7]}}]}`,
    `{"Events":[{"CloudTrailEvent":${JSON.stringify(`{"eventName":"GetObject","accessKeyId":${keys[199]}}`)}}]}`,
    `{"Records":[{"note":${JSON.stringify(`{"eventName":"GetObject","accessKeyId":${keys[199]}}`)}}]}`,
  ];
  for (const text of texts) {
    const bytes = Buffer.from(text);
    assert.equal(mayContainCandidates(bytes, big), keys.some((k) => mayContainCandidates(bytes, one(k))), text);
    assert.equal(passesNeedles(bytes, big.plain), keys.some((k) => passesNeedles(bytes, one(k).plain)), text);
  }
});

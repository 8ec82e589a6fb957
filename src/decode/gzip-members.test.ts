import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { hashFirstGzipMember, hashFirstGzipMemberOf } from './gzip-members.js';

const text = Buffer.from('{"Records":[' + '{"eventName":"PutObject"},'.repeat(2000) + '{}]}');
const member = gzipSync(text);
const sha = createHash('sha256').update(text).digest('hex');

async function* chunks(buf: Buffer, size = 97): AsyncIterable<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

test('a single member hashes its inflated bytes, nothing trailing', async () => {
  const r = await hashFirstGzipMember(chunks(member));
  assert.deepEqual([r.outcome, r.sha256, r.trailingBytes, r.inflatedBytes], ['complete', sha, 0, text.length]);
});

test('a second member is counted as trailing data, not hashed (unlike Node gunzip)', async () => {
  const extra = gzipSync(Buffer.from('{"Records":[{"eventName":"Injected"}]}'));
  const r = await hashFirstGzipMember(chunks(Buffer.concat([member, extra])));
  assert.equal(r.sha256, sha);
  assert.equal(r.trailingBytes, extra.length);
});

test('garbage and zero bytes after the member are counted', async () => {
  assert.equal((await hashFirstGzipMember(chunks(Buffer.concat([member, Buffer.from('garbage')])))).trailingBytes, 7);
  assert.equal((await hashFirstGzipMember(chunks(Buffer.concat([member, Buffer.alloc(5)]), 4096))).trailingBytes, 5);
});

test('a truncated member reports truncated with the hash of what inflated', async () => {
  const r = await hashFirstGzipMember(chunks(member.subarray(0, member.length - 30)));
  assert.equal(r.outcome, 'truncated');
  assert.notEqual(r.sha256, sha);
});

test('not gzip, and a CRC mismatch, are corrupt', async () => {
  assert.equal((await hashFirstGzipMember(chunks(Buffer.from('{"Records":[]}')))).outcome, 'corrupt');
  const bad = Buffer.from(member);
  bad[bad.length - 8]! ^= 0xff;
  assert.equal((await hashFirstGzipMember(chunks(bad))).outcome, 'corrupt');
});

test('a header with FNAME and FEXTRA split across chunks is parsed', async () => {
  const body = member.subarray(10);
  const header = Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3, ...Buffer.from('name.json'), 0]);
  const r = await hashFirstGzipMember(chunks(Buffer.concat([header, body]), 3));
  assert.deepEqual([r.outcome, r.sha256], ['complete', sha]);
});

test('the in-memory path gives the streaming walk\'s result for clean, appended and damaged members', async () => {
  const flipped = Buffer.from(member);
  flipped[flipped.length - 8]! ^= 0xff;
  const wrongSize = Buffer.from(member);
  wrongSize[wrongSize.length - 1]! ^= 0x01;
  const damagedDeflate = Buffer.from(member);
  damagedDeflate[20]! ^= 0xff;
  const cases: Record<string, Buffer> = {
    clean: member,
    'second member': Buffer.concat([member, gzipSync(Buffer.from('{"Records":[{"eventName":"Injected"}]}'))]),
    'garbage after': Buffer.concat([member, Buffer.from('garbage')]),
    'trailer cut': member.subarray(0, member.length - 3),
    truncated: member.subarray(0, member.length - 30),
    'not gzip': Buffer.from('{"Records":[]}'),
    'CRC mismatch': flipped,
    'ISIZE mismatch': wrongSize,
    'damaged deflate data': damagedDeflate,
    empty: Buffer.alloc(0),
    'empty content': gzipSync(Buffer.alloc(0)),
    'FNAME header': Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3, ...Buffer.from('n.json'), 0]), member.subarray(10)]),
  };
  for (const [name, buf] of Object.entries(cases)) {
    const streamed = await hashFirstGzipMember(chunks(buf, 4096));
    const whole = await hashFirstGzipMemberOf(buf);
    assert.deepEqual(
      [whole.outcome, whole.sha256, whole.inflatedBytes, whole.trailingBytes],
      [streamed.outcome, streamed.sha256, streamed.inflatedBytes, streamed.trailingBytes],
      name,
    );
  }
  assert.equal((await hashFirstGzipMemberOf(member)).sha256, sha);
});

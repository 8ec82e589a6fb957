import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { hashFirstGzipMember } from './gzip-members.js';

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

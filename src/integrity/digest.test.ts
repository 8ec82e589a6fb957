import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { parseDigest, signingString, DigestFormatError } from './digest.js';
import { KeyRing, fingerprintOf, loadPublicKey, parsePublicKeysJson, verifySignature, SignatureHexError } from './keys.js';
import { parseDigestKey, buildDigestKey } from '../cloudtrail/layout.js';
import { readFileSync } from 'node:fs';

const doc = {
  awsAccountId: '111111111111',
  digestStartTime: '2015-08-12T03:01:31Z',
  digestEndTime: '2015-08-12T04:01:31Z',
  digestS3Bucket: 'S3-bucket-name',
  digestS3Object: 'AWSLogs/111111111111/CloudTrail-Digest/us-east-2/2015/08/12/111111111111_CloudTrail-Digest_us-east-2_my_trail_us-east-2_20150812T040131Z.json.gz',
  digestPublicKeyFingerprint: 'aa',
  previousDigestS3Bucket: null,
  previousDigestS3Object: null,
  previousDigestHashValue: null,
  previousDigestSignature: null,
  logFiles: [],
};
// CloudTrail escapes "/" in its JSON; hashing must use those exact bytes.
const raw = Buffer.from(JSON.stringify(doc).replace(/\//g, '\\/'));

test('the signing string uses decoded values, the hash of the exact bytes and "null" for a chain start', () => {
  const d = parseDigest(raw);
  assert.equal(d.sha256, createHash('sha256').update(raw).digest('hex'));
  assert.equal(signingString(d), `2015-08-12T04:01:31Z\nS3-bucket-name/${doc.digestS3Object}\n${d.sha256}\nnull`);
});

test('a missing required field is a format error', () => {
  const { digestStartTime: _, ...rest } = doc;
  void _;
  assert.throws(() => parseDigest(Buffer.from(JSON.stringify(rest))), DigestFormatError);
  assert.throws(() => parseDigest(Buffer.from('not json')), DigestFormatError);
});

test('RSA PKCS#1 v1.5 SHA-256 verification with PKCS#1 and SPKI keys, fingerprint = MD5(DER)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const d = parseDigest(raw);
  const sig = sign('sha256', Buffer.from(signingString(d)), privateKey).toString('hex');
  for (const type of ['pkcs1', 'spki'] as const) {
    const der = publicKey.export({ format: 'der', type });
    assert.equal(verifySignature(signingString(d), sig, loadPublicKey(der)), true);
    assert.equal(verifySignature(signingString({ ...d, previousDigestSignature: 'ab' }), sig, loadPublicKey(der)), false);
    const ring = new KeyRing();
    ring.add(parsePublicKeysJson(JSON.stringify({ PublicKeyList: [{ Value: der.toString('base64'), Fingerprint: fingerprintOf(der) }] })));
    assert.ok(ring.keyObject(fingerprintOf(der)));
  }
  assert.throws(() => verifySignature('x', 'zz', loadPublicKey(publicKey.export({ format: 'der', type: 'spki' }))), SignatureHexError);
});

test('the published aws-cli sample key: fingerprint is MD5 of the decoded Value', () => {
  const sample = JSON.parse(readFileSync(new URL('../../../fixtures/aws-cli/list-public-keys.output.json', import.meta.url), 'utf8')) as { PublicKeyList: Array<{ Fingerprint: string }> };
  const [entry] = parsePublicKeysJson(JSON.stringify({ PublicKeyList: sample.PublicKeyList.map(({ Fingerprint: _f, ...k }) => k) }));
  assert.equal(entry!.fingerprint, sample.PublicKeyList[0]!.Fingerprint);
  assert.ok(loadPublicKey(entry!.der));
});

test('digest keys: trail names with "_", backfill, org layout round-trip', () => {
  const key = buildDigestKey({ prefix: 'p/', orgId: 'o-abcdefghij', account: '222222222222', region: 'eu-west-1', trailName: 'my_trail', homeRegion: 'us-east-1', end: new Date('2026-03-14T21:40:00Z'), backfill: true });
  const info = parseDigestKey(key)!;
  assert.deepEqual([info.prefix, info.orgId, info.account, info.region, info.trailName, info.homeRegion, info.stamp, info.backfill], ['p/', 'o-abcdefghij', '222222222222', 'eu-west-1', 'my_trail', 'us-east-1', '20260314T214000Z', true]);
});

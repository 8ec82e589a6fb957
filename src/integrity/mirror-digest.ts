import { gunzipSync } from 'node:zlib';
import { CtrailError } from '../errors.js';
import { parseDigest, signingString, type ParsedDigest } from './digest.js';
import { verifySignature } from './keys.js';
import type { KeySource } from './public-keys.js';

/** Digests are a few KB; a larger one is not a digest CloudTrail wrote, and is not inflated whole. */
const DIGEST_INFLATE_LIMIT = 64 * 1024 * 1024;

export type DigestTrust = { verified: true; digest: ParsedDigest } | { verified: false; why: string };

/**
 * Whether a digest fetched by mirror may direct what else is fetched: it must parse, name the place it was
 * read from, and carry a signature that verifies with CloudTrail's key for its region. The verdicts of
 * `ctrail validate` stay with validate; this only decides what the mirror trusts.
 */
export async function trustDigest(bytes: Buffer, metadata: Record<string, string>, bucket: string, key: string, region: string, keys: KeySource): Promise<DigestTrust> {
  let d: ParsedDigest;
  try {
    d = parseDigest(gunzipSync(bytes, { maxOutputLength: DIGEST_INFLATE_LIMIT }));
  } catch {
    return { verified: false, why: 'is not a readable digest' };
  }
  if (d.digestS3Bucket !== bucket || d.digestS3Object !== key) return { verified: false, why: 'names another location than the one it was read from' };
  const signature = metadata['signature'];
  if (!signature) return { verified: false, why: 'has no signature' };
  const backfill = key.endsWith('_backfill.json.gz');
  let keyObject;
  try {
    const ring = backfill ? await keys.backfillKeys(region, new Date(metadata['backfill-generation-timestamp'] ?? d.digestEndTime)) : await keys.keys(region);
    keyObject = ring.keyObject(d.digestPublicKeyFingerprint);
  } catch (err) {
    if (err instanceof CtrailError) throw err;
    return { verified: false, why: 'names a public key that could not be loaded' };
  }
  if (!keyObject) return { verified: false, why: `is signed with a key not found in ${region} (fingerprint ${d.digestPublicKeyFingerprint})` };
  let good = false;
  try {
    good = verifySignature(signingString(d), signature, keyObject);
  } catch {
    good = false;
  }
  return good ? { verified: true, digest: d } : { verified: false, why: 'has a signature that does not verify' };
}

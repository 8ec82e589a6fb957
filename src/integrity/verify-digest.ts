import { CtrailError, describeError } from '../errors.js';
import { signingString, type ParsedDigest } from './digest.js';
import type { Fetched } from './digest-source.js';
import { KeyLoadError, SignatureHexError, verifySignature, type KeyRing } from './keys.js';
import { relativeToAwsLogs } from '../cloudtrail/layout.js';
import type { TrailView } from './view.js';

/** Public keys by region; backfill digests may be signed with a key outside the window, so look around their generation time. */
export interface KeyProvider {
  keys(region: string): Promise<KeyRing>;
  backfillKeys(region: string, around: Date): Promise<KeyRing>;
}

export interface VerifyOptions {
  /** The region whose keys sign this chain. */
  region: string;
  backfill: boolean;
  allowCopy: boolean;
  keyProvider: KeyProvider;
}

/** A digest whose recorded location is the same key below AWSLogs/ in another bucket or under another prefix. */
export interface CopySighting {
  fromBucket: string;
  fromRoot: string;
  toRoot: string;
  /** --allow-copy: the copy is verified where it is instead of reading as moved. */
  allowed: boolean;
}

export interface DigestVerdict {
  result: Fetched;
  /** Set whenever the digest is a recognisable copy, whatever the verdict. */
  copy?: CopySighting;
}

const MOVED = { ok: false, kind: 'digest-moved', message: 'has been moved from its original location' } as const;

/**
 * The reference's checks of one fetched digest read at (view, key): where it says it lives, that its key is
 * known for the region, and that its signature verifies. Key-source faults become `digest-error`, never a
 * verdict on the digest; configuration errors (no keys at all) are thrown to the CLI edge.
 */
export async function verifyDigest(f: Fetched, view: TrailView, key: string, opts: VerifyOptions): Promise<DigestVerdict> {
  if (!f.ok) return { result: f };
  const d = f.digest;
  let copy: CopySighting | undefined;
  if (d.digestS3Bucket !== view.bucket || d.digestS3Object !== key) {
    const roots = copyRoots(view, key, d);
    if (!roots) return { result: { ...f, ...MOVED } };
    copy = { fromBucket: d.digestS3Bucket, ...roots, allowed: opts.allowCopy };
    if (!opts.allowCopy) return { result: { ...f, ...MOVED }, copy };
  }
  const withCopy = (result: Fetched): DigestVerdict => (copy ? { result, copy } : { result });
  let ring: KeyRing;
  try {
    ring = opts.backfill
      ? await opts.keyProvider.backfillKeys(opts.region, new Date(f.metadata['backfill-generation-timestamp'] ?? d.digestEndTime))
      : await opts.keyProvider.keys(opts.region);
  } catch (err) {
    if (err instanceof CtrailError) throw err;
    return withCopy({ ...f, ok: false, kind: 'digest-error', message: describeError(err) });
  }
  if (opts.backfill && !f.metadata['backfill-generation-timestamp']) {
    return withCopy({ ...f, ok: false, kind: 'digest-invalid-format', message: 'invalid format' });
  }
  const fp = d.digestPublicKeyFingerprint;
  if (!ring.has(fp)) {
    return withCopy({ ...f, ok: false, kind: 'digest-key-not-found', message: `public key not found in region ${opts.region} for fingerprint ${fp}` });
  }
  try {
    const keyObject = ring.keyObject(fp)!;
    if (!verifySignature(signingString(d), f.metadata['signature']!, keyObject)) {
      return withCopy({ ...f, ok: false, kind: 'digest-signature-failed', message: 'signature verification failed' });
    }
  } catch (err) {
    if (err instanceof KeyLoadError) return withCopy({ ...f, ok: false, kind: 'digest-key-unloadable', message: `Unable to load PKCS #1 key with fingerprint ${fp}` });
    if (err instanceof SignatureHexError) return withCopy({ ...f, ok: false, kind: 'digest-signature-failed', message: err.message });
    return withCopy({ ...f, ok: false, kind: 'digest-signature-failed', message: 'signature verification failed' });
  }
  return withCopy(f);
}

function copyRoots(view: TrailView, key: string, d: ParsedDigest): { fromRoot: string; toRoot: string } | undefined {
  const here = relativeToAwsLogs(key);
  const there = relativeToAwsLogs(d.digestS3Object);
  if (!here || !there || here.rest !== there.rest) return undefined;
  if (d.digestS3Bucket === view.bucket && here.root === there.root) return undefined;
  return { fromRoot: there.root, toRoot: here.root };
}

/** What previousDigestHashValue / previousDigestSignature of `newer` get wrong about the digest they point to. */
export function chainMismatch(newer: ParsedDigest, older: ParsedDigest, olderMetadata: Record<string, string>): string | undefined {
  const issues: string[] = [];
  if (newer.previousDigestHashValue && newer.previousDigestHashValue.toLowerCase() !== older.sha256) {
    issues.push(`previousDigestHashValue ${newer.previousDigestHashValue} of the newer digest differs from this digest's SHA-256 ${older.sha256}`);
  }
  const sig = olderMetadata['signature'];
  if (newer.previousDigestSignature && sig && newer.previousDigestSignature.toLowerCase() !== sig.toLowerCase()) {
    issues.push(`previousDigestSignature of the newer digest differs from this digest's signature metadata`);
  }
  return issues.length ? issues.join('; ') : undefined;
}

import { createHash } from 'node:crypto';
import { eventTimeMs } from '../cloudtrail/time.js';

/** One entry of a digest's logFiles[]: where a log file is and the SHA-256 of its uncompressed bytes. */
export interface LogFileRef {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  hashAlgorithm?: string;
}

export interface ParsedDigest {
  /** Hex SHA-256 of the exact uncompressed bytes (never re-serialised). */
  sha256: string;
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm?: string;
  previousDigestSignature: string | null;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  logFiles: LogFileRef[];
  start: Date;
  end: Date;
}

export class DigestFormatError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'DigestFormatError';
  }
}

const REQUIRED = [
  'digestPublicKeyFingerprint',
  'digestS3Bucket',
  'digestS3Object',
  'previousDigestSignature',
  'digestEndTime',
  'digestStartTime',
] as const;

function stringOrNull(doc: Record<string, unknown>, field: string): string | null {
  const v = doc[field];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new DigestFormatError(`${field} is not a string`);
  return v;
}

function requiredString(doc: Record<string, unknown>, field: string): string {
  const v = doc[field];
  if (typeof v !== 'string') throw new DigestFormatError(`${field} is missing or not a string`);
  return v;
}

export function parseDigest(uncompressed: Uint8Array): ParsedDigest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(uncompressed.buffer, uncompressed.byteOffset, uncompressed.byteLength).toString('utf8'));
  } catch {
    throw new DigestFormatError('not JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new DigestFormatError('not a JSON object');
  const d = doc as Record<string, unknown>;
  for (const field of REQUIRED) if (!(field in d)) throw new DigestFormatError(`${field} missing`);
  const logFilesRaw = d['logFiles'] ?? [];
  if (!Array.isArray(logFilesRaw)) throw new DigestFormatError('logFiles is not an array');
  const logFiles = logFilesRaw.map((entry, i): LogFileRef => {
    if (!entry || typeof entry !== 'object') throw new DigestFormatError(`logFiles[${i}] is not an object`);
    const e = entry as Record<string, unknown>;
    const alg = e['hashAlgorithm'];
    return {
      s3Bucket: requiredString(e, 's3Bucket'),
      s3Object: requiredString(e, 's3Object'),
      hashValue: requiredString(e, 'hashValue'),
      ...(typeof alg === 'string' ? { hashAlgorithm: alg } : {}),
    };
  });
  const digestStartTime = requiredString(d, 'digestStartTime');
  const digestEndTime = requiredString(d, 'digestEndTime');
  const alg = d['digestSignatureAlgorithm'];
  return {
    sha256: createHash('sha256').update(uncompressed).digest('hex'),
    digestStartTime,
    digestEndTime,
    digestS3Bucket: requiredString(d, 'digestS3Bucket'),
    digestS3Object: requiredString(d, 'digestS3Object'),
    digestPublicKeyFingerprint: requiredString(d, 'digestPublicKeyFingerprint'),
    ...(typeof alg === 'string' ? { digestSignatureAlgorithm: alg } : {}),
    previousDigestSignature: stringOrNull(d, 'previousDigestSignature'),
    previousDigestS3Bucket: stringOrNull(d, 'previousDigestS3Bucket'),
    previousDigestS3Object: stringOrNull(d, 'previousDigestS3Object'),
    previousDigestHashValue: stringOrNull(d, 'previousDigestHashValue'),
    logFiles,
    start: new Date(eventTimeMs(digestStartTime) ?? NaN),
    end: new Date(eventTimeMs(digestEndTime) ?? NaN),
  };
}

/**
 * The exact string CloudTrail signs: end time, bucket/key, digest hash and the previous signature (the literal
 * text "null" for a chain's first digest), joined by "\n" with no trailing newline.
 */
export function signingString(d: Pick<ParsedDigest, 'digestEndTime' | 'digestS3Bucket' | 'digestS3Object' | 'sha256' | 'previousDigestSignature'>): string {
  return [d.digestEndTime, `${d.digestS3Bucket}/${d.digestS3Object}`, d.sha256, d.previousDigestSignature ?? 'null'].join('\n');
}

/** True for the chain's first digest: CloudTrail nulls the previous pointers after validation (re)starts. */
export function isChainStart(d: ParsedDigest): boolean {
  return d.previousDigestS3Bucket === null || d.previousDigestS3Object === null;
}

import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/** A CloudTrail public key as ListPublicKeys describes it; `der` is the decoded Value. */
export interface PublicKeyEntry {
  fingerprint: string;
  der: Uint8Array;
  validityStart?: Date;
  validityEnd?: Date;
}

export class KeyLoadError extends Error {}

/** ListPublicKeys documents PKCS #1 DER, but AWS has also served SubjectPublicKeyInfo: accept both. */
export function loadPublicKey(der: Uint8Array): KeyObject {
  const buf = Buffer.from(der);
  for (const type of ['pkcs1', 'spki'] as const) {
    try {
      const key = createPublicKey({ key: buf, format: 'der', type });
      if (key.asymmetricKeyType === 'rsa') return key;
    } catch {
      // try the next encoding
    }
  }
  throw new KeyLoadError('not an RSA public key in PKCS #1 or SPKI DER');
}

/** CloudTrail's fingerprint is the MD5 of the DER bytes exactly as served. */
export function fingerprintOf(der: Uint8Array): string {
  return createHash('md5').update(der).digest('hex');
}

export class SignatureHexError extends Error {}

export function decodeSignatureHex(hex: string): Buffer {
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new SignatureHexError('Non-hexadecimal digit found');
  if (hex.length % 2) throw new SignatureHexError('Odd-length string');
  return Buffer.from(hex, 'hex');
}

/** RSASSA-PKCS1-v1_5 with SHA-256 over the UTF-8 signing string. */
export function verifySignature(signing: string, signatureHex: string, key: KeyObject): boolean {
  return verify('sha256', Buffer.from(signing, 'utf8'), key, decodeSignatureHex(signatureHex));
}

interface ListPublicKeysJson {
  PublicKeyList?: Array<{ Value?: unknown; Fingerprint?: unknown; ValidityStartTime?: unknown; ValidityEndTime?: unknown }>;
}

function toDate(v: unknown): Date | undefined {
  if (typeof v === 'number') return new Date(v * 1000);
  if (typeof v === 'string') {
    const d = /^\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** Reads the JSON that `aws cloudtrail list-public-keys` prints (Value as base64 text, times as epoch seconds). */
export function parsePublicKeysJson(text: string): PublicKeyEntry[] {
  let doc: ListPublicKeysJson;
  try {
    doc = JSON.parse(text) as ListPublicKeysJson;
  } catch {
    throw new Error('not JSON');
  }
  if (!doc || !Array.isArray(doc.PublicKeyList)) throw new Error('no PublicKeyList array');
  return doc.PublicKeyList.map((k, i) => {
    if (typeof k.Value !== 'string') throw new Error(`PublicKeyList[${i}].Value is not base64 text`);
    const der = Buffer.from(k.Value, 'base64');
    const validityStart = toDate(k.ValidityStartTime);
    const validityEnd = toDate(k.ValidityEndTime);
    return {
      fingerprint: typeof k.Fingerprint === 'string' ? k.Fingerprint.toLowerCase() : fingerprintOf(der),
      der,
      ...(validityStart ? { validityStart } : {}),
      ...(validityEnd ? { validityEnd } : {}),
    };
  });
}

export function publicKeysToJson(keys: PublicKeyEntry[]): string {
  const PublicKeyList = keys.map((k) => ({
    ...(k.validityStart ? { ValidityStartTime: k.validityStart.getTime() / 1000 } : {}),
    ...(k.validityEnd ? { ValidityEndTime: k.validityEnd.getTime() / 1000 } : {}),
    Value: Buffer.from(k.der).toString('base64'),
    Fingerprint: k.fingerprint,
  }));
  return `${JSON.stringify({ PublicKeyList }, null, 2)}\n`;
}

/** Keys by fingerprint; the fingerprint names one key whatever region served it. */
export class KeyRing {
  private readonly byFingerprint = new Map<string, PublicKeyEntry>();
  private readonly loaded = new Map<string, KeyObject>();

  add(entries: Iterable<PublicKeyEntry>): void {
    for (const e of entries) if (!this.byFingerprint.has(e.fingerprint)) this.byFingerprint.set(e.fingerprint, e);
  }

  has(fingerprint: string): boolean {
    return this.byFingerprint.has(fingerprint);
  }

  get size(): number {
    return this.byFingerprint.size;
  }

  entries(): PublicKeyEntry[] {
    return [...this.byFingerprint.values()];
  }

  entry(fingerprint: string): PublicKeyEntry | undefined {
    return this.byFingerprint.get(fingerprint);
  }

  /** Throws KeyLoadError when the bytes do not load. */
  keyObject(fingerprint: string): KeyObject | undefined {
    const cached = this.loaded.get(fingerprint);
    if (cached) return cached;
    const e = this.byFingerprint.get(fingerprint);
    if (!e) return undefined;
    const k = loadPublicKey(e.der);
    this.loaded.set(fingerprint, k);
    return k;
  }
}

import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildDigestKey, buildLogKey, type FolderScope } from '../../src/cloudtrail/layout.js';

/**
 * Builds a small CloudTrail trail the way CloudTrail writes it: gzip log files, hourly digests chained by
 * previousDigest*, each signed with an RSA key generated here (SHA256withRSA over the signing string) and the
 * signature kept as S3 user metadata. Tests then damage it in one precise way per failure kind.
 */
export interface FixtureKey {
  privateKey: KeyObject;
  /** DER as ListPublicKeys serves it (PKCS #1 by default). */
  der: Buffer;
  fingerprint: string;
  validityStart: Date;
  validityEnd: Date;
}

export function makeKey(format: 'pkcs1' | 'spki' = 'pkcs1', validityStart = new Date('2026-03-01T00:00:00Z')): FixtureKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ format: 'der', type: format });
  return {
    privateKey,
    der,
    fingerprint: createHash('md5').update(der).digest('hex'),
    validityStart,
    validityEnd: new Date(validityStart.getTime() + 60 * 86_400_000),
  };
}

export interface FixtureObject {
  body: Buffer;
  metadata?: Record<string, string>;
}

export interface ChainSpec extends FolderScope {
  bucket: string;
  trailName: string;
  homeRegion: string;
  /** End of the first digest; later digests end one hour apart. */
  firstEnd: Date;
  hours: number;
  logsPerHour?: number;
  /** Key per digest index (key rotation). */
  key: FixtureKey | ((index: number) => FixtureKey);
  /** Continue this chain: the first digest points at that digest instead of being a chain start. */
  after?: BuiltDigest;
  backfill?: boolean;
}

export interface BuiltDigest {
  bucket: string;
  key: string;
  start: Date;
  end: Date;
  sha256: string;
  signature: string;
  logKeys: string[];
}

const HOUR = 3_600_000;

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

let uniqueCounter = 0;
function unique(): string {
  uniqueCounter++;
  return `Fx${String(uniqueCounter).padStart(14, '0')}`;
}

export function logBody(account: string, region: string, times: Date[], extra = ''): Buffer {
  const Records = times.map((t, i) => ({
    eventVersion: '1.09',
    eventTime: iso(t),
    eventSource: 's3.amazonaws.com',
    eventName: i % 2 ? 'GetObject' : 'PutObject',
    awsRegion: region,
    recipientAccountId: account,
    eventID: `${unique()}-${extra}`,
    userIdentity: { type: 'IAMUser', accountId: account, userName: 'fixture' },
  }));
  return gzipSync(Buffer.from(JSON.stringify({ Records })));
}

export class TrailFixture {
  /** bucket → key → object */
  readonly buckets = new Map<string, Map<string, FixtureObject>>();
  readonly keys: FixtureKey[] = [];

  private bucket(name: string): Map<string, FixtureObject> {
    let b = this.buckets.get(name);
    if (!b) {
      b = new Map();
      this.buckets.set(name, b);
    }
    return b;
  }

  put(bucket: string, key: string, obj: FixtureObject): void {
    this.bucket(bucket).set(key, obj);
  }

  get(bucket: string, key: string): FixtureObject {
    const o = this.buckets.get(bucket)?.get(key);
    if (!o) throw new Error(`fixture has no ${bucket}/${key}`);
    return o;
  }

  delete(bucket: string, key: string): void {
    if (!this.buckets.get(bucket)?.delete(key)) throw new Error(`fixture has no ${bucket}/${key}`);
  }

  useKey(k: FixtureKey): void {
    if (!this.keys.includes(k)) this.keys.push(k);
  }

  /** Writes one signed digest document as CloudTrail would (compact JSON, "/" escaped). */
  putDigest(spec: { bucket: string; key: string; signer: FixtureKey; doc: Record<string, unknown>; backfillAt?: Date }): { sha256: string; signature: string } {
    const json = JSON.stringify(spec.doc).replace(/\//g, '\\/');
    const raw = Buffer.from(json);
    const sha256 = createHash('sha256').update(raw).digest('hex');
    const prev = spec.doc['previousDigestSignature'];
    const signing = [spec.doc['digestEndTime'], `${spec.doc['digestS3Bucket']}/${spec.doc['digestS3Object']}`, sha256, prev ?? 'null'].join('\n');
    const signature = sign('sha256', Buffer.from(signing), spec.signer.privateKey).toString('hex');
    this.put(spec.bucket, spec.key, {
      body: gzipSync(raw),
      metadata: {
        signature,
        'signature-algorithm': 'SHA256withRSA',
        ...(spec.backfillAt ? { 'backfill-generation-timestamp': iso(spec.backfillAt) } : {}),
      },
    });
    return { sha256, signature };
  }

  addChain(spec: ChainSpec): BuiltDigest[] {
    const built: BuiltDigest[] = [];
    let prev = spec.after;
    const perHour = spec.logsPerHour ?? 2;
    for (let i = 0; i < spec.hours; i++) {
      const end = new Date(spec.firstEnd.getTime() + i * HOUR);
      const start = prev ? prev.end : new Date(end.getTime() - HOUR);
      const signer = typeof spec.key === 'function' ? spec.key(i) : spec.key;
      this.useKey(signer);
      const logFiles: Array<Record<string, unknown>> = [];
      const logKeys: string[] = [];
      for (let j = 0; j < perHour; j++) {
        const delivered = new Date(start.getTime() + ((j + 1) * HOUR) / (perHour + 1));
        const key = buildLogKey({ ...spec, delivered, unique: unique() });
        const body = logBody(spec.account, spec.region, [new Date(delivered.getTime() - 300_000), new Date(delivered.getTime() - 120_000)]);
        this.put(spec.bucket, key, { body });
        logKeys.push(key);
        logFiles.push({
          s3Bucket: spec.bucket,
          s3Object: key,
          hashValue: createHash('sha256').update(gunzipOne(body)).digest('hex'),
          hashAlgorithm: 'SHA-256',
          newestEventTime: iso(new Date(delivered.getTime() - 120_000)),
          oldestEventTime: iso(new Date(delivered.getTime() - 300_000)),
        });
      }
      const key = buildDigestKey({ ...spec, end, ...(spec.backfill ? { backfill: true } : {}) });
      const doc: Record<string, unknown> = {
        awsAccountId: spec.account,
        digestStartTime: iso(start),
        digestEndTime: iso(end),
        digestS3Bucket: spec.bucket,
        digestS3Object: key,
        digestPublicKeyFingerprint: signer.fingerprint,
        digestSignatureAlgorithm: 'SHA256withRSA',
        newestEventTime: logFiles.length ? logFiles[logFiles.length - 1]!['newestEventTime'] : null,
        oldestEventTime: logFiles.length ? logFiles[0]!['oldestEventTime'] : null,
        previousDigestS3Bucket: prev?.bucket ?? null,
        previousDigestS3Object: prev?.key ?? null,
        previousDigestHashValue: prev?.sha256 ?? null,
        previousDigestHashAlgorithm: prev ? 'SHA-256' : null,
        previousDigestSignature: prev?.signature ?? null,
        logFiles,
      };
      const { sha256, signature } = this.putDigest({
        bucket: spec.bucket,
        key,
        signer,
        doc,
        ...(spec.backfill ? { backfillAt: new Date(end.getTime() + 6 * HOUR) } : {}),
      });
      const d: BuiltDigest = { bucket: spec.bucket, key, start, end, sha256, signature, logKeys };
      built.push(d);
      prev = d;
    }
    return built;
  }

  /** list-public-keys JSON for the given keys (all used keys by default), Value as base64 DER. */
  publicKeysJson(keys: FixtureKey[] = this.keys): string {
    return JSON.stringify({
      PublicKeyList: keys.map((k) => ({
        ValidityStartTime: k.validityStart.getTime() / 1000,
        ValidityEndTime: k.validityEnd.getTime() / 1000,
        Value: k.der.toString('base64'),
        Fingerprint: k.fingerprint,
      })),
    });
  }

  /** A mirror folder in ctrail's documented format: objects, digest sidecars, manifest and key cache. */
  writeMirror(dir: string, bucket: string, opts: { keyRoot?: string; window: { start: Date; end: Date }; keys?: FixtureKey[]; manifest?: boolean }): void {
    const keyRoot = opts.keyRoot ?? '';
    for (const [key, obj] of this.buckets.get(bucket) ?? []) {
      if (!key.startsWith(keyRoot)) continue;
      const path = join(dir, ...key.slice(keyRoot.length).split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, obj.body);
      if (obj.metadata) {
        writeFileSync(`${path}.s3-metadata.json`, JSON.stringify({ format: 'ctrail-s3-metadata/1', bucket, key, metadata: obj.metadata }, null, 2));
      }
    }
    mkdirSync(join(dir, 'ctrail-public-keys'), { recursive: true });
    writeFileSync(join(dir, 'ctrail-public-keys', 'all.json'), this.publicKeysJson(opts.keys));
    if (opts.manifest !== false) {
      writeFileSync(
        join(dir, 'ctrail-mirror.json'),
        JSON.stringify({
          format: 'ctrail-mirror/1',
          source: `s3://${bucket}/${keyRoot}`,
          bucket,
          keyRoot,
          createdAt: new Date().toISOString(),
          metadataOnly: false,
          window: { start: opts.window.start.toISOString(), end: opts.window.end.toISOString() },
          accounts: [],
          regions: [],
          publicKeys: { all: 'ctrail-public-keys/all.json' },
          objects: [],
        }),
      );
    }
  }
}

function gunzipOne(body: Buffer): Buffer {
  // Fixture log files are single-member gzip, so the whole inflate is the first member.
  return gunzipSync(body);
}

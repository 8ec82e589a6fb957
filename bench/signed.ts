import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildDigestKey, parseLogKey } from '../src/cloudtrail/layout.js';
import { makeKey, TrailFixture } from '../test/helpers/trail-fixture.js';
import { trailDir, type CorpusManifest } from './corpus-common.js';

/**
 * A locally signed copy of the bench corpus, as a mirror folder `ctrail validate DIR` accepts: hourly digest
 * chains per account/region naming every log file with the SHA-256 of its uncompressed bytes, signed with an
 * RSA key generated here. Signing, sidecars, the public-keys file and the manifest come from the test fixture
 * builder, so the bench validates exactly the formats the tests do. Log files are hard links to the corpus.
 */
export const SIGNED_VERSION = 1;
const BUCKET = 'bench-trail-bucket';
const TRAIL = 'bench-trail';
const HOME_REGION = 'us-east-1';
const HOUR = 3_600_000;

export interface SignedCopy {
  dir: string;
  /** Window covering every digest: the start of the first to the end of the last. */
  start: string;
  end: string;
  digests: number;
  logFiles: number;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** First and last eventTime of a log file; the corpus writes each file's records in time order. */
function eventTimeRange(json: Buffer): { oldest: string; newest: string } {
  const needle = Buffer.from('"eventTime":"');
  const first = json.indexOf(needle);
  const last = json.lastIndexOf(needle);
  const at = (i: number) => json.toString('latin1', i + needle.length, i + needle.length + 20);
  return { oldest: at(first), newest: at(last) };
}

/** Builds the signed copy into <corpusDir>/signed unless a complete one for this corpus is there. */
export function ensureSignedCopy(corpusDir: string, m: CorpusManifest, log?: (line: string) => void): SignedCopy {
  const dir = join(corpusDir, 'signed');
  const stampPath = join(dir, 'bench-signed.json');
  if (existsSync(stampPath)) {
    const s = JSON.parse(readFileSync(stampPath, 'utf8')) as SignedCopy & { version: number; corpusVersion: number; bytesTarget: number };
    if (s.version === SIGNED_VERSION && s.corpusVersion === m.version && s.bytesTarget === m.bytesTarget && s.logFiles === m.files.length) {
      return { dir, start: s.start, end: s.end, digests: s.digests, logFiles: s.logFiles };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const trail = trailDir(corpusDir);
  const key = makeKey('pkcs1', new Date('2026-01-01T00:00:00Z'));
  const fixture = new TrailFixture();
  fixture.useKey(key);

  // Group log files by account/region and by the hour of their delivery stamp: one digest per hour.
  const chains = new Map<string, Map<number, string[]>>();
  for (const f of m.files) {
    const info = parseLogKey(f);
    if (!info) throw new Error(`corpus file ${f} is not in the trail layout`);
    const scope = `${info.account}|${info.region}`;
    const hours = chains.get(scope) ?? chains.set(scope, new Map()).get(scope)!;
    const hourEnd = Math.floor(info.time.getTime() / HOUR) * HOUR + HOUR;
    (hours.get(hourEnd) ?? hours.set(hourEnd, []).get(hourEnd)!).push(f);
  }
  let first = Infinity;
  let last = -Infinity;
  let digests = 0;
  for (const [scope, hours] of chains) {
    const [account, region] = scope.split('|') as [string, string];
    const ends = [...hours.keys()].sort((a, b) => a - b);
    first = Math.min(first, ends[0]! - HOUR);
    last = Math.max(last, ends[ends.length - 1]!);
    let prev: { key: string; sha256: string; signature: string; end: number } | undefined;
    // Every hour gets a digest, an empty one too, so the chain has no gap.
    for (let end = ends[0]!; end <= ends[ends.length - 1]!; end += HOUR) {
      const logFiles = (hours.get(end) ?? []).map((f) => {
        const body = readFileSync(join(trail, ...f.split('/')));
        const json = gunzipSync(body);
        const range = eventTimeRange(json);
        return { s3Bucket: BUCKET, s3Object: f, hashValue: createHash('sha256').update(json).digest('hex'), hashAlgorithm: 'SHA-256', newestEventTime: range.newest, oldestEventTime: range.oldest };
      });
      const digestKey = buildDigestKey({ prefix: '', account, region, trailName: TRAIL, homeRegion: HOME_REGION, end: new Date(end) });
      const doc: Record<string, unknown> = {
        awsAccountId: account,
        digestStartTime: iso(new Date(prev ? prev.end : end - HOUR)),
        digestEndTime: iso(new Date(end)),
        digestS3Bucket: BUCKET,
        digestS3Object: digestKey,
        digestPublicKeyFingerprint: key.fingerprint,
        digestSignatureAlgorithm: 'SHA256withRSA',
        newestEventTime: logFiles.length ? logFiles[logFiles.length - 1]!.newestEventTime : null,
        oldestEventTime: logFiles.length ? logFiles[0]!.oldestEventTime : null,
        previousDigestS3Bucket: prev ? BUCKET : null,
        previousDigestS3Object: prev?.key ?? null,
        previousDigestHashValue: prev?.sha256 ?? null,
        previousDigestHashAlgorithm: prev ? 'SHA-256' : null,
        previousDigestSignature: prev?.signature ?? null,
        logFiles,
      };
      const signed = fixture.putDigest({ bucket: BUCKET, key: digestKey, signer: key, doc });
      prev = { key: digestKey, ...signed, end };
      digests++;
    }
    log?.(`signed copy: ${account} ${region}: ${ends.length} hours`);
  }
  const window = { start: new Date(first), end: new Date(last) };
  fixture.writeMirror(dir, BUCKET, { window });
  for (const f of m.files) {
    const to = join(dir, ...f.split('/'));
    mkdirSync(dirname(to), { recursive: true });
    try {
      linkSync(join(trail, ...f.split('/')), to);
    } catch {
      copyFileSync(join(trail, ...f.split('/')), to);
    }
  }
  const copy: SignedCopy = { dir, start: iso(window.start), end: iso(window.end), digests, logFiles: m.files.length };
  // Written last: its presence means the copy is complete.
  writeFileSync(stampPath, JSON.stringify({ version: SIGNED_VERSION, corpusVersion: m.version, bytesTarget: m.bytesTarget, ...copy }));
  return copy;
}

import { gunzipSync } from 'node:zlib';
import { CtrailError, describeError } from '../errors.js';
import { describeAwsError } from '../source/aws.js';
import { hashFirstGzipMember, type FirstMemberResult } from '../decode/gzip-members.js';
import { DigestFormatError, isChainStart, parseDigest, signingString, type ParsedDigest } from './digest.js';
import { KeyLoadError, SignatureHexError, verifySignature, type KeyRing } from './keys.js';
import { buildDigestKey, dayFolders, digestFolder, parseDigestKey, relativeToAwsLogs, stampToDate, type DigestKeyInfo } from '../cloudtrail/layout.js';
import type { Limiter } from './limit.js';
import { WHOLE_READ_LIMIT, type LogHasher, type LogHashResult } from './log-hash.js';
import type { Problem, ProblemKind } from './problems.js';
import { isNotFound, type TrailView } from './view.js';
import { isoTime } from '../cloudtrail/time.js';

export interface Window {
  start: Date;
  end: Date;
}

export interface Verdict {
  uri: string;
  valid: boolean;
  /** Reference wording after "INVALID: ", when invalid. */
  message?: string;
  kind?: ProblemKind;
}

export type WalkEntry =
  | ({ type: 'digest' } & Verdict)
  | ({ type: 'log' } & Verdict)
  | { type: 'gap'; from: string; to: string };

export interface ChainReport {
  trailName: string;
  homeRegion: string;
  backfill: boolean;
  entries: WalkEntry[];
  problems: Problem[];
  gaps: Array<{ from: Date; to: Date }>;
  foundStart?: Date;
  foundEnd?: Date;
  /** invalid counts not-found digests too (the reference's N/M); missing adds the estimated consecutive deletions. */
  digests: { valid: number; invalid: number; notFound: number; missing: number };
  logs: { valid: number; invalid: number; missing: number };
  /** URIs of log files named by any digest this chain read (valid or not), for the unreferenced check. */
  referenced: Set<string>;
  newestListed?: Date;
}

/** Where a (bucket, key) pair is read from: the trail's own view, another bucket, or a relocated copy. */
export interface Located {
  view: TrailView;
  key: string;
}

export interface ChainDeps {
  window: Window;
  limiter: Limiter;
  /** Keys for the digest's region (fetched once per region and window). */
  keys(region: string): Promise<KeyRing>;
  /** Backfill digests may be signed with a key outside the window: look around their generation time. */
  backfillKeys(region: string, around: Date): Promise<KeyRing>;
  viewFor(bucket: string): TrailView | undefined;
  allowCopy: boolean;
  /** Hashes the log files (in process or in worker threads). */
  hasher: LogHasher;
  /** How many digests may be fetched ahead of the walk. */
  prefetch: number;
  /** Called after each digest or log file verdict (progress line). */
  onChecked?: (what: 'digest' | 'log') => void;
}

type Fetched =
  | { ok: true; digest: ParsedDigest; metadata: Record<string, string> }
  | { ok: false; kind: ProblemKind; message: string; digest?: ParsedDigest; metadata?: Record<string, string> };

const HOUR = 3_600_000;

/** Seconds, as CloudTrail and `aws cloudtrail validate-logs` print times. */
const fmt = (d: Date): string => isoTime(d, 's');

/** Timestamp of a digest key, also for keys a pointer names outside the expected layout. */
function keyTime(key: string): { stamp: string; time: Date } {
  const info = parseDigestKey(key);
  if (info) return { stamp: info.stamp, time: info.time };
  const stamp = key.endsWith('_backfill.json.gz') ? key.slice(-33, -17) : key.slice(-24, -8);
  return { stamp, time: stampToDate(stamp) };
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/**
 * Walks one digest chain newest → oldest as `aws cloudtrail validate-logs` does, producing the same verdicts,
 * plus the checks the reference skips: previous-digest hash/signature cross-checks and every digest in a run
 * of consecutive deletions.
 */
export class ChainWalker {
  private readonly report: ChainReport;
  private readonly fetches = new Map<string, Promise<Fetched>>();
  private readonly logChecks: Array<Promise<void>> = [];
  /** Relocation learnt from the first digest of a copy: original bucket/root → where we read. */
  /**
   * Problems in walk order: a log file's slot is taken when its digest is read and filled when its hash is
   * known, so the JSON problem list does not depend on which check finished first (or on the thread count).
   */
  private readonly problemSlots: Array<Problem | undefined> = [];
  private relocation: { fromBucket: string; fromRoot: string; toView: TrailView; toRoot: string } | undefined;
  private copyReported = false;

  constructor(
    private readonly deps: ChainDeps,
    private view: TrailView,
    private listed: DigestKeyInfo[],
    readonly trailName: string,
    readonly homeRegion: string,
    readonly region: string,
    readonly backfill: boolean,
  ) {
    this.report = {
      trailName,
      homeRegion,
      backfill,
      entries: [],
      problems: [],
      gaps: [],
      digests: { valid: 0, invalid: 0, notFound: 0, missing: 0 },
      logs: { valid: 0, invalid: 0, missing: 0 },
      referenced: new Set(),
      ...(listed.length ? { newestListed: listed[listed.length - 1]!.time } : {}),
    };
  }

  private fetch(view: TrailView, key: string): Promise<Fetched> {
    const id = `${view.bucket}\0${key}`;
    let p = this.fetches.get(id);
    if (!p) {
      p = this.deps.limiter.run(() => this.fetchNow(view, key));
      this.fetches.set(id, p);
    }
    return p;
  }

  private async fetchNow(view: TrailView, key: string): Promise<Fetched> {
    let bytes: Buffer;
    let metadata: Record<string, string>;
    try {
      const obj = await view.get(key, true);
      metadata = obj.metadata;
      bytes = await readAll(obj.body);
    } catch (err) {
      if (isNotFound(err)) return { ok: false, kind: 'digest-not-found', message: 'not found' };
      return { ok: false, kind: 'digest-error', message: describeAwsError(err) };
    }
    let digest: ParsedDigest;
    try {
      digest = parseDigest(gunzipSync(bytes));
    } catch (err) {
      if (err instanceof DigestFormatError || err instanceof Error) return { ok: false, kind: 'digest-invalid-format', message: 'invalid format' };
      throw err;
    }
    if (!metadata['signature'] || !metadata['signature-algorithm']) {
      return { ok: false, kind: 'digest-signature-failed', message: 'signature verification failed', digest, metadata };
    }
    return { ok: true, digest, metadata };
  }

  private prefetchFrom(index: number): void {
    for (let i = index; i >= 0 && i > index - this.deps.prefetch; i--) void this.fetch(this.view, this.listed[i]!.key);
  }

  private async verify(view: TrailView, key: string): Promise<Fetched> {
    const f = await this.fetch(view, key);
    if (!f.ok) return f;
    const d = f.digest;
    if (d.digestS3Bucket !== view.bucket || d.digestS3Object !== key) {
      const copy = this.copyOf(view, key, d);
      if (!copy) return { ...f, ok: false, kind: 'digest-moved', message: 'has been moved from its original location' };
      if (!this.deps.allowCopy) {
        this.noteCopy(view, key, d, false);
        return { ...f, ok: false, kind: 'digest-moved', message: 'has been moved from its original location' };
      }
      this.noteCopy(view, key, d, true);
    }
    let ring: KeyRing;
    try {
      ring = this.backfill
        ? await this.deps.backfillKeys(this.region, new Date(f.metadata['backfill-generation-timestamp'] ?? d.digestEndTime))
        : await this.deps.keys(this.region);
    } catch (err) {
      if (err instanceof CtrailError) throw err;
      return { ...f, ok: false, kind: 'digest-error', message: describeError(err) };
    }
    if (this.backfill && !f.metadata['backfill-generation-timestamp']) {
      return { ...f, ok: false, kind: 'digest-invalid-format', message: 'invalid format' };
    }
    const fp = d.digestPublicKeyFingerprint;
    if (!ring.has(fp)) {
      return { ...f, ok: false, kind: 'digest-key-not-found', message: `public key not found in region ${this.region} for fingerprint ${fp}` };
    }
    try {
      const keyObject = ring.keyObject(fp)!;
      if (!verifySignature(signingString(d), f.metadata['signature']!, keyObject)) {
        return { ...f, ok: false, kind: 'digest-signature-failed', message: 'signature verification failed' };
      }
    } catch (err) {
      if (err instanceof KeyLoadError) return { ...f, ok: false, kind: 'digest-key-unloadable', message: `Unable to load PKCS #1 key with fingerprint ${fp}` };
      if (err instanceof SignatureHexError) return { ...f, ok: false, kind: 'digest-error', message: err.message };
      return { ...f, ok: false, kind: 'digest-signature-failed', message: 'signature verification failed' };
    }
    return f;
  }

  /** A digest whose recorded location has the same key below AWSLogs/ but another bucket or prefix is a copy. */
  private copyOf(view: TrailView, key: string, d: ParsedDigest): { fromRoot: string; toRoot: string } | undefined {
    const here = relativeToAwsLogs(key);
    const there = relativeToAwsLogs(d.digestS3Object);
    if (!here || !there || here.rest !== there.rest) return undefined;
    if (d.digestS3Bucket === view.bucket && here.root === there.root) return undefined;
    return { fromRoot: there.root, toRoot: here.root };
  }

  private noteCopy(view: TrailView, key: string, d: ParsedDigest, allowed: boolean): void {
    const here = relativeToAwsLogs(key)!;
    const there = relativeToAwsLogs(d.digestS3Object)!;
    if (!this.relocation) this.relocation = { fromBucket: d.digestS3Bucket, fromRoot: there.root, toView: view, toRoot: here.root };
    if (this.copyReported) return;
    this.copyReported = true;
    this.problemSlots.push({
      kind: allowed ? 'copy-allowed' : 'copy',
      key: view.uri(here.root),
      detail: allowed
        ? `this is a copy of s3://${d.digestS3Bucket}/${there.root}; digests and log files verified at their copied location (--allow-copy)`
        : `this is a copy of s3://${d.digestS3Bucket}/${there.root}: every digest reads as moved; use --allow-copy to verify hashes and signatures of the copy`,
    });
  }

  locate(bucket: string, key: string): Located | undefined {
    const r = this.relocation;
    if (r && this.deps.allowCopy && bucket === r.fromBucket && key.startsWith(r.fromRoot)) {
      return { view: r.toView, key: r.toRoot + key.slice(r.fromRoot.length) };
    }
    if (bucket === this.view.bucket) return { view: this.view, key };
    const other = this.deps.viewFor(bucket);
    return other ? { view: other, key } : undefined;
  }

  private push(entry: WalkEntry): void {
    this.report.entries.push(entry);
    if (entry.type === 'digest') this.deps.onChecked?.('digest');
  }

  private invalidDigest(uri: string, kind: ProblemKind, message: string): void {
    this.report.digests.invalid++;
    if (kind === 'digest-not-found') {
      this.report.digests.notFound++;
      this.report.digests.missing++;
    }
    this.push({ type: 'digest', uri, valid: false, message, kind });
    this.problemSlots.push({ kind, key: uri, detail: message });
  }

  private checkLogs(d: ParsedDigest): void {
    const checks = d.logFiles.map((ref) => {
      const loc = this.locate(ref.s3Bucket, ref.s3Object);
      return { loc, expectedHash: ref.hashValue };
    });
    const verdicts = checkLogFiles(checks, this.deps.hasher, this.deps.limiter);
    checks.forEach(({ loc }, i) => {
      const ref = d.logFiles[i]!;
      const uri = loc ? loc.view.uri(loc.key) : `s3://${ref.s3Bucket}/${ref.s3Object}`;
      const entry: WalkEntry = { type: 'log', uri, valid: false };
      this.push(entry);
      const slot = this.problemSlots.push(undefined) - 1;
      this.logChecks.push(
        verdicts[i]!.then((verdict) => {
          Object.assign(entry, verdict);
          this.deps.onChecked?.('log');
          if (verdict.valid) this.report.logs.valid++;
          else {
            this.report.logs.invalid++;
            if (verdict.kind === 'log-not-found') this.report.logs.missing++;
            this.problemSlots[slot] = { kind: verdict.kind!, key: uri, detail: verdict.message! };
          }
        }),
      );
    });
  }

  private recordReferences(d: ParsedDigest): void {
    for (const ref of d.logFiles) {
      const loc = this.locate(ref.s3Bucket, ref.s3Object);
      this.report.referenced.add(loc ? loc.view.uri(loc.key) : `s3://${ref.s3Bucket}/${ref.s3Object}`);
    }
  }

  async walk(): Promise<ChainReport> {
    const { start, end } = this.deps.window;
    let index = this.listed.length - 1;
    const popOlderThan = (stamp: string): DigestKeyInfo | undefined => {
      while (index >= 0) {
        const k = this.listed[index--]!;
        if (k.stamp < stamp) return k;
      }
      return undefined;
    };
    let current: { key: string; stamp: string; time: Date } | undefined = popOlderThan('99999999T999999Z');
    let lastStart = current?.time;
    /** The valid digest whose previous-pointer led to `current`. */
    let pointedFrom: ParsedDigest | undefined;
    /** A pointer target that was missing: the next digest found tells how many more vanished with it. */
    let missingRun: { key: string; time: Date; cadence: number } | undefined;

    while (current && lastStart && start.getTime() <= lastStart.getTime()) {
      // Digests of a mirror are read synchronously, so without this the whole walk would run before any log
      // file is handed to a hashing thread (or any hash result is taken back).
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.prefetchFrom(index);
      const view = this.view;
      const uri = view.uri(current.key);
      const f = await this.verify(view, current.key);

      if (missingRun) {
        this.reportConsecutiveMissing(missingRun, current);
        missingRun = undefined;
      }
      if (pointedFrom && (f.ok || f.digest)) this.crossCheck(pointedFrom, f.digest!, f.metadata ?? {}, uri);
      if (f.ok || f.digest) this.recordReferences(f.digest!);

      if (!f.ok) {
        this.invalidDigest(uri, f.kind, f.message);
        if (f.kind === 'digest-not-found' && pointedFrom) {
          missingRun = { key: current.key, time: current.time, cadence: cadenceOf(pointedFrom) };
        }
        pointedFrom = undefined;
        const next = popOlderThan(current.stamp);
        current = next && { key: next.key, stamp: next.stamp, time: next.time };
        continue;
      }

      const d = f.digest;
      this.report.digests.valid++;
      this.push({ type: 'digest', uri, valid: true });
      lastStart = d.start;
      const fs = new Date(Math.max(d.start.getTime(), start.getTime()));
      const fe = new Date(Math.min(d.end.getTime(), end.getTime()));
      if (!this.report.foundStart || fs < this.report.foundStart) this.report.foundStart = fs;
      if (!this.report.foundEnd || fe > this.report.foundEnd) this.report.foundEnd = fe;
      this.checkLogs(d);

      if (isChainStart(d)) {
        pointedFrom = undefined;
        const next = popOlderThan(current.stamp);
        if (next) {
          this.push({ type: 'gap', from: fmt(next.time), to: d.digestStartTime });
          this.report.gaps.push({ from: next.time, to: d.start });
        }
        current = next && { key: next.key, stamp: next.stamp, time: next.time };
        continue;
      }
      pointedFrom = d;
      const prevBucket = d.previousDigestS3Bucket!;
      const prevKey = d.previousDigestS3Object!;
      const loc = this.locate(prevBucket, prevKey);
      if (!loc) {
        this.invalidDigest(`s3://${prevBucket}/${prevKey}`, 'digest-not-found', 'not found');
        pointedFrom = undefined;
        const next = popOlderThan(keyTime(prevKey).stamp);
        current = next && { key: next.key, stamp: next.stamp, time: next.time };
        continue;
      }
      if (loc.view !== this.view) {
        // The chain moved buckets: continue in the other bucket's own listing, as the reference does.
        this.view = loc.view;
        this.listed = await listChainDigests(loc.view, loc.key, { start, end: d.end }, this.backfill);
        index = this.listed.length - 1;
      }
      const t = keyTime(loc.key);
      current = { key: loc.key, stamp: t.stamp, time: t.time };
    }
    if (missingRun) this.reportConsecutiveMissing(missingRun, undefined);
    await Promise.all(this.logChecks);
    for (const p of this.problemSlots) if (p) this.report.problems.push(p);
    return this.report;
  }

  /** The reference reports only the first of N deleted digests in a row; estimate and report the others. */
  private reportConsecutiveMissing(run: { key: string; time: Date; cadence: number }, found: { key: string; time: Date } | undefined): void {
    const info = parseDigestKey(run.key);
    if (!info) return;
    const floor = found ? found.time.getTime() : this.deps.window.start.getTime();
    for (let t = run.time.getTime() - run.cadence; t > floor + run.cadence / 2; t -= run.cadence) {
      if (!found && t < this.deps.window.start.getTime()) break;
      const expected = buildDigestKey({ ...info, end: new Date(t) });
      const uri = this.view.uri(expected);
      this.report.digests.missing++;
      this.problemSlots.push({
        kind: 'digest-missing',
        key: uri,
        detail: `digest expected about ${fmt(new Date(t))} is missing: ${found ? `between ${fmt(found.time)} and` : 'before'} the missing digest ${fmt(run.time)} (consecutive deletion)`,
      });
    }
  }

  /** previousDigestHashValue / previousDigestSignature must describe the digest they point to. */
  private crossCheck(newer: ParsedDigest, older: ParsedDigest, olderMetadata: Record<string, string>, uri: string): void {
    const issues: string[] = [];
    if (newer.previousDigestHashValue && newer.previousDigestHashValue.toLowerCase() !== older.sha256) {
      issues.push(`previousDigestHashValue ${newer.previousDigestHashValue} of the newer digest differs from this digest's SHA-256 ${older.sha256}`);
    }
    const sig = olderMetadata['signature'];
    if (newer.previousDigestSignature && sig && newer.previousDigestSignature.toLowerCase() !== sig.toLowerCase()) {
      issues.push(`previousDigestSignature of the newer digest differs from this digest's signature metadata`);
    }
    if (issues.length) this.problemSlots.push({ kind: 'chain-mismatch', key: uri, detail: issues.join('; ') });
  }
}

function cadenceOf(d: ParsedDigest): number {
  const span = d.end.getTime() - d.start.getTime();
  return span >= 15 * 60_000 && span <= 2 * HOUR ? span : HOUR;
}

export interface LogCheck {
  loc: Located | undefined;
  expectedHash: string;
}

/**
 * Verdicts for the log files one digest names, in the reference's words. Files of a mirror go to the hasher
 * as paths, all at once (whoever hashes them reads them); S3 objects are fetched within the request limit and
 * their bytes handed over. Unreadable files are read again through their store, which words the error.
 */
export function checkLogFiles(checks: LogCheck[], hasher: LogHasher, limiter: Limiter): Array<Promise<Verdict>> {
  const verdicts: Array<Promise<Verdict>> = new Array(checks.length);
  const local: Array<{ i: number; path: string }> = [];
  checks.forEach((c, i) => {
    const path = c.loc?.view.localPath(c.loc.key);
    if (path !== undefined) local.push({ i, path });
    else verdicts[i] = limiter.run(() => checkLogFile(c.loc, c.expectedHash, hasher));
  });
  if (local.length) {
    const results = hasher.hash(local.map(({ path }) => ({ path })));
    local.forEach(({ i }, n) => {
      const c = checks[i]!;
      verdicts[i] = results.then((r) => {
        const result = r[n]!;
        if ('unreadable' in result) return limiter.run(() => checkLogFile(c.loc, c.expectedHash, hasher));
        return verdictOf(c.loc!.view.uri(c.loc!.key), result, c.expectedHash);
      });
    });
  }
  return verdicts;
}

/** Verdict for one log file named by a valid digest, read through its store. */
async function checkLogFile(loc: Located | undefined, expectedHash: string, hasher: LogHasher): Promise<Verdict> {
  const uri = loc ? loc.view.uri(loc.key) : '';
  if (!loc) return { uri, valid: false, kind: 'log-not-found', message: 'not found' };
  let obj: Awaited<ReturnType<TrailView['get']>>;
  try {
    obj = await loc.view.get(loc.key);
  } catch (err) {
    if (isNotFound(err)) return { uri, valid: false, kind: 'log-not-found', message: 'not found' };
    return { uri, valid: false, kind: 'log-error', message: describeAwsError(err) };
  }
  let result: LogHashResult;
  try {
    if (obj.size !== undefined && obj.size <= WHOLE_READ_LIMIT) {
      result = (await hasher.hash([{ bytes: await readAll(obj.body) }]))[0]!;
    } else {
      // Unknown or large size: stream it here rather than hold it whole.
      result = await hashFirstGzipMember(obj.body);
    }
  } catch (err) {
    if (isNotFound(err)) return { uri, valid: false, kind: 'log-not-found', message: 'not found' };
    return { uri, valid: false, kind: 'log-error', message: describeAwsError(err) };
  }
  if ('unreadable' in result) return { uri, valid: false, kind: 'log-error', message: 'could not be read' };
  return verdictOf(uri, result, expectedHash);
}

function verdictOf(uri: string, result: FirstMemberResult, expectedHash: string): Verdict {
  if (result.outcome === 'corrupt') return { uri, valid: false, kind: 'log-invalid-format', message: 'invalid format' };
  if (result.sha256 !== expectedHash.toLowerCase()) return { uri, valid: false, kind: 'log-hash-mismatch', message: "hash value doesn't match" };
  if (result.trailingBytes > 0) {
    return { uri, valid: false, kind: 'log-appended-data', message: 'unexpected data after end of compressed stream' };
  }
  return { uri, valid: true };
}

/**
 * Digest keys of one chain folder in [start, end + 1 h] (the extra hour catches files delivered just after the
 * window), ascending. `sample` is any key of the chain: it names folder, trail and home region.
 */
export async function listChainDigests(view: TrailView, sample: string, window: Window, backfill: boolean): Promise<DigestKeyInfo[]> {
  const info = parseDigestKey(sample);
  if (!info) return [];
  const all = await listDigestFolder(view, info, window);
  return all.filter((k) => k.trailName === info.trailName && k.homeRegion === info.homeRegion && k.backfill === backfill);
}

export async function listDigestFolder(
  view: TrailView,
  scope: { prefix: string; orgId?: string; account: string; region: string },
  window: Window,
): Promise<DigestKeyInfo[]> {
  const folder = digestFolder(scope);
  const last = new Date(window.end.getTime() + HOUR);
  const out: DigestKeyInfo[] = [];
  for (const day of dayFolders(window.start, last)) {
    for await (const key of view.keys(folder + day)) {
      const k = parseDigestKey(key);
      if (!k || k.account !== scope.account || k.region !== scope.region) continue;
      if (k.time < window.start || k.time > last) continue;
      out.push(k);
    }
  }
  out.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.key < b.key ? -1 : 1));
  return out;
}

import { isChainStart, type ParsedDigest } from './digest.js';
import { DigestSource, keyTime, listChainDigests, type Fetched, type Window } from './digest-source.js';
import { buildDigestKey, parseDigestKey, type DigestKeyInfo } from '../cloudtrail/layout.js';
import type { Limiter } from './limit.js';
import { checkLogFiles, type Located, type Verdict } from './log-check.js';
import type { LogHasher } from './log-hash.js';
import type { Problem, ProblemKind } from './problems.js';
import { chainMismatch, verifyDigest, type CopySighting, type KeyProvider } from './verify-digest.js';
import type { TrailView } from './view.js';
import { isoTime } from '../cloudtrail/time.js';

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

export interface ChainDeps extends KeyProvider {
  window: Window;
  limiter: Limiter;
  viewFor(bucket: string): TrailView | undefined;
  allowCopy: boolean;
  /** Hashes the log files (in process or in worker threads). */
  hasher: LogHasher;
  /** How many digests may be fetched ahead of the walk. */
  prefetch: number;
  /** Called after each digest or log file verdict (progress line). */
  onChecked?: (what: 'digest' | 'log') => void;
}

const HOUR = 3_600_000;

/** Seconds, as CloudTrail and `aws cloudtrail validate-logs` print times. */
const fmt = (d: Date): string => isoTime(d, 's');

/**
 * Walks one digest chain newest → oldest as `aws cloudtrail validate-logs` does, producing the same verdicts,
 * plus the checks the reference skips: previous-digest hash/signature cross-checks and every digest in a run
 * of consecutive deletions.
 */
export class ChainWalker {
  private readonly report: ChainReport;
  private readonly digests: DigestSource;
  private readonly logChecks: Array<Promise<void>> = [];
  /**
   * Problems in walk order: a log file's slot is taken when its digest is read and filled when its hash is
   * known, so the JSON problem list does not depend on which check finished first (or on the thread count).
   */
  private readonly problemSlots: Array<Problem | undefined> = [];
  /** Relocation learnt from the first digest of a copy: original bucket/root → where we read. */
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
    this.digests = new DigestSource(deps.limiter);
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

  private async verify(view: TrailView, key: string): Promise<Fetched> {
    const fetched = await this.digests.fetch(view, key);
    const { result, copy } = await verifyDigest(fetched, view, key, {
      region: this.region,
      backfill: this.backfill,
      allowCopy: this.deps.allowCopy,
      keyProvider: this.deps,
    });
    if (copy) this.noteCopy(view, copy);
    return result;
  }

  private noteCopy(view: TrailView, copy: CopySighting): void {
    if (!this.relocation) this.relocation = { fromBucket: copy.fromBucket, fromRoot: copy.fromRoot, toView: view, toRoot: copy.toRoot };
    if (this.copyReported) return;
    this.copyReported = true;
    this.problemSlots.push({
      kind: copy.allowed ? 'copy-allowed' : 'copy',
      key: view.uri(copy.toRoot),
      detail: copy.allowed
        ? `this is a copy of s3://${copy.fromBucket}/${copy.fromRoot}; digests and log files verified at their copied location (--allow-copy)`
        : `this is a copy of s3://${copy.fromBucket}/${copy.fromRoot}: every digest reads as moved; use --allow-copy to verify hashes and signatures of the copy`,
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
      this.digests.prefetch(this.view, this.listed, index, this.deps.prefetch);
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
        this.listed = await listChainDigests(loc.view, loc.key, { start, end: d.end }, this.backfill, this.deps.limiter);
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
    const detail = chainMismatch(newer, older, olderMetadata);
    if (detail) this.problemSlots.push({ kind: 'chain-mismatch', key: uri, detail });
  }
}

function cadenceOf(d: ParsedDigest): number {
  const span = d.end.getTime() - d.start.getTime();
  return span >= 15 * 60_000 && span <= 2 * HOUR ? span : HOUR;
}

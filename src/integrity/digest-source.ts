import { gunzipSync } from 'node:zlib';
import { describeAwsError } from '../source/aws.js';
import { DigestFormatError, parseDigest, type ParsedDigest } from './digest.js';
import { dayFolders, digestFolder, parseDigestKey, stampToDate, type DigestKeyInfo } from '../cloudtrail/layout.js';
import type { Limiter } from './limit.js';
import type { ProblemKind } from './problems.js';
import { isNotFound, readAll, type TrailView } from './view.js';

export interface Window {
  start: Date;
  end: Date;
}

/** A digest as read: parsed with its S3 metadata, or the reason it could not be (the parse is kept when there is one). */
export type Fetched =
  | { ok: true; digest: ParsedDigest; metadata: Record<string, string> }
  | { ok: false; kind: ProblemKind; message: string; digest?: ParsedDigest; metadata?: Record<string, string> };

const HOUR = 3_600_000;

/**
 * Fetches and parses digests within the request limit, each (bucket, key) once: the walker asks for a digest
 * both when it prefetches ahead and when it reaches it.
 */
export class DigestSource {
  private readonly fetches = new Map<string, Promise<Fetched>>();

  constructor(private readonly limiter: Limiter) {}

  fetch(view: TrailView, key: string): Promise<Fetched> {
    const id = `${view.bucket}\0${key}`;
    let p = this.fetches.get(id);
    if (!p) {
      p = this.limiter.run(() => fetchDigest(view, key));
      this.fetches.set(id, p);
    }
    return p;
  }

  /** Starts fetching `listed[index]` and up to `count - 1` older digests before them, without waiting. */
  prefetch(view: TrailView, listed: DigestKeyInfo[], index: number, count: number): void {
    for (let i = index; i >= 0 && i > index - count; i--) void this.fetch(view, listed[i]!.key);
  }
}

async function fetchDigest(view: TrailView, key: string): Promise<Fetched> {
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

/** Timestamp of a digest key, also for keys a pointer names outside the expected layout. */
export function keyTime(key: string): { stamp: string; time: Date } {
  const info = parseDigestKey(key);
  if (info) return { stamp: info.stamp, time: info.time };
  const stamp = key.endsWith('_backfill.json.gz') ? key.slice(-33, -17) : key.slice(-24, -8);
  return { stamp, time: stampToDate(stamp) };
}

/**
 * Digest keys of one chain folder in [start, end + 1 h] (the extra hour catches files delivered just after the
 * window), ascending. `sample` is any key of the chain: it names folder, trail and home region.
 */
export async function listChainDigests(view: TrailView, sample: string, window: Window, backfill: boolean, limiter: Limiter): Promise<DigestKeyInfo[]> {
  const info = parseDigestKey(sample);
  if (!info) return [];
  const all = await listDigestFolder(view, info, window, limiter);
  return all.filter((k) => k.trailName === info.trailName && k.homeRegion === info.homeRegion && k.backfill === backfill);
}

export async function listDigestFolder(
  view: TrailView,
  scope: { prefix: string; orgId?: string; account: string; region: string },
  window: Window,
  limiter: Limiter,
): Promise<DigestKeyInfo[]> {
  const last = new Date(window.end.getTime() + HOUR);
  const out = await keptPerDay(view, digestFolder(scope), dayFolders(window.start, last), limiter, (key) => {
    const k = parseDigestKey(key);
    if (!k || k.account !== scope.account || k.region !== scope.region) return undefined;
    return k.time < window.start || k.time > last ? undefined : k;
  });
  out.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.key < b.key ? -1 : 1));
  return out;
}

/**
 * What `keep` returns for each key of the day folders, in day order. The days are listed at once, each
 * listing within the request limit, so a long window costs one round of listings, not one after another.
 */
export async function keptPerDay<T>(view: TrailView, folder: string, days: readonly string[], limiter: Limiter, keep: (key: string) => T | undefined): Promise<T[]> {
  const perDay = await Promise.all(
    days.map((day) =>
      limiter.run(async () => {
        const kept: T[] = [];
        for await (const key of view.keys(folder + day)) {
          const v = keep(key);
          if (v !== undefined) kept.push(v);
        }
        return kept;
      }),
    ),
  );
  return perDay.flat();
}

import { constants } from 'node:fs';
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { asConfigErrorIfFatal, describeAwsError } from '../source/aws.js';
import type { StoredObject } from '../source/object-store.js';
import type { Window } from './digest-source.js';
import { publicKeysToJson } from './keys.js';
import { dayFolders, digestFolder, logFolder, parseDigestKey, parseLogKey } from '../cloudtrail/layout.js';
import { Limiter } from './limit.js';
import { inProcessLogHasher, type LogHasher } from './log-hash.js';
import { JOURNAL_FILE, KEYS_DIR, MANIFEST_FILE, readRecords, type ManifestObject, type MirrorManifest, type TrailStatusSeen } from './manifest.js';
import { fetchChecked, hashFile, plainEtag, type Fetched } from './mirror-copy.js';
import { trustDigest } from './mirror-digest.js';
import { LocalWriteError, MirrorTarget, classifyLocal, localMessage, targetFor, type Refusal } from './mirror-target.js';
import type { Problem } from './problems.js';
import type { KeySource } from './public-keys.js';
import { discoverScopes } from './validate.js';
import { SIDECAR_SUFFIX, type Sidecar, type TrailView } from './view.js';
import { isoTime } from '../cloudtrail/time.js';

export interface MirrorRequest {
  view: TrailView;
  prefix: string;
  dir: string;
  window: Window;
  accounts: string[];
  regions: string[];
  jobs: number;
  metadataOnly: boolean;
  keys: KeySource;
  /** Hashes log files against their digests (the injected seam; in process by default). */
  hasher?: LogHasher;
  /** Overrides the probe of the target file system (tests of case folding on a case-sensitive one). */
  caseInsensitive?: boolean;
  /** Asks CloudTrail for the trail's status (GetTrailStatus); absent offline. */
  trailStatus?: (trailArn: string, homeRegion: string) => Promise<TrailStatusSeen>;
  onProgress?: (text: string) => void;
}

export interface MirrorResult {
  manifest: MirrorManifest;
  copied: number;
  kept: number;
  /** Objects a verified digest names that S3 does not have: mirrored as missing; validate reports them. */
  absent: number;
  /** Objects not copied, each named (they fail the run). */
  problems: Problem[];
  /** Digests that did not verify: mirrored as they are, but the log files they name were not fetched. */
  untrusted: Array<{ key: string; why: string }>;
}

const HOUR = 3_600_000;

/** One object to copy: where the listing saw it, and the hash a verified digest gives its content. */
interface Wanted {
  listed?: { size: number; etag?: string };
  expectedHash?: string;
}

/**
 * Copies what `ctrail validate` reads for the window, byte for byte: digests (with their S3 metadata in a
 * sidecar), the log files verified digests name and every log file in the window's folders, plus the public
 * keys and a manifest. Each file is written under a temporary name and renamed once its bytes check out;
 * files an earlier run completed are kept when unchanged, so a re-run resumes (docs/mirror.md).
 */
export async function mirrorTrail(req: MirrorRequest): Promise<MirrorResult> {
  let target: MirrorTarget;
  try {
    target = await MirrorTarget.open(req.dir, req.caseInsensitive);
  } catch (err) {
    // The folder itself cannot be made or written: the run ends here, in one line.
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new LocalWriteError(req.dir, code, localMessage(err, req.dir));
  }
  return new MirrorRun(req, target, await readRecords(req.dir)).run();
}

/** A folder's listing: its objects, or why it was not listed (`fatal` ends the run). */
type Listing = { objects: StoredObject[] } | { refused: { kind: 'copy-failed'; detail: string } } | { fatal: Error };

class MirrorRun {
  private readonly limiter: Limiter;
  private readonly hasher: LogHasher;
  private readonly objects = new Map<string, ManifestObject>();
  private readonly problems: Problem[] = [];
  private readonly untrusted: MirrorResult['untrusted'] = [];
  private readonly wanted = new Map<string, Wanted>();
  private copied = 0;
  private kept = 0;
  private absent = 0;
  private done = 0;
  private journal: FileHandle | undefined;
  /** Set by the first run-ending local error (full disk): queued objects are then left alone. */
  private stopped: LocalWriteError | undefined;

  constructor(
    private readonly req: MirrorRequest,
    private readonly target: MirrorTarget,
    private readonly records: Map<string, ManifestObject>,
  ) {
    this.limiter = new Limiter(req.jobs);
    this.hasher = req.hasher ?? inProcessLogHasher();
  }

  async run(): Promise<MirrorResult> {
    const { req } = this;
    let scopes = await discoverScopes(req.view, req.prefix);
    if (req.accounts.length) scopes = scopes.filter((s) => req.accounts.includes(s.account));
    if (req.regions.length) scopes = scopes.filter((s) => req.regions.includes(s.region));
    const digests: Array<{ key: string; region: string }> = [];
    const regions = new Set<string>();
    const last = new Date(req.window.end.getTime() + HOUR);
    const folders: Array<{ prefix: string; each: (o: StoredObject) => void }> = [];
    for (const scope of scopes) {
      regions.add(scope.region);
      // The window's day folders, and the hour after it (files delivered just after the window), as validate reads them.
      for (const day of dayFolders(req.window.start, last)) {
        folders.push({
          prefix: digestFolder(scope) + day,
          each: (o) => {
            const k = parseDigestKey(o.key);
            if (!k) this.misfit(o.key, 'digest');
            else if (k.account === scope.account && k.region === scope.region && k.time >= req.window.start && k.time <= last) digests.push({ key: o.key, region: scope.region });
          },
        });
        folders.push({
          prefix: logFolder(scope) + day,
          each: (o) => {
            if (parseLogKey(o.key)) this.wanted.set(o.key, { listed: { size: o.size, ...(o.etag ? { etag: o.etag } : {}) } });
            else this.misfit(o.key, 'log');
          },
        });
      }
    }
    // Listed at once within --jobs (an organization's folders, one after another, were a listing per day and
    // folder in a row), and taken in the order above, each as soon as those before it are, so the copy is
    // planned as before and a listing is let go once taken.
    const listings: Array<Promise<Listing> | undefined> = folders.map((f) => this.limiter.run(() => this.listFolder(f.prefix)));
    for (const [i, f] of folders.entries()) {
      const listing = await listings[i]!;
      listings[i] = undefined;
      if ('fatal' in listing) throw listing.fatal;
      if ('refused' in listing) this.refuse(f.prefix, listing.refused);
      else for (const o of listing.objects) f.each(o);
    }
    digests.sort((a, b) => (a.key < b.key ? -1 : 1));
    this.journal = await this.openJournal();
    try {
      await this.each(digests, (d) => this.copyDigest(d.key, d.region));
      await this.each([...this.wanted.keys()], (key) => this.copyLog(key));
      if (this.stopped) throw this.stopped;
      const publicKeys = await this.writeKeys(regions);
      const trailStatus = await this.readTrailStatus(digests.map((d) => d.key));
      const manifest = await this.writeManifest(publicKeys, trailStatus);
      await this.journal.close();
      this.journal = undefined;
      await unlink(join(this.target.root, JOURNAL_FILE)).catch(() => undefined);
      this.problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return { manifest, copied: this.copied, kept: this.kept, absent: this.absent, problems: this.problems, untrusted: this.untrusted };
    } finally {
      await this.journal?.close().catch(() => undefined);
    }
  }

  /** A folder whose listing finally fails is named as not copied; the other folders are still read. */
  private async listFolder(prefix: string): Promise<Listing> {
    const objects: StoredObject[] = [];
    try {
      for await (const o of this.req.view.list(prefix)) objects.push(o);
      return { objects };
    } catch (err) {
      const fatal = asConfigErrorIfFatal(err, this.req.view.uri(prefix));
      if (fatal) return { fatal };
      return { refused: { kind: 'copy-failed', detail: `listing failed (${describeAwsError(err)}); objects in this folder may be missing from the copy` } };
    }
  }

  /** A key in a trail folder that is not a CloudTrail file name: never fetched, named as hostile. Folder markers ("…/") are no files. */
  private misfit(key: string, kind: 'digest' | 'log'): void {
    if (key.endsWith('/')) return;
    this.refuse(key, { kind: 'hostile-key', detail: `is in a ${kind === 'digest' ? 'digest' : 'log file'} folder but does not fit the CloudTrail key layout; refused` });
  }

  private async each<T>(items: T[], task: (item: T) => Promise<void>): Promise<void> {
    await Promise.all(
      items.map((item) =>
        this.limiter.run(async () => {
          if (this.stopped) return;
          try {
            await task(item);
          } catch (err) {
            if (!(err instanceof LocalWriteError)) throw err;
            this.stopped ??= err;
          }
          this.req.onProgress?.(`mirrored ${++this.done} objects`);
        }),
      ),
    );
  }

  private async openJournal(): Promise<FileHandle> {
    const path = join(this.target.root, JOURNAL_FILE);
    try {
      return await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o644);
    } catch (err) {
      classifyLocal(err, path);
      throw new LocalWriteError(path, 'ELOOP', `${JOURNAL_FILE} in the mirror folder is not a regular file`);
    }
  }

  private refuse(key: string, r: Refusal | { kind: 'copy-failed'; detail: string }, size = 0): void {
    // A key both listed and named by a digest is refused once.
    if (this.objects.get(key)?.state === 'refused') return;
    this.problems.push({ kind: r.kind, key: this.req.view.uri(key), detail: r.detail });
    this.objects.set(key, { key, state: r.kind === 'copy-failed' ? 'failed' : 'refused', size, sha256: '', problem: `${r.kind}: ${r.detail}` });
  }

  private async record(o: ManifestObject): Promise<void> {
    this.objects.set(o.key, o);
    try {
      await this.journal!.write(`${JSON.stringify(o)}\n`);
    } catch (err) {
      classifyLocal(err, JOURNAL_FILE);
    }
  }

  /** The checked mirror path of a key, its folders created; undefined (and a problem) when it has none. */
  private async place(key: string, kind: 'digest' | 'log'): Promise<{ path: string; segments: string[] } | undefined> {
    const t = targetFor(key, this.req.prefix, kind);
    if (!t.ok) return void this.refuse(key, t);
    const refused = this.target.claim(key, t.segments) ?? (await this.target.folders(t.segments));
    if (refused) return void this.refuse(key, refused);
    return { path: this.target.path(t.segments), segments: t.segments };
  }

  private async copyDigest(key: string, region: string): Promise<void> {
    const at = await this.place(key, 'digest');
    if (!at) return;
    const got = await fetchChecked(this.req.view, key, this.target, dirname(at.path));
    if (!got.ok) return this.lost(key, got);
    const f = got.fetched;
    let trust;
    try {
      const bytes = f.size <= 64 * 1024 * 1024 ? await readFile(f.partial) : Buffer.alloc(0);
      trust = await trustDigest(bytes, f.metadata, this.req.view.bucket, key, region, this.req.keys);
    } catch (err) {
      await unlink(f.partial).catch(() => undefined);
      throw err;
    }
    // What a verified digest names is fetched even if this digest's own file cannot be placed.
    if (trust.verified) {
      for (const ref of trust.digest.logFiles) {
        if (ref.s3Bucket !== this.req.view.bucket) continue;
        const w = this.wanted.get(ref.s3Object) ?? {};
        w.expectedHash ??= ref.hashValue.toLowerCase();
        this.wanted.set(ref.s3Object, w);
      }
    } else this.untrusted.push({ key, why: trust.why });
    if (!(await this.settle(key, at.path, f))) return;
    const sidecarRel = at.segments.join('/') + SIDECAR_SUFFIX;
    const sidecar: Sidecar = { format: 'ctrail-s3-metadata/1', bucket: this.req.view.bucket, key, ...(f.etag ? { etag: f.etag } : {}), metadata: f.metadata };
    const written = await this.target.writeWhole(at.path + SIDECAR_SUFFIX, `${JSON.stringify(sidecar, null, 2)}\n`);
    if (written) return this.refuse(key, written);
    await this.record({ key, state: 'complete', size: f.size, sha256: f.sha256, ...(f.etag ? { etag: f.etag } : {}), sidecar: sidecarRel });
  }

  private async copyLog(key: string): Promise<void> {
    const want = this.wanted.get(key)!;
    const at = await this.place(key, 'log');
    if (!at) return;
    const keepable = await this.keepable(key, at.path, want);
    if (keepable) {
      const digestHash = await this.digestHash(at.path, want);
      await this.record({ ...keepable, ...(digestHash ? { digestHash } : {}) });
      this.kept++;
      return;
    }
    let got = await fetchChecked(this.req.view, key, this.target, dirname(at.path));
    if (!got.ok) return this.lost(key, got);
    let digestHash = await this.digestHash(got.fetched.partial, want);
    if (digestHash === 'mismatch') {
      // Fetch once more: the same bytes twice are what S3 serves (validate will judge them); others were a fault.
      const again = await fetchChecked(this.req.view, key, this.target, dirname(at.path));
      if (!again.ok) {
        await unlink(got.fetched.partial).catch(() => undefined);
        return this.lost(key, again);
      }
      const first = got.fetched;
      got = again;
      digestHash = await this.digestHash(got.fetched.partial, want);
      if (digestHash === 'mismatch' && first.sha256 !== got.fetched.sha256) {
        await unlink(first.partial).catch(() => undefined);
        await unlink(got.fetched.partial).catch(() => undefined);
        return this.refuse(key, { kind: 'copy-failed', detail: 'two fetches gave different bytes, neither with the hash its signed digest gives' });
      }
      await unlink(first.partial).catch(() => undefined);
    }
    const f = got.fetched;
    if (!(await this.settle(key, at.path, f))) return;
    await this.record({ key, state: 'complete', size: f.size, sha256: f.sha256, ...(f.etag ? { etag: f.etag } : {}), ...(digestHash ? { digestHash } : {}) });
  }

  /**
   * A file already at the path that may stay without a fetch: ctrail's own complete copy, unchanged since and
   * still what S3 lists, or (an `aws s3 sync` copy) a file whose MD5 is the ETag S3 lists for the key.
   */
  private async keepable(key: string, path: string, want: Wanted): Promise<ManifestObject | undefined> {
    const occ = await this.target.occupant(path);
    if (occ.type !== 'file') return undefined;
    const rec = this.records.get(key);
    const listed = want.listed;
    const { sha256, md5 } = await hashFile(path);
    if (rec?.state === 'complete' && rec.size === occ.size && rec.sha256 === sha256) {
      const changed = listed && (listed.size !== rec.size || (listed.etag && rec.etag && listed.etag !== rec.etag));
      if (changed) return undefined;
      const { digestHash: _, ...kept } = rec;
      return kept;
    }
    const etag = plainEtag(listed?.etag);
    if (listed && etag && listed.size === occ.size && md5 === etag) return { key, state: 'complete', size: occ.size, sha256, etag: listed.etag! };
    return undefined;
  }

  /** Whether a log file's content has the hash its verified digest gives (undefined: no verified digest names it). */
  private async digestHash(path: string, want: Wanted): Promise<'match' | 'mismatch' | undefined> {
    if (!want.expectedHash) return undefined;
    const [r] = await this.hasher.hash([{ path }]);
    if (!r || 'unreadable' in r) return 'mismatch';
    return r.outcome !== 'corrupt' && r.sha256 === want.expectedHash ? 'match' : 'mismatch';
  }

  /**
   * Gives fetched bytes their final name. A file already there stays when it holds the same bytes; it is
   * replaced only when it is ctrail's own copy of this key (an earlier run's, now stale or damaged), or when
   * --metadata-only says the folder's files are an earlier copy of the bucket.
   * Anything else there (a link, a folder, someone's file) is refused, never written through.
   */
  private async settle(key: string, path: string, f: Fetched): Promise<boolean> {
    const occ = await this.target.occupant(path);
    try {
      if (occ.type === 'other') {
        this.refuse(key, { kind: 'target-occupied', detail: `the mirror path is ${occ.what}; not followed or overwritten` }, f.size);
        return false;
      }
      if (occ.type === 'file') {
        const rec = this.records.get(key);
        if ((await hashFile(path)).sha256 === f.sha256) {
          this.kept++;
          return true;
        }
        // --metadata-only names the files in the folder as an earlier copy of this bucket: one that differs is replaced.
        if (rec?.state !== 'complete' && !this.req.metadataOnly) {
          this.refuse(key, { kind: 'target-occupied', detail: 'a file with other content is at the mirror path and is not ctrail\'s copy of this object; not overwritten' }, f.size);
          return false;
        }
      }
      try {
        await this.target.commit(f.partial, path);
      } catch (err) {
        this.refuse(key, classifyLocal(err, path), f.size);
        return false;
      }
      this.copied++;
      return true;
    } finally {
      await unlink(f.partial).catch(() => undefined);
    }
  }

  private lost(key: string, got: { ok: false; absent: true } | { ok: false; refused: Refusal } | { ok: false; failed: string }): void {
    if ('absent' in got) {
      this.absent++;
      this.objects.set(key, { key, state: 'absent', size: 0, sha256: '' });
      return;
    }
    if ('refused' in got) return this.refuse(key, got.refused);
    this.refuse(key, { kind: 'copy-failed', detail: got.failed });
  }

  private async writeKeys(regions: Set<string>): Promise<Record<string, string>> {
    const publicKeys: Record<string, string> = {};
    for (const region of [...regions].sort()) await this.req.keys.keys(region);
    const refused = await this.target.folders([KEYS_DIR, '']);
    if (refused) throw new LocalWriteError(KEYS_DIR, 'ELOOP', `${KEYS_DIR}: ${refused.detail}`);
    for (const [region, entries] of this.req.keys.fetched()) {
      const name = `${region === '*' ? 'keys' : region}.json`;
      const failed = await this.target.writeWhole(this.target.path([KEYS_DIR, name]), publicKeysToJson(entries));
      if (failed) throw new LocalWriteError(KEYS_DIR, 'EEXIST', `${KEYS_DIR}/${name}: ${failed.detail}`);
      publicKeys[region] = `${KEYS_DIR}/${name}`;
    }
    return publicKeys;
  }

  /** GetTrailStatus of each trail the digests name, once; what could not be read is recorded as such. */
  private async readTrailStatus(digestKeys: string[]): Promise<TrailStatusSeen[] | undefined> {
    if (!this.req.trailStatus) return undefined;
    const trails = new Map<string, string>();
    for (const k of digestKeys) {
      const info = parseDigestKey(k);
      if (info) trails.set(`arn:aws:cloudtrail:${info.homeRegion}:${info.account}:trail/${info.trailName}`, info.homeRegion);
    }
    const out: TrailStatusSeen[] = [];
    for (const [arn, home] of [...trails].sort()) out.push(await this.req.trailStatus(arn, home));
    return out;
  }

  private async writeManifest(publicKeys: Record<string, string>, trailStatus: TrailStatusSeen[] | undefined): Promise<MirrorManifest> {
    const { req } = this;
    const objects = [...this.objects.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const manifest: MirrorManifest = {
      format: 'ctrail-mirror/1',
      source: req.view.uri(req.prefix),
      bucket: req.view.bucket,
      keyRoot: req.prefix,
      createdAt: isoTime(new Date()),
      metadataOnly: req.metadataOnly,
      complete: this.problems.length === 0,
      window: { start: isoTime(req.window.start), end: isoTime(req.window.end) },
      accounts: req.accounts,
      regions: req.regions,
      publicKeys,
      ...(trailStatus ? { trailStatus } : {}),
      objects,
    };
    const failed = await this.target.writeWhole(this.target.path([MANIFEST_FILE]), `${JSON.stringify(manifest, null, 2)}\n`);
    if (failed) throw new LocalWriteError(MANIFEST_FILE, 'EEXIST', `${MANIFEST_FILE}: ${failed.detail}`);
    return manifest;
  }
}

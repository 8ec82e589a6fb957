import type { ObjectStore, StoredObject } from './object-store.js';
import type { InputUnit, ScanScope, Source, UnitOrProblem } from './types.js';
import { ListingError } from './s3-retry.js';
import { ACCOUNT_RE, ORG_RE, regionFolders, dayFolders, fileNameTime, folderInWindow, keyWindow, type KeyWindow } from '../cloudtrail/layout.js';
import { MIRROR_FILES } from './mirror-files.js';

/**
 * Lists a store (S3 bucket or local folder) the way the trail layout allows: below `AWSLogs/` it descends
 * one delimiter listing at a time and opens only the org, account, product, region and day folders the
 * scope can match, so a window of a day in a bucket of years costs a handful of requests. Outside the
 * layout it lists everything, because any file may be a log.
 */
type Level = 'free' | 'awslogs' | 'org' | 'product' | 'region' | 'year' | 'month' | 'day' | 'files';

/**
 * Up to this many days, a window's day folders are named one request each; past it, the years, months and
 * days that exist are listed first (one request per year and per month seen).
 */
const NAMED_DAYS = 14;
const DAY_MS = 86_400_000;

const LAYOUT_AFTER_AWSLOGS: Level[] = ['awslogs', 'product', 'region', 'year', 'month', 'day', 'files'];

export class TrailSource implements Source {
  readonly label: string;
  readonly readsByPlace = true;
  constructor(
    private readonly store: ObjectStore,
    private readonly root: string,
  ) {
    this.label = store.display(root);
  }

  async *units(scope: ScanScope, signal?: AbortSignal): AsyncIterable<UnitOrProblem> {
    const ctx: WalkContext = {
      scope,
      window: keyWindow(scope.start, scope.end),
      accounts: scope.accounts?.length ? new Set(scope.accounts) : undefined,
      // The extra folders a global region opens are screened on their bytes for the asked region (the --region
      // needle) before any record is parsed.
      regions: regionFolders(scope.regions),
      categories: new Set(scope.categories?.length ? scope.categories : ['management', 'data']),
      signal,
    };
    const start = levelOf(this.root);
    if (start.level === 'free' && this.root !== '' && !this.root.endsWith('/')) {
      // `s3://bucket/some/key`: either one object or a folder named without its slash.
      let found = false;
      for await (const e of this.store.list(this.root, { delimiter: '/', signal })) {
        if ('object' in e && e.object.key === this.root) {
          found = true;
          yield { unit: this.unit(e.object) };
        } else if ('commonPrefix' in e && e.commonPrefix === this.root + '/') {
          found = true;
          yield* this.walk(e.commonPrefix, levelOf(e.commonPrefix).level, ctx);
        }
      }
      if (!found) yield { problem: { source: this.label, problem: 'no such object or prefix' } };
      return;
    }
    yield* this.walk(this.root, start.level, ctx, start.year, start.month);
    yield* this.repeats();
  }

  private *repeats(): Iterable<UnitOrProblem> {
    for (const r of this.store.takeRepeats?.() ?? []) {
      yield { problem: { source: this.store.display(r.key), problem: `symbolic link loop: the same folder as ${this.store.display(r.sameAs)}, already read; not read again` } };
    }
  }

  private unit(o: StoredObject): InputUnit {
    const store = this.store;
    const localPath = store.localPath?.(o.key);
    return {
      name: store.display(o.key),
      size: o.size,
      sortKey: o.key,
      ...(localPath !== undefined ? { localPath } : {}),
      open: (signal?: AbortSignal) => ({
        async *[Symbol.asyncIterator]() {
          const { body } = await store.get(o.key, signal);
          yield* body;
        },
      }),
    };
  }

  /**
   * A listing that still fails after its retries costs only its own folder: it is named, and the walk goes
   * on with the folders beside it.
   */
  private async *walk(prefix: string, level: Level, ctx: WalkContext, year?: number, month?: number): AsyncIterable<UnitOrProblem> {
    try {
      yield* this.walkLevel(prefix, level, ctx, year, month);
    } catch (err) {
      if (!(err instanceof ListingError) || ctx.signal?.aborted) throw err;
      yield { problem: { source: this.store.display(err.prefix), problem: `${err.message}; what is under it was not read` } };
    }
  }

  private async *walkLevel(prefix: string, level: Level, ctx: WalkContext, year?: number, month?: number): AsyncIterable<UnitOrProblem> {
    if (level === 'files') {
      for await (const e of this.store.list(prefix, { signal: ctx.signal })) {
        if (!('object' in e)) continue;
        const t = fileNameTime(e.object.key.slice(e.object.key.lastIndexOf('/') + 1));
        if (ctx.window && t && t.getTime() < ctx.window.earliestFileTime) continue;
        if (e.object.key.endsWith(SIDECAR_SUFFIX)) continue;
        yield { unit: this.unit(e.object) };
      }
      return;
    }
    if (level === 'region' && ctx.window && (ctx.window.lastDay - ctx.window.firstDay) / DAY_MS < NAMED_DAYS) {
      // A short window names its day folders directly: cheaper than listing years and months. A wide one
      // (`--start 3650d`) would probe thousands of days that do not exist, so it falls through to the
      // year / month / day listings below, which open only the folders that exist and meet the window.
      for await (const region of this.children(prefix, ctx)) {
        if (ctx.regions && !ctx.regions.has(region.name)) continue;
        for (const day of dayFolders(ctx.window.firstDay, ctx.window.lastDay)) yield* this.walk(region.prefix + day, 'files', ctx);
      }
      return;
    }
    for await (const child of this.childrenAndObjects(prefix, ctx)) {
      if ('object' in child) {
        if (level === 'free') {
          const not = notALog(child.object.key);
          if (not) yield { skipped: this.store.display(child.object.key), reason: not };
          else yield { unit: this.unit(child.object) };
        }
        continue;
      }
      const name = child.name;
      switch (level) {
        case 'free':
          if (name === KEYS_DIR && prefix === this.root) yield { skipped: this.store.display(child.prefix), reason: 'ctrail mirror public keys, not logs' };
          else yield* this.walk(child.prefix, name === 'AWSLogs' ? 'awslogs' : 'free', ctx);
          break;
        case 'awslogs':
        case 'org':
          if (level === 'awslogs' && ORG_RE.test(name)) yield* this.walk(child.prefix, 'org', ctx);
          else if (ACCOUNT_RE.test(name)) {
            if (!ctx.accounts || ctx.accounts.has(name)) yield* this.walk(child.prefix, 'product', ctx);
          } else yield { skipped: this.store.display(child.prefix), reason: 'not an account folder' };
          break;
        case 'product': {
          const wanted =
            name === 'CloudTrail' ? ctx.categories.has('management') || ctx.categories.has('data') : name === 'CloudTrail-Insight' ? ctx.categories.has('insight') : false;
          if (wanted) yield* this.walk(child.prefix, 'region', ctx);
          else if (name !== 'CloudTrail-Insight') {
            yield { skipped: this.store.display(child.prefix), reason: name === 'CloudTrail-Digest' ? 'digest files, not logs' : `not CloudTrail logs (${name})` };
          }
          break;
        }
        case 'region':
          if (!ctx.regions || ctx.regions.has(name)) yield* this.walk(child.prefix, 'year', ctx);
          break;
        case 'year':
          if (folderInWindow(ctx.window, Number(name))) yield* this.walk(child.prefix, 'month', ctx, Number(name));
          break;
        case 'month':
          if (folderInWindow(ctx.window, year!, Number(name))) yield* this.walk(child.prefix, 'day', ctx, year, Number(name));
          break;
        case 'day':
          if (folderInWindow(ctx.window, year!, month!, Number(name))) yield* this.walk(child.prefix, 'files', ctx);
          break;
      }
    }
  }

  private async *children(prefix: string, ctx: WalkContext): AsyncIterable<{ name: string; prefix: string }> {
    for await (const c of this.childrenAndObjects(prefix, ctx)) if (!('object' in c)) yield c;
  }

  private async *childrenAndObjects(prefix: string, ctx: WalkContext): AsyncIterable<{ name: string; prefix: string } | { object: StoredObject }> {
    for await (const e of this.store.list(prefix, { delimiter: '/', signal: ctx.signal })) {
      if ('object' in e) yield e;
      else yield { name: e.commonPrefix.slice(prefix.length, -1), prefix: e.commonPrefix };
    }
  }
}

interface WalkContext {
  scope: ScanScope;
  window: KeyWindow | undefined;
  accounts: Set<string> | undefined;
  regions: Set<string> | undefined;
  categories: Set<string>;
  signal: AbortSignal | undefined;
}

const MANIFEST_FILE = MIRROR_FILES.manifest;
const KEYS_DIR = MIRROR_FILES.keysDir;
const SIDECAR_SUFFIX = MIRROR_FILES.sidecarSuffix;

/** Why a key outside the layout is not read as a log: digests and ctrail mirror's own files. */
function notALog(key: string): string | undefined {
  if (key.includes('/CloudTrail-Digest/') || /_CloudTrail-Digest_/.test(key)) return 'digest file, not a log';
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (name === MANIFEST_FILE || name === MIRROR_FILES.journal || name.endsWith(SIDECAR_SUFFIX)) return 'ctrail mirror metadata, not a log';
  if (name.startsWith(MIRROR_FILES.partialPrefix)) return 'an unfinished ctrail mirror download, not a log';
  return undefined;
}

/** Where a root prefix already sits inside the layout, so a walk can start there. */
function levelOf(root: string): { level: Level; year?: number; month?: number } {
  const idx = root.lastIndexOf('AWSLogs/');
  if (idx < 0 || (idx > 0 && root[idx - 1] !== '/')) return { level: 'free' };
  if (!root.endsWith('/')) return { level: 'free' };
  const segs = root.slice(idx + 'AWSLogs/'.length).split('/').filter(Boolean);
  if (segs[0] && ORG_RE.test(segs[0])) segs.shift();
  const level = LAYOUT_AFTER_AWSLOGS[Math.min(segs.length, LAYOUT_AFTER_AWSLOGS.length - 1)]!;
  if (segs.length === 0 && ORG_RE.test(root.slice(idx + 8).split('/')[0] ?? '')) return { level: 'org' };
  const out: { level: Level; year?: number; month?: number } = { level };
  if (segs[3]) out.year = Number(segs[3]);
  if (segs[4]) out.month = Number(segs[4]);
  return out;
}

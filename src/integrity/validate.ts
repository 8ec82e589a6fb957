import { ChainWalker, type ChainReport } from './chain.js';
import { keptPerDay, listDigestFolder, type Window } from './digest-source.js';
import { ORG_RE, dayFolders, digestFolder, logFolder, parseLogKey, type FolderScope } from '../cloudtrail/layout.js';
import { Limiter } from './limit.js';
import { inProcessLogHasher, type LogHasher } from './log-hash.js';
import type { Problem } from './problems.js';
import type { KeySource } from './public-keys.js';
import type { TrailView } from './view.js';
import { explainTail, statusFor } from './tail.js';
import { isoTime } from '../cloudtrail/time.js';

export interface TrailInfo {
  arn: string;
  name: string;
  homeRegion: string;
  bucket: string;
  prefix: string;
  isOrganizationTrail: boolean;
  isMultiRegionTrail: boolean;
}

export interface ValidateRequest {
  view: TrailView;
  /** Trail S3KeyPrefix + "/" (or ""). */
  prefix: string;
  window: Window;
  trail?: TrailInfo;
  accounts: string[];
  regions: string[];
  jobs: number;
  /** Where log files are hashed (default: on this thread). The caller closes it. */
  hasher?: LogHasher;
  allowCopy: boolean;
  keys: KeySource;
  viewFor(bucket: string): TrailView | undefined;
  now: Date;
  /**
   * TrailStatusSeen[]: GetTrailStatus as read now, or as a mirror's manifest recorded it (unchecked, hence
   * unknown; statusFor checks it). Explains an uncovered end of the window.
   */
  trailStatus?: unknown;
  /** Any uncovered end of the window fails. */
  strict?: boolean;
  onProgress?: (text: string) => void;
}

export interface ScopeReport extends FolderScope {
  chains: ChainReport[];
  /** Problems found across the folder: unreferenced logs, tail, gaps, no digests. */
  problems: Problem[];
  unreferenced: number;
}

export interface ValidationReport {
  window: Window;
  source: string;
  trail?: TrailInfo;
  scopes: ScopeReport[];
  notices: Problem[];
}

const HOUR = 3_600_000;

/** Seconds, as CloudTrail and `aws cloudtrail validate-logs` print times. */
const fmt = (d: Date): string => isoTime(d, 's');

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Every account/region folder under <prefix>AWSLogs/, org folders included: an org trail needs no extra flags. */
export async function discoverScopes(view: TrailView, prefix: string): Promise<FolderScope[]> {
  const scopes: FolderScope[] = [];
  const accountRoots: Array<{ orgId?: string; account: string; root: string }> = [];
  for (const folder of await collect(view.folders(`${prefix}AWSLogs/`))) {
    const name = folder.slice(`${prefix}AWSLogs/`.length, -1);
    if (ORG_RE.test(name)) {
      for (const sub of await collect(view.folders(folder))) {
        const account = sub.slice(folder.length, -1);
        if (/^\d{12}$/.test(account)) accountRoots.push({ orgId: name, account, root: sub });
      }
    } else if (/^\d{12}$/.test(name)) {
      accountRoots.push({ account: name, root: folder });
    }
  }
  for (const r of accountRoots) {
    const regions = new Set<string>();
    for (const sub of ['CloudTrail-Digest/', 'CloudTrail/']) {
      for (const f of await collect(view.folders(r.root + sub))) regions.add(f.slice(r.root.length + sub.length, -1));
    }
    for (const region of [...regions].sort()) scopes.push({ prefix, ...(r.orgId ? { orgId: r.orgId } : {}), account: r.account, region });
  }
  return scopes;
}

export async function validateTrail(req: ValidateRequest): Promise<ValidationReport> {
  const { window, view } = req;
  const limiter = new Limiter(req.jobs);
  const hasher = req.hasher ?? inProcessLogHasher();
  const notices: Problem[] = [];
  const found = await discoverScopes(view, req.prefix);
  let scopes = found;
  const regions = req.regions.length
    ? req.regions
    : req.trail && !req.trail.isMultiRegionTrail
      ? [req.trail.homeRegion]
      : [];
  if (req.accounts.length) scopes = scopes.filter((s) => req.accounts.includes(s.account));
  if (regions.length) scopes = scopes.filter((s) => regions.includes(s.region));

  const reports: ScopeReport[] = [];
  // Requested but absent folders are reported, never silently skipped.
  for (const account of req.accounts) {
    for (const region of regions.length ? regions : ['*']) {
      if (!scopes.some((s) => s.account === account && (region === '*' || s.region === region))) {
        const scope: FolderScope = { prefix: req.prefix, account, region: region === '*' ? '' : region };
        reports.push({
          ...scope,
          chains: [],
          unreferenced: 0,
          problems: [{ kind: 'no-digests', key: view.uri(`${req.prefix}AWSLogs/${account}/`), detail: `no digest files for account ${account}${region === '*' ? '' : ` in ${region}`}` }],
        });
      }
    }
  }
  for (const s of scopes) {
    if (s.orgId && !req.trail?.isOrganizationTrail) {
      notices.push({
        kind: 'org-trail',
        key: view.uri(`${s.prefix}AWSLogs/${s.orgId}/`),
        detail: `organization trail layout (${s.orgId}): validated under the organization folder (aws cloudtrail validate-logs --s3-bucket would report "No digests found")`,
      });
      break;
    }
  }

  let done = 0;
  const checked = { digest: 0, log: 0 };
  let lastShown = 0;
  const show = () => {
    req.onProgress?.(`${checked.digest} digests, ${checked.log} log files checked; ${done}/${scopes.length} account/region folders done`);
  };
  const onChecked = req.onProgress
    ? (what: 'digest' | 'log') => {
        checked[what]++;
        const now = Date.now();
        if (now - lastShown > 100) {
          lastShown = now;
          show();
        }
      }
    : undefined;
  // A folder's walk reads digests ahead and hands every log file they name to the hashers before the first
  // is hashed, and listing is quick: with every folder walked at once, an organization's trail held all its
  // digests and pending checks together (5 GB, 204 folders: peak RSS 386 MB; a few at a time: 250 MB, no
  // slower). One walk alone already keeps --jobs requests in flight.
  const scopeLimiter = new Limiter(Math.max(2, Math.ceil(req.jobs / 4)));
  const scopeReports = await Promise.all(
    scopes.map(async (scope) => {
      const r = await scopeLimiter.run(() => validateScope(req, scope, limiter, hasher, onChecked));
      done++;
      show();
      return r;
    }),
  );
  reports.push(...scopeReports);
  // Nothing to validate is never a pass: say what was looked for and where (the summary says "No digests found").
  if (!reports.length) notices.push(noScopes(view.uri(`${req.prefix}AWSLogs/`), found.length, regions));
  return { window, source: view.uri(req.prefix), ...(req.trail ? { trail: req.trail } : {}), scopes: reports, notices };
}

/** Why no account/region folder was validated: nothing under AWSLogs/ at all, or none in the regions asked. */
function noScopes(awsLogs: string, foundScopes: number, regions: readonly string[]): Problem {
  const detail = foundScopes && regions.length
    ? `none of the ${foundScopes} account/region folders under ${awsLogs} is in ${regions.join(', ')}`
    : `no account/region folder under ${awsLogs}: not a trail's bucket or prefix (check the prefix), or nothing was delivered there`;
  return { kind: 'no-digests', key: awsLogs, detail };
}

async function validateScope(req: ValidateRequest, scope: FolderScope, limiter: Limiter, hasher: LogHasher, onChecked?: (what: 'digest' | 'log') => void): Promise<ScopeReport> {
  const { window, view } = req;
  const listed = await listDigestFolder(view, scope, window, limiter);
  const groups = new Map<string, typeof listed>();
  for (const k of listed) {
    if (req.trail && (k.trailName !== req.trail.name || k.homeRegion !== req.trail.homeRegion)) continue;
    const id = `${k.backfill ? 1 : 0}\0${k.trailName}\0${k.homeRegion}`;
    const g = groups.get(id) ?? [];
    g.push(k);
    groups.set(id, g);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const chains = await Promise.all(
    ordered.map(([, keys]) => {
      const first = keys[0]!;
      const walker = new ChainWalker(
        { window, limiter, hasher, keys: (r) => req.keys.keys(r), backfillKeys: (r, t) => req.keys.backfillKeys(r, t), viewFor: req.viewFor, allowCopy: req.allowCopy, prefetch: req.jobs, ...(onChecked ? { onChecked } : {}) },
        view,
        keys,
        first.trailName,
        first.homeRegion,
        scope.region,
        first.backfill,
      );
      return walker.walk();
    }),
  );

  const problems: Problem[] = [];
  const folderUri = view.uri(digestFolder(scope));
  const standard = chains.filter((c) => !c.backfill);
  // The digest covering the last hour or so may not be delivered yet (hourly, plus delivery delay).
  const cutoff = new Date(Math.min(window.end.getTime(), req.now.getTime() - 2 * HOUR));
  if (!standard.length) {
    problems.push({ kind: 'no-digests', key: folderUri, detail: `no digest files between ${fmt(window.start)} and ${fmt(window.end)}` });
  }
  for (const c of standard) {
    if (c.newestListed && c.newestListed < cutoff) {
      problems.push(explainTail({ trailName: c.trailName, homeRegion: c.homeRegion, newest: c.newestListed, until: cutoff, folderUri }, statusFor(req.trailStatus, c.trailName, c.homeRegion), Boolean(req.strict)));
    }
  }

  const referenced = new Set<string>();
  for (const c of chains) for (const u of c.referenced) referenced.add(u);
  const unreferenced = await keptPerDay(view, logFolder(scope), dayFolders(window.start, cutoff), limiter, (key) => {
    const info = parseLogKey(key);
    if (!info || info.time < window.start || info.time > cutoff) return undefined;
    const uri = view.uri(key);
    return referenced.has(uri) ? undefined : { uri, time: info.time };
  });
  for (const u of unreferenced) problems.push({ kind: 'unreferenced-log', key: u.uri, detail: 'no digest lists this log file (injected, or its digest was deleted)' });
  for (const c of chains) {
    for (const g of c.gaps) {
      const inside = unreferenced.filter((u) => u.time > g.from && u.time < g.to);
      if (inside.length) {
        problems.push({
          kind: 'gap-suspicious',
          key: folderUri,
          detail: `${inside.length} log file(s) were delivered inside the logging gap ${fmt(g.from)} to ${fmt(g.to)}: digests next to the gap were probably deleted`,
        });
      }
    }
  }
  return { ...scope, chains, problems, unreferenced: unreferenced.length };
}

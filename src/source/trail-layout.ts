import { ConfigError } from '../errors.js';
import type { ObjectStore } from './object-store.js';
import {
  ACCOUNT_RE,
  LOG_PRODUCT,
  ORG_RE,
  REGION_FOLDER_RE,
  accountsFolder,
  dateFolderNumber,
  dayFolderName,
  normalisePrefix,
  relativeToAwsLogs,
} from '../cloudtrail/layout.js';

/**
 * What a trail bucket holds, found by delimiter listings alone (no object is read): the organization id,
 * the accounts and regions that have log folders, and the oldest day folder. `athena setup` builds its
 * partition projection from it.
 */
export interface TrailLayout {
  /** The trail's S3 key prefix before `AWSLogs/`: '' or 'a/b/'. */
  prefix: string;
  orgId?: string;
  /** Sorted. Only accounts with a `CloudTrail/<region>/` folder. */
  accounts: string[];
  /** Sorted, across every account. */
  regions: string[];
  /** `YYYY/MM/DD` of the oldest day folder; undefined when no region folder holds one. */
  firstDay?: string;
  /** Folders below AWSLogs/ that are not part of the layout, named for the user (never read). */
  ignored: string[];
}

export interface DiscoverOptions {
  /** Listings in flight. */
  jobs?: number;
  signal?: AbortSignal;
}

/**
 * Lists `<prefix>AWSLogs/`, each account's `CloudTrail/` folder, then years, months and days, but only as
 * deep as the oldest day needs: after the years of every region, only the regions holding the oldest year
 * have their months listed, and so on. A listing that fails after its retries throws (ListingError): a
 * layout missing an account would build a table that silently misses it.
 */
export async function discoverTrailLayout(store: ObjectStore, opts: DiscoverOptions = {}): Promise<TrailLayout> {
  const jobs = Math.max(1, opts.jobs ?? 16);
  const root = store.rootPrefix.endsWith('/') || store.rootPrefix === '' ? store.rootPrefix : `${store.rootPrefix}/`;
  // A source named inside the layout (s3://b/AWSLogs/o-…/1111…/) still gets the table of the whole trail.
  const prefix = relativeToAwsLogs(root)?.root ?? normalisePrefix(root);
  const ignored: string[] = [];
  // `s3://b/AWSLogs/o-…/` picks that organization's folder where several layouts share one bucket.
  const named = /^AWSLogs\/([^/]+)\//.exec(relativeToAwsLogs(root)?.rest ?? '')?.[1];
  const listed = await folders(store, accountsFolder(prefix), opts.signal);
  const top = named === undefined ? listed : listed.filter((n) => (ORG_RE.test(named) ? n === named : ACCOUNT_RE.test(n)));
  const orgs = top.filter((n) => ORG_RE.test(n));
  const bare = top.filter((n) => ACCOUNT_RE.test(n));
  for (const n of top) if (!ORG_RE.test(n) && !ACCOUNT_RE.test(n)) ignored.push(store.display(`${accountsFolder(prefix)}${n}/`));
  if (orgs.length > 1 || (orgs.length === 1 && bare.length > 0)) {
    const shapes = [...orgs, ...(bare.length ? [`${bare.length} account folder(s) outside an organization`] : [])];
    throw new ConfigError(
      `${store.display(accountsFolder(prefix))} holds more than one trail layout (${shapes.join(', ')}); one table covers one: name the folder of one of them`,
    );
  }
  const orgId = orgs[0];
  const accountNames = orgId ? await folders(store, accountsFolder(prefix, orgId), opts.signal) : bare;
  const base = accountsFolder(prefix, orgId);
  for (const n of accountNames) if (orgId && !ACCOUNT_RE.test(n)) ignored.push(store.display(`${base}${n}/`));

  interface RegionFolder {
    account: string;
    region: string;
    key: string;
  }
  const regionFolders = (
    await mapLimit(accountNames.filter((a) => ACCOUNT_RE.test(a)), jobs, async (account) => {
      const product = `${base}${account}/${LOG_PRODUCT}/`;
      const names = await folders(store, product, opts.signal);
      const out: RegionFolder[] = [];
      for (const region of names) {
        if (REGION_FOLDER_RE.test(region)) out.push({ account, region, key: `${product}${region}/` });
        else ignored.push(store.display(`${product}${region}/`));
      }
      return out;
    })
  ).flat();

  // Oldest year, then oldest month of it, then oldest day, listing only the folders that can hold it.
  let candidates = regionFolders.map((r) => r.key);
  let firstDay: string | undefined;
  const parts: Array<'year' | 'month' | 'day'> = ['year', 'month', 'day'];
  const chosen: number[] = [];
  for (const part of parts) {
    const found = await mapLimit(candidates, jobs, async (key) => {
      const nums = (await folders(store, key, opts.signal)).map((n) => dateFolderNumber(n, part)).filter((n): n is number => n !== undefined);
      return { key, min: nums.length ? Math.min(...nums) : undefined };
    });
    const mins = found.map((f) => f.min).filter((n): n is number => n !== undefined);
    if (!mins.length) break;
    const least = Math.min(...mins);
    chosen.push(least);
    const name = String(least).padStart(part === 'year' ? 4 : 2, '0');
    candidates = found.filter((f) => f.min === least).map((f) => `${f.key}${name}/`);
  }
  if (chosen.length === 3) firstDay = dayFolderName(chosen[0]!, chosen[1]!, chosen[2]!);

  return {
    prefix,
    ...(orgId ? { orgId } : {}),
    accounts: [...new Set(regionFolders.map((r) => r.account))].sort(),
    regions: [...new Set(regionFolders.map((r) => r.region))].sort(),
    ...(firstDay ? { firstDay } : {}),
    ignored,
  };
}

async function folders(store: ObjectStore, prefix: string, signal: AbortSignal | undefined): Promise<string[]> {
  const out: string[] = [];
  for await (const e of store.list(prefix, { delimiter: '/', ...(signal ? { signal } : {}) })) {
    if ('commonPrefix' in e) out.push(e.commonPrefix.slice(prefix.length, -1));
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    // After one failure the answer is lost anyway: the other lanes take no new listing.
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

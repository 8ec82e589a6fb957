import { eventTimeMs, isoBasic, isoTime } from './time.js';

/**
 * The one CloudTrail S3 key layout, for log files and digests:
 *   <P>AWSLogs/[<org>/]<acct>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz
 *   <P>AWSLogs/[<org>/]<acct>/CloudTrail-Digest/<region>/<YYYY>/<MM>/<DD>/<acct>_CloudTrail-Digest_<region>_<trail>_<home>_<YYYYMMDDTHHMMSSZ>[_backfill].json.gz
 * CloudTrail-Insight/ sits beside them with the same folders. Trail names may contain "_", so a digest's
 * trail name is whatever sits between the region and the home region.
 */

/** An AWS Organizations id, as CloudTrail writes it into organization trail keys and log stream names. */
export const ORG_ID = 'o-[a-z0-9]{10,32}';
export const ORG_RE = new RegExp(`^${ORG_ID}$`);
export const ACCOUNT_RE = /^\d{12}$/;

/**
 * The regions that global-service events (IAM, sign-in, STS's global endpoint, CloudFront, …) carry in
 * `awsRegion`, one per partition. A trail delivers them into its HOME region's folder, whatever region
 * they name, so an event of these regions may sit in any region folder of the account.
 */
export const GLOBAL_EVENT_REGIONS: ReadonlySet<string> = new Set(['us-east-1', 'us-gov-west-1', 'cn-north-1']);

export interface FolderScope {
  /** The trail's S3KeyPrefix followed by "/", or "". */
  prefix: string;
  orgId?: string;
  account: string;
  region: string;
}

export interface DigestKeyInfo extends FolderScope {
  key: string;
  trailName: string;
  homeRegion: string;
  /** YYYYMMDDTHHMMSSZ: lexicographic order is time order within one folder. */
  stamp: string;
  time: Date;
  backfill: boolean;
}

export interface LogKeyInfo extends FolderScope {
  key: string;
  time: Date;
}

const ROOT = `^((?:.*\\/)?)AWSLogs\\/(?:(${ORG_ID})\\/)?(\\d{12})\\/`;
const DAY = '\\d{4}\\/\\d{2}\\/\\d{2}\\/';
const DIGEST_KEY = new RegExp(
  `${ROOT}CloudTrail-Digest\\/([a-z0-9-]+)\\/${DAY}(\\d{12})_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\\d{8}T\\d{6}Z)(_backfill)?\\.json\\.gz$`,
);
const LOG_KEY = new RegExp(`${ROOT}CloudTrail\\/([a-z0-9-]+)\\/${DAY}(\\d{12})_CloudTrail_([a-z0-9-]+)_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json\\.gz$`);
const FILE_TIME = /_(\d{8}T\d{4}Z)[_.]/;

/** The time in a digest stamp or a log file's name (`20260314T0405Z`); an invalid Date when it is none. */
export function stampToDate(stamp: string): Date {
  return new Date(eventTimeMs(stamp) ?? NaN);
}

export function parseDigestKey(key: string): DigestKeyInfo | undefined {
  const m = DIGEST_KEY.exec(key);
  if (!m) return undefined;
  const [, prefix, orgId, account, region, nameAccount, nameRegion, trailName, homeRegion, stamp, backfill] = m;
  if (nameAccount !== account || nameRegion !== region) return undefined;
  return {
    key,
    prefix: prefix!,
    ...(orgId ? { orgId } : {}),
    account: account!,
    region: region!,
    trailName: trailName!,
    homeRegion: homeRegion!,
    stamp: stamp!,
    time: stampToDate(stamp!),
    backfill: Boolean(backfill),
  };
}

export function parseLogKey(key: string): LogKeyInfo | undefined {
  const m = LOG_KEY.exec(key);
  if (!m) return undefined;
  const [, prefix, orgId, account, region, nameAccount, nameRegion, stamp] = m;
  if (nameAccount !== account || nameRegion !== region) return undefined;
  return { key, prefix: prefix!, ...(orgId ? { orgId } : {}), account: account!, region: region!, time: stampToDate(stamp!) };
}

/** The delivery minute in a log file's name, also for names that do not follow the rest of the layout. */
export function fileNameTime(file: string): Date | undefined {
  const m = FILE_TIME.exec(file);
  const ms = m ? eventTimeMs(m[1]) : undefined;
  return ms === undefined ? undefined : new Date(ms);
}

export function normalisePrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
}

function accountRoot(s: FolderScope): string {
  return `${s.prefix}AWSLogs/${s.orgId ? `${s.orgId}/` : ''}${s.account}/`;
}

export function digestFolder(s: FolderScope): string {
  return `${accountRoot(s)}CloudTrail-Digest/${s.region}/`;
}

export function logFolder(s: FolderScope): string {
  return `${accountRoot(s)}CloudTrail/${s.region}/`;
}

/** `YYYY/MM/DD` of a UTC day: a day folder's name, and the `day` partition value of an Athena table over the trail. */
export function datePath(t: number | Date): string {
  return isoTime(t, 's').slice(0, 10).replace(/-/g, '/');
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Day folders (`YYYY/MM/DD/`) covering [from, to], oldest first, so listings stay inside a window. */
export function dayFolders(from: number | Date, to: number | Date): string[] {
  const out: string[] = [];
  const last = typeof to === 'number' ? to : to.getTime();
  for (let d = Math.floor((typeof from === 'number' ? from : from.getTime()) / DAY_MS) * DAY_MS; d <= last; d += DAY_MS) out.push(`${datePath(d)}/`);
  return out;
}

export function buildDigestKey(s: FolderScope & { trailName: string; homeRegion: string; end: Date; backfill?: boolean }): string {
  return `${digestFolder(s)}${datePath(s.end)}/${s.account}_CloudTrail-Digest_${s.region}_${s.trailName}_${s.homeRegion}_${isoBasic(s.end)}${s.backfill ? '_backfill' : ''}.json.gz`;
}

export function buildLogKey(s: FolderScope & { delivered: Date; unique: string }): string {
  return `${logFolder(s)}${datePath(s.delivered)}/${s.account}_CloudTrail_${s.region}_${isoBasic(s.delivered, 'min')}_${s.unique}.json.gz`;
}

/** Splits a key or prefix at its `AWSLogs/` folder: the bucket prefix before it, and the layout from it on. */
export function relativeToAwsLogs(key: string): { root: string; rest: string } | undefined {
  const at = key.startsWith('AWSLogs/') ? 0 : key.indexOf('/AWSLogs/') + 1;
  if (at < 0 || (at === 0 && !key.startsWith('AWSLogs/'))) return undefined;
  return { root: key.slice(0, at), rest: key.slice(at) };
}

const ACCOUNT_FOLDER = new RegExp(`^AWSLogs\\/(?:${ORG_ID}\\/)?(\\d{12})\\/`);

/** The account folder a prefix names (`AWSLogs/[o-…/]111122223333/…`), if it reaches that deep. */
export function accountOfLayoutPath(rest: string): string | undefined {
  return ACCOUNT_FOLDER.exec(rest)?.[1];
}

/**
 * How far the key layout may be pruned for a window: the delivery-lag window. A file's name carries its
 * delivery minute, which is after the events it holds; delivery can lag by minutes to hours and cross
 * midnight, so the end of the window is padded by a day. The start is padded by an hour for clock skew
 * between services.
 */
export interface KeyWindow {
  firstDay: number; // epoch ms, UTC midnight
  lastDay: number;
  earliestFileTime: number;
}

export function keyWindow(start: Date | undefined, end: Date | undefined, now = new Date()): KeyWindow | undefined {
  if (!start && !end) return undefined;
  const from = start ? start.getTime() - HOUR_MS : 0;
  const to = (end ?? now).getTime() + DAY_MS;
  return { firstDay: floorDay(from), lastDay: floorDay(to), earliestFileTime: start ? start.getTime() - HOUR_MS : -Infinity };
}

function floorDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Can a year / month / day folder hold keys inside the window? */
export function folderInWindow(w: KeyWindow | undefined, year: number, month?: number, day?: number): boolean {
  if (!w) return true;
  const startMs = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
  const endMs = day !== undefined ? startMs + DAY_MS : month !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
  return endMs > w.firstDay && startMs <= w.lastDay;
}

/**
 * The region folders a region scope must open; undefined for all of them. A global-service event carries
 * us-east-1 (or its partition's global region) but lies in the trail's home-region folder, which the keys
 * do not name: asking for that region opens every region folder of the account.
 */
export function regionFolders(regions: readonly string[] | undefined): Set<string> | undefined {
  if (!regions?.length || regions.some((r) => GLOBAL_EVENT_REGIONS.has(r))) return undefined;
  return new Set(regions);
}

/** The folder of log files below an account folder (beside `CloudTrail-Digest` and `CloudTrail-Insight`). */
export const LOG_PRODUCT = 'CloudTrail';

/** A region folder's name, as CloudTrail spells regions; nothing else may reach a table property or a key. */
export const REGION_FOLDER_RE = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** `<P>AWSLogs/[<org>/]`: where a trail's account folders sit. */
export function accountsFolder(prefix: string, orgId?: string): string {
  return `${prefix}AWSLogs/${orgId ? `${orgId}/` : ''}`;
}

/**
 * A log day folder's key with `${account}`, `${region}` and `${day}` (`YYYY/MM/DD`) left as placeholders:
 * Athena's partition projection (`storage.location.template`) fills them in.
 */
export function logDayFolderTemplate(prefix: string, orgId?: string): string {
  return `${logFolder({ prefix, ...(orgId ? { orgId } : {}), account: '${account}', region: '${region}' })}\${day}`;
}

/** A year, month or day folder's name, as a number, or undefined when the folder is not one. */
export function dateFolderNumber(name: string, part: 'year' | 'month' | 'day'): number | undefined {
  const re = part === 'year' ? /^\d{4}$/ : /^\d{2}$/;
  if (!re.test(name)) return undefined;
  const n = Number(name);
  if (part === 'month' && (n < 1 || n > 12)) return undefined;
  if (part === 'day' && (n < 1 || n > 31)) return undefined;
  return n;
}

/** `YYYY/MM/DD`, as day folders (and Athena's `yyyy/MM/dd` projection) spell a day. */
export function dayFolderName(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
}

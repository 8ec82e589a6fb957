/**
 * CloudTrail S3 key layout for digests and log files:
 *   <P>AWSLogs/[<org>/]<acct>/CloudTrail-Digest/<region>/<YYYY>/<MM>/<DD>/<acct>_CloudTrail-Digest_<region>_<trail>_<home>_<YYYYMMDDTHHMMSSZ>[_backfill].json.gz
 *   <P>AWSLogs/[<org>/]<acct>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz
 * Trail names may contain "_", so the name is whatever sits between the region and the home region.
 */

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

const DIGEST_KEY =
  /^((?:.*\/)?)AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8}T\d{6}Z)(_backfill)?\.json\.gz$/;
const LOG_KEY =
  /^((?:.*\/)?)AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json\.gz$/;

export function stampToDate(stamp: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z$/.exec(stamp);
  if (!m) return new Date(NaN);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0));
}

export function dateToStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
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

function datePath(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, '/');
}

/** Date folders (YYYY/MM/DD/) covering [from, to], so listings stay inside the window. */
export function dayFolders(from: Date, to: Date): string[] {
  const out: string[] = [];
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  for (; day.getTime() <= to.getTime(); day.setUTCDate(day.getUTCDate() + 1)) out.push(`${datePath(day)}/`);
  return out;
}

export function buildDigestKey(s: FolderScope & { trailName: string; homeRegion: string; end: Date; backfill?: boolean }): string {
  const stamp = dateToStamp(s.end);
  return `${digestFolder(s)}${datePath(s.end)}/${s.account}_CloudTrail-Digest_${s.region}_${s.trailName}_${s.homeRegion}_${stamp}${s.backfill ? '_backfill' : ''}.json.gz`;
}

export function buildLogKey(s: FolderScope & { delivered: Date; unique: string }): string {
  const stamp = dateToStamp(s.delivered).slice(0, 13) + 'Z';
  return `${logFolder(s)}${datePath(s.delivered)}/${s.account}_CloudTrail_${s.region}_${stamp}_${s.unique}.json.gz`;
}

/** `<region>` in a trail key is always followed by a date folder; this finds the key part after the bucket prefix. */
export function relativeToAwsLogs(key: string): { root: string; rest: string } | undefined {
  const at = key.startsWith('AWSLogs/') ? 0 : key.indexOf('/AWSLogs/') + 1;
  if (at < 0 || (at === 0 && !key.startsWith('AWSLogs/'))) return undefined;
  return { root: key.slice(0, at), rest: key.slice(at) };
}

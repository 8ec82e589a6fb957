/**
 * The trail key layout:
 *   [prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_XXXX.json.gz
 * CloudTrail-Digest/ and CloudTrail-Insight/ sit beside CloudTrail/ with the same shape.
 */
export interface TrailKey {
  prefix: string;
  org?: string;
  account: string;
  product: string;
  region: string;
  year: number;
  month: number;
  day: number;
  file: string;
  /** The timestamp in the file name (minute precision), when it has one. */
  fileTime?: Date;
}

const KEY_RE =
  /^(?:(.*?)\/)?AWSLogs\/(?:(o-[a-z0-9]+)\/)?(\d{12})\/(CloudTrail(?:-Digest|-Insight)?)\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)$/;
const FILE_TIME_RE = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z[_.]/;

export function parseTrailKey(key: string): TrailKey | undefined {
  const m = KEY_RE.exec(key);
  if (!m) return undefined;
  const parsed: TrailKey = {
    prefix: m[1] ?? '',
    account: m[3]!,
    product: m[4]!,
    region: m[5]!,
    year: Number(m[6]),
    month: Number(m[7]),
    day: Number(m[8]),
    file: m[9]!,
  };
  if (m[2]) parsed.org = m[2];
  const t = fileNameTime(parsed.file);
  if (t) parsed.fileTime = t;
  return parsed;
}

export function fileNameTime(file: string): Date | undefined {
  const t = FILE_TIME_RE.exec(file);
  if (!t) return undefined;
  return new Date(Date.UTC(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5])));
}

export const ACCOUNT_RE = /^\d{12}$/;
export const ORG_RE = /^o-[a-z0-9]+$/;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * How far the key layout may be pruned for a window. A file's name carries its delivery minute, which is
 * after the events it holds; delivery can lag by minutes to hours and cross midnight, so the end of the
 * window is padded by a day. The start is padded by an hour for clock skew between services.
 */
export interface KeyWindow {
  firstDay: number; // epoch ms, UTC midnight
  lastDay: number;
  earliestFileTime: number;
}

export function keyWindow(start: Date | undefined, end: Date | undefined, now = new Date()): KeyWindow | undefined {
  if (!start && !end) return undefined;
  const from = start ? start.getTime() - HOUR : 0;
  const to = (end ?? now).getTime() + DAY;
  return { firstDay: floorDay(from), lastDay: floorDay(to), earliestFileTime: start ? start.getTime() - HOUR : -Infinity };
}

function floorDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** Day folders (`YYYY/MM/DD/`) covering a window, oldest first. */
export function dayFolders(w: KeyWindow): string[] {
  const out: string[] = [];
  for (let d = w.firstDay; d <= w.lastDay; d += DAY) {
    const date = new Date(d);
    out.push(`${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/`);
  }
  return out;
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Can a year / month / day folder hold keys inside the window? */
export function folderInWindow(w: KeyWindow | undefined, year: number, month?: number, day?: number): boolean {
  if (!w) return true;
  const startMs = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
  const endMs = day !== undefined ? startMs + DAY : month !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
  return endMs > w.firstDay && startMs <= w.lastDay;
}

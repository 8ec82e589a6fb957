/**
 * The one reader of times written by AWS, and the one ISO writer.
 *
 * Every time CloudTrail writes is UTC, including the forms that carry no zone, so nothing here may go through
 * `Date.parse` on a zoneless string: it reads those as the machine's local time, and a forensic answer must
 * not depend on the analyst's time zone.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// The canonical eventTime, `2025-03-26T16:43:57Z`, is read by char codes: it is on the hot path of --start/--end.
const C0 = 48;
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - C0;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

function canonical(s: string): number | undefined {
  if (s.length !== 20 || s.charCodeAt(19) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return undefined;
  if (s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':') return undefined;
  const t = utc(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2), 0);
  return t;
}

/** Date.UTC with range checks (month 1-12), so `2025-02-30` is refused rather than rolled into March. */
export function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | undefined {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60)) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Only a 29th-31st can roll into the next month; the Date it takes to check is skipped for the other days
  // (this runs for every issuing event a forensics pass indexes).
  if (Number.isNaN(t) || (d > 28 && new Date(t).getUTCDate() !== d)) return undefined;
  return t;
}

const EXTENDED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z$/;
const PROSE = /^([A-Z][a-z]{2})[a-z]* (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2}) ?([AP]M)$/i;

/** Minutes east of UTC for `Z`, `+02:00`, `-0500`; 0 when absent (AWS times without a zone are UTC). */
export function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const d = zone.slice(1).replace(':', '');
  return sign * (Number(d.slice(0, 2)) * 60 + Number(d.slice(2, 4)));
}

/**
 * Epoch milliseconds of a time as AWS writes it, or undefined. Forms seen in real trails:
 * `2025-03-26T16:43:57Z`, with a fraction or an offset; CloudTrail Lake's `2025-03-26 16:43:57.000000000`
 * and `2022-11-21 18:06:52` (no zone: UTC); the basic form of digest and key stamps, `20131102T010628Z` and
 * `20131102T0106Z`; the prose form of STS expirations (`May 19, 2023, 1:49:50 PM`, UTC); and epoch
 * seconds or milliseconds as numbers.
 */
export function eventTimeMs(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return value < 1e11 ? value * 1000 : value;
  }
  if (typeof value !== 'string' || value === '') return undefined;
  const fast = canonical(value);
  if (fast !== undefined) return fast;
  const s = value.trim();
  let m = EXTENDED.exec(s);
  if (m) {
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const t = utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
    return t === undefined ? undefined : t - zoneOffsetMinutes(m[8]) * 60_000;
  }
  if ((m = BASIC.exec(s))) return utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, 0);
  if ((m = PROSE.exec(s))) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month < 0) return undefined;
    const hour12 = Number(m[4]);
    if (hour12 < 1 || hour12 > 12) return undefined;
    const hour = (hour12 % 12) + (m[7]!.toUpperCase() === 'PM' ? 12 : 0);
    return utc(+m[3]!, month + 1, +m[2]!, hour, +m[5]!, +m[6]!, 0);
  }
  return undefined;
}

export type TimePrecision = 'ms' | 's';

/**
 * The ISO 8601 form ctrail writes: `2025-03-26T16:43:57Z`. At 'ms' precision a non-zero fraction is kept
 * (`…57.250Z`) so no information is lost; at 's' it is cut, as CloudTrail's own times and digests are.
 */
export function isoTime(t: number | Date, precision?: TimePrecision): string;
export function isoTime(t: number | Date | undefined, precision?: TimePrecision): string | undefined;
export function isoTime(t: number | Date | undefined, precision: TimePrecision = 'ms'): string | undefined {
  if (t === undefined) return undefined;
  const ms = typeof t === 'number' ? t : t.getTime();
  const iso = new Date(ms).toISOString();
  return precision === 's' || iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

/** The basic (compact) ISO form used in key names and digest stamps: `20250326T164357Z`, or `20250326T1643Z`. */
export function isoBasic(t: number | Date, precision: 's' | 'min' = 's'): string {
  const s = isoTime(t, 's').replace(/[-:]/g, '');
  return precision === 'min' ? `${s.slice(0, 13)}Z` : s;
}

/** Duration units as users type and ctrail prints them (`90s`, `5m`, `6h`, `7d`, `2w`). */
export const DURATION_UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The largest whole unit that writes `ms` exactly: 604800000 → `1w`, 5400000 → `90m`. */
export function formatDuration(ms: number): string {
  // Every unit divides 0, and "0w" reads as a typo.
  if (ms === 0) return '0s';
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const size = DURATION_UNIT_MS[unit]!;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

import { UsageError } from '../errors.js';

/**
 * Times for --start-time/--end-time. ISO 8601 with an offset is converted (the AWS CLI replaces the zone
 * instead); a time without a zone is UTC; compact forms as the AWS docs print them (20160129T19:00:00Z,
 * 20160129T190000Z) are accepted. Ambiguous forms such as 03/04/2026 are refused.
 */
export function parseTime(text: string, flag: string): Date {
  const s = text.trim();
  let iso: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2}):?(\d{2})(?::?(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s))) {
    iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? 'Z'}`;
  } else if ((m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s))) {
    iso = `${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`;
  }
  const d = iso ? new Date(iso) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${flag} ${JSON.stringify(text)}: not a time (use ISO 8601, e.g. 2026-03-14T02:00:00Z)`);
  return d;
}

import { DURATION_UNIT_MS as UNIT_MS, formatDuration, isoTime, utc, zoneOffsetMinutes } from '../cloudtrail/time.js';
import { UsageError } from '../errors.js';

export { formatDuration };

/**
 * The one grammar for times and durations that users type: `--start`/`--end`, `--start-time`/`--end-time`,
 * `--look-back`, `--interval`, `--baseline`. Times are ISO 8601 in the extended (`2026-03-14T04:00:00Z`) or
 * basic (`20260314T040000Z`, as the AWS docs print them) form, with or without seconds, a fraction or an
 * offset, or a plain date; without a zone they are UTC, as CloudTrail's own times are. An offset is converted,
 * not replaced (the AWS CLI replaces it). A duration (`90s`, `90m`, `6h`, `7d`, `2w`) given as a time means
 * that long before now. Ambiguous forms such as `03/04/2026` are refused.
 */

const DURATION = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i;
const EXTENDED = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Milliseconds of a duration such as `90m`, or undefined when the text is not one (or is not positive). */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!);
  return ms > 0 ? ms : undefined;
}

/** A duration flag; `max` bounds it where a larger value would make a run unreasonably wide. */
export function parseDuration(text: string, flag: string, max?: number): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new UsageError(`${flag} ${text}: not a duration (use a number and a unit: 90s, 90m, 6h, 7d, 2w)`);
  if (max !== undefined && ms > max) throw new UsageError(`${flag} ${text}: at most ${formatDuration(max)}`);
  return ms;
}

/** An absolute ISO 8601 time, or undefined when the text is not one. */
export function isoInputMs(text: string): number | undefined {
  const s = text.trim();
  const m = EXTENDED.exec(s) ?? BASIC.exec(s);
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const t = utc(+m[1]!, +m[2]!, +m[3]!, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, ms);
  return t === undefined ? undefined : t - zoneOffsetMinutes(m[8]?.toUpperCase()) * 60_000;
}

export function parseTime(text: string, flag: string, now = Date.now()): Date {
  const rel = durationMs(text);
  if (rel !== undefined) return new Date(now - rel);
  const ms = isoInputMs(text);
  if (ms === undefined) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)}: not a time (use ISO 8601 like 2026-03-14T04:00:00Z or 20260314T040000Z, or a duration before now like 90m, 6h, 7d)`,
    );
  }
  return new Date(ms);
}

export function checkWindow(start: Date | undefined, end: Date | undefined): void {
  if (start && end && start.getTime() > end.getTime()) {
    throw new UsageError(`--start ${isoTime(start)} is after --end ${isoTime(end)}`);
  }
}

import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--start`/`--end`: ISO 8601 (`2026-03-14`, `2026-03-14T04:00:00Z`), or a duration before now (`90m`,
 * `6h`, `7d`, `2w`). A date without a zone is taken as UTC, as CloudTrail's own times are.
 */
export function parseTime(text: string, flag: string, now = Date.now()): Date {
  const rel = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (rel) return new Date(now - Number(rel[1]) * UNITS[rel[2]!]!);
  let iso = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso = iso.replace(' ', 'T') + 'Z';
  const ms = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(ms)) {
    throw new UsageError(`${flag} ${text}: not a time (use ISO 8601 like 2026-03-14T04:00:00Z, or a duration like 90m, 6h, 7d)`);
  }
  return new Date(ms);
}

export function checkWindow(start: Date | undefined, end: Date | undefined): void {
  if (start && end && start.getTime() > end.getTime()) {
    throw new UsageError(`--start ${start.toISOString()} is after --end ${end.toISOString()}`);
  }
}

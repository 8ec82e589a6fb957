import type { JsonValue } from '../cloudtrail/event.js';

/**
 * Small, dependency-free readers over untyped CloudTrail JSON. Log content is hostile and irregular
 * (XML-derived shapes turn one-element lists into plain objects), so every reader tolerates both.
 */

/** Parses the time formats seen in real trails: ISO with or without ms, `2025-03-26 16:43:57.000000000`,
 *  `2022-11-21 18:06:52` (data-lake exports, UTC), compact `20131102T010628Z`, and the prose form of
 *  STS expirations (`May 19, 2023, 1:49:50 PM`, always UTC). Returns epoch ms or undefined. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value === '') return undefined;
  const s = value.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (compact) return Date.UTC(+compact[1]!, +compact[2]! - 1, +compact[3]!, +compact[4]!, +compact[5]!, +compact[6]!);
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (iso) {
    const ms = iso[7] ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : 0;
    let t = Date.UTC(+iso[1]!, +iso[2]! - 1, +iso[3]!, +iso[4]!, +iso[5]!, +iso[6]!, ms);
    const zone = iso[8];
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
    }
    return t;
  }
  const prose = /^([A-Z][a-z]{2})[a-z]* (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2}) ?([AP]M)$/i.exec(s);
  if (prose) {
    const month = MONTHS.indexOf(prose[1]!.toLowerCase());
    if (month < 0) return undefined;
    let hour = Number(prose[4]) % 12;
    if (prose[7]!.toUpperCase() === 'PM') hour += 12;
    return Date.UTC(+prose[3]!, month, +prose[2]!, hour, +prose[5]!, +prose[6]!);
  }
  return undefined;
}
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function isoTime(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Evaluates a target path such as `instancesSet.items[].instanceId`, `delete.objects[].key` or
 * `changeBatch.changes[action=DELETE].resourceRecordSet.name` and returns every string found.
 * `[]` walks a list (or a lone object standing in for a one-element list); `[k=v]` keeps only
 * elements whose field k equals v (case-insensitive, since APIs disagree on `DELETE` vs `Delete`).
 */
export function valuesAt(root: unknown, path: string): string[] {
  let current: unknown[] = [root];
  for (const segment of splitPath(path)) {
    const next: unknown[] = [];
    for (const node of current) {
      const obj = asObject(node);
      if (!obj) continue;
      const value = lookup(obj, segment.key);
      if (value === undefined || value === null) continue;
      if (segment.each) {
        const items = Array.isArray(value) ? value : [value];
        for (const item of items) {
          if (segment.where && !whereHolds(item, segment.where)) continue;
          next.push(item);
        }
      } else {
        next.push(value);
      }
    }
    current = next;
  }
  const out: string[] = [];
  for (const v of current) {
    if (typeof v === 'string' && v !== '') out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string' && x !== '') out.push(x);
  }
  return out;
}

interface PathSegment {
  key: string;
  each: boolean;
  where?: { key: string; value: string };
}

function splitPath(path: string): PathSegment[] {
  return path.split('.').map((raw) => {
    const m = /^([^[\]]+)(?:\[([^\]=]*)(?:=([^\]]*))?\])?$/.exec(raw);
    if (!m) throw new Error(`bad catalogue path segment ${raw} in ${path}`);
    const seg: PathSegment = { key: m[1]!, each: raw.includes('[') };
    if (m[2] && m[3] !== undefined) seg.where = { key: m[2], value: m[3] };
    return seg;
  });
}

/** Request parameters are case-inconsistent across services and SDK eras (`Key` vs `key`). */
function lookup(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function whereHolds(item: unknown, where: { key: string; value: string }): boolean {
  const obj = asObject(item);
  if (!obj) return false;
  const v = lookup(obj, where.key);
  return typeof v === 'string' && v.toLowerCase() === where.value.toLowerCase();
}

/** Every string leaf under a value, for the heuristic fallback match. */
export function stringLeaves(value: JsonValue | undefined | null, out: string[] = [], depth = 0): string[] {
  if (value === undefined || value === null || depth > 32) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out, depth + 1);
  else if (typeof value === 'object') for (const v of Object.values(value)) stringLeaves(v ?? null, out, depth + 1);
  return out;
}

import type { JsonValue } from './event.js';

/**
 * The readers of paths in untyped CloudTrail JSON. Log content is hostile and irregular (XML-derived shapes
 * turn one-element lists into plain objects), so every reader tolerates both, reads own properties only
 * (`__proto__` or `constructor` in a path finds nothing), and stops at MAX_DEPTH.
 */

/** Deeper than any CloudTrail field; bounds every walk so a hostile record or path cannot make one unbounded. */
export const MAX_DEPTH = 64;

export function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `userIdentity.arn` → `['userIdentity', 'arn']`. */
export function splitDotted(path: string): string[] {
  return path.split('.');
}

/**
 * The value at an exact path of keys (`['resources', '0', 'ARN']`): numeric segments index arrays. Undefined
 * when any step is missing, or when the path is longer than MAX_DEPTH.
 */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  if (path.length > MAX_DEPTH) return undefined;
  let v: unknown = root;
  for (const seg of path) {
    if (Array.isArray(v)) {
      if (!/^(?:0|[1-9]\d*)$/.test(seg)) return undefined;
      v = v[Number(seg)];
    } else if (v !== null && typeof v === 'object' && Object.hasOwn(v, seg)) {
      v = (v as Record<string, unknown>)[seg];
    } else {
      return undefined;
    }
  }
  return v;
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
  const raw = splitDotted(path);
  if (raw.length > MAX_DEPTH) throw new Error(`catalogue path ${path} is deeper than ${MAX_DEPTH}`);
  return raw.map((part) => {
    const m = /^([^[\]]+)(?:\[([^\]=]*)(?:=([^\]]*))?\])?$/.exec(part);
    if (!m) throw new Error(`bad catalogue path segment ${part} in ${path}`);
    const seg: PathSegment = { key: m[1]!, each: part.includes('[') };
    if (m[2] && m[3] !== undefined) seg.where = { key: m[2], value: m[3] };
    return seg;
  });
}

/** Request parameters are case-inconsistent across services and SDK eras (`Key` vs `key`). */
function lookup(obj: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
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

/** Every string leaf under a value, for the heuristic fallback match; nothing below MAX_DEPTH. */
export function stringLeaves(value: JsonValue | undefined | null, out: string[] = [], depth = 0): string[] {
  if (value === undefined || value === null || depth > MAX_DEPTH) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out, depth + 1);
  else if (typeof value === 'object') for (const v of Object.values(value)) stringLeaves(v ?? null, out, depth + 1);
  return out;
}

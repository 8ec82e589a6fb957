import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import { splitDotted, valueAt } from '../../cloudtrail/json.js';
import { UsageError } from '../../errors.js';

/** A dotted path into an event: `userIdentity.arn`, `resources.0.ARN` (numeric segments index arrays). */
export type FieldPath = string[];

/** One `--fields` entry: a path, and the name it is printed under when renamed (`who=userIdentity.arn`). */
export interface Field {
  path: FieldPath;
  name?: string;
}

/** The column header or key a field is printed under. */
export const fieldName = (f: Field): string => f.name ?? f.path.join('.');

/**
 * `--fields eventTime,who=userIdentity.arn,resources.0.ARN`: dotted paths, each optionally renamed with
 * `name=path`. A name printed twice (two renames, or a rename that is also the first segment of a path
 * kept in shape) is a usage error, so no value silently replaces another.
 */
export function parseFields(spec: string): Field[] {
  const fields = spec
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f): Field => {
      const eq = f.indexOf('=');
      if (eq < 0) return { path: splitDotted(f) };
      const name = f.slice(0, eq).trim();
      const path = f.slice(eq + 1).trim();
      if (!name || !path) throw new UsageError(`--fields ${f}: expected name=path, e.g. who=userIdentity.arn`);
      return { name, path: splitDotted(path) };
    });
  const taken = new Set<string>();
  for (const f of fields) {
    if (f.name === undefined) continue;
    if (taken.has(f.name)) throw new UsageError(`--fields: the name ${f.name} is given twice`);
    taken.add(f.name);
  }
  for (const f of fields) {
    if (f.name === undefined && taken.has(f.path[0]!)) throw new UsageError(`--fields: ${f.path.join('.')} would be printed under ${f.path[0]}, a name already given to a renamed field`);
  }
  return fields;
}

export { valueAt as getPath } from '../../cloudtrail/json.js';

/**
 * Keeps the event's shape for the chosen paths, so `jq '.userIdentity.arn'` works on projected output too.
 * A segment that indexes an array in the event builds an array (`resources.0.ARN` gives
 * `"resources":[{"ARN":…}]`, for `jq '.resources[0].ARN'`), holding the element at the same index.
 * A renamed field is one top-level key with the value (`"who":"arn:…"`).
 */
export function project(event: CloudTrailEvent, fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { path, name } of fields) {
    const v = valueAt(event, path);
    if (v === undefined) continue;
    if (name !== undefined) {
      put(out, name, v);
      continue;
    }
    let node: Record<string, unknown> | unknown[] = out;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (i === path.length - 1) {
        put(node, seg, v);
        break;
      }
      let next = take(node, seg);
      if (next === undefined || next === null || typeof next !== 'object') {
        next = Array.isArray(valueAt(event, path.slice(0, i + 1))) ? [] : {};
        put(node, seg, next);
      }
      node = next as Record<string, unknown> | unknown[];
    }
  }
  return out;
}

function take(node: Record<string, unknown> | unknown[], seg: string): unknown {
  return Array.isArray(node) ? node[Number(seg)] : Object.hasOwn(node, seg) ? node[seg] : undefined;
}

function put(node: Record<string, unknown> | unknown[], seg: string, v: unknown): void {
  if (!Array.isArray(node)) Object.defineProperty(node, seg, { value: v, enumerable: true, writable: true, configurable: true });
  else {
    const at = Number(seg);
    // Holes before the index print as null, so the element keeps its index in the output.
    for (let k = node.length; k < at; k++) node.push(null);
    node[at] = v;
  }
}

/** Flat text for a cell: strings as is, other values as compact JSON. */
export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

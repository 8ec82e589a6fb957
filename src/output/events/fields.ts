import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import { splitDotted, valueAt } from '../../cloudtrail/json.js';

/** `--fields eventTime,userIdentity.arn,resources.0.ARN`: dotted paths, numeric segments index arrays. */
export type FieldPath = string[];

export function parseFields(spec: string): FieldPath[] {
  return spec
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map(splitDotted);
}

export { valueAt as getPath } from '../../cloudtrail/json.js';

/**
 * Keeps the event's shape for the chosen paths, so `jq '.userIdentity.arn'` works on projected output too.
 * A segment that indexes an array in the event builds an array (`resources.0.ARN` gives
 * `"resources":[{"ARN":…}]`, for `jq '.resources[0].ARN'`), holding the element at the same index.
 */
export function project(event: CloudTrailEvent, paths: FieldPath[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const v = valueAt(event, path);
    if (v === undefined) continue;
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

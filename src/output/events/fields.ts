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

/** Keeps the event's shape for the chosen paths, so `jq '.userIdentity.arn'` works on projected output too. */
export function project(event: CloudTrailEvent, paths: FieldPath[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const v = valueAt(event, path);
    if (v === undefined) continue;
    let node = out;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = v;
      else node = (node[seg] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

/** Flat text for a cell: strings as is, other values as compact JSON. */
export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

import { eventNameOf, eventSourceOf, type CloudTrailEvent } from '../cloudtrail/event.js';
import { principalLabel } from '../cloudtrail/principal.js';
import { serviceOf } from '../cloudtrail/arn.js';
import { eventTimeMs, isoTime } from '../cloudtrail/time.js';
import { MAX_DEPTH } from '../cloudtrail/json.js';
import { neutralize } from './sanitize.js';

/**
 * Timesketch's JSONL import (timesketch.org, "Create timeline from JSONL or CSV"): one object per line with
 * `message`, `datetime` (ISO 8601) and `timestamp_desc`, plus `timestamp` in microseconds since the epoch,
 * and any other attributes. Timesketch shows flat attributes, so the event's fields are flattened to dotted
 * keys (`userIdentity.arn`, `resources.0.ARN`).
 */
export const TIMESKETCH_RESERVED: readonly string[] = ['message', 'datetime', 'timestamp', 'timestamp_desc'];

/** What the time of a CloudTrail event is: the time AWS recorded the call. */
export const CLOUDTRAIL_TIMESTAMP_DESC = 'Event Recorded';

/** A JSON leaf, or an empty object or array (kept, so `requestParameters: {}` still says the call had none). */
export type FlatValue = string | number | boolean | null | Record<string, never> | never[];

export interface TimesketchOptions {
  /** Put before the summary, e.g. `[high] AWS CloudTrail Important Change: `. */
  messagePrefix?: string;
  /** The fields to flatten, when not the whole event (--fields). */
  fields?: Record<string, unknown>;
  /** More attributes (a hunt's rule, an activity's session), added after the event's own. */
  extra?: Record<string, FlatValue>;
}

/**
 * Who did what to what, in one line: `assumed-role/Admin/ops dynamodb:DeleteTable arn:aws:dynamodb:…:table/orders
 * (failed: AccessDenied)`. The target is the first resource ARN, else the first plain request parameters.
 */
export function timesketchMessage(e: CloudTrailEvent): string {
  const who = principalLabel(e);
  const what = `${serviceOf(eventSourceOf(e))}:${eventNameOf(e)}`;
  const arn = e.resources?.find((r) => typeof r?.ARN === 'string')?.ARN;
  let target = arn ?? '';
  if (!target && e.requestParameters && typeof e.requestParameters === 'object' && !Array.isArray(e.requestParameters)) {
    target = Object.entries(e.requestParameters)
      .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
      .slice(0, 2)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
  }
  const failed = e.errorCode ? ` (failed: ${e.errorCode})` : '';
  return [who, what, target].filter(Boolean).join(' ') + failed;
}

/**
 * Flattens `value` under `prefix` into `out`, depth-bounded: below MAX_DEPTH levels the rest of a branch is
 * kept as its JSON text, so a hostile record cannot make the walk unbounded.
 */
export function flatten(value: unknown, prefix: string, out: Record<string, FlatValue>, depth = 0): void {
  if (value === null || typeof value !== 'object') {
    if (value !== undefined) put(out, prefix, value as string | number | boolean | null);
    return;
  }
  if (depth >= MAX_DEPTH) {
    put(out, prefix, JSON.stringify(value));
    return;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) {
    put(out, prefix, Array.isArray(value) ? [] : {});
    return;
  }
  for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
}

function put(out: Record<string, FlatValue>, key: string, v: FlatValue): void {
  // An own property even for `__proto__`: the object has no prototype to set.
  out[key] = v;
}

/**
 * The event as one Timesketch line, or undefined when its time cannot be read (Timesketch cannot place
 * it). Event keys that clash with Timesketch's own (`message`, `datetime`, …) go under `cloudtrail.<key>`.
 */
export function timesketchLine(e: CloudTrailEvent, opts: TimesketchOptions = {}): string | undefined {
  const ms = eventTimeMs(e.eventTime);
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const line: Record<string, FlatValue> = Object.create(null) as Record<string, FlatValue>;
  line.message = (opts.messagePrefix ?? '') + timesketchMessage(e);
  line.datetime = isoTime(ms);
  line.timestamp = Math.round(ms * 1000);
  line.timestamp_desc = CLOUDTRAIL_TIMESTAMP_DESC;
  const fields: Record<string, FlatValue> = Object.create(null) as Record<string, FlatValue>;
  flatten(opts.fields ?? e, '', fields);
  const entries = Object.entries({ ...fields, ...opts.extra });
  // Keys of their own first, then the clashing ones under `cloudtrail.` (again, until free), so an event
  // that already holds `cloudtrail.message` keeps it under that name.
  for (const [k, v] of entries) if (!(k in line)) line[k] = v;
  for (const [k, v] of entries) {
    if (!TIMESKETCH_RESERVED.includes(k)) continue;
    let key = `cloudtrail.${k}`;
    while (key in line) key = `cloudtrail.${key}`;
    line[key] = v;
  }
  return safeJson(line) + '\n';
}

/**
 * JSON.stringify escapes C0 controls; C1 controls, DEL and the bidirectional overrides are escaped too, so a
 * line read on a terminal cannot act on it. The parsed value is the same.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Events left out of a timeline because their time cannot be read: said once, on stderr, at the end. */
export class TimelineSkips {
  private count = 0;
  private first: string | undefined;
  add(e: CloudTrailEvent): void {
    this.count++;
    this.first ??= typeof e.eventID === 'string' ? e.eventID : undefined;
  }
  /** The stderr line, or undefined when nothing was left out. */
  line(): string | undefined {
    if (!this.count) return undefined;
    const first = this.first ? ` (the first: eventID ${neutralize(this.first)})` : '';
    return `ctrail: timesketch: ${this.count} event${this.count === 1 ? '' : 's'} left out: no readable eventTime${first}\n`;
  }
}

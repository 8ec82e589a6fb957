import { eventNameOf, eventSourceOf, type CloudTrailEvent } from '../cloudtrail/event.js';
import type { EventCategory, FilterSpec } from './spec.js';
import { allOf, matchAll } from './matcher.js';
import type { LiteralTest, RecordMatcher } from '../records/matcher.js';
import { valueMatcher } from './wildcard.js';
import { anyIpNeedles, ipMatcher } from './ip.js';
import { eventTimeMs } from '../cloudtrail/time.js';
import { stringLeaves } from '../cloudtrail/json.js';

/**
 * Compiles the command-line filters into one exact matcher plus byte needles for the pre-filter.
 *
 * Needles are chosen so they can never reject a matching record: a value's needle is its longest run of
 * characters that no JSON writer escapes (letters, digits, most punctuation; not `/`, `"`, `\` or non-ASCII),
 * quoted on the sides where the whole value is known to start or end.
 */
export function compileFilters(spec: FilterSpec): RecordMatcher {
  const parts: RecordMatcher[] = [];
  const add = (needles: Array<string | undefined>, test: (e: CloudTrailEvent) => boolean, literal?: LiteralTest) => {
    // One value without a usable needle makes the whole OR-group unusable as a pre-filter.
    const group = needles.every((n): n is string => n !== undefined && n.length > 0) ? [needles as string[]] : [];
    parts.push({ needles: group, ...(literal ? { literals: [literal] } : {}), matches: test });
  };

  if (spec.eventNames?.length) {
    const tests = spec.eventNames.map(valueMatcher);
    add(spec.eventNames.map((v) => valueNeedle(v)), (e) => tests.some((t) => t(eventNameOf(e))));
  }
  if (spec.eventSources?.length) {
    const tests = spec.eventSources.map(valueMatcher);
    add(spec.eventSources.map((v) => valueNeedle(v)), (e) => tests.some((t) => t(eventSourceOf(e))));
  }
  if (spec.users?.length) {
    const tests = spec.users.map(valueMatcher);
    // Session names are matched as the tail of an ARN or principal id, so only the end of the needle is anchored.
    add(spec.users.map((u) => valueNeedle(u, { anchorStart: false })), (e) => principalValues(e).some((v) => tests.some((t) => t(v))));
  }
  if (spec.accessKeys?.length) {
    const keys = new Set(spec.accessKeys);
    add(spec.accessKeys.map((v) => valueNeedle(v)), (e) => keys.has(e.userIdentity?.accessKeyId ?? ''));
  }
  if (spec.sourceIps?.length) {
    const tests = spec.sourceIps.map(ipMatcher);
    parts.push({ needles: anyIpNeedles(spec.sourceIps), matches: (e) => tests.some((t) => t(e.sourceIPAddress ?? '')) });
  }
  if (spec.regions?.length) {
    const regions = new Set(spec.regions);
    add(spec.regions.map((v) => valueNeedle(v)), (e) => regions.has(e.awsRegion));
  }
  if (spec.accounts?.length) {
    const accounts = new Set(spec.accounts);
    // The account an event belongs to, as the trail layout files it (AWSLogs/<recipientAccountId>/…): a layout is
    // pruned to those folders, so matching the caller's account too would answer differently for a trail than
    // for the same files named one by one. userIdentity.accountId stands in only where no recipient is recorded.
    add(spec.accounts.map((v) => valueNeedle(v)), (e) => accounts.has(e.recipientAccountId ?? e.userIdentity?.accountId ?? ''));
  }
  if (spec.errors !== undefined) {
    const want = spec.errors;
    add(want ? ['"errorCode"'] : [undefined], (e) => hasError(e) === want);
  }
  if (spec.readOnly !== undefined) {
    const want = spec.readOnly;
    // readOnly is a JSON boolean: any other value (absent, a string) never equals `want`, and is parsed to see.
    add(['"readOnly"'], (e) => e.readOnly === want, { key: 'readOnly', accepts: [String(want)] });
  }
  if (spec.categories?.length) {
    const cats = new Set(spec.categories);
    const needles = spec.categories.map((c) => (c === 'insight' ? '"Insight"' : undefined));
    add(needles, (e) => cats.has(eventCategory(e)));
  }
  if (spec.resources?.length) {
    const tests = spec.resources.map(valueMatcher);
    add(spec.resources.map((v) => valueNeedle(v)), (e) => resourceValues(e).some((v) => tests.some((t) => t(v))));
  }
  if (spec.start || spec.end) {
    const from = spec.start?.getTime() ?? -Infinity;
    const to = spec.end?.getTime() ?? Infinity;
    add([undefined], (e) => {
      // eventTimeMs, never Date.parse: Lake's zoneless `2025-03-26 16:43:57.000000000` is UTC, not local time.
      const t = eventTimeMs(e.eventTime);
      return t !== undefined && t >= from && t <= to;
    });
  }
  if (spec.match?.length) {
    // Defined on the event's compact JSON (as CloudTrail writes it), so a pretty-printed copy matches too;
    // the needle is the text's longest run that no whitespace or escaping can split.
    const texts = spec.match;
    add(texts.map(matchNeedle), (e) => {
      const json = JSON.stringify(e);
      return texts.some((t) => json.includes(t));
    });
  }
  return parts.length ? allOf(parts) : matchAll;
}

/** Longest needle that survives any JSON writer's escaping; quoted where the value's edge is fixed. */
export function valueNeedle(pattern: string, opts: { anchorStart?: boolean } = {}): string | undefined {
  const pieces = pattern.split(/([*?])/);
  let best: { text: string; start: boolean; end: boolean } | undefined;
  pieces.forEach((piece, idx) => {
    if (piece === '*' || piece === '?') return;
    const atStart = idx === 0;
    const atEnd = idx === pieces.length - 1;
    const runs = piece.split(/[^\x20-\x7e]|[/"\\]/);
    runs.forEach((run, r) => {
      if (!run) return;
      const text = run;
      const start = atStart && r === 0 && opts.anchorStart !== false;
      const end = atEnd && r === runs.length - 1;
      const score = text.length + (start ? 1 : 0) + (end ? 1 : 0);
      const bestScore = best ? best.text.length + (best.start ? 1 : 0) + (best.end ? 1 : 0) : -1;
      if (score > bestScore) best = { text, start, end };
    });
  });
  if (!best) return undefined;
  const b = best as { text: string; start: boolean; end: boolean };
  return (b.start ? '"' : '') + b.text + (b.end ? '"' : '');
}

function matchNeedle(text: string): string | undefined {
  const runs = text.split(/[\s"\\/]|[^\x20-\x7e]/).filter(Boolean);
  return runs.sort((a, b) => b.length - a.length)[0];
}

export function hasError(e: CloudTrailEvent): boolean {
  return typeof e.errorCode === 'string' && e.errorCode.length > 0;
}

export function eventCategory(e: CloudTrailEvent): EventCategory {
  const cat = typeof e.eventCategory === 'string' ? e.eventCategory.toLowerCase() : '';
  if (cat === 'insight' || e.eventType === 'AwsCloudTrailInsight') return 'insight';
  if (cat === 'data') return 'data';
  if (cat === 'management') return 'management';
  // Older records have no eventCategory: managementEvent=false marks data events.
  return e.managementEvent === false ? 'data' : 'management';
}

/** Every field `--user` can name: ARNs, names, principal ids, the session issuer, the access key, the session name. */
export function principalValues(e: CloudTrailEvent): string[] {
  const u = e.userIdentity;
  if (!u) return [];
  const out: string[] = [];
  const push = (v: unknown) => {
    if (typeof v === 'string' && v) out.push(v);
  };
  push(u.arn);
  push(u.userName);
  push(u.principalId);
  push(u.accessKeyId);
  push(u.sessionContext?.sessionIssuer?.arn);
  push(u.sessionContext?.sessionIssuer?.userName);
  push(u.onBehalfOf?.userId);
  // Role sessions: `assumed-role/Role/session` and `AROA…:session` both end in the session name.
  if (typeof u.principalId === 'string' && u.principalId.includes(':')) push(u.principalId.slice(u.principalId.indexOf(':') + 1));
  if (typeof u.arn === 'string' && u.arn.includes(':assumed-role/')) push(u.arn.slice(u.arn.lastIndexOf('/') + 1));
  return out;
}

/** `resources[].ARN` and every string value anywhere under requestParameters. */
export function resourceValues(e: CloudTrailEvent): string[] {
  const out: string[] = [];
  for (const r of e.resources ?? []) if (typeof r?.ARN === 'string') out.push(r.ARN);
  stringLeaves(e.requestParameters ?? null, out);
  return out;
}


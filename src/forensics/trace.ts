import { UsageError } from '../errors.js';
import { valueNeedle } from '../filter/flags.js';
import { anyOf } from '../filter/matcher.js';
import type { RecordMatcher } from '../records/matcher.js';
import { matcherPart } from '../filter/recipe.js';
import type { CloudTrailEvent, SourcedEvent } from '../cloudtrail/event.js';
import { attribute, originOfIssuance, type Origin } from './attribution.js';
import { CredentialIndex } from './credentials.js';
import { completeChains, useAt, type EvidenceReader } from './evidence.js';
import { callKey } from './issued-credential.js';
import { issuingMatcher } from './issuing.js';
import { parseArn } from '../cloudtrail/arn.js';
import { principalRef } from '../cloudtrail/principal.js';
import { asString } from '../cloudtrail/json.js';
import { RecordsSeen } from './event-fields.js';
import { eventTimeMs, isoTime } from '../cloudtrail/time.js';

export type TraceTarget = { kind: 'key'; accessKeyId: string } | { kind: 'principal'; arn: string };

/** An access key id (AKIA…, ASIA…, or any 16–128 character id) or a principal ARN (session, user, role). */
export function parseTraceTarget(text: string): TraceTarget {
  const t = text.trim();
  if (/^[A-Z0-9]{16,128}$/.test(t)) return { kind: 'key', accessKeyId: t };
  const arn = parseArn(t);
  if (arn && (arn.service === 'sts' || arn.service === 'iam')) return { kind: 'principal', arn: t };
  throw new UsageError(`${t}: expected an access key id (AKIA…/ASIA…) or a principal ARN such as arn:aws:sts::111122223333:assumed-role/Role/session`);
}

/** One credential as seen in the sources: the NDJSON schema of `ctrail trace -o ndjson`. */
export interface TraceResult {
  accessKeyId?: string;
  principal: { type?: string; arn?: string; account?: string };
  /** Uses of the credential in the sources (0 when it was only seen being issued). */
  events: number;
  firstSeen?: string;
  lastSeen?: string;
  origin: Origin;
  source: string;
}

export interface TraceReport {
  results: TraceResult[];
  issuingEvents: number;
}

export function traceMatcher(target: TraceTarget): RecordMatcher {
  const value = target.kind === 'key' ? target.accessKeyId : target.arn;
  const run = valueNeedle(value)?.replace(/^"|"$/g, '');
  const uses: RecordMatcher = { needles: run ? [[run]] : [], matches: (e) => usesTarget(target, e) };
  return anyOf([uses, issuingMatcher]);
}

/** traceMatcher as a recipe part: what trace's scan reads, on every thread. */
export const tracePart = matcherPart(import.meta.url, 'tracePart', traceMatcher);

function usesTarget(target: TraceTarget, e: CloudTrailEvent): boolean {
  const u = e.userIdentity;
  if (!u) return false;
  return target.kind === 'key' ? u.accessKeyId === target.accessKeyId : u.arn === target.arn;
}

/**
 * The attribution chain alone, for every distinct credential matching the target: a key reused across
 * unrelated logs (or a session name reused by different people) gives one result per identity and key.
 */
export async function traceCredentials(
  target: TraceTarget,
  events: AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
  opts: { accept?: (e: CloudTrailEvent) => boolean; lookBackMs?: number; evidence?: EvidenceReader } = {},
  identityEvents?: AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
): Promise<TraceReport> {
  const index = new CredentialIndex(opts.lookBackMs === undefined ? {} : { lookBackMs: opts.lookBackMs });
  interface Group {
    first: SourcedEvent;
    firstMs: number;
    lastMs: number;
    count: number;
  }
  const groups = new Map<string, Group>();
  const seen = new RecordsSeen();
  for await (const sourced of events) {
    index.add(sourced);
    const e = sourced.event;
    if (!usesTarget(target, e) || (opts.accept && !opts.accept(e))) continue;
    // A call delivered twice is one use (real trails repeat thousands of deliveries).
    if (!seen.firstSighting(e)) continue;
    const t = eventTimeMs(e.eventTime);
    if (t === undefined) continue;
    const u = e.userIdentity!;
    const key = [u.accessKeyId ?? '', u.arn ?? '', u.accountId ?? e.recipientAccountId ?? ''].join('|');
    const g = groups.get(key);
    if (!g) groups.set(key, { first: sourced, firstMs: t, lastMs: t, count: 1 });
    else {
      g.count++;
      if (t < g.firstMs) Object.assign(g, { first: sourced, firstMs: t });
      if (t > g.lastMs) g.lastMs = t;
    }
  }
  if (identityEvents) for await (const sourced of identityEvents) index.add(sourced);

  const used = [...groups.values()].sort((a, b) => a.firstMs - b.firstMs);
  const usedOrigins = await completeChains(
    used,
    (g) => ({ origin: attribute(g.first.event.userIdentity, g.firstMs, index), use: useAt(g.firstMs, asString(g.first.event.awsRegion)) }),
    index,
    opts.evidence,
  );
  const results: TraceResult[] = used.map((g, i) => {
    const u = g.first.event.userIdentity!;
    const result: TraceResult = {
      principal: principalRef(u.type, u.arn, asString(u.accountId) ?? asString(g.first.event.recipientAccountId)),
      events: g.count,
      firstSeen: isoTime(g.firstMs)!,
      lastSeen: isoTime(g.lastMs)!,
      origin: usedOrigins[i]!,
      source: g.first.source,
    };
    const k = asString(u.accessKeyId);
    return k ? { accessKeyId: k, ...result } : result;
  });
  if (results.length === 0) {
    // Never used in these sources, but perhaps issued here: report each issuance on its own.
    const issuances = target.kind === 'key' ? index.issuancesOf(target.accessKeyId) : index.issuancesForSession(target.arn);
    const calls = new Map<string, (typeof issuances)[number]>();
    for (const c of issuances) {
      const id = callKey(c);
      const prior = calls.get(id);
      if (!prior || prior.caller.type === 'AWSAccount') calls.set(id, c);
    }
    const issued = [...calls.values()].sort((a, b) => a.issuedAt - b.issuedAt);
    const issuedOrigins = await completeChains(issued, (c) => ({ origin: originOfIssuance(c, index), use: useAt(c.issuedAt, c.awsRegion) }), index, opts.evidence);
    issued.forEach((c, i) => {
      results.push({ accessKeyId: c.accessKeyId, principal: principalRef(c.sessionArn ? (c.eventName === 'GetFederationToken' ? 'FederatedUser' : 'AssumedRole') : undefined, c.sessionArn, c.account), events: 0, origin: issuedOrigins[i]!, source: c.source });
    });
  }
  return { results, issuingEvents: index.size };
}


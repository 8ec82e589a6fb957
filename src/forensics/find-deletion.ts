import { valueNeedle } from '../filter/flags.js';
import { anyOf } from '../filter/matcher.js';
import type { RecordMatcher } from '../records/matcher.js';
import { matcherPart } from '../filter/recipe.js';
import type { CloudTrailEvent, SourcedEvent } from '../cloudtrail/event.js';
import { attributeEvent, type Origin } from './attribution.js';
import type { DeletionEffect } from './catalogue.js';
import { CredentialIndex } from './credentials.js';
import { completeChains, useAt, type EvidenceReader } from './evidence.js';
import { issuingMatcher } from './issuing.js';
import { matchEvent, resourceKey, type MatchKind, type ResourceMatch, type ResourceQuery, type ResourceRef } from './resource.js';
import { DeferredLinks, isCancellerFor, type DeferredLink } from './deferred.js';
import { RecordsSeen, type EventFields } from './event-fields.js';
import { asObject, asString } from '../cloudtrail/json.js';
import { eventTimeMs } from '../cloudtrail/time.js';

/** Who made the call, as the event itself records it. */
export interface Actor {
  type?: string;
  arn?: string;
  accessKeyId?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  /** From sessionContext.attributes.mfaAuthenticated; absent when the event does not say. */
  mfaAuthenticated?: boolean;
  /** The call was made with console sign-in credentials. */
  console: boolean;
  invokedBy?: string;
}

/** One deletion or attempt: the NDJSON schema of `ctrail find-deletion -o ndjson` (README, "Forensics"). */
export interface DeletionResult extends EventFields {
  /** What the call acted on; for `match: "related"`, the part of the asked resource that it removed. */
  resource: ResourceRef;
  /** For `match: "related"`: the asked resource, whose deletion the call prepared. */
  parent?: ResourceRef;
  outcome: 'success' | 'failed';
  effect: DeletionEffect;
  actor: Actor;
  origin: Origin;
  match: MatchKind;
  source: string;
  /** eventIDs of the other account's record of the same cross-account call (same sharedEventID). */
  copies?: string[];
}

export interface FindDeletionOptions {
  /** Extra exact test for deletion candidates (the window, account, region and other `events` flags). */
  accept?: (event: CloudTrailEvent) => boolean;
  /** How far before an action its issuing event may lie (default 36 h). */
  lookBackMs?: number;
  /** Reads the folders an incomplete chain names, beyond the scoped scan (see evidence.ts). */
  evidence?: EvidenceReader;
}

export interface FindDeletionReport {
  /** Oldest first; deletions and attempts, and (`match: "related"`) the calls that removed parts of them. */
  results: DeletionResult[];
  /**
   * Distinct resources found deleted or attempted, in order of their first result; a same-named decoy is its
   * own entry. A resource only seen as the parent of related calls is listed too (its results all related).
   */
  resources: ResourceRef[];
  /** How many credential-issuing events were indexed for attribution. */
  issuingEvents: number;
}

/**
 * What find-deletion needs parsed: records that may destroy the resource (they must contain one of its
 * names somewhere) and credential-issuing events. Needles are unquoted runs, because a name can sit inside
 * a longer value (an ARN, a queue URL, a record name with its root dot).
 */
export function findDeletionMatcher(query: ResourceQuery): RecordMatcher {
  const runs = query.names.map((n) => valueNeedle(n)?.replace(/^"|"$/g, ''));
  const usable = runs.every((r): r is string => r !== undefined && r.length > 0);
  const deletion: RecordMatcher = { needles: usable ? [runs as string[]] : [], matches: (e) => matchEvent(query, e) !== undefined || isCancellerFor(query, e) };
  return anyOf([deletion, issuingMatcher]);
}

/** findDeletionMatcher as a recipe part: what find-deletion's scan reads, on every thread. */
export const findDeletionPart = matcherPart(import.meta.url, 'findDeletionPart', findDeletionMatcher);

/**
 * Finds every deletion of (and attempt to delete) the queried resource and attributes each to its origin.
 * `events` is the main scan; `identityEvents` are extra sources read only for issuing events
 * (`--identity-source`). Pure: no I/O beyond the iterables.
 */
export async function findDeletions(
  query: ResourceQuery,
  events: AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
  opts: FindDeletionOptions = {},
  identityEvents?: AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
): Promise<FindDeletionReport> {
  const index = new CredentialIndex(opts.lookBackMs === undefined ? {} : { lookBackMs: opts.lookBackMs });
  const candidates: Candidate[] = [];
  const deferred = new DeferredLinks();
  const seen = new RecordsSeen();
  for await (const sourced of events) {
    if (index.add(sourced)) continue;
    const match = matchEvent(query, sourced.event);
    // Scheduling and cancelling calls explain a later deletion even when the scope leaves them out.
    if (match?.match === 'catalogue' || (!match && isCancellerFor(query, sourced.event))) deferred.note(sourced, match?.resource);
    if (!match) continue;
    if (opts.accept && !opts.accept(sourced.event)) continue;
    if (!seen.firstSighting(sourced.event)) continue;
    candidates.push({ sourced, match });
  }
  if (identityEvents) for await (const sourced of identityEvents) index.add(sourced);

  const calls = mergeCopies(candidates);
  calls.sort((a, b) => (eventTimeMs(a.sourced.event.eventTime) ?? 0) - (eventTimeMs(b.sourced.event.eventTime) ?? 0));
  const origins = await completeChains(
    calls,
    ({ sourced: { event } }) => ({ origin: attributeEvent(event, index), use: useAt(eventTimeMs(event.eventTime) ?? 0, asString(event.awsRegion)) }),
    index,
    opts.evidence,
  );
  const results: DeletionResult[] = [];
  const resources = new Map<string, ResourceRef>();
  calls.forEach(({ sourced, match, copies }, i) => {
    const asked = match.parent ?? match.resource;
    const key = resourceKey(asked);
    if (!resources.has(key)) resources.set(key, asked);
    const link = match.match === 'related' ? undefined : deferred.link(sourced.event, match.resource);
    const origin = link ? deferredOrigin(link, index) : origins[i]!;
    const result = toResult(sourced, match, origin);
    results.push(copies.length ? { ...result, copies } : result);
  });
  return { results, resources: [...resources.values()], issuingEvents: index.size };
}

type Candidate = { sourced: SourcedEvent; match: ResourceMatch };

/** The scheduler's origin stands for a deletion AWS carried out itself; without a schedule, say what is missing. */
function deferredOrigin(link: DeferredLink, index: CredentialIndex): Origin {
  if (!link.linked) return { type: 'unknown', chain: [], complete: false, missing: link.missing };
  const e = link.scheduler.event;
  const eventID = asString(e.eventID);
  const origin = attributeEvent(e, index);
  return {
    ...origin,
    via: `${e.eventName} ${eventID ?? e.eventTime}`,
    deferred: { eventName: e.eventName, ...(eventID ? { eventID } : {}), eventTime: e.eventTime, source: link.scheduler.source },
  };
}

/**
 * A cross-account call is logged in both accounts under one sharedEventID. Reported once, from the copy
 * in the account that owns the resource (where the recipient is not the caller's own account), because
 * the caller's copy would place the resource in the caller's account.
 */
function mergeCopies(candidates: Candidate[]): Array<Candidate & { copies: string[] }> {
  const out: Array<Candidate & { copies: string[] }> = [];
  const byShared = new Map<string, Candidate & { copies: string[] }>();
  for (const c of candidates) {
    const e = c.sourced.event;
    const shared = asString(e.sharedEventID);
    if (!shared || shared === e.eventID) {
      out.push({ ...c, copies: [] });
      continue;
    }
    const key = `${shared}|${e.eventName}`;
    const prior = byShared.get(key);
    if (!prior) {
      const entry = { ...c, copies: [] as string[] };
      byShared.set(key, entry);
      out.push(entry);
      continue;
    }
    const ownerSide = (x: CloudTrailEvent) => asString(x.recipientAccountId) !== asString(asObject(x.userIdentity)?.accountId);
    const keepNew = ownerSide(e) && !ownerSide(prior.sourced.event);
    const dropped = keepNew ? prior.sourced.event : e;
    if (keepNew) Object.assign(prior, { sourced: c.sourced, match: c.match });
    const id = asString(dropped.eventID);
    if (id) prior.copies.push(id);
  }
  return out;
}

function toResult(sourced: SourcedEvent, m: ResourceMatch, origin: Origin): DeletionResult {
  const e = sourced.event;
  const errorCode = asString(e.errorCode) ?? null;
  const { resource, effect, match } = m;
  const result: DeletionResult = {
    resource,
    ...(m.parent ? { parent: m.parent } : {}),
    eventTime: e.eventTime,
    eventName: e.eventName,
    eventSource: e.eventSource,
    awsRegion: e.awsRegion,
    outcome: errorCode ? 'failed' : 'success',
    errorCode,
    effect,
    actor: actorOf(e),
    origin,
    match,
    source: sourced.source,
  };
  const eventID = asString(e.eventID);
  if (eventID) result.eventID = eventID;
  const recipient = asString(e.recipientAccountId);
  if (recipient) result.recipientAccountId = recipient;
  return ordered(result);
}

/** Keys in the documented order, so NDJSON lines read the same way every time. */
function ordered(r: DeletionResult): DeletionResult {
  const { resource, parent, eventID, eventTime, eventName, eventSource, awsRegion, recipientAccountId, outcome, errorCode, effect, actor, origin, match, source } = r;
  return { resource, ...(parent ? { parent } : {}), ...(eventID ? { eventID } : {}), eventTime, eventName, eventSource, awsRegion, ...(recipientAccountId ? { recipientAccountId } : {}), outcome, errorCode, effect, actor, origin, match, source };
}

export function actorOf(e: CloudTrailEvent): Actor {
  const u = asObject(e.userIdentity) ?? {};
  const mfa = asString(asObject(asObject(u.sessionContext)?.attributes)?.mfaAuthenticated);
  const userAgent = asString(e.userAgent);
  const type = asString(u.type);
  const arn = asString(u.arn);
  const accessKeyId = asString(u.accessKeyId);
  const sourceIPAddress = asString(e.sourceIPAddress);
  const invokedBy = asString(u.invokedBy);
  const mfaAuthenticated = mfa === 'true' ? true : mfa === 'false' ? false : undefined;
  // Console credentials: CloudTrail says so since 2021; older records only show it in the user agent.
  const console = asString(e.sessionCredentialFromConsole) === 'true' || (userAgent !== undefined && /^(console|signin)\.([a-z0-9-]+\.)?amazonaws\.com$|^AWS Internal$/.test(userAgent));
  return {
    ...(type ? { type } : {}),
    ...(arn ? { arn } : {}),
    ...(accessKeyId ? { accessKeyId } : {}),
    ...(sourceIPAddress ? { sourceIPAddress } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(mfaAuthenticated !== undefined ? { mfaAuthenticated } : {}),
    console,
    ...(invokedBy ? { invokedBy } : {}),
  };
}

import type { CloudTrailEvent, SourcedEvent, UserIdentity } from '../cloudtrail/event.js';
import { CredentialStore } from './credential-codec.js';
import { HashChains } from './record-arena.js';
import { callerProjection, callKey, isIssuingEvent, issuedCredentialOf, type IssuedCredential } from './issued-credential.js';
import { sameArn, sameRole } from '../cloudtrail/arn.js';
import { asObject, asString } from '../cloudtrail/json.js';
import { isoTime as iso } from '../cloudtrail/time.js';

/**
 * The credential-issuing index: every successful STS call that handed out an access key, keyed so it
 * can be walked both ways — backwards from a key to the call that issued it (attribution, `trace`), and
 * forwards from a caller's key or identity to the keys it issued (the activity closure).
 *
 * A key alone is never trusted: documentation example keys (AKIAIOSFODNN7EXAMPLE, AKIAQRSTUVWXYZEXAMPLE)
 * recur across unrelated logs, so `resolve` also checks time, lifetime, account and role.
 */

/** What a key was seen doing, to check an issuing event against. */
export interface KeyUse {
  accessKeyId: string;
  /** Epoch ms of the use. */
  time: number;
  /** The acting principal's ARN (assumed-role session, federated user or IAM user). */
  arn?: string;
  account?: string;
  /** `sessionContext.sessionIssuer.arn` — the role (or, for federated users, the IAM user). */
  issuerArn?: string;
}

export interface Rejection {
  credential: IssuedCredential;
  reason: string;
}

export interface Resolution {
  /** The one issuing call consistent with the use (its caller-side copy when both copies are known). */
  issued?: IssuedCredential;
  /** Every record of that same call (the caller's and the role owner's copies of a cross-account call). */
  copies: IssuedCredential[];
  /** Issuing events that carry the key but do not fit the use, with why. */
  rejected: Rejection[];
  /** More than one distinct call fits: the chain must stop rather than guess. */
  ambiguous?: IssuedCredential[];
}

export interface CredentialIndexOptions {
  /** How far before a use an issuing event may lie. Defaults to 36 h, STS's longest session. */
  lookBackMs?: number;
  /** Keep the whole record of role owners' copies (see IssuedCredential.event). */
  keepOwnerCopies?: boolean;
  /** Bytes of indexed credentials kept in memory before the rest go to a temporary file. */
  memoryBytes?: number;
}

/**
 * A trail holds about one issuing event per ten records, and the index outlives the scan. Each
 * credential is kept as a projection (see issuedCredentialOf), never the parsed record, stored as text
 * in a RecordArena (off the heap, then in a temporary file) and filed by hash; lookups decode the few
 * credentials they return. Every lookup returns fresh objects: compare credentials by value.
 */
export class CredentialIndex {
  /** Flags per credential: FIRST_OF_KEY: no earlier credential has this key; HAS_LATER: a later one has. */
  private readonly store: CredentialStore;
  private readonly byKey = new HashChains();
  private readonly byCallerKey = new HashChains();
  private readonly bySourceIdentity = new HashChains();
  private readonly byShared = new HashChains();
  /** By recordIdentity: finds a repeated delivery without decoding every issuance of its key. */
  private readonly byRecord = new HashChains();
  private readonly keepOwnerCopies: boolean;
  readonly lookBackMs: number;

  constructor(opts: CredentialIndexOptions = {}) {
    this.lookBackMs = opts.lookBackMs ?? 36 * 3600_000;
    this.keepOwnerCopies = opts.keepOwnerCopies === true;
    this.store = new CredentialStore(opts.memoryBytes);
  }

  /** How many credential records are indexed. */
  get size(): number {
    return this.store.size;
  }

  /** Adds the event if it issued credentials; returns whether it did. Duplicate records are kept once. */
  add(sourced: SourcedEvent): boolean {
    const credential = issuedCredentialOf(sourced);
    if (!credential) {
      this.addCallerCopy(sourced.event);
      return isIssuingEvent(sourced.event);
    }
    // The same call delivered twice (overlapping files, a trail and its copy) carries the same key.
    const identity = recordIdentity(credential);
    if (this.byRecord.candidates(identity).some((id) => sameRecord(this.store.get(id), credential))) return true;
    const first = this.idOfFirst(credential.accessKeyId);
    if (this.keepOwnerCopies && credential.caller.type === 'AWSAccount') credential.event = sourced.event;
    const id = this.store.append(credential);
    if (first === undefined) this.store.setFlags(id, FIRST_OF_KEY);
    else this.store.setFlags(first, HAS_LATER);
    this.byRecord.add(identity, id);
    this.byKey.add(credential.accessKeyId, id);
    if (credential.callerKey) this.byCallerKey.add(credential.callerKey, id);
    if (credential.sourceIdentity) this.bySourceIdentity.add(credential.sourceIdentity, id);
    if (credential.sharedEventID) this.byShared.add(credential.sharedEventID, id);
    return true;
  }

  private idOfFirst(accessKeyId: string): number | undefined {
    return this.byKey.candidates(accessKeyId).find((id) => this.store.get(id).accessKeyId === accessKeyId);
  }

  /** The credentials filed under `key`, oldest first. */
  private lookup(chains: HashChains, key: string, field: (c: IssuedCredential) => string | undefined): IssuedCredential[] {
    const out: IssuedCredential[] = [];
    for (const id of chains.candidates(key)) {
      const c = this.store.get(id);
      if (field(c) === key) out.push(c);
    }
    return out;
  }

  /** Backward walk: every recorded issuance of this key, unfiltered. */
  issuancesOf(accessKeyId: string): readonly IssuedCredential[] {
    return this.lookup(this.byKey, accessKeyId, (c) => c.accessKeyId);
  }

  /** Every indexed issuance (each record of a cross-account call separately), grouped by key in order of first appearance. */
  *all(): IterableIterator<IssuedCredential> {
    for (let id = 0; id < this.size; id++) {
      const flags = this.store.flags(id);
      if (!(flags & FIRST_OF_KEY)) continue;
      const c = this.store.get(id);
      if (flags & HAS_LATER) yield* this.issuancesOf(c.accessKeyId);
      else yield c;
    }
  }

  /** Every issuance of a session ARN (`assumed-role/R/S` or `federated-user/N`); one session name may be reused by many. */
  issuancesForSession(sessionArn: string): readonly IssuedCredential[] {
    // Asked only by `trace` for a session never seen acting: a scan instead of an entry per AssumeRole.
    const out: IssuedCredential[] = [];
    for (let id = 0; id < this.size; id++) {
      const c = this.store.get(id);
      if (c.sessionArn === sessionArn) out.push(c);
    }
    return out;
  }

  /** Forward walk: keys issued by calls made with this key. */
  issuedWithKey(callerKey: string): readonly IssuedCredential[] {
    return this.lookup(this.byCallerKey, callerKey, (c) => c.callerKey);
  }

  /**
   * Forward walk including calls known only from the role owner's copy (caller shown as `AWSAccount`),
   * whose caller — and its key — comes from a credential-less caller-side copy with the same sharedEventID.
   * One entry per call: the caller-side copy when it carries the credentials.
   */
  issuedBy(callerKey: string): IssuedCredential[] {
    const calls = new Map<string, IssuedCredential>();
    const keep = (c: IssuedCredential) => {
      const id = callKey(c);
      const prior = calls.get(id);
      if (!prior || prior.caller.type === 'AWSAccount') calls.set(id, c);
    };
    for (const c of this.issuedWithKey(callerKey)) keep(c);
    for (const shared of this.sharedByCallerCopyKey.get(callerKey) ?? []) {
      for (const c of this.lookup(this.byShared, shared, (x) => x.sharedEventID)) if (c.caller.type === 'AWSAccount' && this.callerOf(c)?.accessKeyId === callerKey) keep(c);
    }
    return [...calls.values()];
  }

  /** Forward walk: keys issued by calls made by this principal ARN. */
  issuedToCaller(callerArn: string): readonly IssuedCredential[] {
    // Rarely asked: a scan instead of one more chain entry per credential.
    const out: IssuedCredential[] = [];
    for (let id = 0; id < this.size; id++) {
      const c = this.store.get(id);
      if (asString(c.caller.arn) === callerArn) out.push(c);
    }
    return out;
  }

  /** Forward walk: sessions that carry a person's sourceIdentity. */
  withSourceIdentity(sourceIdentity: string): readonly IssuedCredential[] {
    return this.lookup(this.bySourceIdentity, sourceIdentity, (c) => c.sourceIdentity);
  }

  private readonly callerCopies = new Map<string, UserIdentity>();
  private readonly sharedByCallerCopyKey = new Map<string, string[]>();

  /**
   * The caller's copy of a cross-account call may be logged without the credentials; it still names the
   * caller, which is all the role owner's copy lacks. Kept by sharedEventID.
   */
  private addCallerCopy(e: CloudTrailEvent): void {
    const shared = asString(e.sharedEventID);
    const identity = asObject(e.userIdentity) as UserIdentity | undefined;
    if (!isIssuingEvent(e) || asString(e.errorCode) || !shared || !identity || identity.type === 'AWSAccount') return;
    if (this.callerCopies.has(shared)) return;
    const caller = callerProjection(identity);
    this.callerCopies.set(shared, caller);
    const key = asString(caller.accessKeyId);
    if (key) {
      const keys = this.sharedByCallerCopyKey.get(key);
      if (keys) keys.push(shared);
      else this.sharedByCallerCopyKey.set(key, [shared]);
    }
  }

  /** Who made a cross-account call, from any copy that names the caller. */
  callerOf(credential: IssuedCredential): UserIdentity | undefined {
    if (credential.caller.type !== 'AWSAccount') return credential.caller;
    const withCredentials = this.copiesOf(credential).find((c) => c.caller.type !== 'AWSAccount');
    if (withCredentials) return withCredentials.caller;
    const shared = credential.sharedEventID;
    const other = shared ? this.callerCopies.get(shared) : undefined;
    // The copy must be the same call: same caller account as the owner's copy records.
    if (other && credential.caller.accountId && other.accountId && other.accountId !== credential.caller.accountId) return undefined;
    return other;
  }

  /** The other account's record(s) of a cross-account call. */
  copiesOf(credential: IssuedCredential): IssuedCredential[] {
    if (!credential.sharedEventID) return [credential];
    const copies = this.lookup(this.byShared, credential.sharedEventID, (c) => c.sharedEventID);
    return (copies.length === 0 ? [credential] : copies).filter((c) => c.accessKeyId === credential.accessKeyId);
  }

  /** Finds the issuing call for a use of a key, applying every consistency rule. */
  resolve(use: KeyUse): Resolution {
    const rejected: Rejection[] = [];
    const fitting: IssuedCredential[] = [];
    for (const credential of this.issuancesOf(use.accessKeyId)) {
      const reason = inconsistency(credential, use, this.lookBackMs);
      if (reason) rejected.push({ credential, reason });
      else fitting.push(credential);
    }
    // Copies of one call count once.
    const calls = new Map<string, IssuedCredential[]>();
    for (const c of fitting) {
      const key = callKey(c);
      const group = calls.get(key);
      if (group) group.push(c);
      else calls.set(key, [c]);
    }
    if (calls.size === 0) return { copies: [], rejected };
    if (calls.size > 1) return { copies: [], rejected, ambiguous: fitting };
    const copies = [...calls.values()][0]!;
    const all = this.copiesOf(copies[0]!);
    const issued = all.find((c) => c.caller.type !== 'AWSAccount') ?? copies[0]!;
    return { issued, copies: all, rejected };
  }
}

const FIRST_OF_KEY = 1;
const HAS_LATER = 2;

/** What sameRecord compares, as one string to file a record under. */
function recordIdentity(c: IssuedCredential): string {
  return `${c.eventID ?? ''}|${c.recipientAccountId ?? ''}|${c.issuedAt}|${c.accessKeyId}|${joined(c.caller.type)}`;
}

/** Two records of one call: same eventID, recipient, time, key and caller type. */
function sameRecord(a: IssuedCredential, b: IssuedCredential): boolean {
  return a.eventID === b.eventID && a.recipientAccountId === b.recipientAccountId && a.issuedAt === b.issuedAt && a.accessKeyId === b.accessKeyId && joined(a.caller.type) === joined(b.caller.type);
}

/** A value as Array.prototype.join writes it. */
function joined(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** Why an issuing event cannot be the source of a use, as a code: `inconsistency` says it in words. */
type Mismatch = 'after' | 'expired' | 'look-back' | 'account' | 'session' | 'role' | 'token';

function mismatch(c: IssuedCredential, use: KeyUse, lookBackMs: number): Mismatch | undefined {
  if (c.issuedAt > use.time) return 'after';
  if (use.time > c.expiresAt) return 'expired';
  if (use.time - c.issuedAt > lookBackMs) return 'look-back';
  if (c.account && use.account && c.account !== use.account) return 'account';
  if (c.sessionArn && use.arn && !sameArn(c.sessionArn, use.arn)) return 'session';
  if (!c.sessionArn && c.roleArn && use.issuerArn && !sameRole(c.roleArn, use.issuerArn)) return 'role';
  if (c.eventName === 'GetSessionToken' && use.arn && asString(c.caller.arn) && !sameArn(asString(c.caller.arn)!, use.arn)) return 'token';
  return undefined;
}

/** Why an issuing event cannot be the source of this use, or undefined when it fits. */
export function inconsistency(c: IssuedCredential, use: KeyUse, lookBackMs: number): string | undefined {
  switch (mismatch(c, use, lookBackMs)) {
    case undefined:
      return undefined;
    case 'after':
      return `issued at ${iso(c.issuedAt)}, after the use at ${iso(use.time)}`;
    case 'expired':
      return `expired at ${iso(c.expiresAt)}, before the use at ${iso(use.time)}`;
    case 'look-back':
      return `issued more than the look-back window before the use`;
    case 'account':
      return `issued for account ${c.account}, used in account ${use.account}`;
    case 'session':
      return `issued as ${c.sessionArn}, used as ${use.arn}`;
    case 'role':
      return `issued for role ${c.roleArn}, used by ${use.issuerArn}`;
    case 'token':
      return `session token of ${String(c.caller.arn)}, used as ${use.arn}`;
  }
}

/**
 * `resolve` for a walk that asks about the same keys again and again (the activity closure asks once per
 * issuing call and per record of its keys): each key's issuances are decoded once, ordered by time, and
 * only those inside the look-back window before a use are checked, so a key STS handed out thousands of
 * times costs a binary search per use instead of decoding every issuance. It holds what it decoded: make
 * one per walk, after the index is complete.
 */
export class CallResolver {
  private readonly keys = new Map<string, { credentials: IssuedCredential[]; calls: string[] }>();

  constructor(private readonly index: CredentialIndex) {}

  /** The call a use resolves to — callKey(resolve(use).issued) — or undefined when no call or several fit. */
  callOf(use: KeyUse): string | undefined {
    let entry = this.keys.get(use.accessKeyId);
    if (!entry) {
      // Stable: issuances at the same instant keep the index's order.
      const credentials = [...this.index.issuancesOf(use.accessKeyId)].sort((a, b) => a.issuedAt - b.issuedAt);
      entry = { credentials, calls: credentials.map(callKey) };
      this.keys.set(use.accessKeyId, entry);
    }
    const { credentials, calls } = entry;
    // Issuances earlier than the look-back window, or later than the use, never fit.
    const earliest = use.time - this.index.lookBackMs;
    let lo = 0;
    let hi = credentials.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (credentials[mid]!.issuedAt < earliest) lo = mid + 1;
      else hi = mid;
    }
    let found: string | undefined;
    for (let i = lo; i < credentials.length && credentials[i]!.issuedAt <= use.time; i++) {
      if (mismatch(credentials[i]!, use, this.index.lookBackMs)) continue;
      if (found === undefined) found = calls[i]!;
      else if (found !== calls[i]) return undefined;
    }
    return found;
  }
}

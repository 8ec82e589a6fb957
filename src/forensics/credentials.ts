import type { CloudTrailEvent, SessionContext, SessionIssuer, SourcedEvent, UserIdentity } from '../cloudtrail/event.js';
import { HashChains, RecordArena } from './record-arena.js';
import { parseArn, sameArn, sameRole } from '../cloudtrail/arn.js';
import { asObject, asString } from '../cloudtrail/json.js';
import { eventTimeMs, isoTime as iso } from '../cloudtrail/time.js';

/**
 * The credential-issuing index: every successful STS call that handed out an access key, keyed so it
 * can be walked both ways — backwards from a key to the call that issued it (attribution, `trace`), and
 * forwards from a caller's key or identity to the keys it issued (the activity closure).
 *
 * A key alone is never trusted: documentation example keys (AKIAIOSFODNN7EXAMPLE, AKIAQRSTUVWXYZEXAMPLE)
 * recur across unrelated logs, so `resolve` also checks time, lifetime, account and role.
 */

/** STS calls whose response carries `credentials.accessKeyId`. */
export const ISSUING_EVENT_NAMES = ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken', 'GetFederationToken', 'AssumeRoot'] as const;
export type IssuingEventName = (typeof ISSUING_EVENT_NAMES)[number];

/** Longest lifetime STS allows per call, used when the expiration is missing or implausible. */
const MAX_LIFETIME_MS: Record<IssuingEventName, number> = {
  AssumeRole: 12 * 3600_000,
  AssumeRoleWithSAML: 12 * 3600_000,
  AssumeRoleWithWebIdentity: 12 * 3600_000,
  GetSessionToken: 36 * 3600_000,
  GetFederationToken: 36 * 3600_000,
  // Centralised root access: a management-account principal gets short root credentials for a member account.
  AssumeRoot: 900_000,
};

export function isIssuingEvent(event: Pick<CloudTrailEvent, 'eventSource' | 'eventName'>): boolean {
  return event.eventSource === 'sts.amazonaws.com' && (ISSUING_EVENT_NAMES as readonly string[]).includes(event.eventName);
}

export interface IssuedCredential {
  accessKeyId: string;
  eventName: IssuingEventName;
  eventID?: string;
  sharedEventID?: string;
  /** Epoch ms. */
  issuedAt: number;
  /** Epoch ms; the earlier of the recorded expiration and the longest lifetime STS allows. */
  expiresAt: number;
  /** The principal the key acts as: `arn:aws:sts::A:assumed-role/R/S` or `arn:aws:sts::A:federated-user/N`. */
  sessionArn?: string;
  /** The IAM role assumed (AssumeRole*). */
  roleArn?: string;
  /** Account the issued credentials belong to. */
  account?: string;
  sessionName?: string;
  sourceIdentity?: string;
  /** Who made the call. On the role owner's copy of a cross-account call this is only `AWSAccount`. */
  caller: UserIdentity;
  callerKey?: string;
  recipientAccountId?: string;
  /** The region the call was recorded in (us-east-1 for STS's global endpoint): where its other copy lies. */
  awsRegion?: string;
  source: string;
  /**
   * The whole record, kept only for a role owner's copy (caller `AWSAccount`) and only when the index
   * was asked to (`keepOwnerCopies`): activity prints those records, nothing else needs them.
   */
  event?: CloudTrailEvent;
}

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
  private readonly arena: RecordArena;
  private at = new Float64Array(1024);
  private length = new Uint32Array(1024);
  /** FIRST_OF_KEY: no earlier credential has this key; HAS_LATER: a later one has. */
  private flags = new Uint8Array(1024);
  private readonly byKey = new HashChains();
  private readonly byCallerKey = new HashChains();
  private readonly bySourceIdentity = new HashChains();
  private readonly byShared = new HashChains();
  private readonly sources: string[] = [];
  private readonly sourceIds = new Map<string, number>();
  private readonly keepOwnerCopies: boolean;
  readonly lookBackMs: number;
  size = 0;

  constructor(opts: CredentialIndexOptions = {}) {
    this.lookBackMs = opts.lookBackMs ?? 36 * 3600_000;
    this.keepOwnerCopies = opts.keepOwnerCopies === true;
    this.arena = new RecordArena(opts.memoryBytes === undefined ? {} : { memoryBytes: opts.memoryBytes });
  }

  /** Adds the event if it issued credentials; returns whether it did. Duplicate records are kept once. */
  add(sourced: SourcedEvent): boolean {
    const credential = issuedCredentialOf(sourced);
    if (!credential) {
      this.addCallerCopy(sourced.event);
      return isIssuingEvent(sourced.event);
    }
    // The same call delivered twice (overlapping files, a trail and its copy) carries the same key.
    const priors = this.issuancesOf(credential.accessKeyId);
    if (priors.some((prior) => sameRecord(prior, credential))) return true;
    if (this.keepOwnerCopies && credential.caller.type === 'AWSAccount') credential.event = sourced.event;
    const id = this.store(credential);
    if (priors.length === 0) this.flags[id] = FIRST_OF_KEY;
    else this.flags[this.idOfFirst(credential.accessKeyId)] |= HAS_LATER;
    this.byKey.add(credential.accessKeyId, id);
    if (credential.callerKey) this.byCallerKey.add(credential.callerKey, id);
    if (credential.sourceIdentity) this.bySourceIdentity.add(credential.sourceIdentity, id);
    if (credential.sharedEventID) this.byShared.add(credential.sharedEventID, id);
    return true;
  }

  private store(c: IssuedCredential): number {
    const id = this.size++;
    if (id === this.at.length) {
      const size = Math.ceil(id * 1.5);
      const at = new Float64Array(size);
      at.set(this.at);
      this.at = at;
      const length = new Uint32Array(size);
      length.set(this.length);
      this.length = length;
      const flags = new Uint8Array(size);
      flags.set(this.flags);
      this.flags = flags;
    }
    let source = this.sourceIds.get(c.source);
    if (source === undefined) {
      source = this.sources.push(c.source) - 1;
      this.sourceIds.set(c.source, source);
    }
    const ref = this.arena.append(encode(c, source));
    this.at[id] = ref.at;
    this.length[id] = ref.length;
    return id;
  }

  private get(id: number): IssuedCredential {
    return decode(this.arena.read(this.at[id]!, this.length[id]!), this.sources);
  }

  private idOfFirst(accessKeyId: string): number {
    return this.byKey.candidates(accessKeyId).find((id) => this.get(id).accessKeyId === accessKeyId)!;
  }

  /** The credentials filed under `key`, oldest first. */
  private lookup(chains: HashChains, key: string, field: (c: IssuedCredential) => string | undefined): IssuedCredential[] {
    const out: IssuedCredential[] = [];
    for (const id of chains.candidates(key)) {
      const c = this.get(id);
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
      const flags = this.flags[id]!;
      if (!(flags & FIRST_OF_KEY)) continue;
      const c = this.get(id);
      if (flags & HAS_LATER) yield* this.issuancesOf(c.accessKeyId);
      else yield c;
    }
  }

  /** Every issuance of a session ARN (`assumed-role/R/S` or `federated-user/N`); one session name may be reused by many. */
  issuancesForSession(sessionArn: string): readonly IssuedCredential[] {
    // Asked only by `trace` for a session never seen acting: a scan instead of an entry per AssumeRole.
    const out: IssuedCredential[] = [];
    for (let id = 0; id < this.size; id++) {
      const c = this.get(id);
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
      const id = c.sharedEventID ?? `${c.eventID ?? ''}|${c.issuedAt}|${c.accessKeyId}`;
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
      const c = this.get(id);
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
    // Copies of one call (same sharedEventID, or identical time, key and session) count once.
    const calls = new Map<string, IssuedCredential[]>();
    for (const c of fitting) {
      const key = c.sharedEventID ?? `${c.issuedAt}|${c.sessionArn ?? c.roleArn ?? ''}|${c.eventID ?? ''}`;
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

/**
 * A credential as one JSON array, fields in a fixed order with null for absent ones; `event` (owner
 * copies only) rides along whole.
 */
function encode(c: IssuedCredential, source: number): string {
  const n = <T>(v: T | undefined) => (v === undefined ? null : v);
  return JSON.stringify([
    c.accessKeyId, c.eventName, n(c.eventID), n(c.sharedEventID), c.issuedAt, c.expiresAt, n(c.sessionArn), n(c.roleArn), n(c.account),
    n(c.sessionName), n(c.sourceIdentity), c.caller, n(c.callerKey), n(c.recipientAccountId), source, n(c.event), n(c.awsRegion),
  ]);
}

type Encoded = [string, IssuingEventName, string | null, string | null, number, number, string | null, string | null, string | null, string | null, string | null, UserIdentity, string | null, string | null, number, CloudTrailEvent | null, string | null];

function decode(text: string, sources: readonly string[]): IssuedCredential {
  const [accessKeyId, eventName, eventID, sharedEventID, issuedAt, expiresAt, sessionArn, roleArn, account, sessionName, sourceIdentity, caller, callerKey, recipientAccountId, source, event, awsRegion] = JSON.parse(text) as Encoded;
  // Same fields, in the same order, as issuedCredentialOf builds them.
  const c: IssuedCredential = { accessKeyId, eventName, issuedAt, expiresAt, caller, source: sources[source]! };
  if (eventID !== null) c.eventID = eventID;
  if (sharedEventID !== null) c.sharedEventID = sharedEventID;
  if (sessionArn !== null) c.sessionArn = sessionArn;
  if (roleArn !== null) c.roleArn = roleArn;
  if (account !== null) c.account = account;
  if (sessionName !== null) c.sessionName = sessionName;
  if (sourceIdentity !== null) c.sourceIdentity = sourceIdentity;
  if (callerKey !== null) c.callerKey = callerKey;
  if (recipientAccountId !== null) c.recipientAccountId = recipientAccountId;
  if (awsRegion !== null) c.awsRegion = awsRegion;
  if (event !== null) c.event = event;
  return c;
}

/** Two records of one call: same eventID, recipient, time, key and caller type. */
function sameRecord(a: IssuedCredential, b: IssuedCredential): boolean {
  return a.eventID === b.eventID && a.recipientAccountId === b.recipientAccountId && a.issuedAt === b.issuedAt && a.accessKeyId === b.accessKeyId && joined(a.caller.type) === joined(b.caller.type);
}

/** A value as Array.prototype.join writes it. */
function joined(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/**
 * The caller fields attribution and the activity closure read (type, ids, names, the session's issuer
 * and sourceIdentity), with their values as recorded. The rest of userIdentity is never read.
 */
function callerProjection(u: UserIdentity): UserIdentity {
  const out: UserIdentity = {};
  for (const k of CALLER_FIELDS) {
    const v = u[k];
    if (v !== undefined) out[k] = v;
  }
  const behalf = asObject(u.onBehalfOf);
  if (behalf) {
    const o: { userId?: string; identityStoreArn?: string } = {};
    if (behalf.userId !== undefined) o.userId = behalf.userId as string;
    if (behalf.identityStoreArn !== undefined) o.identityStoreArn = behalf.identityStoreArn as string;
    out.onBehalfOf = o;
  }
  const context = u.sessionContext;
  if (context !== undefined && context !== null && typeof context === 'object') {
    const sc: SessionContext = {};
    const issuer = (context as SessionContext).sessionIssuer;
    if (issuer !== undefined && issuer !== null && typeof issuer === 'object' && !Array.isArray(issuer)) {
      const arn = (issuer as SessionIssuer).arn;
      sc.sessionIssuer = arn === undefined ? {} : { arn };
    }
    const si = (context as SessionContext).sourceIdentity;
    if (si !== undefined) sc.sourceIdentity = si;
    out.sessionContext = sc;
  }
  return out;
}

const CALLER_FIELDS = ['type', 'principalId', 'arn', 'accountId', 'accessKeyId', 'userName', 'invokedBy', 'identityProvider'] as const;

/** Why an issuing event cannot be the source of this use, or undefined when it fits. */
export function inconsistency(c: IssuedCredential, use: KeyUse, lookBackMs: number): string | undefined {
  if (c.issuedAt > use.time) return `issued at ${iso(c.issuedAt)}, after the use at ${iso(use.time)}`;
  if (use.time > c.expiresAt) return `expired at ${iso(c.expiresAt)}, before the use at ${iso(use.time)}`;
  if (use.time - c.issuedAt > lookBackMs) return `issued more than the look-back window before the use`;
  if (c.account && use.account && c.account !== use.account) return `issued for account ${c.account}, used in account ${use.account}`;
  if (c.sessionArn && use.arn && !sameArn(c.sessionArn, use.arn)) return `issued as ${c.sessionArn}, used as ${use.arn}`;
  if (!c.sessionArn && c.roleArn && use.issuerArn && !sameRole(c.roleArn, use.issuerArn)) return `issued for role ${c.roleArn}, used by ${use.issuerArn}`;
  if (c.eventName === 'GetSessionToken' && use.arn && asString(c.caller.arn) && !sameArn(asString(c.caller.arn)!, use.arn)) {
    return `session token of ${String(c.caller.arn)}, used as ${use.arn}`;
  }
  return undefined;
}

/** The projection of an issuing event the index keeps; undefined when it issued nothing. */
export function issuedCredentialOf(sourced: SourcedEvent): IssuedCredential | undefined {
  const e = sourced.event;
  if (!isIssuingEvent(e) || asString(e.errorCode)) return undefined;
  const response = asObject(e.responseElements);
  const credentials = asObject(response?.credentials);
  const accessKeyId = asString(credentials?.accessKeyId);
  const issuedAt = eventTimeMs(e.eventTime);
  if (!accessKeyId || issuedAt === undefined) return undefined;
  const eventName = ISSUING_EVENT_NAMES.find((n) => n === e.eventName)!;
  const request = asObject(e.requestParameters) ?? {};
  const identity: UserIdentity = asObject(e.userIdentity) ?? {};
  const caller = callerProjection(identity);

  const maxLife = MAX_LIFETIME_MS[eventName];
  const recorded = eventTimeMs(credentials?.expiration);
  const expiresAt = recorded !== undefined && recorded > issuedAt ? Math.min(recorded, issuedAt + maxLife) : issuedAt + maxLife;

  const sessionArn = asString(asObject(response?.assumedRoleUser)?.arn) ?? asString(asObject(response?.federatedUser)?.arn);
  const roleArn = asString(request.roleArn);
  const targetAccount = eventName === 'AssumeRoot' ? asString(request.targetPrincipal) : undefined;
  const account =
    targetAccount ||
    parseArn(sessionArn ?? '')?.account ||
    parseArn(roleArn ?? '')?.account ||
    (eventName.startsWith('Get') ? asString(caller.accountId) : undefined) ||
    asString(e.recipientAccountId);

  const credential: IssuedCredential = { accessKeyId, eventName, issuedAt, expiresAt, caller, source: sourced.source };
  const set = <K extends keyof IssuedCredential>(k: K, v: IssuedCredential[K] | undefined) => {
    if (v !== undefined) credential[k] = v;
  };
  set('eventID', asString(e.eventID));
  set('sharedEventID', asString(e.sharedEventID));
  set('sessionArn', sessionArn);
  set('roleArn', roleArn);
  set('account', account);
  set('sessionName', asString(request.roleSessionName) ?? asString(request.name));
  set('sourceIdentity', asString(response?.sourceIdentity) ?? asString(request.sourceIdentity));
  set('callerKey', asString(caller.accessKeyId));
  set('recipientAccountId', asString(e.recipientAccountId));
  set('awsRegion', asString(e.awsRegion));
  return credential;
}

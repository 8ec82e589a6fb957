import type { CloudTrailEvent, SourcedEvent, UserIdentity } from '../records/types.js';
import { parseArn } from './resource.js';
import { asObject, asString, parseTime } from './values.js';

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
  source: string;
  event: CloudTrailEvent;
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
}

export class CredentialIndex {
  private readonly byKey = new Map<string, IssuedCredential[]>();
  private readonly byCallerKey = new Map<string, IssuedCredential[]>();
  private readonly byCallerArn = new Map<string, IssuedCredential[]>();
  private readonly bySourceIdentity = new Map<string, IssuedCredential[]>();
  private readonly byShared = new Map<string, IssuedCredential[]>();
  private readonly bySessionArn = new Map<string, IssuedCredential[]>();
  private readonly seen = new Set<string>();
  readonly lookBackMs: number;
  size = 0;

  constructor(opts: CredentialIndexOptions = {}) {
    this.lookBackMs = opts.lookBackMs ?? 36 * 3600_000;
  }

  /** Adds the event if it issued credentials; returns whether it did. Duplicate records are kept once. */
  add(sourced: SourcedEvent): boolean {
    const credential = issuedCredentialOf(sourced);
    if (!credential) {
      this.addCallerCopy(sourced.event);
      return isIssuingEvent(sourced.event);
    }
    const identity = [credential.eventID, credential.recipientAccountId, credential.issuedAt, credential.accessKeyId, credential.caller.type].join('|');
    if (this.seen.has(identity)) return true;
    this.seen.add(identity);
    push(this.byKey, credential.accessKeyId, credential);
    if (credential.callerKey) push(this.byCallerKey, credential.callerKey, credential);
    const callerArn = asString(credential.caller.arn);
    if (callerArn) push(this.byCallerArn, callerArn, credential);
    if (credential.sourceIdentity) push(this.bySourceIdentity, credential.sourceIdentity, credential);
    if (credential.sharedEventID) push(this.byShared, credential.sharedEventID, credential);
    if (credential.sessionArn) push(this.bySessionArn, credential.sessionArn, credential);
    this.size += 1;
    return true;
  }

  /** Backward walk: every recorded issuance of this key, unfiltered. */
  issuancesOf(accessKeyId: string): readonly IssuedCredential[] {
    return this.byKey.get(accessKeyId) ?? [];
  }

  /** Every issuance of a session ARN (`assumed-role/R/S` or `federated-user/N`); one session name may be reused by many. */
  issuancesForSession(sessionArn: string): readonly IssuedCredential[] {
    return this.bySessionArn.get(sessionArn) ?? [];
  }

  /** Forward walk: keys issued by calls made with this key. */
  issuedWithKey(callerKey: string): readonly IssuedCredential[] {
    return this.byCallerKey.get(callerKey) ?? [];
  }

  /** Forward walk: keys issued by calls made by this principal ARN. */
  issuedToCaller(callerArn: string): readonly IssuedCredential[] {
    return this.byCallerArn.get(callerArn) ?? [];
  }

  /** Forward walk: sessions that carry a person's sourceIdentity. */
  withSourceIdentity(sourceIdentity: string): readonly IssuedCredential[] {
    return this.bySourceIdentity.get(sourceIdentity) ?? [];
  }

  private readonly callerCopies = new Map<string, UserIdentity>();

  /**
   * The caller's copy of a cross-account call may be logged without the credentials; it still names the
   * caller, which is all the role owner's copy lacks. Kept by sharedEventID.
   */
  private addCallerCopy(e: CloudTrailEvent): void {
    const shared = asString(e.sharedEventID);
    const caller = asObject(e.userIdentity) as UserIdentity | undefined;
    if (!isIssuingEvent(e) || asString(e.errorCode) || !shared || !caller || caller.type === 'AWSAccount') return;
    if (!this.callerCopies.has(shared)) this.callerCopies.set(shared, caller);
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
    return (this.byShared.get(credential.sharedEventID) ?? [credential]).filter((c) => c.accessKeyId === credential.accessKeyId);
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
      push(calls, key, c);
    }
    if (calls.size === 0) return { copies: [], rejected };
    if (calls.size > 1) return { copies: [], rejected, ambiguous: fitting };
    const copies = [...calls.values()][0]!;
    const all = this.copiesOf(copies[0]!);
    const issued = all.find((c) => c.caller.type !== 'AWSAccount') ?? copies[0]!;
    return { issued, copies: all, rejected };
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

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

/** Role names are case-insensitive in IAM; the rest of an ARN is compared exactly. */
function sameArn(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseArn(a);
  const pb = parseArn(b);
  if (!pa || !pb || pa.account !== pb.account || pa.service !== pb.service) return false;
  const ra = pa.resource.split('/');
  const rb = pb.resource.split('/');
  if (ra.length !== rb.length || ra[0] !== rb[0]) return false;
  if (ra[0] === 'assumed-role') return ra[1]!.toLowerCase() === rb[1]!.toLowerCase() && ra.slice(2).join('/') === rb.slice(2).join('/');
  return false;
}

/** A role ARN with a path (`role/aws-reserved/sso.amazonaws.com/X`) and one without name the same role. */
function sameRole(a: string, b: string): boolean {
  const pa = parseArn(a);
  const pb = parseArn(b);
  if (!pa || !pb || pa.account !== pb.account) return false;
  const na = pa.resource.split('/').pop()!.toLowerCase();
  const nb = pb.resource.split('/').pop()!.toLowerCase();
  return na === nb;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function issuedCredentialOf(sourced: SourcedEvent): IssuedCredential | undefined {
  const e = sourced.event;
  if (!isIssuingEvent(e) || asString(e.errorCode)) return undefined;
  const response = asObject(e.responseElements);
  const credentials = asObject(response?.credentials);
  const accessKeyId = asString(credentials?.accessKeyId);
  const issuedAt = parseTime(e.eventTime);
  if (!accessKeyId || issuedAt === undefined) return undefined;
  const eventName = e.eventName as IssuingEventName;
  const request = asObject(e.requestParameters) ?? {};
  const caller: UserIdentity = asObject(e.userIdentity) ?? {};

  const maxLife = MAX_LIFETIME_MS[eventName];
  const recorded = parseTime(credentials?.expiration);
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

  const credential: IssuedCredential = { accessKeyId, eventName, issuedAt, expiresAt, caller, source: sourced.source, event: e };
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
  return credential;
}

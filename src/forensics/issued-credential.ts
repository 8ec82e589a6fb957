import type { CloudTrailEvent, SessionContext, SessionIssuer, SourcedEvent, UserIdentity } from '../cloudtrail/event.js';
import { parseArn } from '../cloudtrail/arn.js';
import { asObject, asString } from '../cloudtrail/json.js';
import { eventTimeMs } from '../cloudtrail/time.js';

/*
 * The issuing-credential model: which STS calls hand out an access key, and the projection of such a call
 * that the credential index keeps and walks.
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

/**
 * Which call a credential record belongs to: the sharedEventID both accounts' copies of a cross-account call
 * carry, or else everything that must agree for two records to be one call (eventID, time, key and session).
 */
export function callKey(c: IssuedCredential): string {
  return c.sharedEventID ?? `${c.eventID ?? ''}|${c.issuedAt}|${c.accessKeyId}|${c.sessionArn ?? c.roleArn ?? ''}`;
}

/**
 * The caller fields attribution and the activity closure read (type, ids, names, the session's issuer
 * and sourceIdentity), with their values as recorded. The rest of userIdentity is never read.
 */
export function callerProjection(u: UserIdentity): UserIdentity {
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

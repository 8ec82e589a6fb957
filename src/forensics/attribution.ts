import type { CloudTrailEvent, UserIdentity } from '../cloudtrail/event.js';
import type { CredentialIndex, Rejection } from './credentials.js';
import type { IssuedCredential } from './issued-credential.js';
import { asObject, asString } from '../cloudtrail/json.js';
import { eventTimeMs, isoTime } from '../cloudtrail/time.js';

/** One credential hand-off, oldest first: the call that issued `accessKeyId`. */
export interface ChainStep {
  eventID?: string;
  eventName: string;
  eventTime: string;
  roleArn?: string;
  /** The key this call issued. */
  accessKeyId: string;
  /** Account the issued credentials belong to. */
  account?: string;
  sessionArn?: string;
  sourceIdentity?: string;
  /** Who made the call, and with which key. */
  callerType?: string;
  callerArn?: string;
  callerAccessKeyId?: string;
  /** eventIDs of the other account's copy of a cross-account call. */
  copies?: string[];
  source: string;
}

export type OriginType =
  | 'IAMUser'
  | 'Root'
  | 'SAMLUser'
  | 'WebIdentityUser'
  | 'IdentityCenterUser'
  | 'AWSService'
  | 'AWSAccount'
  | 'unknown';

/** The principal behind an action, and how it was reached. */
export interface Origin {
  type: OriginType;
  arn?: string;
  /** User name, federated subject, service principal, or Identity Center user id. */
  name?: string;
  account?: string;
  identityProvider?: string;
  sourceIdentity?: string;
  /** Issuing calls from the origin to the acting session, oldest first. */
  chain: ChainStep[];
  /** False when the chain stops before a principal that is not itself a session. */
  complete: boolean;
  /** When incomplete: the identity reached, and what is missing to go further. */
  reached?: { type?: string; arn?: string; accessKeyId?: string; account?: string };
  missing?: string;
}

export interface AttributionOptions {
  /** Bound on role-chaining depth, against loops in hostile data. */
  maxDepth?: number;
}

/**
 * Follows an identity's credentials back to the principal that started the chain. Every hop must be
 * proved by an issuing event consistent with the use (see CredentialIndex.resolve); when one is missing
 * or ambiguous the walk stops and says so instead of guessing.
 */
export function attribute(identity: UserIdentity | undefined, whenMs: number, index: CredentialIndex, opts: AttributionOptions = {}): Origin {
  const maxDepth = opts.maxDepth ?? 16;
  const chain: ChainStep[] = [];
  const visited = new Set<string>();
  let current: UserIdentity = identity ?? {};
  let time = whenMs;
  let sourceIdentity = sessionSourceIdentity(current);

  for (let depth = 0; depth <= maxDepth; depth++) {
    const type = asString(current.type);
    const key = asString(current.accessKeyId);
    const done = (origin: Omit<Origin, 'chain' | 'complete'>): Origin => withSourceIdentity({ ...origin, chain, complete: true }, sourceIdentity);

    switch (type) {
      case 'Root': {
        // Root credentials from AssumeRoot (centralised root access) lead back to the management-account
        // principal that asked for them; any other root session is the root user itself.
        if (key && !visited.has(key)) {
          visited.add(key);
          const r = index.resolve({ accessKeyId: key, time, ...opt('account', asString(current.accountId)) });
          if (r.issued?.eventName === 'AssumeRoot') {
            chain.unshift(stepOf(r.issued, r.copies));
            current = index.callerOf(r.issued) ?? r.issued.caller;
            time = r.issued.issuedAt;
            continue;
          }
        }
        return done({ type: 'Root', ...opt('arn', asString(current.arn)), ...opt('account', asString(current.accountId)) });
      }
      case 'IAMUser': {
        // A temporary key on an IAM user comes from GetSessionToken (or a console sign-in, which logs no key).
        if (key && !visited.has(key)) {
          const r = index.resolve({ accessKeyId: key, time, ...opt('arn', asString(current.arn)), ...opt('account', asString(current.accountId)) });
          if (r.issued?.eventName === 'GetSessionToken') chain.unshift(stepOf(r.issued, r.copies));
        }
        return done({ type: 'IAMUser', ...opt('arn', asString(current.arn)), ...opt('name', asString(current.userName)), ...opt('account', asString(current.accountId)) });
      }
      case 'AWSService':
        return done({ type: 'AWSService', ...opt('name', asString(current.invokedBy)) });
      case 'SAMLUser':
      case 'WebIdentityUser': {
        const provider = asString(current.identityProvider);
        const viaIdentityCenter = type === 'SAMLUser' && provider !== undefined && /AWSSSO_/.test(provider);
        return done({
          type: viaIdentityCenter ? 'IdentityCenterUser' : type,
          ...opt('name', asString(current.userName) ?? asString(current.principalId)),
          ...opt('identityProvider', provider),
          ...opt('account', asString(current.accountId)),
        });
      }
      case 'IdentityCenterUser': {
        const behalf = asObject(current.onBehalfOf);
        return done({ type: 'IdentityCenterUser', ...opt('name', asString(behalf?.userId) ?? asString(current.userName)), ...opt('arn', asString(behalf?.identityStoreArn)), ...opt('account', asString(current.accountId)) });
      }
      case 'AWSAccount':
        return stop(chain, current, sourceIdentity, `the call came from account ${asString(current.accountId) ?? '?'} (principal ${asString(current.principalId) ?? '?'}); its own copy of the event (same sharedEventID) is not in the sources — add that account's trail with --identity-source`);
      case 'AssumedRole':
      case 'FederatedUser': {
        if (!key) return stop(chain, current, sourceIdentity, 'the session records no access key id, so its issuing call cannot be joined');
        if (visited.has(key)) return stop(chain, current, sourceIdentity, `credential loop at ${key}`);
        visited.add(key);
        const issuerArn = asString(asObject(current.sessionContext?.sessionIssuer)?.arn);
        const r = index.resolve({ accessKeyId: key, time, ...opt('arn', asString(current.arn)), ...opt('account', asString(current.accountId)), ...opt('issuerArn', issuerArn) });
        if (r.ambiguous) {
          return stop(chain, current, sourceIdentity, `${r.ambiguous.length} different issuing calls fit key ${key} (${r.ambiguous.map((c) => c.eventID ?? '?').join(', ')}); refusing to pick one`);
        }
        if (!r.issued) {
          const behalf = asObject(current.onBehalfOf);
          if (behalf?.userId) {
            return done({ type: 'IdentityCenterUser', name: String(behalf.userId), ...opt('arn', asString(behalf.identityStoreArn)) });
          }
          // invokedBy says which service made the call with this session, not who the session belongs to
          // (a service role, or a person's forwarded session): still unknown without the issuing call.
          const invokedBy = asString(current.invokedBy);
          const via = invokedBy ? `; the call was made by ${invokedBy} (invokedBy) with this session` : '';
          const expected = type === 'FederatedUser' ? 'GetFederationToken' : 'AssumeRole, AssumeRoleWithSAML or AssumeRoleWithWebIdentity';
          return stop(chain, current, sourceIdentity, `no ${expected} issuing ${key} was found in the sources within the look-back window${describeRejections(r.rejected)}${via}${identityCenterHint(current)}`);
        }
        chain.unshift(stepOf(r.issued, r.copies));
        sourceIdentity ??= r.issued.sourceIdentity;
        let caller = r.issued.caller;
        if (caller.type === 'AWSAccount') caller = index.callerOf(r.issued) ?? caller;
        current = caller;
        time = r.issued.issuedAt;
        sourceIdentity ??= sessionSourceIdentity(current);
        continue;
      }
      default:
        return stop(chain, current, sourceIdentity, `identity type ${type ?? '(none)'} cannot be followed further`);
    }
  }
  return stop(chain, current, sourceIdentity, `role chain deeper than ${maxDepth} hops`);
}

/**
 * Attribution of a key known only from its issuing call (no use of it in the sources): the caller's
 * origin, with this issuance as the last hop. Used by `trace` when a key was minted but never seen used.
 */
export function originOfIssuance(credential: IssuedCredential, index: CredentialIndex, opts?: AttributionOptions): Origin {
  const copies = index.copiesOf(credential);
  const record = copies.find((c) => c.caller.type !== 'AWSAccount') ?? credential;
  const caller = index.callerOf(record) ?? record.caller;
  const origin = attribute(caller, record.issuedAt, index, opts);
  origin.chain.push(stepOf(record, copies));
  origin.sourceIdentity ??= credential.sourceIdentity;
  if (origin.sourceIdentity === undefined) delete origin.sourceIdentity;
  return origin;
}

/** Attribution for an event's own actor, at the event's time. */
export function attributeEvent(event: CloudTrailEvent, index: CredentialIndex, opts?: AttributionOptions): Origin {
  return attribute(event.userIdentity, eventTimeMs(event.eventTime) ?? 0, index, opts);
}

function stop(chain: ChainStep[], reached: UserIdentity, sourceIdentity: string | undefined, missing: string): Origin {
  const origin: Origin = {
    type: 'unknown',
    chain,
    complete: false,
    reached: {
      ...opt('type', asString(reached.type)),
      ...opt('arn', asString(reached.arn)),
      ...opt('accessKeyId', asString(reached.accessKeyId)),
      ...opt('account', asString(reached.accountId)),
    },
    missing,
  };
  return withSourceIdentity(origin, sourceIdentity);
}

function withSourceIdentity(origin: Origin, sourceIdentity: string | undefined): Origin {
  if (sourceIdentity) origin.sourceIdentity = sourceIdentity;
  return origin;
}

function sessionSourceIdentity(identity: UserIdentity): string | undefined {
  return asString(identity.sessionContext?.sourceIdentity);
}

function stepOf(c: IssuedCredential, copies: IssuedCredential[]): ChainStep {
  // Key order follows the documented schema: eventID, eventName, eventTime, roleArn, accessKeyId, account, …
  const step = {} as ChainStep;
  if (c.eventID) step.eventID = c.eventID;
  step.eventName = c.eventName;
  step.eventTime = isoTime(c.issuedAt)!;
  if (c.roleArn) step.roleArn = c.roleArn;
  step.accessKeyId = c.accessKeyId;
  if (c.account) step.account = c.account;
  if (c.sessionArn) step.sessionArn = c.sessionArn;
  if (c.sourceIdentity) step.sourceIdentity = c.sourceIdentity;
  const callerType = asString(c.caller.type);
  if (callerType) step.callerType = callerType;
  const callerArn = asString(c.caller.arn);
  if (callerArn) step.callerArn = callerArn;
  if (c.callerKey) step.callerAccessKeyId = c.callerKey;
  const others = copies.filter((x) => x !== c && x.eventID && x.eventID !== c.eventID).map((x) => x.eventID!);
  if (others.length) step.copies = others;
  step.source = c.source;
  return step;
}

/**
 * Roles named AWSReservedSSO_* under the aws-reserved/sso.amazonaws.com path can only be created and
 * assumed by IAM Identity Center, which names the session after the user. That is a fact about the role,
 * not a join, so it is said as a hint while the chain stays incomplete.
 */
function identityCenterHint(identity: UserIdentity): string {
  const issuer = asString(asObject(identity.sessionContext?.sessionIssuer)?.arn) ?? '';
  const arn = asString(identity.arn) ?? '';
  const m = /:assumed-role\/(AWSReservedSSO_[^/]+)\/(.+)$/.exec(arn);
  if (!m || !issuer.includes('/aws-reserved/sso.amazonaws.com/')) return '';
  return `; the role ${m[1]} is an IAM Identity Center permission set, so the session belongs to Identity Center user "${m[2]}" — add the trail holding its AssumeRoleWithSAML to complete the chain`;
}

function describeRejections(rejected: Rejection[]): string {
  if (rejected.length === 0) return '';
  const shown = rejected.slice(0, 3).map((r) => `${r.credential.eventName} ${r.credential.eventID ?? '?'}: ${r.reason}`);
  return ` (${rejected.length} issuing event${rejected.length === 1 ? '' : 's'} with this key rejected — ${shown.join('; ')})`;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import type { EventFields } from '../event-fields.js';
import type { IssuedCredential } from '../issued-credential.js';
import type { ActivityTarget } from './target.js';

/** One hop from the root to a key: the issuing (or CreateAccessKey) event. */
export interface ViaStep {
  eventID?: string;
  eventName: string;
  issuedAccessKeyId: string;
}

export type Branch = 'session' | 'persistence';

/** How a credential joined the closure. */
export type JoinedBy = 'target' | 'issued' | 'sourceIdentity' | 'CreateAccessKey' | 'CreateUser';

/** One credential in the tree (a node of the summary's `tree`). */
export interface ActivityNode {
  id: number;
  parent?: number;
  depth: number;
  branch: Branch;
  joinedBy: JoinedBy;
  accessKeyId?: string;
  principal: { type?: string; arn?: string; account?: string };
  /** When the credential was issued or created (absent for <WHO>'s own long-term credentials). */
  issuedAt?: string;
  expiresAt?: string;
  sourceIdentity?: string;
  via: ViaStep[];
  events: number;
  firstSeen?: string;
  lastSeen?: string;
}

/** A credential of the closure as it is built, before the summary turns it into an ActivityNode. */
export interface ClosureNode extends Omit<ActivityNode, 'issuedAt' | 'expiresAt' | 'events' | 'firstSeen' | 'lastSeen'> {
  /** Roots: the identity exactly as the events recorded it. */
  recorded?: string;
  fromMs?: number;
  toMs?: number;
  issued?: IssuedCredential;
  count: number;
  firstMs?: number;
  lastMs?: number;
}

/** A persistence call made by a member of the closure. */
export interface PersistenceAction {
  eventID?: string;
  eventTime: string;
  eventName: string;
  recipientAccountId?: string;
  errorCode: string | null;
  /** The IAM user or role it concerns. */
  userName?: string;
  roleName?: string;
  /** CreateAccessKey: the new key, from the response. */
  accessKeyId?: string;
  /** The node (session) that made the call. */
  by: number;
  /** The new key's own activity is part of the closure (CreateAccessKey with --follow-persistence). */
  followed: boolean;
}

export interface ActivityEvent extends EventFields {
  accessKeyId?: string;
  session?: string;
  depth: number;
  via: ViaStep[];
  branch: Branch;
  /** eventIDs of the other account's record of the same call (same sharedEventID). */
  copies?: string[];
  source: string;
  event: CloudTrailEvent;
}

export interface Count {
  name: string;
  events: number;
}

export interface ResourceChange {
  resource: string;
  eventName: string;
  eventTime: string;
  account?: string;
  region: string;
}

export interface ActivitySummary {
  who: string;
  target: ActivityTarget;
  events: number;
  firstSeen?: string;
  lastSeen?: string;
  tree: ActivityNode[];
  accounts: Count[];
  regions: Count[];
  services: Array<Count & { calls: Array<Count & { errors: number }> }>;
  writes: number;
  errors: Count[];
  resources: { created: ResourceChange[]; changed: ResourceChange[]; deleted: ResourceChange[] };
  sourceIPs: Count[];
  userAgents: Count[];
  persistence: PersistenceAction[];
  /** Events carrying a key of the set that could not be proved to be this credential (another issuance fits, or none does). */
  unattributed: number;
  issuingEvents: number;
}

export interface ActivityReport {
  summary: ActivitySummary;
  /** Oldest first. */
  events: ActivityEvent[];
}

export interface ActivityOptions {
  lookBackMs?: number;
  /** Follow the keys created by CreateAccessKey (default true). */
  followPersistence?: boolean;
  /** The window <WHO>'s own uses must fall in (the closure may reach past it). */
  startMs?: number;
  endMs?: number;
  /** The `events` flags, applied to the reported events only. */
  accept?: (e: CloudTrailEvent) => boolean;
}

/** `{ key: value }`, or `{}` when the value is absent, so absent fields are left out of the JSON. */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

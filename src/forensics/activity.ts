import { UsageError } from '../errors.js';
import { valueNeedle } from '../filter/flags.js';
import { anyOf } from '../filter/matcher.js';
import type { RecordMatcher } from '../records/matcher.js';
import { matcherPart, type MatcherRecipe } from '../filter/recipe.js';
import type { CloudTrailEvent, SourcedEvent, UserIdentity } from '../cloudtrail/event.js';
import { looksDestructive, ruleFor } from './catalogue.js';
import { CredentialIndex, isIssuingEvent, type IssuedCredential } from './credentials.js';
import { parseArn, sameArn, sameRole, serviceOf } from '../cloudtrail/arn.js';
import { principalRef } from '../cloudtrail/principal.js';
import { issuingMatcher } from './issuing.js';
import type { EventFields } from './event-fields.js';
import { asObject, asString, valuesAt } from '../cloudtrail/json.js';
import { eventTimeMs, isoTime } from '../cloudtrail/time.js';

/**
 * The forward closure behind `ctrail activity`: starting from what <WHO> used, every key handed out by a
 * credential-issuing call made with a key already in the set, to any depth and across accounts, plus the
 * persistence a member created (new access keys, login profiles, users, roles). Membership of a session
 * is proved the same way attribution proves a hop — CredentialIndex.resolve — so a reused session name
 * or a documentation key that recurs in unrelated logs never joins two people's activity.
 *
 * Two passes, never one per hop: `activityIndexMatcher` reads the issuing and persistence events (and
 * <WHO>'s own uses) once; the closure is computed in memory; `activityEventMatcher` then reads the events
 * of the final key set, pre-filtered by those keys as byte needles.
 */

export type ActivityTarget =
  | { kind: 'key'; accessKeyId: string }
  | { kind: 'user'; arn: string }
  | { kind: 'role'; arn: string }
  | { kind: 'session'; arn: string }
  | { kind: 'name'; name: string };

export function parseActivityTarget(text: string): ActivityTarget {
  const t = text.trim();
  if (t === '') throw new UsageError('<who> is empty: expected an access key id, a principal ARN or a federated user name');
  if (/^(AKIA|ASIA)[A-Z0-9]{12,124}$/.test(t)) return { kind: 'key', accessKeyId: t };
  if (t.startsWith('arn:')) {
    const arn = parseArn(t);
    const kind = arn?.resource.split('/')[0];
    if (arn?.service === 'iam' && (kind === 'user' || kind === 'root')) return { kind: 'user', arn: t };
    if (arn?.service === 'iam' && kind === 'role') return { kind: 'role', arn: t };
    if (arn?.service === 'sts' && (kind === 'assumed-role' || kind === 'federated-user')) return { kind: 'session', arn: t };
    throw new UsageError(`${t}: expected an IAM user or role ARN, or an assumed-role/federated-user session ARN`);
  }
  if (/[\s\u0000-\u001f]/.test(t)) throw new UsageError(`${t}: a federated user name has no spaces or control characters`);
  return { kind: 'name', name: t };
}

function targetValue(t: ActivityTarget): string {
  return t.kind === 'key' ? t.accessKeyId : t.kind === 'name' ? t.name : t.arn;
}

/** Whether an identity is <WHO> itself (not one of the sessions it spawned). */
export function isTarget(t: ActivityTarget, u: UserIdentity | undefined): boolean {
  if (!u) return false;
  const arn = asString(u.arn);
  const type = asString(u.type);
  switch (t.kind) {
    case 'key':
      return u.accessKeyId === t.accessKeyId;
    case 'user':
      return arn === t.arn;
    case 'session':
      return arn !== undefined && sameArn(arn, t.arn);
    case 'role': {
      const issuer = asString(asObject(u.sessionContext?.sessionIssuer)?.arn);
      return type === 'AssumedRole' && issuer !== undefined && sameRole(issuer, t.arn);
    }
    case 'name': {
      if (type === 'SAMLUser' || type === 'WebIdentityUser') {
        const principal = asString(u.principalId) ?? '';
        return u.userName === t.name || principal === t.name || principal.endsWith(':' + t.name);
      }
      // An IAM user name is unique within its account; in several accounts each becomes its own root.
      if (type === 'IAMUser') return u.userName === t.name;
      const behalf = asObject(u.onBehalfOf);
      return (type === 'IdentityCenterUser' && u.userName === t.name) || asString(behalf?.userId) === t.name;
    }
  }
}

/** The calls that create a way back in, reported as their own branch. */
export const PERSISTENCE_EVENTS = ['CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'CreateUser', 'CreateRole'] as const;
const persistenceMatcher: RecordMatcher = {
  needles: [PERSISTENCE_EVENTS.map((n) => `"${n}"`)],
  matches: (e) => e.eventSource === 'iam.amazonaws.com' && (PERSISTENCE_EVENTS as readonly string[]).includes(e.eventName),
};

function needleFor(value: string): string[] {
  const run = valueNeedle(value)?.replace(/^"|"$/g, '');
  return run ? [run] : [];
}

/** Pass 2's selection: the closure's keys, <WHO>'s own keyless calls (console sign-in…), and users the set created. */
export interface ActivitySelection {
  keys: string[];
  keylessTarget?: ActivityTarget;
  createdUsers: string[];
}

/** Pass 2's matcher, pre-filtered on the keys (and names) as byte needles. */
export function activityEventMatcher(sel: ActivitySelection): RecordMatcher {
  const keys = new Set(sel.keys);
  const users = new Set(sel.createdUsers);
  const needles = sel.keys.map((k) => `"${k}"`);
  if (sel.keylessTarget) needles.push(...needleFor(targetValue(sel.keylessTarget)));
  for (const arn of users) needles.push(...needleFor(arn.split('/').pop()!));
  const target = sel.keylessTarget;
  return {
    needles: needles.length ? [needles] : [['"\u0000never\u0000"']],
    matches: (e) => {
      const key = asString(e.userIdentity?.accessKeyId);
      if (key !== undefined && keys.has(key)) return true;
      if (target && !key && isTarget(target, e.userIdentity)) return true;
      const arn = asString(e.userIdentity?.arn);
      return arn !== undefined && users.has(arn);
    },
  };
}

/** Pass 1: issuing calls, persistence calls, and <WHO>'s own uses. */
export function activityIndexMatcher(target: ActivityTarget): RecordMatcher {
  const own: RecordMatcher = { needles: [needleFor(targetValue(target))], matches: (e) => isTarget(target, e.userIdentity) };
  return anyOf([own, issuingMatcher, persistenceMatcher]);
}

/** The two passes' matchers as recipe parts: what each scan reads, on every thread. */
export const activityIndexPart = matcherPart(import.meta.url, 'activityIndexPart', activityIndexMatcher);
export const activityEventPart = matcherPart(import.meta.url, 'activityEventPart', activityEventMatcher);

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

interface Node extends Omit<ActivityNode, 'issuedAt' | 'expiresAt' | 'events' | 'firstSeen' | 'lastSeen'> {
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

const identityKey = (u: UserIdentity, recipient: unknown) => [u.accessKeyId ?? '', u.arn ?? '', u.accountId ?? asString(recipient) ?? ''].join('|');
const callId = (c: IssuedCredential) => c.sharedEventID ?? `${c.eventID ?? ''}|${c.issuedAt}|${c.accessKeyId}`;

/** The closure itself, computed from pass 1 and then used to classify pass 2's events. */
export class ActivityClosure {
  readonly index: CredentialIndex;
  private readonly roots = new Map<string, Node>();
  private readonly nodes: Node[] = [];
  private readonly byKey = new Map<string, Node[]>();
  private readonly calls = new Set<string>();
  private readonly persistenceEvents: SourcedEvent[] = [];
  private readonly persistenceSeen = new Set<string>();
  readonly persistence: PersistenceAction[] = [];
  private readonly rootSourceIdentities = new Set<string>();
  private readonly createdUsers: Node[] = [];
  private built = false;

  constructor(
    readonly target: ActivityTarget,
    private readonly opts: ActivityOptions = {},
  ) {
    this.index = new CredentialIndex({ keepOwnerCopies: true, ...(opts.lookBackMs === undefined ? {} : { lookBackMs: opts.lookBackMs }) });
  }

  /** Pass 1: feed every record the index matcher accepted. */
  addIndexEvent(sourced: SourcedEvent): void {
    const e = sourced.event;
    this.index.add(sourced);
    if (persistenceMatcher.matches(e)) {
      // A record delivered twice (overlapping files, a trail and its copy) is one call.
      const id = [e.eventID, e.eventName, e.eventTime, e.recipientAccountId].join('|');
      if (!e.eventID || !this.persistenceSeen.has(id)) this.persistenceEvents.push(sourced);
      this.persistenceSeen.add(id);
    }
    if (!isTarget(this.target, e.userIdentity)) return;
    const t = eventTimeMs(e.eventTime);
    if (t === undefined || (this.opts.startMs !== undefined && t < this.opts.startMs) || (this.opts.endMs !== undefined && t > this.opts.endMs)) return;
    const u = e.userIdentity!;
    const id = identityKey(u, e.recipientAccountId);
    if (!this.roots.has(id)) {
      const principal = principalRef(u.type, asString(u.arn) ?? asString(u.userName), asString(u.accountId) ?? asString(e.recipientAccountId));
      const node = this.newNode({ depth: 0, branch: 'session', joinedBy: 'target', principal, via: [], recorded: id }, asString(u.accessKeyId));
      this.roots.set(id, node);
    }
    const si = asString(u.sessionContext?.sourceIdentity);
    if (si) this.rootSourceIdentities.add(si);
  }

  private newNode(fields: Omit<Node, 'id' | 'count' | 'accessKeyId'>, key: string | undefined): Node {
    const node: Node = { id: this.nodes.length, ...fields, count: 0 };
    if (key) node.accessKeyId = key;
    this.nodes.push(node);
    if (key) (this.byKey.get(key) ?? this.byKey.set(key, []).get(key)!).push(node);
    return node;
  }

  /** Walks forward from the roots; call once, after pass 1 (and any --identity-source events). */
  build(): void {
    if (this.built) return;
    this.built = true;
    const keyless: IssuedCredential[] = [];
    for (const c of this.index.all()) {
      const caller = this.callerOf(c);
      if (caller && !caller.accessKeyId) keyless.push(c);
    }
    const persistenceByKey = new Map<string, SourcedEvent[]>();
    for (const p of this.persistenceEvents) {
      const key = asString(p.event.userIdentity?.accessKeyId) ?? '';
      (persistenceByKey.get(key) ?? persistenceByKey.set(key, []).get(key)!).push(p);
    }
    const seenPersistence = new Set<SourcedEvent>();
    const sourceIdentities = new Set(this.rootSourceIdentities);
    if (this.target.kind === 'name') sourceIdentities.add(this.target.name);
    // Issued keys can in turn issue keys: keep going until nothing new joins (bounded by the calls indexed).
    const queue = [...this.nodes];
    const addIssued = (c: IssuedCredential, parent: Node | undefined, joinedBy: JoinedBy): void => {
      const id = callId(c);
      if (this.calls.has(id)) return;
      this.calls.add(id);
      const record = this.index.copiesOf(c).find((x) => x.caller.type !== 'AWSAccount') ?? c;
      const via = [...(parent?.via ?? []), viaOf(record.eventID, record.eventName, record.accessKeyId)];
      const node = this.newNode(
        {
          ...(parent ? { parent: parent.id } : {}),
          depth: parent ? parent.depth + 1 : 1,
          branch: parent?.branch ?? 'session',
          joinedBy,
          principal: { type: record.eventName === 'GetFederationToken' ? 'FederatedUser' : record.eventName === 'GetSessionToken' ? asString(record.caller.type) ?? 'IAMUser' : 'AssumedRole', ...opt('arn', record.sessionArn ?? (record.eventName === 'GetSessionToken' ? asString(record.caller.arn) : undefined)), ...opt('account', record.account) },
          via,
          fromMs: record.issuedAt,
          toMs: record.expiresAt,
          issued: record,
          ...opt('sourceIdentity', record.sourceIdentity),
        },
        record.accessKeyId,
      );
      if (parent?.depth === 0 && record.sourceIdentity) sourceIdentities.add(record.sourceIdentity);
      queue.push(node);
    };

    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      // A created user may act with any key of its own, so its calls are looked for among all of them.
      const candidates = node.joinedBy === 'CreateUser' ? [...this.index.all()] : node.accessKeyId ? this.index.issuedBy(node.accessKeyId) : keyless;
      for (const c of [...candidates].sort((a, b) => a.issuedAt - b.issuedAt)) {
        const caller = this.callerOf(c);
        if (caller && this.fits(node, caller, c.issuedAt, c.recipientAccountId)) addIssued(c, node, 'issued');
      }
      for (const p of node.joinedBy === 'CreateUser' ? this.persistenceEvents : persistenceByKey.get(node.accessKeyId ?? '') ?? []) {
        if (seenPersistence.has(p)) continue;
        const t = eventTimeMs(p.event.eventTime);
        if (t === undefined || !this.fits(node, p.event.userIdentity ?? {}, t, p.event.recipientAccountId)) continue;
        seenPersistence.add(p);
        const action = this.persistenceAction(p.event, node);
        this.persistence.push(action);
        if (action.followed && action.eventName === 'CreateUser' && action.userName) {
          // A user the set created is theirs from its creation on, whichever key or console session it uses.
          const account = asString(p.event.recipientAccountId) ?? asString(p.event.userIdentity?.accountId);
          if (account) {
            const arn = asString(asObject(asObject(p.event.responseElements)?.user)?.arn) ?? `arn:aws:iam::${account}:user/${action.userName}`;
            const child = this.newNode(
              { parent: node.id, depth: node.depth + 1, branch: 'persistence', joinedBy: 'CreateUser', principal: { type: 'IAMUser', arn, account }, via: node.via, fromMs: t },
              undefined,
            );
            this.createdUsers.push(child);
            queue.push(child);
          }
        }
        if (action.followed && action.accessKeyId) {
          const account = asString(p.event.recipientAccountId) ?? asString(p.event.userIdentity?.accountId);
          // Without userName in the request the key is the caller's own (an IAM user's, or the root user's).
          const forUser = asString(asObject(p.event.requestParameters)?.userName);
          const caller = p.event.userIdentity ?? {};
          const ownType = asString(caller.type) === 'Root' ? 'Root' : 'IAMUser';
          const arn = forUser ? (account ? `arn:aws:iam::${account}:user/${forUser}` : undefined) : asString(caller.arn);
          const child = this.newNode(
            {
              parent: node.id,
              depth: node.depth + 1,
              branch: 'persistence',
              joinedBy: 'CreateAccessKey',
              principal: { type: forUser ? 'IAMUser' : ownType, ...opt('arn', arn), ...opt('account', account) },
              via: [...node.via, viaOf(asString(p.event.eventID), 'CreateAccessKey', action.accessKeyId)],
              fromMs: t,
            },
            action.accessKeyId,
          );
          queue.push(child);
        }
      }
      // Sessions that carry the person's sourceIdentity join even when their issuing call was made by a
      // principal outside the sources: sourceIdentity is set once and survives every role-chaining hop.
      if (i === queue.length - 1) {
        for (const si of sourceIdentities) {
          for (const c of this.index.withSourceIdentity(si)) {
            if (this.calls.has(callId(c))) continue;
            const caller = this.callerOf(c);
            const parent = caller ? this.nodes.find((n) => this.fits(n, caller, c.issuedAt, c.recipientAccountId)) : undefined;
            addIssued(c, parent, parent ? 'issued' : 'sourceIdentity');
          }
        }
      }
    }
    this.persistence.sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  }

  private callerOf(c: IssuedCredential): UserIdentity | undefined {
    return c.caller.type === 'AWSAccount' ? this.index.callerOf(c) : c.caller;
  }

  private persistenceAction(e: CloudTrailEvent, by: Node): PersistenceAction {
    const request = asObject(e.requestParameters) ?? {};
    const response = asObject(e.responseElements) ?? {};
    const errorCode = asString(e.errorCode) ?? null;
    const newKey = e.eventName === 'CreateAccessKey' ? asString(asObject(response.accessKey)?.accessKeyId) : undefined;
    const userName = asString(request.userName) ?? (e.eventName === 'CreateAccessKey' ? asString(asObject(response.accessKey)?.userName) : undefined);
    return {
      ...opt('eventID', asString(e.eventID)),
      eventTime: isoTime(eventTimeMs(e.eventTime)) ?? e.eventTime,
      eventName: e.eventName,
      ...opt('recipientAccountId', asString(e.recipientAccountId)),
      errorCode,
      ...opt('userName', userName),
      ...opt('roleName', asString(request.roleName)),
      ...opt('accessKeyId', newKey),
      by: by.id,
      followed: (newKey !== undefined || (e.eventName === 'CreateUser' && userName !== undefined)) && errorCode === null && this.opts.followPersistence !== false,
    };
  }

  /**
   * Whether a use (or a call) by this identity at this time is the node's credential. Roots compare the
   * identity as recorded; issued sessions go through CredentialIndex.resolve, so the use must fit the very
   * call that issued the node's key (time, lifetime, account, role), and nothing else may fit.
   */
  private fits(node: Node, u: UserIdentity, time: number, recipient: unknown): boolean {
    const key = asString(u.accessKeyId);
    if (node.joinedBy !== 'CreateUser' && key !== node.accessKeyId) return false;
    if (node.joinedBy === 'target') return identityKey(u, recipient) === node.recorded && isTarget(this.target, u);
    if (node.joinedBy === 'CreateUser') {
      // Keys of the user known to the closure (CreateAccessKey) are their own branch, with their own via.
      if (key && this.byKey.has(key)) return false;
      const account = asString(u.accountId) ?? asString(recipient);
      return time >= (node.fromMs ?? 0) && u.arn === node.principal.arn && account === node.principal.account;
    }
    if (node.joinedBy === 'CreateAccessKey') {
      const account = asString(u.accountId) ?? asString(recipient);
      return time >= (node.fromMs ?? 0) && (!node.principal.arn || u.arn === node.principal.arn) && (!node.principal.account || account === node.principal.account);
    }
    if (!node.issued || !key) return false;
    const issuerArn = asString(asObject(u.sessionContext?.sessionIssuer)?.arn);
    const r = this.index.resolve({ accessKeyId: key, time, ...opt('arn', asString(u.arn)), ...opt('account', asString(u.accountId)), ...opt('issuerArn', issuerArn) });
    return r.issued !== undefined && callId(r.issued) === callId(node.issued);
  }

  /** Every key of the closure, for pass 2's needles. */
  keys(): string[] {
    this.build();
    return [...this.byKey.keys()];
  }

  /** What pass 2 must read, as plain data (it crosses into worker threads): see activityEventMatcher. */
  eventSelection(): ActivitySelection {
    const keyless = [...this.roots.values()].some((n) => !n.accessKeyId) || this.target.kind === 'name';
    return { keys: this.keys(), ...(keyless ? { keylessTarget: this.target } : {}), createdUsers: [...new Set(this.createdUsers.map((n) => n.principal.arn!))] };
  }

  /** The node an event belongs to, if any. */
  nodeOf(e: CloudTrailEvent): Node | undefined {
    this.build();
    const u = e.userIdentity ?? {};
    const t = eventTimeMs(e.eventTime);
    if (t === undefined) return undefined;
    const key = asString(u.accessKeyId);
    const candidates = [...(key ? this.byKey.get(key) ?? [] : [...this.roots.values()].filter((n) => !n.accessKeyId)), ...this.createdUsers];
    return candidates.find((n) => this.fits(n, u, t, e.recipientAccountId));
  }

  /** The records of issuing calls in the closure that were logged only in the role owner's account. */
  ownerCopies(): Array<{ copy: IssuedCredential; by: Pick<Node, 'depth' | 'via' | 'branch' | 'principal'> }> {
    const out: Array<{ copy: IssuedCredential; by: Pick<Node, 'depth' | 'via' | 'branch' | 'principal'> }> = [];
    for (const node of this.nodes) {
      if (!node.issued) continue;
      // A session joined by sourceIdentity alone was issued by a caller outside the closure: its call sits one level up.
      const by = node.parent !== undefined ? this.nodes[node.parent]! : { depth: node.depth - 1, via: node.via.slice(0, -1), branch: node.branch, principal: {} };
      for (const copy of this.index.copiesOf(node.issued)) if (copy.caller.type === 'AWSAccount') out.push({ copy, by });
    }
    return out;
  }

  get all(): readonly Node[] {
    return this.nodes;
  }
}

function viaOf(eventID: string | undefined, eventName: string, issuedAccessKeyId: string): ViaStep {
  return { ...opt('eventID', eventID), eventName, issuedAccessKeyId };
}

/**
 * Runs the closure over both passes. `indexEvents` is pass 1 (activityIndexPart), `identityEvents` the
 * --identity-source issuing events, and `events` a factory for pass 2 given its recipe — called once.
 */
export async function collectActivity(
  target: ActivityTarget,
  indexEvents: AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
  events: (recipe: MatcherRecipe) => AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
  opts: ActivityOptions = {},
  identityEvents?: AsyncIterable<SourcedEvent> | Iterable<SourcedEvent>,
  who = targetValue(target),
): Promise<ActivityReport> {
  const closure = new ActivityClosure(target, opts);
  for await (const s of indexEvents) closure.addIndexEvent(s);
  // Issuing calls from --identity-source may be <WHO>'s own (the first hops of its chain).
  if (identityEvents) for await (const s of identityEvents) closure.addIndexEvent(s);
  closure.build();

  const out: ActivityEvent[] = [];
  const seen = new Set<string>();
  let unattributed = 0;
  const accept = opts.accept ?? (() => true);
  const push = (e: CloudTrailEvent, source: string, node: { depth: number; via: ViaStep[]; branch: Branch; principal: ActivityNode['principal']; accessKeyId?: string }, count?: Node) => {
    const dedup = [e.eventID, e.eventName, e.eventTime, e.recipientAccountId].join('|');
    if (e.eventID && seen.has(dedup)) return;
    seen.add(dedup);
    if (!accept(e)) return;
    const t = eventTimeMs(e.eventTime);
    if (count && t !== undefined) {
      count.count++;
      count.firstMs = Math.min(count.firstMs ?? t, t);
      count.lastMs = Math.max(count.lastMs ?? t, t);
    }
    out.push({
      ...opt('eventID', asString(e.eventID)),
      eventTime: e.eventTime,
      eventName: e.eventName,
      eventSource: e.eventSource,
      awsRegion: e.awsRegion,
      ...opt('recipientAccountId', asString(e.recipientAccountId)),
      errorCode: asString(e.errorCode) ?? null,
      ...opt('accessKeyId', asString(e.userIdentity?.accessKeyId) ?? node.accessKeyId),
      ...opt('session', asString(e.userIdentity?.arn) ?? node.principal.arn),
      depth: node.depth,
      via: node.via,
      branch: node.branch,
      source,
      event: e,
    });
  };
  const selection = closure.eventSelection();
  for await (const { event, source } of events(activityEventPart.recipe(selection))) {
    const node = closure.nodeOf(event);
    if (!node) {
      if (accept(event)) unattributed++;
      continue;
    }
    push(event, source, node, node);
  }
  for (const { copy, by } of closure.ownerCopies()) push(copy.event!, copy.source, by);
  const reported = withCopies(out).sort((a, b) => (eventTimeMs(a.eventTime) ?? 0) - (eventTimeMs(b.eventTime) ?? 0));
  return { summary: summarize(who, target, closure, reported, unattributed), events: reported };
}

/** Both records of a call logged in two accounts (same sharedEventID) name each other in `copies`. */
function withCopies(events: ActivityEvent[]): ActivityEvent[] {
  const groups = new Map<string, ActivityEvent[]>();
  for (const x of events) {
    const shared = asString(x.event.sharedEventID);
    if (!shared) continue;
    const id = `${shared}|${x.eventName}`;
    (groups.get(id) ?? groups.set(id, []).get(id)!).push(x);
  }
  return events.map((x) => {
    const shared = asString(x.event.sharedEventID);
    const others = shared ? (groups.get(`${shared}|${x.eventName}`) ?? []).filter((y) => y !== x && y.eventID).map((y) => y.eventID!) : [];
    if (others.length === 0) return x;
    // `copies` sits before `source` and `event`, as documented.
    const { source, event, ...rest } = x;
    return { ...rest, copies: others, source, event };
  });
}

function tally(values: Iterable<string | undefined>): Count[] {
  const m = new Map<string, number>();
  for (const v of values) if (v !== undefined) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([name, events]) => ({ name, events })).sort((a, b) => b.events - a.events || a.name.localeCompare(b.name));
}

const CREATES = /^(Create|Run|Register|Import|Allocate|Launch|Copy|Restore|Publish)/;

/** The resource a write call names: resources[] first, then the first name/id/ARN-like request parameter. */
function resourceOf(e: CloudTrailEvent): string {
  // A catalogued deletion knows where its target is written.
  const rule = ruleFor(e.eventSource, e.eventName);
  for (const target of rule?.targets ?? []) {
    const path = typeof target === 'string' ? target : target.path;
    const value = valuesAt(e.requestParameters, path)[0];
    if (value) return `${rule!.label} ${value}`;
  }
  const listed = Array.isArray(e.resources) ? e.resources.map((r) => asString(asObject(r)?.ARN)).find((a) => a !== undefined) : undefined;
  if (listed) return listed;
  const request = asObject(e.requestParameters) ?? {};
  for (const [k, v] of Object.entries(request)) if (/(Name|Id|Arn|ARN|Key|^name)$/.test(k) && asString(v)) return `${k}=${String(v)}`;
  const nested = Object.values(request).map(asObject).find((o) => o !== undefined);
  if (nested) for (const [k, v] of Object.entries(nested)) if (/(Name|Id|Arn|ARN|Key)$/.test(k) && asString(v)) return `${k}=${String(v)}`;
  return '?';
}

function summarize(who: string, target: ActivityTarget, closure: ActivityClosure, events: ActivityEvent[], unattributed: number): ActivitySummary {
  const services = new Map<string, Map<string, { events: number; errors: number }>>();
  const created: ResourceChange[] = [];
  const changed: ResourceChange[] = [];
  const deleted: ResourceChange[] = [];
  let writes = 0;
  for (const x of events) {
    const service = serviceOf(x.eventSource);
    const calls = services.get(service) ?? services.set(service, new Map()).get(service)!;
    const c = calls.get(x.eventName) ?? calls.set(x.eventName, { events: 0, errors: 0 }).get(x.eventName)!;
    c.events++;
    if (x.errorCode) c.errors++;
    const e = x.event;
    // Records without readOnly (older or hand-made ones) are judged by the verb.
    const write = e.readOnly === undefined ? !/^(Describe|Get|List|Head|Lookup|Search|Scan|Query|Select|BatchGet|ConsoleLogin)/.test(x.eventName) : String(e.readOnly) === 'false';
    if (!write || isIssuingEvent(e) || x.eventSource === 'signin.amazonaws.com') continue;
    writes++;
    if (x.errorCode) continue;
    const change: ResourceChange = { resource: resourceOf(e), eventName: x.eventName, eventTime: x.eventTime, ...opt('account', x.recipientAccountId), region: x.awsRegion };
    if (ruleFor(x.eventSource, x.eventName) || looksDestructive(x.eventName)) deleted.push(change);
    else if (CREATES.test(x.eventName)) created.push(change);
    else changed.push(change);
  }
  const times = events.map((x) => eventTimeMs(x.eventTime)).filter((t): t is number => t !== undefined);
  const tree: ActivityNode[] = closure.all.map((n) => {
    const node: ActivityNode = {
      id: n.id,
      ...(n.parent !== undefined ? { parent: n.parent } : {}),
      depth: n.depth,
      branch: n.branch,
      joinedBy: n.joinedBy,
      ...opt('accessKeyId', n.accessKeyId),
      principal: n.principal,
      ...opt('issuedAt', isoTime(n.fromMs)),
      ...opt('expiresAt', isoTime(n.toMs)),
      ...opt('sourceIdentity', n.sourceIdentity),
      via: n.via,
      events: n.count,
      ...opt('firstSeen', isoTime(n.firstMs)),
      ...opt('lastSeen', isoTime(n.lastMs)),
    };
    return node;
  });
  return {
    who,
    target,
    events: events.length,
    ...opt('firstSeen', times.length ? isoTime(Math.min(...times)) : undefined),
    ...opt('lastSeen', times.length ? isoTime(Math.max(...times)) : undefined),
    tree,
    accounts: tally(events.map((x) => x.recipientAccountId)),
    regions: tally(events.map((x) => x.awsRegion)),
    services: [...services]
      .map(([name, calls]) => ({ name, events: [...calls.values()].reduce((s, c) => s + c.events, 0), calls: [...calls].map(([call, c]) => ({ name: call, ...c })).sort((a, b) => b.events - a.events || a.name.localeCompare(b.name)) }))
      .sort((a, b) => b.events - a.events || a.name.localeCompare(b.name)),
    writes,
    errors: tally(events.map((x) => x.errorCode ?? undefined)),
    resources: { created, changed, deleted },
    sourceIPs: tally(events.map((x) => asString(x.event.sourceIPAddress))),
    userAgents: tally(events.map((x) => asString(x.event.userAgent))),
    persistence: closure.persistence,
    unattributed,
    issuingEvents: closure.index.size,
  };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

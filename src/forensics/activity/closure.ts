import type { CloudTrailEvent, SourcedEvent, UserIdentity } from '../../cloudtrail/event.js';
import { CallResolver, CredentialIndex } from '../credentials.js';
import { RecordsSeen } from '../event-fields.js';
import { callKey, type IssuedCredential } from '../issued-credential.js';
import { asObject, asString } from '../../cloudtrail/json.js';
import { principalRef } from '../../cloudtrail/principal.js';
import { eventTimeMs, isoTime } from '../../cloudtrail/time.js';
import { persistenceMatcher, type ActivitySelection } from './matchers.js';
import { isTarget, type ActivityTarget } from './target.js';
import { opt, type ActivityOptions, type ClosureNode, type JoinedBy, type PersistenceAction, type ViaStep } from './types.js';

/**
 * The forward closure behind `ctrail activity`: starting from what <WHO> used, every key handed out by a
 * credential-issuing call made with a key already in the set, to any depth and across accounts, plus the
 * persistence a member created (new access keys, login profiles, users, roles). Membership of a session
 * is proved the same way attribution proves a hop — CredentialIndex.resolve — so a reused session name
 * or a documentation key that recurs in unrelated logs never joins two people's activity.
 *
 * Everything scales with the closure, not its square: an issued session is found by the call its key
 * resolves to (byCall), and a key's issuances are looked up by time (CallResolver), never one by one.
 *
 * Two passes, never one per hop: `activityIndexMatcher` reads the issuing and persistence events (and
 * <WHO>'s own uses) once; the closure is computed in memory; `activityEventMatcher` then reads the events
 * of the final key set, pre-filtered by those keys as byte needles.
 */

/** The state of one build(): the queue of nodes still to expand and what they are matched against. */
interface Walk {
  queue: ClosureNode[];
  /**
   * Issuing calls whose caller used no key (console and federation sign-ins, and every call a service made),
   * oldest first: candidates for keyless nodes. Found on first use only: finding them decodes the whole
   * index (every AssumeRole of the trail), which a walk from an access key never needs.
   */
  keyless: () => readonly IssuedCredential[];
  /** Every indexed issuing call, oldest first, for created users (who may act with any key of their own); on first use only, like `keyless`. */
  everyCall: () => readonly IssuedCredential[];
  /** Persistence calls by the key that made them ('' for none). */
  persistenceByKey: Map<string, SourcedEvent[]>;
  seenPersistence: Set<SourcedEvent>;
  /** sourceIdentity values that mark the person's sessions; grows as <WHO>'s own sessions join. */
  sourceIdentities: Set<string>;
  /** Per caller key: the issuing calls made with it, oldest first, grouped by the call the caller's key resolves to. */
  callsWith: Map<string, CallsWith>;
}

const identityKey = (u: UserIdentity, recipient: unknown) => [u.accessKeyId ?? '', u.arn ?? '', u.accountId ?? asString(recipient) ?? ''].join('|');

interface CallsWith {
  all: IssuedCredential[];
  byCall: Map<string | undefined, IssuedCredential[]>;
}

/** The closure itself, computed from pass 1 and then used to classify pass 2's events. */
export class ActivityClosure {
  readonly index: CredentialIndex;
  private readonly roots = new Map<string, ClosureNode>();
  private readonly nodes: ClosureNode[] = [];
  private readonly byKey = new Map<string, ClosureNode[]>();
  /** Nodes with a key that were not issued by a call (roots, created keys), by key, in node order. */
  private readonly unissuedByKey = new Map<string, ClosureNode[]>();
  /** Issued nodes by their call (callKey): a use of a key joins the one node its resolved call made. */
  private readonly byCall = new Map<string, ClosureNode>();
  /** Nodes without a key (keyless roots, created users), in node order. */
  private readonly keyless: ClosureNode[] = [];
  private resolver: CallResolver | undefined;
  private readonly calls = new Set<string>();
  private readonly persistenceEvents: SourcedEvent[] = [];
  private readonly persistenceSeen = new RecordsSeen();
  readonly persistence: PersistenceAction[] = [];
  private readonly rootSourceIdentities = new Set<string>();
  private readonly createdUsers: ClosureNode[] = [];
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
      if (this.persistenceSeen.firstSighting(e)) this.persistenceEvents.push(sourced);
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

  private newNode(fields: Omit<ClosureNode, 'id' | 'count' | 'accessKeyId'>, key: string | undefined): ClosureNode {
    const node: ClosureNode = { id: this.nodes.length, ...fields, count: 0 };
    if (key) node.accessKeyId = key;
    this.nodes.push(node);
    if (key) (this.byKey.get(key) ?? this.byKey.set(key, []).get(key)!).push(node);
    if (!key) this.keyless.push(node);
    else if (node.issued) this.byCall.set(callKey(node.issued), node);
    else (this.unissuedByKey.get(key) ?? this.unissuedByKey.set(key, []).get(key)!).push(node);
    return node;
  }

  /** Walks forward from the roots; call once, after pass 1 (and any --identity-source events). */
  build(): void {
    if (this.built) return;
    this.built = true;
    const walk = this.startWalk();
    // Issued keys can in turn issue keys: keep going until nothing new joins (bounded by the calls indexed).
    for (let i = 0; i < walk.queue.length; i++) {
      const node = walk.queue[i]!;
      this.joinIssued(walk, node);
      this.followPersistence(walk, node);
      if (i === walk.queue.length - 1) this.joinBySourceIdentity(walk);
    }
    this.persistence.sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  }

  private startWalk(): Walk {
    let keyless: IssuedCredential[] | undefined;
    let every: IssuedCredential[] | undefined;
    const keylessCalls = () => (keyless ??= oldestFirst(this.issuedWithoutKey()));
    const everyCall = () => (every ??= oldestFirst([...this.index.all()]));
    const persistenceByKey = new Map<string, SourcedEvent[]>();
    for (const p of this.persistenceEvents) {
      const key = asString(p.event.userIdentity?.accessKeyId) ?? '';
      (persistenceByKey.get(key) ?? persistenceByKey.set(key, []).get(key)!).push(p);
    }
    const sourceIdentities = new Set(this.rootSourceIdentities);
    if (this.target.kind === 'name') sourceIdentities.add(this.target.name);
    return { queue: [...this.nodes], keyless: keylessCalls, everyCall, persistenceByKey, seenPersistence: new Set(), sourceIdentities, callsWith: new Map() };
  }

  /** Every indexed issuing call whose caller used no key, in index order. */
  private issuedWithoutKey(): IssuedCredential[] {
    const out: IssuedCredential[] = [];
    for (const c of this.index.all()) {
      const caller = this.callerOf(c);
      if (caller && !caller.accessKeyId) out.push(c);
    }
    return out;
  }

  /** The issuing calls a node made: each issued key joins as its child. */
  private joinIssued(walk: Walk, node: ClosureNode): void {
    // A created user may act with any key of its own, so its calls are looked for among all of them.
    const candidates =
      node.joinedBy === 'CreateUser'
        ? walk.everyCall()
        : !node.accessKeyId
          ? walk.keyless()
          : node.issued
            ? // An issued session made only the calls whose caller's key resolves to its own issuing call.
              this.callsMadeWith(walk, node.accessKeyId).byCall.get(callKey(node.issued)) ?? []
            : this.callsMadeWith(walk, node.accessKeyId).all;
    for (const c of candidates) {
      const caller = this.callerOf(c);
      if (caller && this.fits(node, caller, c.issuedAt, c.recipientAccountId)) this.addIssued(walk, c, node, 'issued');
    }
  }

  /** The issuing calls made with a key, oldest first, grouped by the call their caller's use resolves to: once per walk. */
  private callsMadeWith(walk: Walk, key: string): CallsWith {
    let calls = walk.callsWith.get(key);
    if (calls) return calls;
    calls = { all: oldestFirst(this.index.issuedBy(key)), byCall: new Map() };
    for (const c of calls.all) {
      const caller = this.callerOf(c);
      const call = caller ? this.callOfUse(caller, c.issuedAt) : undefined;
      (calls.byCall.get(call) ?? calls.byCall.set(call, []).get(call)!).push(c);
    }
    walk.callsWith.set(key, calls);
    return calls;
  }

  /** The persistence calls a node made; with --follow-persistence, created users and keys join as children. */
  private followPersistence(walk: Walk, node: ClosureNode): void {
    for (const p of node.joinedBy === 'CreateUser' ? this.persistenceEvents : walk.persistenceByKey.get(node.accessKeyId ?? '') ?? []) {
      if (walk.seenPersistence.has(p)) continue;
      const t = eventTimeMs(p.event.eventTime);
      if (t === undefined || !this.fits(node, p.event.userIdentity ?? {}, t, p.event.recipientAccountId)) continue;
      walk.seenPersistence.add(p);
      const action = this.persistenceAction(p.event, node);
      this.persistence.push(action);
      if (action.followed && action.eventName === 'CreateUser' && action.userName) this.joinCreatedUser(walk, node, p.event, action.userName, t);
      if (action.followed && action.accessKeyId) this.joinCreatedKey(walk, node, p.event, action.accessKeyId, t);
    }
  }

  /** A user the set created is theirs from its creation on, whichever key or console session it uses. */
  private joinCreatedUser(walk: Walk, node: ClosureNode, e: CloudTrailEvent, userName: string, t: number): void {
    const account = asString(e.recipientAccountId) ?? asString(e.userIdentity?.accountId);
    if (!account) return;
    const arn = asString(asObject(asObject(e.responseElements)?.user)?.arn) ?? `arn:aws:iam::${account}:user/${userName}`;
    const child = this.newNode(
      { parent: node.id, depth: node.depth + 1, branch: 'persistence', joinedBy: 'CreateUser', principal: { type: 'IAMUser', arn, account }, via: node.via, fromMs: t },
      undefined,
    );
    this.createdUsers.push(child);
    walk.queue.push(child);
  }

  private joinCreatedKey(walk: Walk, node: ClosureNode, e: CloudTrailEvent, accessKeyId: string, t: number): void {
    const account = asString(e.recipientAccountId) ?? asString(e.userIdentity?.accountId);
    // Without userName in the request the key is the caller's own (an IAM user's, or the root user's).
    const forUser = asString(asObject(e.requestParameters)?.userName);
    const caller = e.userIdentity ?? {};
    const ownType = asString(caller.type) === 'Root' ? 'Root' : 'IAMUser';
    const arn = forUser ? (account ? `arn:aws:iam::${account}:user/${forUser}` : undefined) : asString(caller.arn);
    const child = this.newNode(
      {
        parent: node.id,
        depth: node.depth + 1,
        branch: 'persistence',
        joinedBy: 'CreateAccessKey',
        principal: { type: forUser ? 'IAMUser' : ownType, ...opt('arn', arn), ...opt('account', account) },
        via: [...node.via, viaOf(asString(e.eventID), 'CreateAccessKey', accessKeyId)],
        fromMs: t,
      },
      accessKeyId,
    );
    walk.queue.push(child);
  }

  /**
   * Sessions that carry the person's sourceIdentity join even when their issuing call was made by a
   * principal outside the sources: sourceIdentity is set once and survives every role-chaining hop.
   */
  private joinBySourceIdentity(walk: Walk): void {
    for (const si of walk.sourceIdentities) {
      for (const c of this.index.withSourceIdentity(si)) {
        if (this.calls.has(callKey(c))) continue;
        const caller = this.callerOf(c);
        const parent = caller ? this.firstNode(caller, c.issuedAt, c.recipientAccountId) : undefined;
        this.addIssued(walk, c, parent, parent ? 'issued' : 'sourceIdentity');
      }
    }
  }

  /** The earliest node (of all) that fits a use. */
  private firstNode(u: UserIdentity, time: number, recipient: unknown): ClosureNode | undefined {
    const key = asString(u.accessKeyId);
    // Without a key only keyless nodes can fit; with one, the key's own nodes and the users the set created.
    if (!key) return this.keyless.find((n) => this.fits(n, u, time, recipient));
    const own = this.firstOfKey(key, u, time, recipient);
    const created = this.createdUsers.find((n) => n.id < (own?.id ?? Infinity) && this.fits(n, u, time, recipient));
    return created ?? own;
  }

  /** One issuing call joins the closure, once, as its caller-side record when that is known. */
  private addIssued(walk: Walk, c: IssuedCredential, parent: ClosureNode | undefined, joinedBy: JoinedBy): void {
    const id = callKey(c);
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
    if (parent?.depth === 0 && record.sourceIdentity) walk.sourceIdentities.add(record.sourceIdentity);
    walk.queue.push(node);
  }

  private callerOf(c: IssuedCredential): UserIdentity | undefined {
    return c.caller.type === 'AWSAccount' ? this.index.callerOf(c) : c.caller;
  }

  private persistenceAction(e: CloudTrailEvent, by: ClosureNode): PersistenceAction {
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
  private fits(node: ClosureNode, u: UserIdentity, time: number, recipient: unknown): boolean {
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
    return this.callOfUse(u, time) === callKey(node.issued);
  }

  /** The issuing call a use of a key resolves to, as CredentialIndex.resolve decides (undefined: none, or ambiguous). */
  private callOfUse(u: UserIdentity, time: number): string | undefined {
    const key = asString(u.accessKeyId);
    if (!key) return undefined;
    const issuerArn = asString(asObject(u.sessionContext?.sessionIssuer)?.arn);
    this.resolver ??= new CallResolver(this.index);
    return this.resolver.callOf({ accessKeyId: key, time, ...opt('arn', asString(u.arn)), ...opt('account', asString(u.accountId)), ...opt('issuerArn', issuerArn) });
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
  nodeOf(e: CloudTrailEvent): ClosureNode | undefined {
    this.build();
    const u = e.userIdentity ?? {};
    const t = eventTimeMs(e.eventTime);
    if (t === undefined) return undefined;
    const key = asString(u.accessKeyId);
    if (!key) return this.keyless.find((n) => this.fits(n, u, t, e.recipientAccountId));
    // The key's own nodes first (the earliest that fits), then users the set created.
    return this.firstOfKey(key, u, t, e.recipientAccountId) ?? this.createdUsers.find((n) => this.fits(n, u, t, e.recipientAccountId));
  }

  /**
   * The earliest node holding this key that fits the use: among the key's issued nodes only the one its
   * resolved call made can fit, so it is found by that call instead of trying each in turn.
   */
  private firstOfKey(key: string, u: UserIdentity, time: number, recipient: unknown): ClosureNode | undefined {
    const unissued = this.unissuedByKey.get(key)?.find((n) => this.fits(n, u, time, recipient));
    const call = this.callOfUse(u, time);
    const issued = call === undefined ? undefined : this.byCall.get(call);
    const fitting = issued && issued.accessKeyId === key && this.fits(issued, u, time, recipient) ? issued : undefined;
    return unissued && fitting ? (unissued.id < fitting.id ? unissued : fitting) : unissued ?? fitting;
  }

  /** The records of issuing calls in the closure that were logged only in the role owner's account. */
  ownerCopies(): Array<{ copy: IssuedCredential; by: Pick<ClosureNode, 'depth' | 'via' | 'branch' | 'principal'> }> {
    const out: Array<{ copy: IssuedCredential; by: Pick<ClosureNode, 'depth' | 'via' | 'branch' | 'principal'> }> = [];
    for (const node of this.nodes) {
      if (!node.issued) continue;
      // A session joined by sourceIdentity alone was issued by a caller outside the closure: its call sits one level up.
      const by = node.parent !== undefined ? this.nodes[node.parent]! : { depth: node.depth - 1, via: node.via.slice(0, -1), branch: node.branch, principal: {} };
      for (const copy of this.index.copiesOf(node.issued)) if (copy.caller.type === 'AWSAccount') out.push({ copy, by });
    }
    return out;
  }

  get all(): readonly ClosureNode[] {
    return this.nodes;
  }
}

function viaOf(eventID: string | undefined, eventName: string, issuedAccessKeyId: string): ViaStep {
  return { ...opt('eventID', eventID), eventName, issuedAccessKeyId };
}

/** Sorts in place by issue time; the sort is stable, so calls issued at the same time keep their index order. */
function oldestFirst(calls: IssuedCredential[]): IssuedCredential[] {
  return calls.sort((a, b) => a.issuedAt - b.issuedAt);
}

import type { CloudTrailEvent, UserIdentity } from '../src/cloudtrail/event.js';
import { stsExpiration } from '../test/helpers/scenario.js';
import { assumedRole, iamUser, makeEvent, roleId, stableId } from '../test/helpers/trail-builder.js';

/**
 * The planted answers, the same in both bench corpora (only the account, regions and times they land in differ):
 * - deletions of PLANTED_TABLE (and one of another table), each by a session at the end of an AssumeRole chain
 *   of 1–4 hops that starts at an IAM user: find-deletion must report each with that chain and origin;
 * - a deep, wide closure for `activity`: one IAM user key assumes roles, and every session it starts assumes
 *   more, 4 levels deep, fan-out 2–7 by corpus size (30 sessions at the quick size, 2,800 at 1 GB). Every
 *   session acts once. activity must report exactly the events made with the closure's keys.
 * Keys, session names and eventIDs are unique to the plants, so no background record joins them.
 */
export const PLANTED_TABLE_NAME = 'orders-prod';
export const CLOSURE_ROOT_KEY = 'AKIABENCHFANROOT0001';
export const CLOSURE_DEPTH = 4;
const DELETER_KEY = 'AKIABENCHMALLORY0001';

export interface PlantedDeletion {
  eventID: string;
  /** The origin's ARN (the IAM user at the start of the chain). */
  origin: string;
  /** eventIDs of the AssumeRole calls from the origin to the deleting session, oldest first. */
  chain: string[];
}

export interface PlantedClosure {
  root: string;
  fanOut: number;
  depth: number;
  sessions: number;
  /** eventIDs of every event made with a key of the closure (the root's included). */
  eventIds: string[];
}

/** Fractions of the corpus where the deletions start, and which table each deletes. */
const DELETIONS: ReadonlyArray<{ at: number; table: string }> = [
  { at: 0.13, table: PLANTED_TABLE_NAME },
  { at: 0.5, table: 'sessions' },
  { at: 0.77, table: PLANTED_TABLE_NAME },
  { at: 0.95, table: PLANTED_TABLE_NAME },
];
const CLOSURE_AT = 0.3;
const USES: ReadonlyArray<[string, string]> = [
  ['s3.amazonaws.com', 'ListBuckets'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['iam.amazonaws.com', 'ListRoles'],
  ['kms.amazonaws.com', 'ListKeys'],
  ['secretsmanager.amazonaws.com', 'ListSecrets'],
  ['s3.amazonaws.com', 'PutBucketPolicy'],
];

/** The largest fan-out f ≤ 7 whose 4-level closure (f + f² + f³ + f⁴ sessions) stays under ~1 session per 250 events. */
export function fanOutFor(bytesTarget: number): number {
  const budget = Math.max(30, bytesTarget / 1300 / 250);
  let f = 2;
  while (f < 7 && sessionsFor(f + 1) <= budget) f++;
  return f;
}
const sessionsFor = (f: number) => f + f ** 2 + f ** 3 + f ** 4;

interface Pending {
  ms: number;
  event: CloudTrailEvent;
}

export class Plants {
  private readonly fanOut: number;
  private starts: Array<{ at: number; build: (t0: number) => CloudTrailEvent[] }>;
  private pending: Pending[] = [];
  private readonly deletions: PlantedDeletion[] = [];
  private closureIds: string[] = [];
  private readonly r: () => number;

  constructor(private readonly o: { bytesTarget: number; account: string; regions: readonly string[]; seed: number }) {
    this.fanOut = fanOutFor(o.bytesTarget);
    // Its own stream, so the background's bytes do not depend on the plants.
    let a = (o.seed ^ 0x5eed) >>> 0;
    this.r = () => {
      a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
      return a / 4294967296;
    };
    this.starts = DELETIONS.map((d, i) => ({ at: d.at, build: (t0: number) => this.deletion(i, d.table, t0) }));
    this.starts.push({ at: CLOSURE_AT, build: (t0) => this.closure(t0) });
  }

  /**
   * The plants' events whose time falls in [startMs, endMs), starting the plants whose fraction of the corpus
   * (`progress`, 0–1, bytes written so far) has been reached.
   */
  due(progress: number, startMs: number, endMs: number): CloudTrailEvent[] {
    const now = (s: { at: number }) => s.at <= progress;
    for (const s of this.starts.filter(now)) {
      for (const event of s.build(startMs + 10_000)) this.pending.push({ ms: Date.parse(event.eventTime), event });
    }
    this.starts = this.starts.filter((s) => !now(s));
    const inSlot = this.pending.filter((p) => p.ms < endMs);
    this.pending = this.pending.filter((p) => p.ms >= endMs);
    return inSlot.map((p) => p.event);
  }

  done(): boolean {
    return this.starts.length === 0 && this.pending.length === 0;
  }

  deletionAnswers(): PlantedDeletion[] {
    return this.deletions;
  }

  closureAnswer(): PlantedClosure {
    return { root: CLOSURE_ROOT_KEY, fanOut: this.fanOut, depth: CLOSURE_DEPTH, sessions: sessionsFor(this.fanOut), eventIds: this.closureIds };
  }

  private region(): string {
    return this.o.regions[Math.floor(this.r() * this.o.regions.length)]!;
  }

  /** `caller` assumes `role` as `session` at `ms`, receiving `key`. */
  private assume(caller: UserIdentity, role: string, session: string, key: string, ms: number, id: string): { event: CloudTrailEvent; session: UserIdentity } {
    const account = this.o.account;
    const when = iso(ms);
    const roleArn = `arn:aws:iam::${account}:role/${role}`;
    const event = makeEvent({
      eventTime: when,
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      awsRegion: this.region(),
      recipientAccountId: account,
      userIdentity: caller,
      sourceIPAddress: '192.0.2.66',
      requestParameters: { roleArn, roleSessionName: session, durationSeconds: 3600 },
      responseElements: {
        credentials: { accessKeyId: key, sessionToken: 'IQoJb3JpZ2luX2VjE' + stableId('token', id).replace(/-/g, ''), expiration: stsExpiration(when, 3600) },
        assumedRoleUser: { assumedRoleId: `${roleId(account, role)}:${session}`, arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}` },
      },
      resources: [{ ARN: roleArn, accountId: account, type: 'AWS::IAM::Role' }],
      readOnly: true,
      eventID: stableId('bench-plant', id),
    });
    return { event, session: assumedRole(account, role, session, key, when) };
  }

  /** Deletion i: an IAM user, i+1 AssumeRole hops 50 s apart, then DeleteTable by the last session. */
  private deletion(i: number, table: string, t0: number): CloudTrailEvent[] {
    const account = this.o.account;
    const user = iamUser(account, 'mallory', DELETER_KEY);
    const events: CloudTrailEvent[] = [];
    let who: UserIdentity = user;
    for (let k = 0; k <= i; k++) {
      const key = 'ASIAPLANTEDKEY' + `${i}${k}`.padStart(6, '0');
      const hop = this.assume(who, `BenchHop${k}`, `mallory-${i}-${k}`, key, t0 + k * 50_000, `deletion/${i}/hop/${k}`);
      events.push(hop.event);
      who = hop.session;
    }
    const region = this.region();
    const when = iso(t0 + (i + 1) * 50_000 + 20_000);
    const arn = `arn:aws:dynamodb:${region}:${account}:table/${table}`;
    const del = makeEvent({
      eventTime: when,
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'DeleteTable',
      awsRegion: region,
      recipientAccountId: account,
      userIdentity: who,
      sourceIPAddress: '192.0.2.66',
      requestParameters: { tableName: table },
      responseElements: { tableDescription: { tableName: table, tableStatus: 'DELETING', tableArn: arn } },
      resources: [{ accountId: account, type: 'AWS::DynamoDB::Table', ARN: arn }],
      eventID: stableId('bench-plant', `deletion/${i}`),
    });
    if (table === PLANTED_TABLE_NAME) this.deletions.push({ eventID: del.eventID!, origin: user.arn!, chain: events.map((e) => e.eventID!) });
    return [...events, del];
  }

  /** The fan: level 1 within a minute of t0, each next level 20–80 s after its issuer, each session acting 5–120 s after issue. */
  private closure(t0: number): CloudTrailEvent[] {
    const account = this.o.account;
    const root = iamUser(account, 'fan-root', CLOSURE_ROOT_KEY);
    const events: CloudTrailEvent[] = [this.use(root, t0, 'root')];
    let level: Array<{ who: UserIdentity; ms: number }> = [{ who: root, ms: t0 }];
    let n = 0;
    for (let depth = 1; depth <= CLOSURE_DEPTH; depth++) {
      const next: typeof level = [];
      for (const parent of level) {
        for (let c = 0; c < this.fanOut; c++) {
          const ms = parent.ms + (depth === 1 ? 1_000 : 20_000) + Math.floor(this.r() * 60_000);
          const key = 'ASIABENCHFAN' + String(n).padStart(8, '0');
          const hop = this.assume(parent.who, `BenchFan${depth}`, `fan-${n}`, key, ms, `closure/${n}`);
          events.push(hop.event, this.use(hop.session, ms + 5_000 + Math.floor(this.r() * 115_000), `closure/${n}/use`));
          next.push({ who: hop.session, ms });
          n++;
        }
      }
      level = next;
    }
    this.closureIds = events.map((e) => e.eventID!);
    return events;
  }

  private use(who: UserIdentity, ms: number, id: string): CloudTrailEvent {
    const [source, name] = USES[Math.floor(this.r() * USES.length)]!;
    return makeEvent({
      eventTime: iso(ms),
      eventSource: source,
      eventName: name,
      awsRegion: this.region(),
      recipientAccountId: this.o.account,
      userIdentity: who,
      sourceIPAddress: '192.0.2.67',
      requestParameters: name === 'PutBucketPolicy' ? { bucketName: 'fan-exfil', policy: '{"Version":"2012-10-17"}' } : null,
      eventID: stableId('bench-plant', id),
    });
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

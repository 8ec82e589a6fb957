import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordMatcher } from '../../records/matcher.js';
import { compileRecipe } from '../../filter/recipe.js';
import type { CloudTrailEvent, SourcedEvent } from '../../cloudtrail/event.js';
import { collectActivity } from './collect.js';
import { activityEventMatcher, activityEventPart, activityIndexMatcher, activityIndexPart } from './matchers.js';
import { parseActivityTarget } from './target.js';
import type { ActivityOptions, ActivityReport } from './types.js';
import { A, B, C, D, persistenceBranch, reusedExampleKey, samlSourceIdentity, sameSessionName, threeHopChain } from '../../../test/helpers/activity-scenarios.js';
import { loadFixture } from '../../../test/helpers/scenario.js';
import { repoRoot } from '../../../test/helpers/cli.js';
import { renderActivityReport } from '../../output/activity.js';

/** Both passes as the CLI runs them, over in-memory records, with each pass's byte pre-filter applied too. */
function passes(matcher: RecordMatcher, records: SourcedEvent[]): SourcedEvent[] {
  return records.filter(({ event }) => {
    const raw = JSON.stringify(event);
    return matcher.needles.every((group) => group.some((n) => raw.includes(n))) && matcher.matches(event);
  });
}

async function run(who: string, events: CloudTrailEvent[] | SourcedEvent[], opts: ActivityOptions = {}): Promise<ActivityReport> {
  const records: SourcedEvent[] = events.map((e) => ('event' in e && 'source' in e ? (e as SourcedEvent) : { event: e as CloudTrailEvent, source: 'trail.json' }));
  const target = parseActivityTarget(who);
  let secondPasses = 0;
  const report = await collectActivity(target, passes(activityIndexMatcher(target), records), (recipe) => {
    secondPasses++;
    return (async function* () {
      yield* passes(await compileRecipe(recipe), records);
    })();
  }, opts);
  assert.equal(secondPasses, 1, 'one more pass for the whole key set, never one per hop');
  return report;
}

const idsOf = (r: ActivityReport) => r.events.map((x) => x.eventID!).sort();
const sorted = (xs: string[]) => [...xs].sort();

test('<who> forms: keys, user/role/session ARNs, names; anything else is a usage error', () => {
  assert.deepEqual(parseActivityTarget('AKIAIOSFODNN7EXAMPLE'), { kind: 'key', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
  assert.equal(parseActivityTarget(`arn:aws:iam::${A}:user/alice`).kind, 'user');
  assert.equal(parseActivityTarget(`arn:aws:iam::${A}:root`).kind, 'user');
  assert.equal(parseActivityTarget(`arn:aws:iam::${A}:role/Admin`).kind, 'role');
  assert.equal(parseActivityTarget(`arn:aws:sts::${A}:assumed-role/Admin/s`).kind, 'session');
  assert.deepEqual(parseActivityTarget('jane.doe@example.com'), { kind: 'name', name: 'jane.doe@example.com' });
  assert.throws(() => parseActivityTarget('arn:aws:s3:::bucket'), /expected an IAM user or role ARN/);
  assert.throws(() => parseActivityTarget('two words'), /no spaces/);
  assert.throws(() => parseActivityTarget(' '), /empty/);
});

test('a three-hop cross-account chain: every hop, both copies of each cross-account call, nothing of the stranger', async () => {
  const sc = threeHopChain();
  for (const who of [sc.aliceKey, `arn:aws:iam::${A}:user/alice`, 'alice']) {
    const r = await run(who, sc.events);
    assert.deepEqual(idsOf(r), sorted(sc.expected), who);
    assert.deepEqual(r.summary.tree.map((n) => [n.depth, n.accessKeyId, n.principal.account]), [
      [0, 'AKIAALICEEXAMPLEKEY1', A],
      [1, 'ASIAJUMPALICE0000001', A],
      [2, 'ASIADEPLOYALICE00001', B],
      [3, 'ASIAAUDITALICE000001', C],
    ]);
  }
  const r = await run(sc.aliceKey, sc.events);
  const stop = r.events.find((x) => x.eventName === 'StopLogging')!;
  assert.equal(stop.depth, 3);
  assert.deepEqual(stop.via.map((v) => v.issuedAccessKeyId), ['ASIAJUMPALICE0000001', 'ASIADEPLOYALICE00001', 'ASIAAUDITALICE000001']);
  assert.equal(stop.session, `arn:aws:sts::${C}:assumed-role/Audit/audit`);
  // The owner's copy of hop 3 is reported at the depth of the session that made the call, marked as a copy.
  const copies = r.events.filter((x) => x.eventName === 'AssumeRole' && x.copies);
  assert.equal(copies.length, 4);
  assert.deepEqual(copies.map((x) => x.depth).sort(), [1, 1, 2, 2]);
  assert.deepEqual(r.summary.accounts.map((a) => a.name).sort(), [A, B, C].sort());
  assert.deepEqual(r.summary.regions.map((x) => x.name).sort(), ['eu-west-1', 'us-east-1']);
  assert.deepEqual(r.summary.errors, [{ name: 'AccessDenied', events: 1 }]);
  assert.deepEqual(r.summary.resources.changed.map((c) => c.eventName), ['PutBucketPolicy']);
  assert.deepEqual(r.summary.resources.deleted.map((c) => c.eventName), ['StopLogging']);
  assert.equal(r.summary.firstSeen, '2026-03-14T08:00:00Z');
  assert.equal(r.summary.lastSeen, '2026-03-14T08:08:00Z');
});

test("a caller-side copy logged without the credentials: the hop is followed through the role owner's copy", async () => {
  const sc = threeHopChain();
  const events = structuredClone(sc.events);
  const callerCopies = events.filter((e) => e.eventName === 'AssumeRole' && e.sharedEventID && e.userIdentity?.type !== 'AWSAccount');
  assert.equal(callerCopies.length, 2);
  for (const e of callerCopies) e.responseElements = null;
  const r = await run(sc.aliceKey, events);
  assert.deepEqual(idsOf(r), sorted(sc.expected));
  assert.equal(r.summary.tree.length, 4);
});

test('starting mid-chain follows forward only', async () => {
  const sc = threeHopChain();
  const r = await run('ASIADEPLOYALICE00001', sc.events);
  assert.deepEqual(r.events.map((x) => x.eventName), ['PutBucketPolicy', 'AssumeRole', 'AssumeRole', 'StopLogging', 'DeleteTrail']);
});

test('a SAML user: sessions chained from the sign-in and a session known only by its sourceIdentity; bob stays out', async () => {
  const sc = samlSourceIdentity();
  const r = await run('jane.doe@example.com', sc.events);
  assert.deepEqual(idsOf(r), sorted(sc.expected));
  const reader = r.summary.tree.find((n) => n.accessKeyId === 'ASIAREADERJANE000001')!;
  assert.equal(reader.joinedBy, 'sourceIdentity');
  assert.equal(reader.sourceIdentity, 'jane.doe');
  const ops = r.summary.tree.find((n) => n.accessKeyId === 'ASIAOPSJANE000000001')!;
  assert.equal(ops.joinedBy, 'issued');
  assert.equal(ops.depth, 2);
  assert.ok(!r.events.some((x) => x.eventName === 'DeleteBucket'), "bob's deletion is not jane's");
});

test('persistence: the new user, login profile and access key are reported; the key is followed unless asked not to', async () => {
  const sc = persistenceBranch();
  const r = await run(`arn:aws:iam::${A}:user/mallory`, sc.events);
  assert.deepEqual(idsOf(r), sorted(sc.expected));
  assert.deepEqual(r.summary.persistence.map((p) => [p.eventName, p.userName, p.accessKeyId ?? null, p.followed]), [
    ['CreateUser', 'backup-svc', null, true],
    ['CreateLoginProfile', 'backup-svc', null, false],
    ['CreateAccessKey', 'backup-svc', sc.newKey, true],
  ]);
  const later = r.events.filter((x) => x.branch === 'persistence').map((x) => x.eventName);
  assert.deepEqual(later, ['GetObject', 'AssumeRole', 'UpdateFunctionCode20150331v2']);
  const deploy = r.events.find((x) => x.eventName === 'UpdateFunctionCode20150331v2')!;
  assert.deepEqual(deploy.via.map((v) => v.eventName), ['AssumeRole', 'CreateAccessKey', 'AssumeRole']);
  assert.ok(!r.events.some((x) => x.accessKeyId?.startsWith('AKIADAVE')), "dave's own key rotation is not part of it");

  const twice = await run(`arn:aws:iam::${A}:user/mallory`, [...sc.events, ...sc.events]);
  assert.equal(twice.summary.persistence.length, 3, 'a record delivered twice is one call');
  assert.deepEqual(idsOf(twice), sorted(sc.expected));

  const noFollow = await run(`arn:aws:iam::${A}:user/mallory`, sc.events, { followPersistence: false });
  assert.deepEqual(idsOf(noFollow), sorted(sc.sessionOnly));
  assert.equal(noFollow.summary.persistence.length, 3);
  assert.ok(noFollow.summary.persistence.every((p) => !p.followed));
});

test('two people on one role and session name: each closure holds only its own session', async () => {
  const sc = sameSessionName();
  const ann = await run(`arn:aws:iam::${A}:user/ann`, sc.events);
  assert.deepEqual(idsOf(ann), sorted(sc.expected));
  const ben = await run('AKIABENEXAMPLEKEY001', sc.events);
  assert.deepEqual(idsOf(ben), sorted(sc.otherExpected));
  // Asked about the session ARN itself, both sessions are roots of their own, never one merged session.
  const both = await run(`arn:aws:sts::${A}:assumed-role/Deployer/deploy`, sc.events);
  assert.deepEqual(both.summary.tree.map((n) => [n.depth, n.accessKeyId]), [[0, 'ASIADEPLOYERANN00001'], [0, 'ASIADEPLOYERBEN00001']]);
});

test('a documentation key recurring in an unrelated file never joins: other account, other session, or used before issue', async () => {
  const sc = reusedExampleKey();
  const records = [...sc.mine.map((event) => ({ event, source: 'mine.json' })), ...sc.unrelated.map((event) => ({ event, source: 'unrelated.json' }))];
  const r = await run(`arn:aws:iam::${A}:user/erin`, records);
  assert.deepEqual(idsOf(r), sorted(sc.expected));
  assert.equal(r.summary.unattributed, 3, "the other user's use of the key, the foreign session and the use before issue carry keys of the set but are not them");
  assert.ok(r.events.every((x) => x.source === 'mine.json'));
  // Asked about the key itself: two distinct principals use it, each its own root, and still no foreign session.
  const byKey = await run('AKIAIOSFODNN7EXAMPLE', records);
  assert.deepEqual(byKey.summary.tree.filter((n) => n.depth === 0).map((n) => n.principal.account).sort(), [A, D].sort());
  assert.ok(!byKey.events.some((x) => x.eventName === 'PutBucketAcl'));
});

test('the window bounds where <who> starts, the flags bound what is reported', async () => {
  const sc = threeHopChain();
  const late = await run(sc.aliceKey, sc.events, { startMs: Date.parse('2026-03-14T09:00:00Z') });
  assert.equal(late.events.length, 0);
  const onlyC = await run(sc.aliceKey, sc.events, { accept: (e) => e.recipientAccountId === C });
  assert.deepEqual(onlyC.events.map((x) => x.eventName), ['AssumeRole', 'StopLogging', 'DeleteTrail']);
});

test('real records: christophe assumes a role twice; both sessions are his, only one acts (stratus-red-team)', async () => {
  const records = loadFixture('real/stratus-organizations-leave.json');
  const user = records.find((s) => s.event.userIdentity?.type === 'IAMUser')!.event.userIdentity!;
  const r = await run(String(user.arn), records);
  const sessions = r.summary.tree.filter((n) => n.depth === 1).map((n) => n.accessKeyId);
  assert.ok(sessions.includes('ASIAMOWPWQJ1QHWCWJXJ') && sessions.includes('ASIA36EV31F1RB3OA8IG'));
  const leave = r.events.find((x) => x.eventName === 'LeaveOrganization')!;
  assert.equal(leave.accessKeyId, 'ASIA36EV31F1RB3OA8IG');
  assert.equal(leave.errorCode, 'AccessDenied');
  assert.equal(leave.depth, 1);
});

test('real records: a federation token and the federated user it became (stratus-red-team)', async () => {
  const records = loadFixture('real/stratus-sts-federation-token.json');
  const r = await run('ASIASTJKC5GCM7ZE6LUP', records);
  assert.ok(r.events.length > 0);
  assert.ok(r.events.every((x) => x.accessKeyId === 'ASIASTJKC5GCM7ZE6LUP'));
  const issuer = records.find((s) => s.event.eventName === 'GetFederationToken')!.event.userIdentity!;
  const fromUser = await run(String(issuer.arn), records);
  const fed = fromUser.summary.tree.find((n) => n.accessKeyId === 'ASIASTJKC5GCM7ZE6LUP')!;
  assert.equal(fed.depth, 1);
  assert.equal(fed.principal.type, 'FederatedUser');
  assert.ok(fromUser.events.some((x) => x.accessKeyId === 'ASIASTJKC5GCM7ZE6LUP' && x.depth === 1));
});

test('real records: both copies of a cross-account AssumeRole (IAM user guide) are one call, reported twice as copies', async () => {
  const records = [...loadFixture('real/iam-guide-02_AssumeRole-crossaccount-caller-side.json'), ...loadFixture('real/iam-guide-03_AssumeRole-crossaccount-role-owner-side.json')];
  const caller = records.find((s) => s.event.userIdentity?.type !== 'AWSAccount')!.event.userIdentity!;
  const r = await run(String(caller.accessKeyId ?? caller.arn), records);
  assert.equal(r.events.length, 2);
  assert.ok(r.events.every((x) => x.eventName === 'AssumeRole' && x.copies?.length === 1));
  assert.notEqual(r.events[0]!.recipientAccountId, r.events[1]!.recipientAccountId);
  assert.equal(r.summary.tree.length, 2);
});

test('nothing: a key never used nor issued yields no events and an empty tree', async () => {
  const r = await run('AKIANOBODYEXAMPLE001', threeHopChain().events);
  assert.equal(r.events.length, 0);
  assert.equal(r.summary.tree.length, 0);
  assert.equal(B.length, 12);
});

test('the terminal form neutralises escape sequences from the logs and shortens long lists', async () => {
  const sc = threeHopChain();
  const events = structuredClone(sc.events);
  events.forEach((e, i) => {
    e.userAgent = `evil\u001b[2J\u001b]0;pwned\u0007 #${i}`;
    e.sourceIPAddress = `198.51.100.${i}`;
  });
  const extra = Array.from({ length: 25 }, (_, i) => ({ ...structuredClone(events[0]!), eventID: `extra-${i}`, eventTime: `2026-03-14T08:00:${String(i + 10).padStart(2, '0')}Z`, sourceIPAddress: `203.0.113.${i}` }));
  const r = await run(sc.aliceKey, [...events, ...extra]);
  const text = renderActivityReport(r, false);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text), 'no raw control characters reach the terminal');
  assert.match(text, /evil\\x1b\[2J\\x1b\]0;pwned\\x07 #0/);
  assert.match(text, /Source IPs:\n( {2}\S+ \(\d+\)\n){20} {2}… and \d+ more \(-o json lists all\)/);
  assert.equal(r.summary.sourceIPs.length, 25 + 10, 'json keeps every address');
  assert.ok(renderActivityReport(r, true).indexOf('Timeline') < 0);
});

test('real records: root creates tracy_stone and her key; her RunInstances is a persistence branch (panther-analysis)', async () => {
  const text = readFileSync(join(repoRoot, 'fixtures/activity/real/panther-compromised-root-creds__attacker_cloudtrail.json'), 'utf8');
  const records = (JSON.parse(text) as { Records: CloudTrailEvent[] }).Records.map((event) => ({ event, source: 'panther.json' }));
  const r = await run('arn:aws:iam::493859302102:root', records);
  assert.equal(r.events.length, records.length, 'every record of this file is the root session or the user it created');
  const run1 = r.events.find((x) => x.eventName === 'RunInstances')!;
  assert.equal(run1.branch, 'persistence');
  assert.equal(run1.session, 'arn:aws:iam::493859302102:user/tracy_stone');
  assert.deepEqual(r.summary.persistence.map((p) => [p.eventName, p.userName, p.accessKeyId ?? null]), [
    ['CreateAccessKey', 'Root', 'AKIA5ZZZK44445XXFFVB'],
    ['CreateUser', 'tracy_stone', null],
    ['CreateAccessKey', 'tracy_stone', 'AKIASWJJJ66ZZZII4IYY'],
  ]);
  const noFollow = await run('arn:aws:iam::493859302102:root', records, { followPersistence: false });
  assert.ok(!noFollow.events.some((x) => x.eventName === 'RunInstances'));
  assert.equal(noFollow.events.length, records.length - 1);
});

test('the recipe parts rebuild the same matchers in a worker thread (module recipe compiled from plain data)', async () => {
  const sc = threeHopChain();
  const target = parseActivityTarget('alice');
  const sel = { keys: ['ASIAJUMPALICE0000001', 'AKIAALICEEXAMPLEKEY1'], keylessTarget: target, createdUsers: [`arn:aws:iam::${A}:user/backup-svc`] };
  const pairs: Array<[RecordMatcher, RecordMatcher]> = [
    [activityIndexMatcher(target), await compileRecipe(structuredClone(activityIndexPart.recipe(target)))],
    [activityEventMatcher(sel), await compileRecipe(structuredClone(activityEventPart.recipe(sel)))],
  ];
  for (const [direct, rebuilt] of pairs) {
    assert.deepEqual(rebuilt.needles, direct.needles);
    assert.deepEqual(sc.events.map((e) => rebuilt.matches(e)), sc.events.map((e) => direct.matches(e)));
  }
  assert.ok(sc.events.some((e) => pairs[1]![0].matches(e)) && sc.events.some((e) => !pairs[1]![0].matches(e)));
});

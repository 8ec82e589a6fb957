import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { SourcedEvent } from '../cloudtrail/event.js';
import { assumeRole, assumedRole, iamUser, loadFixture, roleOwnerCopy, sourced } from '../../test/helpers/scenario.js';
import { attributeEvent } from './attribution.js';
import { CallResolver, CredentialIndex } from './credentials.js';
import { callKey, issuedCredentialOf, type IssuedCredential } from './issued-credential.js';

const realFiles = readdirSync(new URL('../../../fixtures/forensics/real/', import.meta.url)).filter((f) => /\.(json|ndjson)$/.test(f));

function build(events: SourcedEvent[], memoryBytes?: number, keepOwnerCopies?: boolean): CredentialIndex {
  const index = new CredentialIndex({ ...(memoryBytes === undefined ? {} : { memoryBytes }), ...(keepOwnerCopies ? { keepOwnerCopies } : {}) });
  for (const e of events) index.add(e);
  return index;
}

/** Every question the engines ask the index, answered for each credential it holds. */
function answers(index: CredentialIndex): unknown {
  const all = [...index.all()];
  return {
    size: index.size,
    all,
    perCredential: all.map((c) => ({
      issuances: index.issuancesOf(c.accessKeyId),
      copies: index.copiesOf(c),
      callerOf: index.callerOf(c),
      issuedBy: c.callerKey ? index.issuedBy(c.callerKey) : [],
      forSession: c.sessionArn ? index.issuancesForSession(c.sessionArn) : [],
      withSourceIdentity: c.sourceIdentity ? index.withSourceIdentity(c.sourceIdentity) : [],
      resolve: index.resolve({ accessKeyId: c.accessKeyId, time: c.issuedAt + 1000 }),
    })),
  };
}

test('an index kept in a temporary file answers exactly like one kept in memory (every real fixture)', () => {
  const events = realFiles.flatMap((f) => loadFixture(`real/${f}`));
  // Each record twice: duplicates must be dropped the same way.
  const input = [...events, ...events];
  const inMemory = build(input);
  const onDisk = build(input, 0);
  assert.ok(inMemory.size >= 10, `only ${inMemory.size} issuing events in the fixtures`);
  assert.deepEqual(answers(onDisk), answers(inMemory));
  for (const e of events.filter((s) => !/^(AssumeRole|Get(SessionToken|FederationToken))/.test(s.event.eventName))) {
    assert.deepEqual(attributeEvent(e.event, onDisk), attributeEvent(e.event, inMemory));
  }
});

test('the index keeps the projection of each issuing event, in the order first seen per key', () => {
  const user = iamUser('111122223333', 'alice', 'AKIAALICEEXAMPLE0001');
  const calls = [
    assumeRole({ caller: user, roleArn: 'arn:aws:iam::111122223333:role/A', sessionName: 's1', issuedKey: 'ASIACOLLIDE00000MG47', eventTime: '2026-03-01T10:00:00Z' }),
    assumeRole({ caller: user, roleArn: 'arn:aws:iam::111122223333:role/B', sessionName: 's2', issuedKey: 'ASIACOLLIDE00000Q000', eventTime: '2026-03-01T10:05:00Z' }),
    // The first key issued again later: all() lists it with its first issuance.
    assumeRole({ caller: user, roleArn: 'arn:aws:iam::111122223333:role/A', sessionName: 's3', issuedKey: 'ASIACOLLIDE00000MG47', eventTime: '2026-03-01T12:00:00Z' }),
  ];
  const records = sourced(calls);
  const index = build(records, 0);
  const projections = records.map((r) => issuedCredentialOf(r)!);
  assert.deepEqual([...index.all()], [projections[0], projections[2], projections[1]]);
  // Keys sharing a hash are told apart.
  assert.deepEqual(index.issuancesOf('ASIACOLLIDE00000Q000'), [projections[1]]);
  assert.deepEqual(index.issuedToCaller(user.arn!), projections);
  // Only the fields attribution reads are kept, never the parsed record.
  const kept: IssuedCredential = projections[0]!;
  assert.equal(kept.event, undefined);
  assert.deepEqual(Object.keys(kept.caller).sort(), ['accessKeyId', 'accountId', 'arn', 'principalId', 'type', 'userName']);
});

test("a role owner's copy keeps its whole record only when asked, for activity to print", () => {
  const caller = assumedRole('444455556666', 'Ops', 'bob', 'ASIAOPSBOBEXAMPLE001');
  const callerCopy = assumeRole({ caller, roleArn: 'arn:aws:iam::111122223333:role/Audit', sessionName: 'bob', issuedKey: 'ASIAAUDITBOBEXAMP001', eventTime: '2026-03-01T10:00:00Z', recipientAccountId: '444455556666', sharedEventID: 'shared-1' });
  const ownerCopy = roleOwnerCopy(callerCopy);
  const records = sourced([callerCopy, ownerCopy]);
  for (const memoryBytes of [undefined, 0]) {
    const kept = [...build(records, memoryBytes, true).all()];
    assert.deepEqual(kept.map((c) => c.caller.type), ['AssumedRole', 'AWSAccount']);
    assert.equal(kept[0]!.event, undefined);
    assert.deepEqual(kept[1]!.event, ownerCopy);
    assert.equal([...build(records, memoryBytes).all()][1]!.event, undefined);
  }
});

test('one call key: both accounts\' copies of a cross-account call share it; calls that differ in time, key or session do not', () => {
  const user = iamUser('111122223333', 'ops-admin', 'AKIAOPSADMINEXAMPLE1');
  const options = { caller: user, roleArn: 'arn:aws:iam::444455556666:role/Admin', sessionName: 's', issuedKey: 'ASIAXACCTEXAMPLE0001', eventTime: '2026-03-14T03:55:02Z', recipientAccountId: '111122223333' };
  const keyOf = (e: Parameters<typeof roleOwnerCopy>[0]) => callKey(issuedCredentialOf({ event: e, source: 'x' })!);
  const shared = assumeRole({ ...options, sharedEventID: '5ba1d2f0-0000-4000-8000-0000000000b2' });
  assert.equal(keyOf(roleOwnerCopy(shared)), keyOf(shared));

  const local = assumeRole(options);
  assert.equal(keyOf(structuredClone(local)), keyOf(local));
  for (const other of [
    assumeRole({ ...options, eventTime: '2026-03-14T03:55:03Z' }),
    assumeRole({ ...options, issuedKey: 'ASIAXACCTEXAMPLE0002' }),
    assumeRole({ ...options, sessionName: 't' }),
  ]) {
    other.eventID = local.eventID;
    assert.notEqual(keyOf(other), keyOf(local));
  }
});

test('CallResolver answers which call a use resolves to exactly as resolve() does, for keys issued many times', () => {
  let seed = 9;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000);
  const t0 = Date.parse('2026-03-14T00:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const keys = ['ASIAREPEAT0000000001', 'ASIAREPEAT0000000002', 'AKIAIOSFODNN7EXAMPLE'];
  const callers = [iamUser('111122223333', 'alice', 'AKIAALICE00000000001'), iamUser('444455556666', 'bob', 'AKIABOB0000000000001')];
  const events = [];
  for (let i = 0; i < 300; i++) {
    const at = t0 + Math.floor(rand() * 480) * 1800_000;
    const account = rand() < 0.5 ? '111122223333' : '444455556666';
    const call = assumeRole({ caller: callers[Math.floor(rand() * 2)]!, roleArn: `arn:aws:iam::${account}:role/R${Math.floor(rand() * 3)}`, sessionName: `s${Math.floor(rand() * 3)}`, issuedKey: keys[Math.floor(rand() * 3)]!, eventTime: iso(at), durationSeconds: 900 + Math.floor(rand() * 3) * 3600 });
    if (rand() < 0.2) {
      // A cross-account call: both accounts' copies, one call.
      call.sharedEventID = `5ba7ed00-0000-4000-8000-${String(i).padStart(12, '0')}`;
      events.push(roleOwnerCopy(call));
    }
    events.push(call);
  }
  const index = build(sourced(events));
  const resolver = new CallResolver(index);
  let resolved = 0;
  const all = [...index.all()];
  for (let u = 0; u < 3000; u++) {
    // Near an issuance of the key (before, during, after its lifetime), as its session or as another.
    const c = all[Math.floor(rand() * all.length)]!;
    const session = rand() < 0.7 ? c.sessionArn! : `arn:aws:sts::${rand() < 0.5 ? '111122223333' : '444455556666'}:assumed-role/R${Math.floor(rand() * 3)}/s${Math.floor(rand() * 3)}`;
    const time = c.issuedAt + Math.floor((rand() * 1.4 - 0.2) * (c.expiresAt - c.issuedAt + 3600_000));
    const use = { accessKeyId: c.accessKeyId, time, ...(rand() < 0.8 ? { arn: session } : {}), ...(rand() < 0.5 ? { account: session.split(':')[4]! } : {}) };
    const r = index.resolve(use);
    assert.equal(resolver.callOf(use), r.issued ? callKey(r.issued) : undefined, JSON.stringify(use));
    if (r.issued) resolved++;
  }
  // The uses are a mix: some resolve, some are ambiguous or fit nothing.
  assert.ok(resolved > 100 && resolved < 2900, `${resolved} resolved`);
});

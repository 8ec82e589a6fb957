import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { SourcedEvent } from '../cloudtrail/event.js';
import { assumeRole, assumedRole, iamUser, loadFixture, roleOwnerCopy, sourced } from '../../test/helpers/scenario.js';
import { attributeEvent } from './attribution.js';
import { CredentialIndex } from './credentials.js';
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

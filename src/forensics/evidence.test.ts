import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent, SourcedEvent } from '../cloudtrail/event.js';
import { eventTimeMs } from '../cloudtrail/time.js';
import { apiEvent, assumeRole, assumedRole, iamUser, roleOwnerCopy, sourced } from '../../test/helpers/scenario.js';
import { attributeEvent } from './attribution.js';
import { CredentialIndex } from './credentials.js';
import { MAX_EVIDENCE_PASSES, completeChains, needOf, useAt, type EvidenceNeed, type EvidenceReader } from './evidence.js';

const A = '111122223333';
const B = '444455556666';
const HOUR = 3600_000;

const user = iamUser(A, 'ops', 'AKIAOPSEXAMPLE000001');
const hop1Caller = assumeRole({ caller: user, roleArn: `arn:aws:iam::${B}:role/Admin`, sessionName: 'ops', issuedKey: 'ASIAADMINEXAMPLE0001', eventTime: '2026-03-14T03:55:02Z', recipientAccountId: A, sharedEventID: '5ba1d2f0-0000-4000-8000-0000000000b1' });
const hop1Owner = roleOwnerCopy(hop1Caller);
const deletion = apiEvent({
  eventSource: 'dynamodb.amazonaws.com',
  eventName: 'DeleteTable',
  eventTime: '2026-03-14T04:02:11Z',
  awsRegion: 'eu-west-1',
  userIdentity: assumedRole(B, 'Admin', 'ops', 'ASIAADMINEXAMPLE0001'),
  recipientAccountId: B,
  requestParameters: { tableName: 'orders' },
});
const deletionMs = eventTimeMs(deletion.eventTime)!;

function indexOf(events: CloudTrailEvent[]): CredentialIndex {
  const index = new CredentialIndex();
  for (const s of sourced(events)) index.add(s);
  return index;
}

test('a missing AssumeRole names the acting account in us-east-1 and in the region of the action, over the look-back', () => {
  const index = indexOf([]);
  const need = needOf(attributeEvent(deletion, index), useAt(deletionMs, 'eu-west-1'), index);
  assert.deepEqual(need, {
    places: [
      { account: B, region: 'us-east-1' },
      { account: B, region: 'eu-west-1' },
    ],
    fromMs: deletionMs - 36 * HOUR,
    toMs: deletionMs,
  });
  assert.deepEqual(needOf(attributeEvent(deletion, index), useAt(deletionMs, 'us-east-1'), index)?.places, [{ account: B, region: 'us-east-1' }]);
  // GovCloud's global endpoint records in us-gov-west-1.
  assert.deepEqual(needOf(attributeEvent(deletion, index), useAt(deletionMs, 'us-gov-east-1'), index)?.places.map((p) => p.region), ['us-gov-west-1', 'us-gov-east-1']);
});

test("only the role owner's copy: the caller's account, in the region the copy was recorded in, at its time", () => {
  const owner = { ...hop1Owner, awsRegion: 'eu-central-1' };
  const index = indexOf([owner]);
  const origin = attributeEvent(deletion, index);
  assert.equal(origin.reached?.type, 'AWSAccount');
  const at = eventTimeMs(owner.eventTime)!;
  assert.deepEqual(needOf(origin, useAt(deletionMs, 'eu-west-1'), index), { places: [{ account: A, region: 'eu-central-1' }], fromMs: at, toMs: at });
});

test('a complete chain, or one stopped for a reason no folder can answer, names nothing', () => {
  const index = indexOf([hop1Caller, hop1Owner]);
  assert.equal(needOf(attributeEvent(deletion, index), useAt(deletionMs, 'eu-west-1'), index), undefined);
  const keyless = apiEvent({ eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', eventTime: deletion.eventTime, userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${B}:assumed-role/X/y` } });
  assert.equal(needOf(attributeEvent(keyless, index), useAt(deletionMs, 'eu-west-1'), index), undefined);
});

/** A reader over a fixed set of folders, as a trail bucket would hold them, recording what it was asked. */
function folderReader(folders: Map<string, CloudTrailEvent[]>): EvidenceReader & { asked: string[][] } {
  const read = new Set<string>();
  const asked: string[][] = [];
  return {
    asked,
    read(needs: readonly EvidenceNeed[]) {
      const places = [...new Set(needs.flatMap((n) => n.places.map((p) => `${p.account}/${p.region}`)))].filter((p) => !read.has(p));
      if (places.length === 0) return undefined;
      asked.push(places);
      for (const p of places) read.add(p);
      return (async function* (): AsyncIterable<SourcedEvent> {
        for (const p of places) yield* sourced(folders.get(p) ?? [], p);
      })();
    },
    searched: (need) => `read ${need.places.map((p) => `${p.account}/${p.region}`).join(', ')}`,
  };
}

test('completeChains follows the chain hop by hop, reading each folder once', async () => {
  const reader = folderReader(
    new Map([
      [`${B}/us-east-1`, [hop1Owner]],
      [`${A}/us-east-1`, [hop1Caller]],
    ]),
  );
  const index = new CredentialIndex();
  const [origin] = await completeChains([deletion], (e) => ({ origin: attributeEvent(e, index), use: useAt(deletionMs, 'eu-west-1') }), index, reader);
  assert.equal(origin!.complete, true, origin!.missing);
  assert.equal(origin!.arn, user.arn);
  assert.deepEqual(reader.asked, [[`${B}/us-east-1`, `${B}/eu-west-1`], [`${A}/us-east-1`]]);
});

test('completeChains stops when nothing new is named, and an incomplete origin says what was read and what to add', async () => {
  const reader = folderReader(new Map());
  const index = new CredentialIndex();
  const [origin] = await completeChains([deletion], (e) => ({ origin: attributeEvent(e, index), use: useAt(deletionMs, 'eu-west-1') }), index, reader);
  assert.equal(reader.asked.length, 1);
  assert.equal(origin!.complete, false);
  assert.match(origin!.missing!, /^no AssumeRole.* issuing ASIAADMINEXAMPLE0001 .*; read 444455556666\/us-east-1, 444455556666\/eu-west-1; if it is kept elsewhere .* --identity-source$/);
});

test('completeChains makes at most MAX_EVIDENCE_PASSES passes, however much a reader keeps offering', async () => {
  let passes = 0;
  const endless: EvidenceReader = {
    read: () => {
      passes++;
      return (async function* (): AsyncIterable<SourcedEvent> {})();
    },
    searched: () => undefined,
  };
  const index = new CredentialIndex();
  const [origin] = await completeChains([deletion], (e) => ({ origin: attributeEvent(e, index), use: useAt(deletionMs, 'eu-west-1') }), index, endless);
  assert.equal(passes, MAX_EVIDENCE_PASSES);
  assert.equal(origin!.complete, false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourcedEvent } from '../cloudtrail/event.js';
import { loadFixture } from '../../test/helpers/scenario.js';
import { DEFERRED_DELETIONS } from './catalogue-deferred.js';
import { ruleFor } from './catalogue.js';
import { findDeletionMatcher, findDeletions } from './find-deletion.js';
import { parseResourceQuery } from './resource.js';
import { deletionSentences } from '../output/deletion.js';

const K1 = '1234abcd-12ab-34cd-56ef-1234567890ab';
const K2 = '0987dcba-09fe-87dc-65ba-ab0987654321';
const K3 = '5555eeee-55ee-55ee-55ee-5555eeee5555';
const kms = () => loadFixture('deferred/kms-scheduled-deletions.json');
const secrets = () => loadFixture('deferred/secrets-scheduled-deletions.json');

async function* stream(events: SourcedEvent[]): AsyncIterable<SourcedEvent> {
  yield* events;
}

/** Through the scan's own matcher, as the CLI reads: only records it keeps reach findDeletions. */
function scan(query: string, events: SourcedEvent[], accept?: (e: SourcedEvent['event']) => boolean) {
  const q = parseResourceQuery(query);
  const m = findDeletionMatcher(q);
  return findDeletions(q, stream(events.filter((s) => m.matches(s.event))), accept ? { accept } : {});
}

const executed = (r: Awaited<ReturnType<typeof scan>>, name: string) => r.results.find((x) => x.eventName === name)!;

test('the deferred table is data over catalogue rows: executors and schedulers are deletions the catalogue knows', () => {
  for (const d of DEFERRED_DELETIONS) {
    assert.ok(ruleFor(d.eventSource, d.executor), `${d.executor} has a catalogue row`);
    for (const s of d.schedulers) assert.ok(ruleFor(d.eventSource, s), `${s} has a catalogue row`);
    assert.ok(d.cancellers.length > 0);
  }
});

test('KMS: the DeleteKey service event is attributed to whoever scheduled it', async () => {
  const report = await scan(K1, kms());
  assert.equal(report.resources.length, 1, 'the scheduled key and the deleted key are one resource');
  const del = executed(report, 'DeleteKey');
  const schedule = executed(report, 'ScheduleKeyDeletion');
  assert.equal(del.effect, 'deleted');
  assert.equal(del.actor.arn, undefined, 'AWS itself made the call');
  assert.equal(del.origin.type, 'IAMUser');
  assert.equal(del.origin.arn, 'arn:aws:iam::111122223333:user/alice');
  assert.equal(del.origin.via, `ScheduleKeyDeletion ${schedule.eventID}`);
  assert.deepEqual(del.origin.deferred, { eventName: 'ScheduleKeyDeletion', eventID: schedule.eventID, eventTime: '2026-03-01T10:00:00Z', source: schedule.source });
  assert.equal(schedule.origin.via, undefined, 'the scheduling call is attributed as itself');
  assert.match(deletionSentences(K1, report)[0]!, /was deleted at 2026-03-08T10:04:31Z by AWS at the end of the waiting period set by ScheduleKeyDeletion \S+ at 2026-03-01T10:00:00Z — IAM user alice/);
});

test('KMS: scheduled, cancelled, re-scheduled through a role, executed: the last schedule and its chain', async () => {
  const report = await scan(K2, kms());
  const del = executed(report, 'DeleteKey');
  const schedules = report.results.filter((x) => x.eventName === 'ScheduleKeyDeletion');
  assert.equal(schedules.length, 2);
  assert.equal(del.origin.via, `ScheduleKeyDeletion ${schedules[1]!.eventID}`);
  assert.equal(del.origin.arn, 'arn:aws:iam::111122223333:user/dave', 'not bob, whose schedule carol cancelled');
  assert.equal(del.origin.complete, true);
  assert.deepEqual(del.origin.chain.map((s) => s.eventName), ['AssumeRole']);
  assert.ok(!report.results.some((x) => x.eventName === 'CancelKeyDeletion'), 'a cancellation is evidence, not a deletion');
});

test('KMS: a cancelled schedule with no later one gives no link, and says so', async () => {
  const del = executed(await scan(K3, kms()), 'DeleteKey');
  assert.equal(del.origin.complete, false);
  assert.equal(del.origin.via, undefined);
  assert.equal(del.origin.type, 'unknown');
  assert.match(del.origin.missing!, /cancelled by CancelKeyDeletion \S+ at 2026-03-02T10:00:00Z/);
});

test('KMS: with no schedule in the sources the deletion says what to add', async () => {
  const del = executed(await scan(K1, kms().filter((s) => s.event.eventName === 'DeleteKey')), 'DeleteKey');
  assert.equal(del.origin.complete, false);
  assert.match(del.origin.missing!, /ScheduleKeyDeletion that scheduled it \(up to 30 days earlier\) was not found/);
});

test('a window that leaves out the schedule still links to it: scope selects deletions, not their evidence', async () => {
  const report = await scan(K2, kms(), (e) => e.eventTime >= '2026-03-10T00:00:00Z');
  assert.deepEqual(report.results.map((x) => x.eventName), ['DeleteKey']);
  assert.equal(report.results[0]!.origin.arn, 'arn:aws:iam::111122223333:user/dave');
});

test('Secrets Manager: the end of the recovery window is attributed to DeleteSecret; RestoreSecret breaks the earlier one', async () => {
  const db = await scan('prod/db/password', secrets());
  const end = executed(db, 'EndSecretVersionDelete');
  assert.equal(db.resources.length, 1);
  assert.equal(end.origin.arn, 'arn:aws:iam::111122223333:user/alice');
  assert.match(end.origin.via!, /^DeleteSecret de1e7e00-/);

  const token = await scan('arn:aws:secretsmanager:us-west-2:111122223333:secret:prod/api/token-XyZ123', secrets());
  const last = executed(token, 'EndSecretVersionDelete');
  assert.equal(last.origin.arn, 'arn:aws:iam::111122223333:user/dave');
  assert.equal(token.results.filter((x) => x.eventName === 'DeleteSecret').length, 2);
});

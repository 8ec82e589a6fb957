import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCloudTrailEvent } from '../cloudtrail/event.js';
import { ALERT_CONTROLS, BENIGN_EVENTS, TRAIL_TAMPERING, type AlertControl } from './canonical-events.js';
import { patternEngines } from './engines.js';
import { judgePattern, judgementPasses } from './evaluate-alerts.js';

const judgeFilter = (control: AlertControl, pattern: string) => judgePattern(() => patternEngines.filterPattern(pattern), control);

/** `($.eventName = A) || ...` list of a benchmark pattern, for building rewrites and near misses. */
function eventNames(control: AlertControl): string[] {
  return [...control.referencePattern.matchAll(/\$\.eventName\s*=\s*"?([A-Za-z]+)"?/g)].map((m) => m[1]!);
}
function eventSource(control: AlertControl): string {
  return control.events[0]!.event.eventSource;
}

/**
 * Per control: an equivalent rewrite (different order, quoting and grouping) and a near miss with the event
 * it misses. Controls whose pattern is a plain list of event names get them generated from that list.
 */
const REWRITES: Record<string, { rewrite: string; nearMiss: string; missed: string }> = {
  'alert.cis-4.1': {
    rewrite: '{ ($.errorCode = "AccessDenied*" && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket") || $.errorCode = "*UnauthorizedOperation" }',
    nearMiss: '{ $.errorCode = "AccessDenied*" }',
    missed: 'ec2:RunInstances refused with Client.UnauthorizedOperation',
  },
  'alert.cis-4.2': {
    rewrite: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    nearMiss: '{ $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed != "Yes" && $.userIdentity.type = Root }',
    missed: 'signin:ConsoleLogin by an IAM user without MFA',
  },
  'alert.cis-4.3': {
    rewrite: '{ ($.eventType != AwsServiceEvent) && ($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = Root) }',
    nearMiss: '{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }',
    missed: 'signin:ConsoleLogin by root',
  },
  'alert.cis-4.4': {
    rewrite:
      '{ $.eventSource = "iam.amazonaws.com" && ($.eventName = "*RolePolicy" || $.eventName = "*UserPolicy" || $.eventName = "*GroupPolicy" || $.eventName = "*PolicyVersion" || $.eventName = "CreatePolicy" || $.eventName = "DeletePolicy") }',
    nearMiss:
      '{ $.eventSource = "iam.amazonaws.com" && ($.eventName = "*RolePolicy" || $.eventName = "*UserPolicy" || $.eventName = "*GroupPolicy" || $.eventName = "CreatePolicyVersion" || $.eventName = "DeletePolicyVersion" || $.eventName = "CreatePolicy" || $.eventName = "DeletePolicy") }',
    missed: 'iam:SetDefaultPolicyVersion',
  },
  'alert.cis-4.6': {
    rewrite: '{ $.errorMessage = "Failed authentication" && $.eventSource = "signin.amazonaws.com" }',
    nearMiss: '{ ($.eventName = ConsoleLogin) && ($.errorCode = "Failed authentication") }',
    missed: 'signin:ConsoleLogin that failed authentication',
  },
};

function casesFor(control: AlertControl): { rewrite: string; nearMiss: string; missed: string } {
  const handWritten = REWRITES[control.id];
  if (handWritten) return handWritten;
  const names = eventNames(control);
  assert.ok(names.length >= 2, `${control.id}: the benchmark pattern lists event names`);
  const source = eventSource(control);
  const service = source.split('.')[0];
  const clause = (list: string[]) => list.map((n) => `$.eventName = "${n}"`).join(' || ');
  return {
    rewrite: `{ (${clause([...names].reverse())}) && $.eventSource = "${source}" }`,
    nearMiss: `{ ${clause(names.slice(0, -1))} }`,
    missed: `${service}:${names[names.length - 1]}`,
  };
}

test('every canonical and benign event has the shape of a CloudTrail record', () => {
  for (const e of [...ALERT_CONTROLS.flatMap((c) => c.events), ...TRAIL_TAMPERING.events, ...BENIGN_EVENTS]) {
    assert.ok(isCloudTrailEvent(e.event), e.label);
    assert.match(e.event.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(e.event.eventID, e.label);
  }
  assert.deepEqual(
    ALERT_CONTROLS.map((c) => c.id),
    Array.from({ length: 15 }, (_, i) => `alert.cis-4.${i + 1}`),
  );
});

for (const control of ALERT_CONTROLS) {
  test(`${control.id}: the benchmark's pattern, a rewrite, a near miss and a catch-all`, () => {
    const own = judgeFilter(control, control.referencePattern);
    assert.ok(judgementPasses(own), `benchmark pattern: ${JSON.stringify(own)}`);

    const { rewrite, nearMiss, missed } = casesFor(control);
    const rewritten = judgeFilter(control, rewrite);
    assert.ok(judgementPasses(rewritten), `rewrite ${rewrite}: ${JSON.stringify(rewritten)}`);

    const near = judgeFilter(control, nearMiss);
    assert.equal(judgementPasses(near), false);
    assert.deepEqual(near.missed, [missed]);

    const everything = judgeFilter(control, '{ $.eventName = "*" }');
    assert.equal(judgementPasses(everything), false);
    assert.deepEqual(everything.missed, []);
    assert.equal(everything.matchedBenign.length, BENIGN_EVENTS.length);
  });
}

test('a filter on the right service alone is too broad: it matches ordinary calls', () => {
  const cloudtrail = ALERT_CONTROLS.find((c) => c.id === 'alert.cis-4.5')!;
  const j = judgeFilter(cloudtrail, '{ $.eventSource = "cloudtrail.amazonaws.com" }');
  assert.deepEqual(j.missed, []);
  assert.deepEqual(j.matchedBenign, ['cloudtrail:DescribeTrails', 'cloudtrail:LookupEvents']);
  const mfa = ALERT_CONTROLS.find((c) => c.id === 'alert.cis-4.2')!;
  assert.deepEqual(judgeFilter(mfa, '{ $.eventName = "ConsoleLogin" }').matchedBenign, ['signin:ConsoleLogin by an IAM user with MFA']);
});

test('CloudWatch precedence: && binds tighter than || in the 4.1 pattern', () => {
  // Read as (A || B) && C && D, the pattern would not count an UnauthorizedOperation call made through
  // HeadBucket; CloudWatch reads it as A || (B && C && D), which does.
  const control = ALERT_CONTROLS.find((c) => c.id === 'alert.cis-4.1')!;
  const matches = patternEngines.filterPattern(control.referencePattern);
  const base = control.events[0]!.event;
  assert.equal(matches({ ...base, eventName: 'HeadBucket' }), true);
  assert.equal(matches({ ...control.events[1]!.event, eventName: 'HeadBucket' }), false);
});

test('a pattern the engine cannot read is reported, not counted as a miss or a match', () => {
  const control = ALERT_CONTROLS[0]!;
  const j = judgeFilter(control, '"Failed authentication"');
  assert.ok(j.error);
  assert.equal(judgementPasses(j), false);
});

test('alert.trail-tampering: the reference rule, a rewrite, a near miss and a catch-all', () => {
  const judge = (p: unknown) => judgePattern(() => patternEngines.eventPattern(JSON.stringify(p)), TRAIL_TAMPERING);
  assert.ok(judgementPasses(judge(JSON.parse(TRAIL_TAMPERING.referencePattern))));
  assert.ok(judgementPasses(judge({ source: ['aws.cloudtrail'], detail: { eventName: [{ wildcard: '*Trail' }, 'StopLogging'] } })));
  const near = judge({ source: ['aws.cloudtrail'], detail: { eventName: ['StopLogging', 'DeleteTrail'] } });
  assert.deepEqual(near.missed, ['cloudtrail:UpdateTrail']);
  const all = judge({ 'detail-type': ['AWS API Call via CloudTrail'] });
  assert.deepEqual(all.missed, []);
  assert.ok(all.matchedBenign.includes('cloudtrail:DescribeTrails'));
});

import type { AccountFacts, AdvancedSelectorFacts, SelectorFacts, TrailFacts } from './facts.js';
import { fail, pass, readEvidence, toJson, unknown, type Verdict } from './verdict.js';

/** Which kinds of calls a trail's selectors record. */
interface Coverage {
  read: boolean;
  write: boolean;
  /** Why the coverage is narrower than it looks (partial selectors), for the detail line. */
  notes: string[];
}

const readWrite = (type: string | undefined) => ({ read: type !== 'WriteOnly', write: type !== 'ReadOnly' });

function fieldOf(sel: AdvancedSelectorFacts, field: string) {
  return sel.fieldSelectors.find((f) => f.field === field);
}

/** readOnly field of an advanced selector → which side it keeps (absent: both). */
function advancedReadWrite(sel: AdvancedSelectorFacts): { read: boolean; write: boolean } {
  const f = fieldOf(sel, 'readOnly');
  if (!f) return { read: true, write: true };
  const eq = (f.equals ?? []).map((v) => v.toLowerCase());
  const ne = (f.notEquals ?? []).map((v) => v.toLowerCase());
  return {
    read: (eq.length === 0 || eq.includes('true')) && !ne.includes('true'),
    write: (eq.length === 0 || eq.includes('false')) && !ne.includes('false'),
  };
}

export function managementCoverage(s: SelectorFacts): Coverage {
  const c: Coverage = { read: false, write: false, notes: [] };
  for (const e of s.eventSelectors) {
    if (e.includeManagementEvents === false) continue;
    const rw = readWrite(e.readWriteType);
    c.read ||= rw.read;
    c.write ||= rw.write;
  }
  for (const a of s.advancedEventSelectors) {
    const cat = fieldOf(a, 'eventCategory');
    if (!cat?.equals?.includes('Management')) continue;
    const narrowing = a.fieldSelectors.filter((f) => f.field !== 'eventCategory' && f.field !== 'readOnly');
    if (narrowing.length) {
      c.notes.push(`selector ${a.name ?? '(unnamed)'} narrows management events by ${narrowing.map((f) => f.field).join(', ')}`);
      continue;
    }
    const rw = advancedReadWrite(a);
    c.read ||= rw.read;
    c.write ||= rw.write;
  }
  return c;
}

/** ARN values that mean "objects in every bucket" in a basic data resource selector. */
const allBuckets = (v: string) => /^arn:aws[a-z-]*:s3(:::)?$/.test(v);

export function s3ObjectCoverage(s: SelectorFacts): Coverage {
  const c: Coverage = { read: false, write: false, notes: [] };
  for (const e of s.eventSelectors) {
    for (const d of e.dataResources) {
      if (d.type !== 'AWS::S3::Object') continue;
      if (!d.values.some(allBuckets)) {
        c.notes.push(`object events only for ${d.values.join(', ')}`);
        continue;
      }
      const rw = readWrite(e.readWriteType);
      c.read ||= rw.read;
      c.write ||= rw.write;
    }
  }
  for (const a of s.advancedEventSelectors) {
    if (!fieldOf(a, 'eventCategory')?.equals?.includes('Data')) continue;
    if (!fieldOf(a, 'resources.type')?.equals?.includes('AWS::S3::Object')) continue;
    const arn = fieldOf(a, 'resources.ARN');
    const arnIsAll = !arn || (arn.startsWith ?? []).some(allBuckets) || (arn.startsWith ?? []).some((v) => /^arn:aws[a-z-]*:s3:::$/.test(v));
    const narrowing = a.fieldSelectors.filter((f) => !['eventCategory', 'resources.type', 'readOnly', 'resources.ARN'].includes(f.field));
    if (!arnIsAll || narrowing.length) {
      c.notes.push(`selector ${a.name ?? '(unnamed)'} records object events only for some ${!arnIsAll ? 'buckets' : `calls (${narrowing.map((f) => f.field).join(', ')})`}`);
      continue;
    }
    const rw = advancedReadWrite(a);
    c.read ||= rw.read;
    c.write ||= rw.write;
  }
  return c;
}

function listErrorsNote(facts: AccountFacts): string {
  return facts.trailListErrors.map((e) => `${e.region}: ${e.error}`).join('; ');
}

export function checkMultiRegion(facts: AccountFacts): Verdict {
  const evidence = facts.trails.map((t) => ({
    trail: t.arn,
    isMultiRegionTrail: t.isMultiRegion,
    isLogging: t.status.ok ? t.status.value.isLogging : { error: t.status.error },
    managementEvents: t.selectors.ok ? toJson(managementCoverage(t.selectors.value)) : { error: t.selectors.error },
  }));
  const ev = { trails: evidence, ...(facts.trailListErrors.length ? { listErrors: toJson(facts.trailListErrors) } : {}) };
  let undecided: string | undefined;
  const reasons: string[] = [];
  for (const t of facts.trails) {
    if (!t.isMultiRegion) {
      reasons.push(`${t.name} is single-region`);
      continue;
    }
    if (!t.status.ok || !t.selectors.ok) {
      undecided ??= `${t.name}: ${!t.status.ok ? `GetTrailStatus ${t.status.error}` : `GetEventSelectors ${(t.selectors as { error: string }).error}`}`;
      continue;
    }
    const cov = managementCoverage(t.selectors.value);
    if (!t.status.value.isLogging) reasons.push(`${t.name} is not logging`);
    else if (!cov.read || !cov.write) reasons.push(`${t.name} records ${cov.read ? 'only read' : cov.write ? 'only write' : 'no'} management events${cov.notes.length ? ` (${cov.notes.join('; ')})` : ''}`);
    else return pass(`${t.name} is multi-region, logging, and records read and write management events`, ev);
  }
  if (undecided) return unknown(`could not confirm a multi-region trail (${undecided})`, ev);
  if (facts.trailListErrors.length) return unknown(`trails could not be listed everywhere (${listErrorsNote(facts)})`, ev);
  if (facts.trails.length === 0) return fail('no trail found', ev);
  return fail(reasons.join('; '), ev);
}

export function checkS3DataEvents(facts: AccountFacts): Verdict {
  const seen = { read: false, write: false };
  const notes: string[] = [];
  let undecided: string | undefined;
  const evidence = [];
  for (const t of facts.trails) {
    evidence.push({
      trail: t.arn,
      isLogging: t.status.ok ? t.status.value.isLogging : { error: t.status.error },
      selectors: readEvidence(t.selectors),
    });
    if (!t.status.ok) {
      undecided ??= `${t.name}: GetTrailStatus ${t.status.error}`;
      continue;
    }
    if (!t.status.value.isLogging) continue;
    if (!t.selectors.ok) {
      undecided ??= `${t.name}: GetEventSelectors ${t.selectors.error}`;
      continue;
    }
    const cov = s3ObjectCoverage(t.selectors.value);
    seen.read ||= cov.read;
    seen.write ||= cov.write;
    notes.push(...cov.notes.map((n) => `${t.name}: ${n}`));
  }
  const ev = { trails: evidence, coverage: toJson(seen) };
  if (seen.read && seen.write) return pass('S3 object-level read and write events are recorded for all buckets', ev);
  if (undecided) return unknown(`could not read every trail (${undecided})`, ev);
  if (facts.trailListErrors.length) return unknown(`trails could not be listed everywhere (${listErrorsNote(facts)})`, ev);
  const missing = !seen.read && !seen.write ? 'read and write' : !seen.read ? 'read' : 'write';
  return fail(`no logging trail records S3 object-level ${missing} events for all buckets${notes.length ? ` (${notes.join('; ')})` : ''}`, ev);
}

export function checkLogging(t: TrailFacts): Verdict {
  if (!t.status.ok) return unknown(`GetTrailStatus: ${t.status.error}`, { status: readEvidence(t.status) });
  const s = t.status.value;
  const ev = { isLogging: s.isLogging, latestDeliveryError: s.latestDeliveryError ?? null, latestDeliveryTime: s.latestDeliveryTime ?? null };
  if (!s.isLogging) return fail('the trail is not logging (StopLogging was called or logging never started)', ev);
  if (s.latestDeliveryError) return fail(`the latest delivery to S3 failed: ${s.latestDeliveryError}`, ev);
  return pass('logging, and the latest delivery reported no error', ev);
}

export function checkLogValidation(t: TrailFacts): Verdict {
  const ev = { logFileValidationEnabled: t.logFileValidation };
  return t.logFileValidation ? pass('log file integrity validation is on', ev) : fail('log file integrity validation is off: digest files are not written', ev);
}

export function checkKms(t: TrailFacts): Verdict {
  if (!t.kmsKeyId || !t.kmsKey) return fail('logs are not encrypted with a KMS key (SSE-S3 or bucket default only)', { kmsKeyId: null });
  if (!t.kmsKey.ok) return unknown(`DescribeKey ${t.kmsKeyId}: ${t.kmsKey.error}`, { kmsKeyId: t.kmsKeyId, key: readEvidence(t.kmsKey) });
  const k = t.kmsKey.value;
  const ev = { kmsKeyId: t.kmsKeyId, keyArn: k.keyArn ?? null, keyManager: k.keyManager ?? null, keyState: k.keyState ?? null, rotationEnabled: readEvidence(k.rotationEnabled) };
  if (k.keyState && k.keyState !== 'Enabled') return fail(`the trail's KMS key is ${k.keyState}: CloudTrail cannot write logs with it`, ev);
  if (!k.rotationEnabled.ok) return unknown(`GetKeyRotationStatus: ${k.rotationEnabled.error}`, ev);
  if (!k.rotationEnabled.value) return fail(`encrypted with ${k.keyArn ?? t.kmsKeyId}, but key rotation is off`, ev);
  return pass(`encrypted with ${k.keyArn ?? t.kmsKeyId}, rotation on`, ev);
}

export function checkCloudWatchLogs(t: TrailFacts): Verdict {
  const cwError = t.status.ok ? t.status.value.latestCloudWatchLogsDeliveryError : undefined;
  const ev = { cloudWatchLogsLogGroupArn: t.cloudWatchLogsLogGroupArn ?? null, latestCloudWatchLogsDeliveryError: cwError ?? null };
  if (!t.cloudWatchLogsLogGroupArn) return fail('the trail does not deliver to CloudWatch Logs, so no metric filter can see its events', ev);
  if (cwError) return fail(`delivery to CloudWatch Logs is failing: ${cwError}`, ev);
  return pass(`delivers to ${t.cloudWatchLogsLogGroupArn}`, ev);
}

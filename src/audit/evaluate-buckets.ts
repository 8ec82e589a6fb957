import type { BucketFacts, LifecycleRuleFacts, PublicAccessBlockFacts } from './facts.js';
import { cloudTrailWriteGrants, denyInsecureTransport, hasSourceGuard, parsePolicy, publicStatements, type Statement } from './policy.js';
import type { Read } from './types.js';
import { fail, pass, readEvidence, toJson, unknown, type Verdict } from './verdict.js';

const PAB_SETTINGS: (keyof PublicAccessBlockFacts)[] = ['blockPublicAcls', 'ignorePublicAcls', 'blockPublicPolicy', 'restrictPublicBuckets'];
const PUBLIC_GROUPS = ['http://acs.amazonaws.com/groups/global/AllUsers', 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'];

type Policy = { ok: true; statements: Statement[] | null } | { ok: false; error: string };

function policyOf(b: BucketFacts): Policy {
  if (!b.policy.ok) return { ok: false, error: `GetBucketPolicy: ${b.policy.error}` };
  if (b.policy.value === null) return { ok: true, statements: null };
  const statements = parsePolicy(b.policy.value);
  return statements ? { ok: true, statements } : { ok: false, error: 'the bucket policy is not valid JSON' };
}

function sids(statements: Statement[]): string[] {
  return statements.map((s, i) => s.sid ?? `#${i + 1}`);
}

/** A setting is on if the bucket or the account turns it on; off only if both answers say off. */
function effectiveSetting(bucket: Read<PublicAccessBlockFacts | null>, account: Read<PublicAccessBlockFacts | null>, key: keyof PublicAccessBlockFacts): boolean | undefined {
  if ((bucket.ok && bucket.value?.[key]) || (account.ok && account.value?.[key])) return true;
  if (bucket.ok && account.ok) return false;
  return undefined;
}

export function checkPublicAccess(b: BucketFacts): Verdict {
  const settings = Object.fromEntries(PAB_SETTINGS.map((k) => [k, effectiveSetting(b.publicAccessBlock, b.accountPublicAccessBlock, k)]));
  const policy = policyOf(b);
  const publicGrants = policy.ok && policy.statements ? publicStatements(policy.statements) : [];
  const aclPublic = b.acl.ok ? b.acl.value.grants.filter((g) => g.granteeUri && PUBLIC_GROUPS.includes(g.granteeUri)) : [];
  const ev = {
    bucketPublicAccessBlock: readEvidence(b.publicAccessBlock),
    accountPublicAccessBlock: readEvidence(b.accountPublicAccessBlock),
    effective: toJson(Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v ?? 'unknown']))),
    publicPolicyStatements: sids(publicGrants),
    publicAclGrants: toJson(aclPublic.map((g) => `${g.granteeUri} ${g.permission}`)),
  };
  const failures: string[] = [];
  const off = PAB_SETTINGS.filter((k) => settings[k] === false);
  if (off.length) failures.push(`Block Public Access off: ${off.join(', ')}`);
  if (publicGrants.length) failures.push(`the policy grants public access (${sids(publicGrants).join(', ')})`);
  if (aclPublic.length) failures.push(`the ACL grants ${aclPublic.map((g) => `${g.permission} to ${g.granteeUri!.split('/').pop()}`).join(', ')}`);
  if (failures.length) return fail(failures.join('; '), ev);
  const open: string[] = [];
  const undecided = PAB_SETTINGS.filter((k) => settings[k] === undefined);
  if (undecided.length) {
    const why = [!b.publicAccessBlock.ok ? `bucket: ${b.publicAccessBlock.error}` : '', !b.accountPublicAccessBlock.ok ? `account: ${b.accountPublicAccessBlock.error}` : '']
      .filter(Boolean)
      .join('; ');
    open.push(`Block Public Access ${undecided.join(', ')} could not be checked (${why})`);
  }
  if (!policy.ok) open.push(policy.error);
  if (!b.acl.ok) open.push(`GetBucketAcl: ${b.acl.error}`);
  if (open.length) return unknown(open.join('; '), ev);
  return pass('all four Block Public Access settings are on; neither the policy nor the ACL grants public access', ev);
}

export function checkAccessLogging(b: BucketFacts): Verdict {
  if (!b.logging.ok) return unknown(`GetBucketLogging: ${b.logging.error}`, { logging: readEvidence(b.logging) });
  if (!b.logging.value) return fail('server access logging is off: reads and deletes of log objects leave no record', { logging: null });
  const l = b.logging.value;
  return pass(`access logs go to s3://${l.targetBucket ?? '?'}/${l.targetPrefix ?? ''}`, { logging: toJson(l) });
}

export function checkVersioning(b: BucketFacts): Verdict {
  if (!b.versioning.ok) return unknown(`GetBucketVersioning: ${b.versioning.error}`, { versioning: readEvidence(b.versioning) });
  const v = b.versioning.value;
  const ev = { status: v.status ?? 'Never enabled', mfaDelete: v.mfaDelete ?? 'Disabled' };
  return v.status === 'Enabled' ? pass('versioning is enabled', ev) : fail(`versioning is ${v.status ?? 'not enabled'}: an overwritten or deleted log is gone`, ev);
}

export function checkMfaDelete(b: BucketFacts): Verdict {
  if (!b.versioning.ok) return unknown(`GetBucketVersioning: ${b.versioning.error}`, { versioning: readEvidence(b.versioning) });
  const v = b.versioning.value;
  const ev = { status: v.status ?? 'Never enabled', mfaDelete: v.mfaDelete ?? 'Disabled' };
  return v.mfaDelete === 'Enabled' ? pass('MFA delete is enabled', ev) : fail('MFA delete is off: versions can be deleted without the root MFA device', ev);
}

export function checkObjectLock(b: BucketFacts): Verdict {
  if (!b.objectLock.ok) return unknown(`GetObjectLockConfiguration: ${b.objectLock.error}`, { objectLock: readEvidence(b.objectLock) });
  const o = b.objectLock.value;
  if (!o || !o.enabled) return fail('object lock is off: log objects can be deleted before any retention', { objectLock: toJson(o) });
  const retention = o.mode ? `default retention ${o.mode} for ${o.days ? `${o.days} days` : `${o.years ?? 0} years`}` : 'no default retention';
  return pass(`object lock is on, ${retention}`, { objectLock: toJson(o) });
}

const ALGORITHMS: Record<string, string> = { AES256: 'SSE-S3', 'aws:kms': 'SSE-KMS', 'aws:kms:dsse': 'DSSE-KMS' };

export function checkEncryption(b: BucketFacts): Verdict {
  if (!b.encryption.ok) return unknown(`GetBucketEncryption: ${b.encryption.error}`, { encryption: readEvidence(b.encryption) });
  const rules = b.encryption.value ?? [];
  const kinds = rules.map((r) => ALGORITHMS[r.algorithm] ?? r.algorithm).filter(Boolean);
  const ev = { encryption: toJson(rules), kind: kinds.join(', ') || null };
  if (!kinds.length) return fail('no default encryption is configured', ev);
  const key = rules.find((r) => r.kmsKeyId)?.kmsKeyId;
  return pass(`default encryption ${kinds.join(', ')}${key ? ` with ${key}` : ''}`, ev);
}

/** Whether a lifecycle rule can reach objects under one of the trail's log prefixes. */
function reachesLogs(rule: LifecycleRuleFacts, logPrefixes: string[]): boolean {
  return logPrefixes.some((p) => p.startsWith(rule.prefix) || rule.prefix.startsWith(p));
}

const GLACIER = /GLACIER|DEEP_ARCHIVE/;

export function checkRetention(b: BucketFacts, minDays: number): Verdict {
  if (!b.lifecycle.ok) return unknown(`GetBucketLifecycleConfiguration: ${b.lifecycle.error}`, { lifecycle: readEvidence(b.lifecycle) });
  const rules = (b.lifecycle.value ?? []).filter((r) => r.status === 'Enabled' && reachesLogs(r, b.logPrefixes));
  const deleting: string[] = [];
  const archiving: string[] = [];
  for (const r of rules) {
    const name = r.id ?? `prefix "${r.prefix}"`;
    if (r.expirationDays !== undefined && r.expirationDays < minDays) deleting.push(`${name} expires logs after ${r.expirationDays} days`);
    if (r.expirationDate) deleting.push(`${name} expires logs on ${r.expirationDate.slice(0, 10)}`);
    if (r.noncurrentExpirationDays !== undefined && r.noncurrentExpirationDays < minDays) deleting.push(`${name} deletes previous versions after ${r.noncurrentExpirationDays} days`);
    for (const t of r.transitions) if (GLACIER.test(t.storageClass)) archiving.push(`${name} moves logs to ${t.storageClass} after ${t.days ?? t.date} days`.replace(/after (\d{4}-\S+) days/, 'on $1'));
  }
  const ev = {
    minRetentionDays: minDays,
    logPrefixes: b.logPrefixes,
    rulesReachingLogs: toJson(rules),
    glacierTransitions: archiving,
  };
  const tail = archiving.length ? `; ${archiving.join('; ')} (restore before reading)` : '';
  if (deleting.length) return fail(`${deleting.join('; ')} (minimum ${minDays})${tail}`, ev);
  const head = b.lifecycle.value === null ? 'no lifecycle configuration' : `no lifecycle rule deletes logs sooner than ${minDays} days`;
  return pass(`${head}${tail}`, ev);
}

export function checkTlsOnly(b: BucketFacts): Verdict {
  const policy = policyOf(b);
  if (!policy.ok) return unknown(policy.error, {});
  if (!policy.statements) return fail('the bucket has no policy, so plain-HTTP requests are not denied', { policy: null });
  const denies = denyInsecureTransport(policy.statements, b.name);
  const ev = { denyStatements: sids(denies) };
  return denies.length
    ? pass(`statement ${sids(denies).join(', ')} denies requests without TLS (aws:SecureTransport false)`, ev)
    : fail('no statement denies requests where aws:SecureTransport is false', ev);
}

export function checkSourceCondition(b: BucketFacts): Verdict {
  const policy = policyOf(b);
  if (!policy.ok) return unknown(policy.error, {});
  if (!policy.statements) return fail('the bucket has no policy', { policy: null });
  const grants = cloudTrailWriteGrants(policy.statements);
  const unguarded = grants.filter((s) => !hasSourceGuard(s));
  const ev = { cloudTrailWriteGrants: sids(grants), unguarded: sids(unguarded) };
  if (!grants.length) return fail('the policy grants cloudtrail.amazonaws.com no s3:PutObject', ev);
  if (unguarded.length) return fail(`CloudTrail's write grant ${sids(unguarded).join(', ')} has no aws:SourceArn or aws:SourceAccount condition: any account's trail can write here`, ev);
  return pass(`CloudTrail's write grant is limited by ${grants.length > 1 ? 'source conditions' : 'a source condition'}`, ev);
}

import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { clientConfig, createS3Client, customEndpoint } from '../source/aws-clients.js';
import type { AwsOptions } from '../source/aws.js';
import type { BucketFacts, LifecycleRuleFacts, PublicAccessBlockFacts, TrailFacts } from './facts.js';
import { attempt, read } from './read-util.js';
import type { Read } from './types.js';
import { isoTime } from '../cloudtrail/time.js';

function pab(c: PublicAccessBlockConfiguration | undefined): PublicAccessBlockFacts {
  return {
    blockPublicAcls: c?.BlockPublicAcls === true,
    ignorePublicAcls: c?.IgnorePublicAcls === true,
    blockPublicPolicy: c?.BlockPublicPolicy === true,
    restrictPublicBuckets: c?.RestrictPublicBuckets === true,
  };
}

/** Where CloudTrail writes a trail's log objects inside its bucket. */
export function logPrefixOf(trail: TrailFacts): string {
  return `${trail.s3KeyPrefix ? `${trail.s3KeyPrefix.replace(/\/+$/, '')}/` : ''}AWSLogs/`;
}

function lifecycleRule(r: LifecycleRule): LifecycleRuleFacts {
  const f = r.Filter;
  const prefix = f?.Prefix ?? f?.And?.Prefix ?? r.Prefix ?? '';
  return {
    id: r.ID,
    status: r.Status ?? '',
    prefix,
    narrowedByTagsOrSize: Boolean(
      f?.Tag || f?.And?.Tags?.length || f?.ObjectSizeGreaterThan || f?.ObjectSizeLessThan || f?.And?.ObjectSizeGreaterThan || f?.And?.ObjectSizeLessThan,
    ),
    expirationDays: r.Expiration?.Days,
    expirationDate: isoTime(r.Expiration?.Date),
    noncurrentExpirationDays: r.NoncurrentVersionExpiration?.NoncurrentDays,
    transitions: (r.Transitions ?? []).map((t) => ({ days: t.Days, date: isoTime(t.Date), storageClass: t.StorageClass ?? '' })),
    noncurrentTransitions: (r.NoncurrentVersionTransitions ?? []).map((t) => ({ days: t.NoncurrentDays, storageClass: t.StorageClass ?? '' })),
  };
}

/** Reads the protections of every bucket that receives one of the trails. */
export async function readBuckets(aws: AwsOptions, account: string, trails: TrailFacts[], defaultRegion: string): Promise<BucketFacts[]> {
  const byName = new Map<string, { trails: string[]; prefixes: Set<string>; region: string }>();
  for (const t of trails) {
    if (!t.s3BucketName) continue;
    const entry = byName.get(t.s3BucketName) ?? { trails: [], prefixes: new Set<string>(), region: t.homeRegion };
    entry.trails.push(t.arn);
    entry.prefixes.add(logPrefixOf(t));
    byName.set(t.s3BucketName, entry);
  }
  if (byName.size === 0) return [];
  const accountPab = await readAccountPublicAccessBlock(aws, account, defaultRegion);
  const out: BucketFacts[] = [];
  for (const [name, entry] of [...byName.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const s3 = createS3Client({ ...aws, region: entry.region });
    try {
      const Bucket = name;
      out.push({
        name,
        trails: entry.trails,
        logPrefixes: [...entry.prefixes].sort(),
        versioning: await read(async () => {
          const v = await s3.send(new GetBucketVersioningCommand({ Bucket }));
          return { status: v.Status, mfaDelete: v.MFADelete };
        }),
        objectLock: await attempt(async () => {
          const c = (await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration;
          const d = c?.Rule?.DefaultRetention;
          return {
            enabled: c?.ObjectLockEnabled === 'Enabled',
            mode: d?.Mode,
            // moto reports `Years: 0` next to Days; zero is "not set" in AWS's own model.
            days: d?.Days || undefined,
            years: d?.Years || undefined,
          };
        }, ['ObjectLockConfigurationNotFoundError']),
        encryption: await attempt(async () => {
          const c = (await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration;
          return (c?.Rules ?? []).map((r) => ({
            algorithm: r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? '',
            kmsKeyId: r.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
            bucketKeyEnabled: r.BucketKeyEnabled,
          }));
        }, ['ServerSideEncryptionConfigurationNotFoundError']),
        publicAccessBlock: await attempt(
          async () => pab((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration),
          ['NoSuchPublicAccessBlockConfiguration'],
        ),
        accountPublicAccessBlock: accountPab,
        policy: await attempt(async () => (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy ?? null, ['NoSuchBucketPolicy']),
        acl: await read(async () => {
          const a = await s3.send(new GetBucketAclCommand({ Bucket }));
          return {
            ownerId: a.Owner?.ID,
            grants: (a.Grants ?? []).map((g) => ({
              granteeType: g.Grantee?.Type,
              granteeUri: g.Grantee?.URI,
              granteeId: g.Grantee?.ID,
              permission: g.Permission,
            })),
          };
        }),
        logging: await read(async () => {
          const l = (await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled;
          return l ? { targetBucket: l.TargetBucket, targetPrefix: l.TargetPrefix } : null;
        }),
        lifecycle: await attempt(
          async () => ((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? []).map(lifecycleRule),
          ['NoSuchLifecycleConfiguration'],
        ),
      });
    } finally {
      s3.destroy();
    }
  }
  return out;
}

/** The S3 Control endpoint set by --endpoint-url or the SDK's variables, when it is an IP literal (a local test server). */
function ipControlEndpoint(aws: AwsOptions): string | undefined {
  const url = customEndpoint('S3 Control', aws);
  if (!url) return undefined;
  try {
    const host = new URL(url).hostname;
    return /^\d+\.\d+\.\d+\.\d+$|^\[/.test(host) ? url : undefined;
  } catch {
    return undefined;
  }
}

async function readAccountPublicAccessBlock(aws: AwsOptions, account: string, region: string): Promise<Read<PublicAccessBlockFacts | null>> {
  const ip = ipControlEndpoint(aws);
  // S3 Control puts the account id in front of the endpoint's host name, which an IP endpoint cannot take
  // (the SDK prints a stack trace and throws). Say so instead of asking: "could not check", never a pass.
  if (ip) return { ok: false, error: `S3 Control cannot address account ${account} at an IP endpoint (${ip})` };
  const control = new S3ControlClient(clientConfig('S3 Control', aws, region));
  try {
    return await attempt(
      async () => pab((await control.send(new GetAccountPublicAccessBlockCommand({ AccountId: account }))).PublicAccessBlockConfiguration),
      ['NoSuchPublicAccessBlockConfiguration'],
    );
  } finally {
    control.destroy();
  }
}

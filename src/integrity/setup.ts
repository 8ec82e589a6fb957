import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigError, UsageError, describeError } from '../errors.js';
import { asConfigErrorIfFatal, type AwsOptions } from '../source/aws.js';
import { LocalStore, openStore } from '../source/store.js';
import { parseS3Uri } from '../source/object-store.js';
import { parseDigest } from './digest.js';
import { ACCOUNT_RE, accountOfLayoutPath, digestFolder, normalisePrefix, parseDigestKey, relativeToAwsLogs } from '../cloudtrail/layout.js';
import { KEYS_DIR, readManifest, type MirrorManifest } from './manifest.js';
import { ApiKeySource, StaticKeySource, type KeySource } from './public-keys.js';
import type { Window } from './digest-source.js';
import type { TrailInfo } from './validate.js';
import { TrailView } from './view.js';
import { discoverScopes } from './validate.js';
import { parseArn } from '../cloudtrail/arn.js';

export interface SourceSpec {
  source?: string;
  trailArn?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  aws: AwsOptions;
}

export interface ResolvedSource {
  view: TrailView;
  prefix: string;
  trail?: TrailInfo;
  /** Accounts implied by the source path (s3://b/AWSLogs/123456789012/…). */
  accounts: string[];
  manifest?: MirrorManifest;
  localDir?: string;
  viewFor(bucket: string): TrailView | undefined;
}

export function parseTrailArn(arn: string): { homeRegion: string; account: string; name: string } {
  const a = parseArn(arn);
  const name = a?.resource.startsWith('trail/') ? a.resource.slice('trail/'.length) : '';
  if (!a || a.service !== 'cloudtrail' || !a.region || !ACCOUNT_RE.test(a.account) || !name) throw new UsageError(`Invalid trail ARN provided: ${arn}`);
  return { homeRegion: a.region, account: a.account, name };
}

/** The trail's bucket, prefix and kind, from DescribeTrails in its home region (GetTrail as a fallback). */
export async function describeTrail(arn: string, aws: AwsOptions): Promise<TrailInfo> {
  const parsed = parseTrailArn(arn);
  // The SDK loads only when a trail is really described: validating a mirror never needs it.
  const [{ DescribeTrailsCommand, GetTrailCommand }, { createCloudTrailClient }] = await Promise.all([
    import('@aws-sdk/client-cloudtrail'),
    import('../source/aws-clients.js'),
  ]);
  const client = createCloudTrailClient(aws, parsed.homeRegion);
  try {
    const out = await client.send(new DescribeTrailsCommand({ trailNameList: [arn], includeShadowTrails: true }));
    let t = (out.trailList ?? []).find((x) => x.TrailARN === arn);
    if (!t) {
      const got = await client.send(new GetTrailCommand({ Name: arn })).catch(() => undefined);
      if (got?.Trail?.TrailARN === arn) t = got.Trail;
    }
    if (!t || !t.S3BucketName) throw new ConfigError(`A trail could not be found for ${arn}`);
    return {
      arn,
      name: parsed.name,
      homeRegion: t.HomeRegion ?? parsed.homeRegion,
      bucket: t.S3BucketName,
      prefix: normalisePrefix(t.S3KeyPrefix),
      isOrganizationTrail: Boolean(t.IsOrganizationTrail),
      isMultiRegionTrail: Boolean(t.IsMultiRegionTrail),
    };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if (err instanceof Error && err.name === 'TrailNotFoundException') throw new ConfigError(`A trail could not be found for ${arn}`);
    throw asConfigErrorIfFatal(err, `DescribeTrails ${arn}`) ?? new ConfigError(`DescribeTrails ${arn}: ${describeError(err)}`);
  } finally {
    client.destroy();
  }
}

function splitAtAwsLogs(prefix: string): { prefix: string; accounts: string[] } {
  const rel = relativeToAwsLogs(prefix.endsWith('/') ? prefix : `${prefix}/`);
  if (!rel) return { prefix: normalisePrefix(prefix), accounts: [] };
  const account = accountOfLayoutPath(rel.rest);
  return { prefix: rel.root, accounts: account ? [account] : [] };
}

export async function resolveSource(spec: SourceSpec): Promise<ResolvedSource> {
  let trail: TrailInfo | undefined;
  if (spec.trailArn) {
    const parsed = parseTrailArn(spec.trailArn);
    if (!spec.source && !spec.s3Bucket) trail = await describeTrail(spec.trailArn, spec.aws);
    else {
      trail = { arn: spec.trailArn, name: parsed.name, homeRegion: parsed.homeRegion, bucket: spec.s3Bucket ?? '', prefix: normalisePrefix(spec.s3Prefix), isOrganizationTrail: false, isMultiRegionTrail: true };
    }
  }
  const s3Views = new Map<string, TrailView>();
  const s3View = (bucket: string): TrailView => {
    let v = s3Views.get(bucket);
    if (!v) {
      v = new TrailView(bucket, openStore(`s3://${bucket}`, spec.aws));
      s3Views.set(bucket, v);
    }
    return v;
  };
  let uri = spec.source;
  if (!uri && spec.s3Bucket) uri = `s3://${spec.s3Bucket}/${normalisePrefix(spec.s3Prefix)}`;
  if (!uri && trail) uri = `s3://${trail.bucket}/${trail.prefix}`;
  if (!uri) throw new UsageError('give a source (s3://bucket[/prefix] or a mirror folder), --s3-bucket, or --trail-arn');

  if (uri.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Uri(uri);
    const split = splitAtAwsLogs(prefix);
    if (trail && !trail.bucket) trail.bucket = bucket;
    return { view: s3View(bucket), prefix: split.prefix, ...(trail ? { trail } : {}), accounts: split.accounts, viewFor: s3View };
  }

  const store = new LocalStore(uri);
  try {
    await readdir(store.root);
  } catch (err) {
    throw new ConfigError(`${uri}: ${describeError(err)}`);
  }
  let manifest: MirrorManifest | undefined;
  try {
    manifest = await readManifest(store.root);
  } catch (err) {
    throw new ConfigError(`${uri}: ${describeError(err)}`);
  }
  if (manifest) {
    const view = new TrailView(manifest.bucket, store, manifest.keyRoot);
    return { view, prefix: manifest.keyRoot, ...(trail ? { trail } : {}), accounts: [], manifest, localDir: store.root, viewFor: () => undefined };
  }
  // A plain copy (e.g. `aws s3 sync`): learn the bucket and key root from the newest digest it holds.
  const probe = new TrailView(spec.s3Bucket ?? '', store, '');
  const calibrated = await calibrate(probe);
  const bucket = spec.s3Bucket ?? calibrated?.bucket ?? 'unknown-bucket';
  const keyRoot = calibrated?.keyRoot ?? normalisePrefix(spec.s3Prefix);
  return { view: new TrailView(bucket, store, keyRoot), prefix: keyRoot, ...(trail ? { trail } : {}), accounts: [], localDir: store.root, viewFor: () => undefined };
}

async function calibrate(probe: TrailView): Promise<{ bucket: string; keyRoot: string } | undefined> {
  for (const scope of await discoverScopes(probe, '')) {
    // The newest digest of the folder: keys sort chronologically within one region folder.
    let newest: string | undefined;
    for await (const o of probe.list(digestFolder(scope))) if (parseDigestKey(o.key) && (!newest || o.key > newest)) newest = o.key;
    if (!newest) continue;
    try {
      const obj = await probe.get(newest);
      const parts: Buffer[] = [];
      for await (const c of obj.body) parts.push(Buffer.from(c));
      const d = parseDigest(gunzipSync(Buffer.concat(parts)));
      if (d.digestS3Object.endsWith(newest)) return { bucket: d.digestS3Bucket, keyRoot: d.digestS3Object.slice(0, -newest.length) };
    } catch {
      continue;
    }
  }
  return undefined;
}

export async function chooseKeySource(opts: { publicKeys: string[]; localDir?: string; window: Window; aws: AwsOptions }): Promise<KeySource> {
  if (opts.publicKeys.length) return StaticKeySource.fromFiles(opts.publicKeys);
  if (opts.localDir) {
    const dir = join(opts.localDir, KEYS_DIR);
    const files = await readdir(dir).catch(() => [] as string[]);
    const json = files.filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
    if (json.length) return StaticKeySource.fromFiles(json);
  }
  const clients = new Map<string, CloudTrailClient>();
  return new ApiKeySource(opts.window, async (region) => {
    const { createCloudTrailClient } = await import('../source/aws-clients.js');
    let c = clients.get(region);
    if (!c) {
      c = createCloudTrailClient(opts.aws, region);
      clients.set(region, c);
    }
    return c;
  });
}

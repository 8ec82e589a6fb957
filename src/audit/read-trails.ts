import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { clientConfig } from '../source/aws-clients.js';
import type { AwsOptions } from '../source/aws.js';
import type { KmsKeyFacts, SelectorFacts, TrailFacts, TrailStatusFacts } from './facts.js';
import { attempt, read } from './read-util.js';
import { arnRegion } from '../cloudtrail/arn.js';
import type { Read } from './types.js';
import { isoTime } from '../cloudtrail/time.js';

export interface TrailDiscovery {
  trails: TrailFacts[];
  listErrors: { region: string; error: string }[];
}

/** Keeps one client per region for the whole audit (each one holds a connection pool). */
export class RegionalClients<C extends { destroy(): void }> {
  private readonly byRegion = new Map<string, C>();
  constructor(private readonly make: (region: string) => C) {}
  get(region: string): C {
    let c = this.byRegion.get(region);
    if (!c) this.byRegion.set(region, (c = this.make(region)));
    return c;
  }
  destroy(): void {
    for (const c of this.byRegion.values()) c.destroy();
    this.byRegion.clear();
  }
}

const nonEmpty = (s: string | undefined): string | undefined => (s ? s : undefined);

/**
 * Finds every trail visible from the given regions. ListTrails names trails of every region with their
 * home region; DescribeTrails in each home region gives the authoritative copy, so shadow copies of
 * multi-region trails merge into one entry per ARN.
 */
export async function discoverTrails(aws: AwsOptions, regions: string[], clients: RegionalClients<CloudTrailClient>): Promise<TrailDiscovery> {
  const listErrors: { region: string; error: string }[] = [];
  const homeRegions = new Set<string>(regions);
  for (const region of regions) {
    const listed = await read(async () => {
      const found: { arn: string; home: string }[] = [];
      let token: string | undefined;
      do {
        const page = await clients.get(region).send(new ListTrailsCommand({ NextToken: token }));
        for (const t of page.Trails ?? []) if (t.TrailARN) found.push({ arn: t.TrailARN, home: t.HomeRegion ?? region });
        token = page.NextToken;
      } while (token);
      return found;
    });
    if (!listed.ok) listErrors.push({ region, error: listed.error });
    else for (const t of listed.value) homeRegions.add(t.home);
  }
  const byArn = new Map<string, { trail: Trail; fromHome: boolean }>();
  for (const region of [...homeRegions].sort()) {
    const described = await read(() => clients.get(region).send(new DescribeTrailsCommand({ includeShadowTrails: true })));
    if (!described.ok) {
      if (!regions.includes(region) || !listErrors.some((e) => e.region === region)) listErrors.push({ region, error: described.error });
      continue;
    }
    for (const t of described.value.trailList ?? []) {
      if (!t.TrailARN) continue;
      const fromHome = (t.HomeRegion ?? region) === region;
      const seen = byArn.get(t.TrailARN);
      if (!seen || (fromHome && !seen.fromHome)) byArn.set(t.TrailARN, { trail: t, fromHome });
    }
  }
  const trails: TrailFacts[] = [];
  for (const { trail } of [...byArn.values()].sort((a, b) => a.trail.TrailARN!.localeCompare(b.trail.TrailARN!))) {
    trails.push(await readTrail(aws, trail, clients));
  }
  return { trails, listErrors };
}

/** `--trail NAME|ARN`: keeps the trails named (by name or ARN). */
export function selectTrails(trails: TrailFacts[], wanted: string[]): TrailFacts[] {
  if (wanted.length === 0) return trails;
  return trails.filter((t) => wanted.includes(t.arn) || wanted.includes(t.name));
}

async function readTrail(aws: AwsOptions, t: Trail, clients: RegionalClients<CloudTrailClient>): Promise<TrailFacts> {
  const arn = t.TrailARN!;
  const home = t.HomeRegion ?? arnRegion(arn);
  const ct = clients.get(home);
  const status: Read<TrailStatusFacts> = await read(async () => {
    const s = await ct.send(new GetTrailStatusCommand({ Name: arn }));
    return {
      isLogging: s.IsLogging === true,
      latestDeliveryError: nonEmpty(s.LatestDeliveryError),
      latestDeliveryTime: isoTime(s.LatestDeliveryTime),
      latestCloudWatchLogsDeliveryError: nonEmpty(s.LatestCloudWatchLogsDeliveryError),
    };
  });
  const selectors: Read<SelectorFacts> = await read(async () => {
    const s = await ct.send(new GetEventSelectorsCommand({ TrailName: arn }));
    return {
      eventSelectors: (s.EventSelectors ?? []).map((e) => ({
        readWriteType: e.ReadWriteType,
        includeManagementEvents: e.IncludeManagementEvents,
        dataResources: (e.DataResources ?? []).map((d) => ({ type: d.Type ?? '', values: d.Values ?? [] })),
      })),
      advancedEventSelectors: (s.AdvancedEventSelectors ?? []).map((a) => ({
        name: a.Name,
        fieldSelectors: (a.FieldSelectors ?? []).map((f) => ({
          field: f.Field ?? '',
          equals: f.Equals,
          startsWith: f.StartsWith,
          endsWith: f.EndsWith,
          notEquals: f.NotEquals,
          notStartsWith: f.NotStartsWith,
          notEndsWith: f.NotEndsWith,
        })),
      })),
    };
  });
  const insights = await attempt(
    async () => {
      const s = await ct.send(new GetInsightSelectorsCommand({ TrailName: arn }));
      return (s.InsightSelectors ?? []).map((i) => i.InsightType ?? '').filter(Boolean);
    },
    ['InsightNotEnabledException'],
  );
  const facts: TrailFacts = {
    arn,
    name: t.Name ?? arn,
    homeRegion: home,
    isMultiRegion: t.IsMultiRegionTrail === true,
    isOrganization: t.IsOrganizationTrail === true,
    s3BucketName: nonEmpty(t.S3BucketName),
    s3KeyPrefix: nonEmpty(t.S3KeyPrefix),
    logFileValidation: t.LogFileValidationEnabled === true,
    kmsKeyId: nonEmpty(t.KmsKeyId),
    cloudWatchLogsLogGroupArn: nonEmpty(t.CloudWatchLogsLogGroupArn),
    status,
    selectors,
    insightTypes: insights.ok ? { ok: true, value: insights.value ?? [] } : insights,
  };
  if (facts.kmsKeyId) facts.kmsKey = await readKmsKey(aws, facts.kmsKeyId, home);
  return facts;
}

async function readKmsKey(aws: AwsOptions, keyId: string, trailRegion: string): Promise<Read<KmsKeyFacts>> {
  const kms = new KMSClient(clientConfig('KMS', aws, arnRegion(keyId) || trailRegion));
  try {
    return await read(async () => {
      const d = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
      const keyArn = d?.Arn ?? keyId;
      const rotationEnabled = await read(async () => (await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }))).KeyRotationEnabled === true);
      return { keyId, keyArn, keyManager: d?.KeyManager, keyState: d?.KeyState, keySpec: d?.KeySpec, rotationEnabled };
    });
  } finally {
    kms.destroy();
  }
}

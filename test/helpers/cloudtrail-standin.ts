import { JsonApiError, startJsonApiStandin, type JsonApiStandin } from './json-api-standin.js';
import type { FixtureKey } from './trail-fixture.js';

export interface StandinTrail {
  Name: string;
  TrailARN: string;
  HomeRegion: string;
  S3BucketName: string;
  S3KeyPrefix?: string;
  IsMultiRegionTrail?: boolean;
  IsOrganizationTrail?: boolean;
  LogFileValidationEnabled?: boolean;
}

/**
 * CloudTrail over the real JSON 1.1 wire protocol for the calls validate makes: ListPublicKeys (keys per
 * region, from the SigV4 scope; Value as base64 DER, times as epoch seconds), DescribeTrails, GetTrail and
 * GetTrailStatus (per trail ARN, as given; a trail without one is not found).
 */
export async function startCloudTrailStandin(opts: { keys: Record<string, FixtureKey[]>; trails: StandinTrail[]; status?: Record<string, Record<string, unknown>> }): Promise<JsonApiStandin> {
  const wire = (t: StandinTrail) => ({ IsMultiRegionTrail: false, IsOrganizationTrail: false, LogFileValidationEnabled: true, ...t });
  return startJsonApiStandin({
    ListPublicKeys: ({ region, input }) => {
      const start = typeof input['StartTime'] === 'number' ? input['StartTime'] * 1000 : -Infinity;
      const end = typeof input['EndTime'] === 'number' ? input['EndTime'] * 1000 : Infinity;
      const list = (opts.keys[region] ?? []).filter((k) => k.validityStart.getTime() <= end && k.validityEnd.getTime() >= start);
      return {
        PublicKeyList: list.map((k) => ({
          Value: k.der.toString('base64'),
          ValidityStartTime: k.validityStart.getTime() / 1000,
          ValidityEndTime: k.validityEnd.getTime() / 1000,
          Fingerprint: k.fingerprint,
        })),
      };
    },
    DescribeTrails: ({ input }) => {
      const names = input['trailNameList'] as string[] | undefined;
      const list = opts.trails.filter((t) => !names || names.length === 0 || names.includes(t.TrailARN) || names.includes(t.Name));
      return { trailList: list.map(wire) };
    },
    GetTrail: ({ input }) => {
      const t = opts.trails.find((x) => x.TrailARN === input['Name'] || x.Name === input['Name']);
      if (!t) throw new JsonApiError('TrailNotFoundException', `Unknown trail: ${String(input['Name'])}`);
      return { Trail: wire(t) };
    },
    GetTrailStatus: ({ input }) => {
      const st = opts.status?.[String(input['Name'])];
      if (!st) throw new JsonApiError('TrailNotFoundException', `Unknown trail: ${String(input['Name'])}`);
      return st;
    },
  });
}

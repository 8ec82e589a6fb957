import { ConfigError } from '../errors.js';

/**
 * AWS Regions by partition. A region outside this table is refused before anything is scanned: a typo such
 * as `us-est-1` would otherwise surface as a DNS failure halfway through a run (or, against a local
 * endpoint, as silently empty results). Add a row when AWS opens a region.
 */
export const KNOWN_REGIONS: ReadonlyArray<{ region: string; partition: 'aws' | 'aws-us-gov' | 'aws-cn' | 'aws-eusc' }> = [
  { region: 'us-east-1', partition: 'aws' },
  { region: 'us-east-2', partition: 'aws' },
  { region: 'us-west-1', partition: 'aws' },
  { region: 'us-west-2', partition: 'aws' },
  { region: 'af-south-1', partition: 'aws' },
  { region: 'ap-east-1', partition: 'aws' },
  { region: 'ap-east-2', partition: 'aws' },
  { region: 'ap-south-1', partition: 'aws' },
  { region: 'ap-south-2', partition: 'aws' },
  { region: 'ap-southeast-1', partition: 'aws' },
  { region: 'ap-southeast-2', partition: 'aws' },
  { region: 'ap-southeast-3', partition: 'aws' },
  { region: 'ap-southeast-4', partition: 'aws' },
  { region: 'ap-southeast-5', partition: 'aws' },
  { region: 'ap-southeast-6', partition: 'aws' },
  { region: 'ap-southeast-7', partition: 'aws' },
  { region: 'ap-northeast-1', partition: 'aws' },
  { region: 'ap-northeast-2', partition: 'aws' },
  { region: 'ap-northeast-3', partition: 'aws' },
  { region: 'ca-central-1', partition: 'aws' },
  { region: 'ca-west-1', partition: 'aws' },
  { region: 'eu-central-1', partition: 'aws' },
  { region: 'eu-central-2', partition: 'aws' },
  { region: 'eu-west-1', partition: 'aws' },
  { region: 'eu-west-2', partition: 'aws' },
  { region: 'eu-west-3', partition: 'aws' },
  { region: 'eu-south-1', partition: 'aws' },
  { region: 'eu-south-2', partition: 'aws' },
  { region: 'eu-north-1', partition: 'aws' },
  { region: 'il-central-1', partition: 'aws' },
  { region: 'me-south-1', partition: 'aws' },
  { region: 'me-central-1', partition: 'aws' },
  { region: 'mx-central-1', partition: 'aws' },
  { region: 'sa-east-1', partition: 'aws' },
  { region: 'us-gov-east-1', partition: 'aws-us-gov' },
  { region: 'us-gov-west-1', partition: 'aws-us-gov' },
  { region: 'cn-north-1', partition: 'aws-cn' },
  { region: 'cn-northwest-1', partition: 'aws-cn' },
  { region: 'eusc-de-east-1', partition: 'aws-eusc' },
];

const known = new Set(KNOWN_REGIONS.map((r) => r.region));

export function isKnownRegion(region: string): boolean {
  return known.has(region);
}

/** Throws a ConfigError (exit 2) naming the source when a region does not exist. */
export function requireKnownRegion(region: string, source: string): string {
  if (!isKnownRegion(region)) {
    throw new ConfigError(`${source}: ${JSON.stringify(region)} is not an AWS region`);
  }
  return region;
}

import { ConfigError, UsageError } from '../errors.js';

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

/**
 * Checks a `--region` value before anything is read (exit 2). Regions are lowercase everywhere AWS writes
 * them (`awsRegion`, key folders, endpoints), so `US-EAST-1` would match nothing: it is refused with the
 * spelling that would work rather than silently folded.
 */
export function requireRegionFlag(value: string, flag = '--region'): string {
  if (isKnownRegion(value)) return value;
  const lower = value.toLowerCase();
  const hint = isKnownRegion(lower) ? ` (regions are lowercase: ${lower})` : '';
  throw new UsageError(`${flag} ${JSON.stringify(value)}: not an AWS region${hint}`);
}

/** Checks an account-id flag value: twelve digits, as in `recipientAccountId` and trail folders. */
export function requireAccountFlag(value: string, flag = '--account'): string {
  if (!/^\d{12}$/.test(value)) throw new UsageError(`${flag} ${JSON.stringify(value)}: an account id has 12 digits`);
  return value;
}

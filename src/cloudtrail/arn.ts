import type { CloudTrailEvent } from './event.js';

/** `arn:partition:service:region:account:resource`; the resource keeps any further colons and slashes. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(text: string): ParsedArn | undefined {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(text);
  if (!m) return undefined;
  return { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]!, resource: m[5]! };
}

/** The region of an ARN, or '' for a global resource or text that is not an ARN (a bare KMS key id). */
export function arnRegion(arn: string): string {
  return parseArn(arn)?.region ?? '';
}

/** The account an event belongs to: the trail's recipient, else the caller's. */
export function accountOf(event: CloudTrailEvent): string | undefined {
  const recipient = event.recipientAccountId;
  if (typeof recipient === 'string' && recipient !== '') return recipient;
  const caller = event.userIdentity?.accountId;
  return typeof caller === 'string' && caller !== '' ? caller : undefined;
}

/** `s3.amazonaws.com` → `s3`. */
export function serviceOf(eventSource: string): string {
  return eventSource.replace(/\.amazonaws\.com$/, '');
}

/** The partition a region's ARNs are written in. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  if (region?.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/**
 * Where a partition's global endpoints (STS without a regional endpoint, IAM, console sign-in) have their
 * calls recorded, whatever region the caller then works in.
 */
export function globalEndpointRegion(region: string | undefined): string {
  const partition = partitionOf(region);
  return partition === 'aws-us-gov' ? 'us-gov-west-1' : partition === 'aws-cn' ? 'cn-north-1' : 'us-east-1';
}

/** Role names are case-insensitive in IAM; the rest of an ARN is compared exactly. */
export function sameArn(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseArn(a);
  const pb = parseArn(b);
  if (!pa || !pb || pa.account !== pb.account || pa.service !== pb.service) return false;
  const ra = pa.resource.split('/');
  const rb = pb.resource.split('/');
  if (ra.length !== rb.length || ra[0] !== rb[0]) return false;
  if (ra[0] === 'assumed-role') return ra[1]!.toLowerCase() === rb[1]!.toLowerCase() && ra.slice(2).join('/') === rb.slice(2).join('/');
  return false;
}

/** A role ARN with a path (`role/aws-reserved/sso.amazonaws.com/X`) and one without name the same role. */
export function sameRole(a: string, b: string): boolean {
  const pa = parseArn(a);
  const pb = parseArn(b);
  if (!pa || !pb || pa.account !== pb.account) return false;
  const na = pa.resource.split('/').pop()!.toLowerCase();
  const nb = pb.resource.split('/').pop()!.toLowerCase();
  return na === nb;
}

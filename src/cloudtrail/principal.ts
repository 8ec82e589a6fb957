import { parseArn } from './arn.js';
import type { CloudTrailEvent } from './event.js';

/**
 * The one family of names for who made a call. Every label comes from hostile data: callers escape it for
 * the terminal or the spreadsheet they write to.
 */

/** Shown where an event names no principal (a `--by principal` group, a missing field). */
export const MISSING = '-';

/** The resource part of an ARN (`assumed-role/Admin/ops`, `user/alice`); the text itself when not an ARN. */
export function shortArn(arn: string): string {
  return parseArn(arn)?.resource ?? arn;
}

/** shortArn for an ARN that may be missing; `?` then. */
export function shortPrincipal(arn: string | undefined): string {
  return arn ? shortArn(arn) : '?';
}

/** A short, readable name for who made the call: `user/alice`, `assumed-role/Admin/ops`, `root`, a service. */
export function principalLabel(e: CloudTrailEvent): string {
  const u = e.userIdentity;
  if (!u) return '';
  switch (u.type) {
    case 'Root':
      return 'root';
    case 'AWSService':
      return typeof u.invokedBy === 'string' ? u.invokedBy : 'AWSService';
    case 'AWSAccount':
      return `account/${u.accountId ?? u.principalId ?? ''}`;
  }
  if (typeof u.arn === 'string' && u.arn) return shortArn(u.arn);
  if (typeof u.userName === 'string') return u.userName;
  if (u.type === 'IdentityCenterUser' && u.onBehalfOf?.userId) return `identity-center/${u.onBehalfOf.userId}`;
  return typeof u.principalId === 'string' ? u.principalId : (u.type ?? '');
}

/** The full identity, for grouping and counting: its ARN, else principal ID, else the invoking service or type. */
export function principalKey(e: CloudTrailEvent): string {
  const id = e.userIdentity;
  return id?.arn || id?.principalId || id?.invokedBy || id?.type || MISSING;
}

/** A principal as the forensics reports carry it; empty or non-string parts are left out. */
export interface PrincipalRef {
  type?: string;
  arn?: string;
  account?: string;
}

export function principalRef(type: unknown, arn: unknown, account: unknown): PrincipalRef {
  const p: PrincipalRef = {};
  if (typeof type === 'string' && type) p.type = type;
  if (typeof arn === 'string' && arn) p.arn = arn;
  if (typeof account === 'string' && account) p.account = account;
  return p;
}

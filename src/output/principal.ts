import type { CloudTrailEvent } from '../cloudtrail/event.js';

/** A short, readable name for who made the call: `user/alice`, `assumed-role/Admin/ops`, `root`, a service. */
export function principalLabel(e: CloudTrailEvent): string {
  const u = e.userIdentity;
  if (!u) return '';
  const arn = typeof u.arn === 'string' ? u.arn : '';
  switch (u.type) {
    case 'Root':
      return 'root';
    case 'AWSService':
      return typeof u.invokedBy === 'string' ? u.invokedBy : 'AWSService';
    case 'AWSAccount':
      return `account/${u.accountId ?? u.principalId ?? ''}`;
  }
  if (arn) {
    const colon = arn.indexOf(':', arn.indexOf(':', arn.indexOf(':', arn.indexOf(':', arn.indexOf(':') + 1) + 1) + 1) + 1);
    return colon >= 0 ? arn.slice(colon + 1) : arn;
  }
  if (typeof u.userName === 'string') return u.userName;
  if (u.type === 'IdentityCenterUser' && u.onBehalfOf?.userId) return `identity-center/${u.onBehalfOf.userId}`;
  return typeof u.principalId === 'string' ? u.principalId : (u.type ?? '');
}

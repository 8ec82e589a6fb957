import { UsageError } from '../../errors.js';
import type { UserIdentity } from '../../cloudtrail/event.js';
import { parseArn, sameArn, sameRole } from '../../cloudtrail/arn.js';
import { asObject, asString } from '../../cloudtrail/json.js';

/** <WHO> of `ctrail activity`: what the user typed, and whether an identity in a record is it. */

export type ActivityTarget =
  | { kind: 'key'; accessKeyId: string }
  | { kind: 'user'; arn: string }
  | { kind: 'role'; arn: string }
  | { kind: 'session'; arn: string }
  | { kind: 'name'; name: string };

export function parseActivityTarget(text: string): ActivityTarget {
  const t = text.trim();
  if (t === '') throw new UsageError('<who> is empty: expected an access key id, a principal ARN or a federated user name');
  if (/^(AKIA|ASIA)[A-Z0-9]{12,124}$/.test(t)) return { kind: 'key', accessKeyId: t };
  if (t.startsWith('arn:')) {
    const arn = parseArn(t);
    const kind = arn?.resource.split('/')[0];
    if (arn?.service === 'iam' && (kind === 'user' || kind === 'root')) return { kind: 'user', arn: t };
    if (arn?.service === 'iam' && kind === 'role') return { kind: 'role', arn: t };
    if (arn?.service === 'sts' && (kind === 'assumed-role' || kind === 'federated-user')) return { kind: 'session', arn: t };
    throw new UsageError(`${t}: expected an IAM user or role ARN, or an assumed-role/federated-user session ARN`);
  }
  if (/[\s\u0000-\u001f]/.test(t)) throw new UsageError(`${t}: a federated user name has no spaces or control characters`);
  return { kind: 'name', name: t };
}

export function targetValue(t: ActivityTarget): string {
  return t.kind === 'key' ? t.accessKeyId : t.kind === 'name' ? t.name : t.arn;
}

/** Whether an identity is <WHO> itself (not one of the sessions it spawned). */
export function isTarget(t: ActivityTarget, u: UserIdentity | undefined): boolean {
  if (!u) return false;
  const arn = asString(u.arn);
  const type = asString(u.type);
  switch (t.kind) {
    case 'key':
      return u.accessKeyId === t.accessKeyId;
    case 'user':
      return arn === t.arn;
    case 'session':
      return arn !== undefined && sameArn(arn, t.arn);
    case 'role': {
      const issuer = asString(asObject(u.sessionContext?.sessionIssuer)?.arn);
      return type === 'AssumedRole' && issuer !== undefined && sameRole(issuer, t.arn);
    }
    case 'name': {
      if (type === 'SAMLUser' || type === 'WebIdentityUser') {
        const principal = asString(u.principalId) ?? '';
        return u.userName === t.name || principal === t.name || principal.endsWith(':' + t.name);
      }
      // An IAM user name is unique within its account; in several accounts each becomes its own root.
      if (type === 'IAMUser') return u.userName === t.name;
      const behalf = asObject(u.onBehalfOf);
      return (type === 'IdentityCenterUser' && u.userName === t.name) || asString(behalf?.userId) === t.name;
    }
  }
}

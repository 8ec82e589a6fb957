/**
 * Just enough of IAM policy semantics to judge a CloudTrail bucket's policy: who is granted what, and under
 * which conditions. Keys and operators are compared case-insensitively, as IAM does for condition keys.
 */
export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** '*' for everyone; otherwise principal values keyed by type (AWS, Service, Federated, CanonicalUser). */
  principals: '*' | Record<string, string[]>;
  notPrincipal: boolean;
  actions: string[];
  notAction: boolean;
  resources: string[];
  /** operator (lower case) → key (lower case) → values as strings. */
  conditions: Record<string, Record<string, string[]>>;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

export function parsePolicy(text: string): Statement[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object') return undefined;
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return statements.filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object').map((s) => {
    const principalValue = s.Principal ?? s.NotPrincipal;
    let principals: Statement['principals'] = {};
    if (principalValue === '*') principals = '*';
    else if (principalValue && typeof principalValue === 'object') {
      for (const [type, v] of Object.entries(principalValue as Record<string, unknown>)) principals[type] = list(v);
    }
    const conditions: Statement['conditions'] = {};
    if (s.Condition && typeof s.Condition === 'object') {
      for (const [op, block] of Object.entries(s.Condition as Record<string, unknown>)) {
        const keys: Record<string, string[]> = {};
        if (block && typeof block === 'object') for (const [k, v] of Object.entries(block as Record<string, unknown>)) keys[k.toLowerCase()] = list(v);
        conditions[op.toLowerCase()] = keys;
      }
    }
    return {
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      principals,
      notPrincipal: s.NotPrincipal !== undefined,
      actions: list(s.Action ?? s.NotAction),
      notAction: s.NotAction !== undefined,
      resources: list(s.Resource ?? s.NotResource),
      conditions,
    };
  });
}

/** IAM wildcard match (`*` any run, `?` one character), case-sensitive like ARNs; actions use `ci`. */
export function wildcardMatch(pattern: string, value: string, ci = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ci ? 'is' : 's');
  return re.test(value);
}

export function grantsAction(s: Statement, action: string): boolean {
  const hit = s.actions.some((a) => wildcardMatch(a, action, true));
  return s.notAction ? !hit : hit;
}

export function isEveryone(s: Statement): boolean {
  if (s.notPrincipal) return true;
  return s.principals === '*' || (s.principals.AWS ?? []).includes('*');
}

export function hasServicePrincipal(s: Statement, service: string): boolean {
  return s.principals !== '*' && (s.principals.Service ?? []).includes(service);
}

/** Condition keys present in a statement, under any operator (lower case). */
export function conditionKeys(s: Statement): Set<string> {
  const keys = new Set<string>();
  for (const block of Object.values(s.conditions)) for (const k of Object.keys(block)) keys.add(k);
  return keys;
}

/**
 * Keys that tie a grant to known callers, so a `*` principal is not public (the same keys by which S3's own
 * "is public" evaluation treats a policy as non-public).
 */
const LIMITING_KEYS = [
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:userid',
  's3:dataaccesspointaccount',
  's3:dataaccesspointarn',
];

/** Allow statements open to everyone with no limiting condition. */
export function publicStatements(statements: Statement[]): Statement[] {
  return statements.filter((s) => s.effect === 'Allow' && isEveryone(s) && ![...conditionKeys(s)].some((k) => LIMITING_KEYS.includes(k)));
}

/** Deny statements for everyone, covering objects of the bucket, when aws:SecureTransport is false. */
export function denyInsecureTransport(statements: Statement[], bucket: string): Statement[] {
  const objectArn = `arn:aws:s3:::${bucket}/AWSLogs/x`;
  return statements.filter((s) => {
    if (s.effect !== 'Deny' || !isEveryone(s)) return false;
    if (!grantsAction(s, 's3:GetObject') || !grantsAction(s, 's3:PutObject')) return false;
    if (!s.resources.some((r) => wildcardMatch(r.replace(/^arn:aws[a-z-]*:/, 'arn:aws:'), objectArn))) return false;
    for (const op of ['bool', 'boolifexists']) {
      const values = s.conditions[op]?.['aws:securetransport'];
      if (values?.some((v) => v.toLowerCase() === 'false')) return true;
    }
    return false;
  });
}

/** CloudTrail's write grants: Allow s3:PutObject to cloudtrail.amazonaws.com. */
export function cloudTrailWriteGrants(statements: Statement[]): Statement[] {
  return statements.filter((s) => s.effect === 'Allow' && (hasServicePrincipal(s, 'cloudtrail.amazonaws.com') || isEveryone(s)) && grantsAction(s, 's3:PutObject'));
}

export function hasSourceGuard(s: Statement): boolean {
  const keys = conditionKeys(s);
  return keys.has('aws:sourcearn') || keys.has('aws:sourceaccount');
}

/**
 * What the user's filters say, in the plain terms an API source can push down to a server. Fields AND
 * together; the values inside one field OR together. Only exact values belong here (no wildcards, no
 * substrings): a server query built from a field must return a superset of the events that ctrail's own
 * filters accept, and ctrail filters everything that comes back again. Leave a field out when the filter
 * cannot be stated exactly; the source then simply asks for more.
 *
 * The time window and the account/region/category scope come from `ScanScope`, not from here.
 */
export interface QueryHints {
  /** `eventID` values. */
  eventIds?: readonly string[];
  /** `userIdentity.accessKeyId` values. */
  accessKeyIds?: readonly string[];
  /** Resource names or ARNs as CloudTrail's event history indexes them (its `Resources` list). */
  resourceNames?: readonly string[];
  /** `eventName` values, spelled exactly (`DeleteBucket`, not `Delete*`). */
  eventNames?: readonly string[];
  /** `eventSource` values (`s3.amazonaws.com`). */
  eventSources?: readonly string[];
  /**
   * User names as event history indexes them: an IAM user's name, or an assumed-role session's name.
   * Give this only when the user's filter is exactly such a name, not an ARN pattern.
   */
  usernames?: readonly string[];
  /** `readOnly` is exactly this. */
  readOnly?: boolean;
}

/** The lead's name for the same shape, kept so either import reads naturally. */
export type HistoryQueryHints = QueryHints;

/**
 * What a scan may push down: one set of hints, or several whose union the server is asked for (a command
 * that needs deletions OR credential-issuing events). Each alternative must describe a superset of the
 * events its part of the final matcher accepts.
 */
export type Pushdown = QueryHints | readonly QueryHints[];

export function alternativesOf(pushdown: Pushdown | undefined): readonly QueryHints[] {
  if (pushdown === undefined) return [{}];
  return Array.isArray(pushdown) ? (pushdown.length ? pushdown : [{}]) : [pushdown as QueryHints];
}

/** True when a value would be read by a server as a pattern rather than a literal. */
export function isLiteral(value: string): boolean {
  return value.length > 0 && !/[*?]/.test(value);
}

export function literalValues(values: readonly string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  if (!values.every(isLiteral)) return undefined;
  return [...new Set(values)];
}

/**
 * The part of the command-line filters that a server can apply with exactly ctrail's meaning. `--user`
 * and `--resource` are left out on purpose: ctrail matches them against several fields (ARN, role name,
 * session name, request parameters) while event history's Username and ResourceName index one derived
 * value each, so pushing them down could lose events.
 */
export function hintsFromSpec(spec: {
  eventNames?: readonly string[];
  eventSources?: readonly string[];
  accessKeys?: readonly string[];
  readOnly?: boolean;
}): QueryHints {
  const hints: QueryHints = {};
  const names = literalValues(spec.eventNames);
  if (names) hints.eventNames = names;
  const sources = literalValues(spec.eventSources);
  if (sources) hints.eventSources = sources;
  const keys = literalValues(spec.accessKeys);
  if (keys) hints.accessKeyIds = keys;
  if (spec.readOnly !== undefined) hints.readOnly = spec.readOnly;
  return hints;
}

/**
 * Both sets of hints at once (AND), e.g. the user's flags and a command's own query (find-deletion's
 * destructive event names). Where both name values for a field, the common values are kept; if there are
 * none in common no event can match, and either side alone is still a correct (superset) query.
 */
export function andHints(a: QueryHints, b: QueryHints): QueryHints {
  const out: QueryHints = { ...a };
  const lists = ['eventIds', 'accessKeyIds', 'resourceNames', 'eventNames', 'eventSources', 'usernames'] as const;
  for (const key of lists) {
    const left = a[key];
    const right = b[key];
    if (!right?.length) continue;
    if (!left?.length) {
      out[key] = right;
      continue;
    }
    const common = left.filter((v) => right.includes(v));
    out[key] = common.length ? common : left;
  }
  if (out.readOnly === undefined && b.readOnly !== undefined) out.readOnly = b.readOnly;
  return out;
}

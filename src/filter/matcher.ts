import type { RecordMatcher } from '../records/matcher.js';

export const matchAll: RecordMatcher = { needles: [], matches: () => true };

/** Both matchers must accept; needle groups simply concatenate (AND). */
export function allOf(matchers: readonly RecordMatcher[]): RecordMatcher {
  const parts = matchers.filter((m) => m !== matchAll);
  if (parts.length === 0) return matchAll;
  if (parts.length === 1) return parts[0]!;
  const literals = parts.flatMap((m) => m.literals ?? []);
  return {
    needles: parts.flatMap((m) => m.needles),
    ...(literals.length ? { literals } : {}),
    matches: (e) => parts.every((m) => m.matches(e)),
  };
}

/**
 * Either matcher may accept. A record passes the combined pre-filter if it passes any side's, which an
 * AND-of-ORs can only express exactly when each side has at most one group; otherwise we drop the
 * pre-filter (correctness over speed).
 */
export function anyOf(matchers: readonly RecordMatcher[]): RecordMatcher {
  if (matchers.length === 1) return matchers[0]!;
  const canPrefilter = matchers.every((m) => m.needles.length === 1);
  return {
    needles: canPrefilter ? [matchers.flatMap((m) => m.needles[0]!)] : [],
    matches: (e) => matchers.some((m) => m.matches(e)),
  };
}

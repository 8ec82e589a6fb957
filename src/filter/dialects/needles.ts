import type { NeedleGroups } from '../../records/matcher.js';

/**
 * Needles are searched in raw JSON text, so a value can only be used when its JSON spelling is certain:
 * printable ASCII without the characters some serialisers escape: quote and backslash always, `/` as `\/`,
 * and `<`, `>`, `&`, `=`, `'` as `\u003c`… (HTML-safe JSON writers).
 */
export function isNeedleSafe(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text) && !/["\\/<>&=']/.test(text);
}

/** The needle proving a JSON string value equals `value`: the value with its quotes. */
export function exactNeedle(value: string): string | undefined {
  return isNeedleSafe(value) ? `"${value}"` : undefined;
}

/** Needle for a string starting with `prefix` (opening quote included, so it anchors at a value start). */
export function prefixNeedle(prefix: string): string | undefined {
  return prefix.length > 0 && isNeedleSafe(prefix) ? `"${prefix}` : undefined;
}

export function suffixNeedle(suffix: string): string | undefined {
  return suffix.length > 0 && isNeedleSafe(suffix) ? `${suffix}"` : undefined;
}

/**
 * For a `*` wildcard over a whole string value: the longest literal piece, with a quote attached when the
 * piece touches the start or end of the value. Returns undefined when no piece is usable.
 */
export function wildcardNeedle(pieces: readonly string[]): string | undefined {
  let best: string | undefined;
  pieces.forEach((piece, i) => {
    if (piece.length === 0 || !isNeedleSafe(piece)) return;
    const text = (i === 0 ? '"' : '') + piece + (i === pieces.length - 1 ? '"' : '');
    if (best === undefined || text.length > best.length) best = text;
  });
  return best;
}

/**
 * Needles of a disjunction: a matching record satisfies some branch, so it contains one needle of any group
 * of that branch. Taking one group per branch and uniting them is therefore safe; a branch without groups
 * makes the whole disjunction unfilterable.
 */
export function disjunctionNeedles(branches: readonly NeedleGroups[]): NeedleGroups {
  if (branches.length === 0 || branches.some((b) => b.length === 0)) return [];
  // The most selective choice per branch is its smallest group.
  const union = branches.flatMap((b) => [...b].sort((x, y) => x.length - y.length)[0]!);
  return [Array.from(new Set(union))];
}

/** Needles of a set of alternatives for one value: usable only when every alternative has a needle. */
export function alternativesGroup(needles: ReadonlyArray<string | undefined>): string[] | undefined {
  if (needles.length === 0 || needles.some((n) => n === undefined)) return undefined;
  return Array.from(new Set(needles as string[]));
}

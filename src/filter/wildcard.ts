/**
 * The one wildcard engine. The pattern languages differ only in syntax, given by WildcardSyntax:
 *  - shell globs for `--event-name`, `--user`, …: `*` and `?`, no escapes;
 *  - EventBridge `wildcard`: `*` only (`?` is literal), with `\*` and `\\` as literals;
 *  - CloudWatch Logs filter patterns: `*` only, no escapes;
 *  - Sigma: `*` and `?`, with `\*`, `\?` and `\\` as literals.
 * Every compiled pattern matches the whole value, across newlines.
 */

export interface WildcardSyntax {
  /** `?` matches one character; otherwise it is a literal. */
  question?: boolean;
  /** A backslash makes the next wildcard character, or a backslash, literal. */
  escapes?: boolean;
}

const ANY_RUN = '[\\s\\S]*';
const ANY_ONE = '[\\s\\S]';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isWild(c: string, syntax: WildcardSyntax): boolean {
  return c === '*' || (c === '?' && syntax.question === true);
}

/** Walks a pattern once, handing each literal character (escapes resolved) and each wildcard to its callback. */
function scan(pattern: string, syntax: WildcardSyntax, onLiteral: (c: string) => void, onWild: (c: '*' | '?') => void): void {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    if (syntax.escapes && c === '\\' && next !== undefined && (next === '\\' || isWild(next, syntax))) onLiteral(pattern[++i]!);
    else if (isWild(c, syntax)) onWild(c as '*' | '?');
    else onLiteral(c);
  }
}

/** Splits a `*` wildcard into its literal pieces (`?` is a literal here); with escapes, `\*` and `\\` are literals. */
export function wildcardPieces(pattern: string, escapes: boolean): string[] {
  const pieces: string[] = [''];
  scan(pattern, { escapes }, (c) => (pieces[pieces.length - 1] += c), () => pieces.push(''));
  return pieces;
}

/** Whole-string matcher for wildcard pieces (as returned by wildcardPieces). */
export function wildcardRegExp(pieces: readonly string[], flags = ''): RegExp {
  return new RegExp(`^${pieces.map(escapeRegExp).join(ANY_RUN)}$`, flags);
}

/** The regular-expression source of a pattern (unanchored), and whether it holds no wildcard at all. */
export function wildcardSource(pattern: string, syntax: WildcardSyntax): { source: string; plain: boolean } {
  let source = '';
  let plain = true;
  scan(
    pattern,
    syntax,
    (c) => (source += escapeRegExp(c)),
    (w) => {
      source += w === '*' ? ANY_RUN : ANY_ONE;
      plain = false;
    },
  );
  return { source, plain };
}

const GLOB: WildcardSyntax = { question: true };

/** Shell-style globs (`*`, `?`) over whole values, as users type them for event names and principals. */
export function isGlob(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

export function globToRegExp(glob: string, flags = ''): RegExp {
  return new RegExp(`^${wildcardSource(glob, GLOB).source}$`, flags);
}

/** A predicate for one value: exact unless the pattern holds a wildcard. */
export function valueMatcher(pattern: string): (value: string) => boolean {
  if (!isGlob(pattern)) return (v) => v === pattern;
  const re = globToRegExp(pattern);
  return (v) => re.test(v);
}

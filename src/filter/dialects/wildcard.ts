/** Splits a `*` wildcard into its literal pieces; `\*` is a literal star and `\\` a literal backslash. */
export function wildcardPieces(pattern: string, escapes: boolean): string[] {
  const pieces: string[] = [''];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escapes && c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      pieces[pieces.length - 1] += pattern[++i]!;
    } else if (c === '*') {
      pieces.push('');
    } else {
      pieces[pieces.length - 1] += c;
    }
  }
  return pieces;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole-string matcher for wildcard pieces (as returned by wildcardPieces). */
export function wildcardRegExp(pieces: readonly string[], flags = ''): RegExp {
  return new RegExp(`^${pieces.map(escapeRegExp).join('[\\s\\S]*')}$`, flags);
}

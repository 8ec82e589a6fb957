/** Shell-style globs (`*`, `?`) over whole values, as users type them for event names and principals. */
export function isGlob(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

export function globToRegExp(glob: string, flags = ''): RegExp {
  let re = '^';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$', flags + 's');
}

/** A predicate for one value: exact unless the pattern holds a wildcard. */
export function valueMatcher(pattern: string): (value: string) => boolean {
  if (!isGlob(pattern)) return (v) => v === pattern;
  const re = globToRegExp(pattern);
  return (v) => re.test(v);
}

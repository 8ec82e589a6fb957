/**
 * The Sigma condition grammar (and, or, not, parentheses, `1 of X*`, `all of X*`, `them`), compiled over a
 * rule's named searches into one test and the needles a matching record must hold. Apart from sigma.ts so
 * that the grammar reads on its own; a condition that needs several events (`| count`, `near`) is refused.
 */
import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import type { NeedleGroups } from '../../records/matcher.js';
import { wildcardPieces, wildcardRegExp } from '../wildcard.js';
import { disjunctionNeedles } from './needles.js';

/** Why a rule cannot be run; becomes a SkippedRule. */
export class Unsupported extends Error {}

export type Test = (event: CloudTrailEvent) => boolean;

export interface Search {
  test: Test;
  needles: NeedleGroups;
}

type CondToken = { kind: 'word' | 'lparen' | 'rparen'; text: string };

function tokenizeCondition(condition: string): CondToken[] {
  if (condition.includes('|')) {
    throw new Unsupported(`condition "${condition}" aggregates over several events (| count/near); a per-event hunt cannot evaluate it`);
  }
  const tokens: CondToken[] = [];
  for (const m of condition.matchAll(/\(|\)|[^\s()]+/g)) {
    const t = m[0];
    tokens.push({ kind: t === '(' ? 'lparen' : t === ')' ? 'rparen' : 'word', text: t });
  }
  return tokens;
}

export function parseCondition(condition: string, searches: Map<string, Search>): Search {
  const tokens = tokenizeCondition(condition);
  let pos = 0;
  const peekWord = (): string | undefined => (tokens[pos]?.kind === 'word' ? tokens[pos]!.text.toLowerCase() : undefined);
  const fail = (why: string): never => {
    throw new Unsupported(`condition "${condition}": ${why}`);
  };

  const selectNames = (pattern: string): string[] => {
    const names = [...searches.keys()];
    if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
    const re = wildcardRegExp(wildcardPieces(pattern, false));
    const hit = names.filter((n) => re.test(n));
    if (hit.length === 0) fail(`no detection matches "${pattern}"`);
    return hit;
  };

  const or = (): Search => {
    const parts = [and()];
    while (peekWord() === 'or') {
      pos++;
      parts.push(and());
    }
    if (parts.length === 1) return parts[0]!;
    return { test: (e) => parts.some((p) => p.test(e)), needles: disjunctionNeedles(parts.map((p) => p.needles)) };
  };
  const and = (): Search => {
    const parts = [not()];
    while (peekWord() === 'and') {
      pos++;
      parts.push(not());
    }
    if (parts.length === 1) return parts[0]!;
    return { test: (e) => parts.every((p) => p.test(e)), needles: parts.flatMap((p) => p.needles) };
  };
  const not = (): Search => {
    if (peekWord() === 'not') {
      pos++;
      const inner = not();
      return { test: (e) => !inner.test(e), needles: [] };
    }
    return primary();
  };
  const primary = (): Search => {
    const t = tokens[pos];
    if (!t) return fail('ends too early');
    if (t.kind === 'lparen') {
      pos++;
      const inner = or();
      if (tokens[pos]?.kind !== 'rparen') fail('missing ")"');
      pos++;
      return inner;
    }
    if (t.kind === 'rparen') fail('unexpected ")"');
    const word = t.text.toLowerCase();
    if ((word === '1' || word === 'any' || word === 'all') && tokens[pos + 1]?.text.toLowerCase() === 'of') {
      const target = tokens[pos + 2];
      if (!target || target.kind !== 'word') fail(`"${t.text} of" needs a name pattern or "them"`);
      pos += 3;
      const parts = selectNames(target!.text).map((n) => searches.get(n)!);
      if (word === 'all') return { test: (e) => parts.every((p) => p.test(e)), needles: parts.flatMap((p) => p.needles) };
      return { test: (e) => parts.some((p) => p.test(e)), needles: disjunctionNeedles(parts.map((p) => p.needles)) };
    }
    if (/^\d+$/.test(word) && tokens[pos + 1]?.text.toLowerCase() === 'of') fail(`"${t.text} of" is not part of the Sigma condition grammar (only "1 of" and "all of")`);
    const search = searches.get(t.text);
    if (!search) fail(`unknown detection "${t.text}"`);
    pos++;
    return search!;
  };

  const result = or();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]!.text}"`);
  return result;
}

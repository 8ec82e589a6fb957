/**
 * CloudWatch Logs JSON filter patterns (the syntax of metric filters, subscription filters and
 * FilterLogEvents), e.g. `{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }`.
 *
 * Grammar, as CloudWatch documents it:
 *   pattern    := '{' or '}'
 *   or         := and ('||' and)*          -- && binds tighter than ||
 *   and        := primary ('&&' primary)*
 *   primary    := '(' or ')' | condition
 *   condition  := selector op value | selector IS (NULL|TRUE|FALSE) | selector NOT EXISTS
 *   selector   := '$' ('.' name | '[' index ']')*
 *   op         := = | != | < | <= | > | >=
 *   value      := "quoted string" | %regex% | number | bare-word
 * Strings (quoted or bare) compare with = and != only and may contain `*` wildcards; numbers take every
 * operator. A comparison on a field the event does not have never matches (not even !=), as in CloudWatch.
 */
import { UsageError } from '../../errors.js';
import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import type { NeedleGroups, RecordMatcher } from '../../records/matcher.js';
import { disjunctionNeedles, exactNeedle, wildcardNeedle } from './needles.js';
import { wildcardPieces, wildcardRegExp } from '../wildcard.js';

export class FilterPatternError extends UsageError {
  readonly column: number;
  constructor(column: number, problem: string) {
    super(`filter pattern, column ${column}: ${problem}`);
    this.name = 'FilterPatternError';
    this.column = column;
  }
}

type Step = string | number;
type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';

type Value =
  | { kind: 'string'; text: string; pieces: string[]; wildcard: boolean }
  | { kind: 'number'; value: number }
  | { kind: 'regex'; source: string; re: RegExp };

export type FilterNode =
  | { kind: 'and' | 'or'; parts: FilterNode[] }
  | { kind: 'compare'; path: Step[]; selector: string; op: Op; value: Value }
  | { kind: 'is'; path: Step[]; selector: string; what: 'NULL' | 'TRUE' | 'FALSE' }
  | { kind: 'notExists'; path: Step[]; selector: string };

// ---------------------------------------------------------------------------------------------- lexer

type TokenKind = 'lbrace' | 'rbrace' | 'lparen' | 'rparen' | 'and' | 'or' | 'op' | 'selector' | 'string' | 'regex' | 'word' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based column of the token's first character. */
  column: number;
  path?: Step[];
}

/** Characters CloudWatch accepts inside %regex% (parentheses, i.e. sub-patterns, are refused). */
const REGEX_ALLOWED = /^[A-Za-z0-9_#=@/;,:\-^$?[\]{}|\\*+. ]*$/;

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const col = (at: number): number => at + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    const two = text.slice(i, i + 2);
    if (c === '{') tokens.push({ kind: 'lbrace', text: c, column: col(i++) });
    else if (c === '}') tokens.push({ kind: 'rbrace', text: c, column: col(i++) });
    else if (c === '(') tokens.push({ kind: 'lparen', text: c, column: col(i++) });
    else if (c === ')') tokens.push({ kind: 'rparen', text: c, column: col(i++) });
    else if (two === '&&') {
      tokens.push({ kind: 'and', text: two, column: col(i) });
      i += 2;
    } else if (two === '||') {
      tokens.push({ kind: 'or', text: two, column: col(i) });
      i += 2;
    } else if (two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two, column: col(i) });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c, column: col(i++) });
    } else if (c === '$') {
      const path: Step[] = [];
      i++;
      while (i < text.length && (text[i] === '.' || text[i] === '[')) {
        if (text[i] === '.') {
          const m = /^[A-Za-z0-9_\-@:]+/.exec(text.slice(i + 1));
          if (!m) throw new FilterPatternError(col(i + 1), 'expected a field name after "."');
          path.push(m[0]);
          i += 1 + m[0].length;
        } else {
          const m = /^\[(\d+)\]/.exec(text.slice(i));
          if (!m) throw new FilterPatternError(col(i), 'expected an array index such as [0]');
          path.push(Number(m[1]));
          i += m[0].length;
        }
      }
      if (path.length === 0) throw new FilterPatternError(col(start), 'a selector needs a field, e.g. $.eventName');
      tokens.push({ kind: 'selector', text: text.slice(start, i), column: col(start), path });
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++]!;
      }
      if (i >= text.length) throw new FilterPatternError(col(start), 'unterminated string');
      i++;
      tokens.push({ kind: 'string', text: value, column: col(start) });
    } else if (c === '%') {
      const close = text.indexOf('%', i + 1);
      if (close < 0) throw new FilterPatternError(col(start), 'unterminated regular expression (missing closing %)');
      const source = text.slice(i + 1, close);
      if (!REGEX_ALLOWED.test(source)) {
        const bad = [...source].findIndex((ch) => !REGEX_ALLOWED.test(ch));
        throw new FilterPatternError(col(i + 1 + bad), `character ${JSON.stringify(source[bad])} is not allowed in a regular expression`);
      }
      tokens.push({ kind: 'regex', text: source, column: col(start) });
      i = close + 1;
    } else {
      const m = /^[^\s(){}&|=!<>"]+/.exec(text.slice(i));
      if (!m) throw new FilterPatternError(col(i), `unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: 'word', text: m[0], column: col(i) });
      i += m[0].length;
    }
  }
  tokens.push({ kind: 'end', text: '', column: col(text.length) });
  return tokens;
}

// ---------------------------------------------------------------------------------------------- parser

function stringValue(text: string): Value {
  const pieces = wildcardPieces(text, false);
  return { kind: 'string', text, pieces, wildcard: pieces.length > 1 };
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private expect(kind: TokenKind, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw new FilterPatternError(t.column, `expected ${what}, found ${t.kind === 'end' ? 'end of pattern' : JSON.stringify(t.text)}`);
    return this.next();
  }

  parsePattern(): FilterNode {
    this.expect('lbrace', '"{" (JSON filter patterns are enclosed in braces)');
    const node = this.parseOr();
    this.expect('rbrace', '"&&", "||" or "}"');
    this.expect('end', 'end of pattern after "}"');
    return node;
  }

  private parseOr(): FilterNode {
    const parts = [this.parseAnd()];
    while (this.peek().kind === 'or') {
      this.next();
      parts.push(this.parseAnd());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'or', parts };
  }

  private parseAnd(): FilterNode {
    const parts = [this.parsePrimary()];
    while (this.peek().kind === 'and') {
      this.next();
      parts.push(this.parsePrimary());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and', parts };
  }

  private parsePrimary(): FilterNode {
    if (this.peek().kind === 'lparen') {
      this.next();
      const inner = this.parseOr();
      this.expect('rparen', '"&&", "||" or ")"');
      return inner;
    }
    return this.parseCondition();
  }

  private parseCondition(): FilterNode {
    const sel = this.expect('selector', 'a selector such as $.eventName');
    const path = sel.path!;
    const selector = sel.text;
    const t = this.peek();
    if (t.kind === 'word' && t.text.toUpperCase() === 'IS') {
      this.next();
      const w = this.expect('word', 'NULL, TRUE or FALSE after IS');
      const what = w.text.toUpperCase();
      if (what !== 'NULL' && what !== 'TRUE' && what !== 'FALSE') throw new FilterPatternError(w.column, 'expected NULL, TRUE or FALSE after IS');
      return { kind: 'is', path, selector, what };
    }
    if (t.kind === 'word' && t.text.toUpperCase() === 'NOT') {
      this.next();
      const w = this.expect('word', 'EXISTS after NOT');
      if (w.text.toUpperCase() !== 'EXISTS') throw new FilterPatternError(w.column, 'expected EXISTS after NOT');
      return { kind: 'notExists', path, selector };
    }
    const opTok = this.expect('op', 'an operator (=, !=, <, <=, >, >=), IS or NOT EXISTS');
    const op = opTok.text as Op;
    const v = this.next();
    let value: Value;
    if (v.kind === 'string') value = stringValue(v.text);
    else if (v.kind === 'regex') {
      try {
        value = { kind: 'regex', source: v.text, re: new RegExp(v.text) };
      } catch (err) {
        throw new FilterPatternError(v.column, `invalid regular expression (${(err as Error).message})`);
      }
    } else if (v.kind === 'word') {
      // Scientific notation is not a number in CloudWatch patterns.
      value = /^-?\d+(\.\d+)?$/.test(v.text) ? { kind: 'number', value: Number(v.text) } : stringValue(v.text);
    } else {
      throw new FilterPatternError(v.column, `expected a value after ${op}, found ${v.kind === 'end' ? 'end of pattern' : JSON.stringify(v.text)}`);
    }
    if (value.kind !== 'number' && op !== '=' && op !== '!=') {
      throw new FilterPatternError(opTok.column, `${op} compares numbers only; strings and regular expressions take = or !=`);
    }
    return { kind: 'compare', path, selector, op, value };
  }
}

export function parseFilterPattern(text: string): FilterNode {
  return new Parser(lex(text)).parsePattern();
}

// ---------------------------------------------------------------------------------------------- evaluation

function resolve(event: unknown, path: readonly Step[]): unknown {
  let cur: unknown = event;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step];
    } else {
      if (Array.isArray(cur) || !Object.hasOwn(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

function compare(field: unknown, op: Op, value: Value, wildcardRes: Map<Value, RegExp>): boolean {
  if (field === undefined) return false;
  if (value.kind === 'number') {
    if (typeof field !== 'number') return op === '!=';
    switch (op) {
      case '=': return field === value.value;
      case '!=': return field !== value.value;
      case '<': return field < value.value;
      case '<=': return field <= value.value;
      case '>': return field > value.value;
      case '>=': return field >= value.value;
    }
  }
  let equal: boolean;
  if (typeof field !== 'string') equal = false;
  else if (value.kind === 'regex') equal = value.re.test(field);
  else if (value.wildcard) equal = wildcardRes.get(value)!.test(field);
  else equal = field === value.text;
  return op === '=' ? equal : !equal;
}

function evaluate(node: FilterNode, event: unknown, wildcardRes: Map<Value, RegExp>): boolean {
  switch (node.kind) {
    case 'and': return node.parts.every((p) => evaluate(p, event, wildcardRes));
    case 'or': return node.parts.some((p) => evaluate(p, event, wildcardRes));
    case 'notExists': return resolve(event, node.path) === undefined;
    case 'is': {
      const v = resolve(event, node.path);
      return node.what === 'NULL' ? v === null : v === (node.what === 'TRUE');
    }
    case 'compare': return compare(resolve(event, node.path), node.op, node.value, wildcardRes);
  }
}

function nodeNeedles(node: FilterNode): NeedleGroups {
  switch (node.kind) {
    case 'and': return node.parts.flatMap((p) => nodeNeedles(p));
    case 'or': return disjunctionNeedles(node.parts.map((p) => nodeNeedles(p)));
    case 'compare': {
      if (node.op !== '=' || node.value.kind !== 'string') return [];
      const needle = node.value.wildcard ? wildcardNeedle(node.value.pieces) : exactNeedle(node.value.text);
      return needle ? [[needle]] : [];
    }
    default: return [];
  }
}

function collectWildcards(node: FilterNode, out: Map<Value, RegExp>): void {
  if (node.kind === 'and' || node.kind === 'or') node.parts.forEach((p) => collectWildcards(p, out));
  else if (node.kind === 'compare' && node.value.kind === 'string' && node.value.wildcard) {
    out.set(node.value, wildcardRegExp(node.value.pieces));
  }
}

export interface FilterPatternMatcher extends RecordMatcher {
  readonly ast: FilterNode;
}

/** Compiles a JSON filter pattern; throws FilterPatternError (with its 1-based column) on a syntax error. */
export function compileFilterPattern(text: string): FilterPatternMatcher {
  const ast = parseFilterPattern(text);
  const wildcardRes = new Map<Value, RegExp>();
  collectWildcards(ast, wildcardRes);
  return {
    ast,
    needles: nodeNeedles(ast),
    matches: (event: CloudTrailEvent) => evaluate(ast, event, wildcardRes),
  };
}

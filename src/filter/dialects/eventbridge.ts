/**
 * Amazon EventBridge event patterns, run on CloudTrail events as EventBridge would have delivered them.
 *
 * EventBridge wraps a CloudTrail event in an envelope (`source`, `detail-type`, `account`, `region`, `time`,
 * `detail` = the event), and a rule's pattern is matched against that envelope. We rebuild the envelope from
 * the event and apply the whole pattern language: exact values, prefix, suffix, anything-but (with values,
 * prefix, suffix, wildcard or equals-ignore-case), numeric ranges, exists, cidr, equals-ignore-case,
 * wildcard, `$or`, nested objects and arrays.
 */
import { UsageError } from '../../errors.js';
import { eventBridgeEnvelope, eventTypeOfDetailType } from '../../cloudtrail/envelope.js';
import { MAX_DEPTH } from '../../cloudtrail/json.js';
import type { NeedleGroups, RecordMatcher } from '../../records/matcher.js';
import { anyOf } from '../matcher.js';
import { cidrContains, parseCidr } from '../ip.js';
import {
  alternativesGroup,
  disjunctionNeedles,
  exactNeedle,
  prefixNeedle,
  suffixNeedle,
  wildcardNeedle,
} from './needles.js';
import { wildcardPieces, wildcardRegExp } from '../wildcard.js';

export class PatternError extends UsageError {
  constructor(path: string, problem: string) {
    super(`event pattern${path ? ` at ${path}` : ''}: ${problem}`);
    this.name = 'PatternError';
  }
}

// ---------------------------------------------------------------------------------------------- compile

type Leaf = string | number | boolean | null;
type ValueTest = (value: Leaf) => boolean;

interface FieldRule {
  kind: 'field';
  key: string;
  /** Any one of these tests on any one leaf value of the field. */
  tests: ValueTest[];
  /** `exists: true|false` entries, which look at presence rather than at a value. */
  exists: boolean[];
  /** anything-but entries need a present value, like every value test. */
  needles: NeedleGroups;
}

interface ObjectRule {
  kind: 'object';
  key: string;
  pattern: CompiledPattern;
}

interface OrRule {
  kind: 'or';
  branches: CompiledPattern[];
}

interface CompiledPattern {
  rules: Array<FieldRule | ObjectRule | OrRule>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function requireString(v: unknown, path: string, what: string): string {
  if (typeof v !== 'string') throw new PatternError(path, `${what} needs a string, got ${describe(v)}`);
  return v;
}

function stringOrList(v: unknown, path: string, what: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new PatternError(path, `${what} needs at least one value`);
  return list.map((x) => requireString(x, path, what));
}

function wildcardTest(pattern: string, path: string): { test: (s: string) => boolean; pieces: string[] } {
  if (pattern.includes('**')) throw new PatternError(path, `wildcard ${describe(pattern)} has consecutive '*'`);
  const pieces = wildcardPieces(pattern, true);
  const re = wildcardRegExp(pieces);
  return { test: (s) => re.test(s), pieces };
}

const NUMERIC_OPS = new Set(['<', '<=', '=', '>', '>=']);

function numericTest(spec: unknown, path: string): ValueTest {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0 || spec.length > 4) {
    throw new PatternError(path, `numeric needs [op, number] or [op, number, op, number], got ${describe(spec)}`);
  }
  const checks: Array<(n: number) => boolean> = [];
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const bound = spec[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op)) throw new PatternError(path, `unknown numeric operator ${describe(op)}`);
    if (typeof bound !== 'number' || !Number.isFinite(bound)) throw new PatternError(path, `numeric bound ${describe(bound)} is not a number`);
    if (op === '=' && spec.length > 2) throw new PatternError(path, `numeric '=' cannot be combined with a range`);
    checks.push(
      op === '<' ? (n) => n < bound
      : op === '<=' ? (n) => n <= bound
      : op === '=' ? (n) => n === bound
      : op === '>' ? (n) => n > bound
      : (n) => n >= bound,
    );
  }
  return (v) => typeof v === 'number' && checks.every((c) => c(v));
}

/** `{"prefix": "x"}` / `{"prefix": {"equals-ignore-case": "x"}}`, likewise for suffix. */
function affixTest(kind: 'prefix' | 'suffix', spec: unknown, path: string): { test: (s: string) => boolean; needle?: string } {
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new PatternError(path, `${kind} accepts a string or {"equals-ignore-case": string}`);
    }
    const affix = requireString(spec['equals-ignore-case'], path, kind).toLowerCase();
    return { test: kind === 'prefix' ? (s) => s.toLowerCase().startsWith(affix) : (s) => s.toLowerCase().endsWith(affix) };
  }
  const affix = requireString(spec, path, kind);
  return kind === 'prefix'
    ? { test: (s) => s.startsWith(affix), needle: prefixNeedle(affix) }
    : { test: (s) => s.endsWith(affix), needle: suffixNeedle(affix) };
}

function anythingButTest(spec: unknown, path: string): ValueTest {
  if (isPlainObject(spec)) {
    const keys = Object.keys(spec);
    if (keys.length !== 1) throw new PatternError(path, `anything-but takes one operator, got ${describe(spec)}`);
    const op = keys[0]!;
    const arg = spec[op];
    let inner: (s: string) => boolean;
    if (op === 'prefix' || op === 'suffix') {
      const tests = stringOrList(arg, path, `anything-but ${op}`).map((a) => affixTest(op, a, path).test);
      inner = (s) => tests.some((t) => t(s));
    } else if (op === 'equals-ignore-case') {
      const values = new Set(stringOrList(arg, path, 'anything-but equals-ignore-case').map((v) => v.toLowerCase()));
      inner = (s) => values.has(s.toLowerCase());
    } else if (op === 'wildcard') {
      const tests = stringOrList(arg, path, 'anything-but wildcard').map((w) => wildcardTest(w, path).test);
      inner = (s) => tests.some((t) => t(s));
    } else {
      throw new PatternError(path, `anything-but does not support ${describe(op)}`);
    }
    return (v) => typeof v === 'string' && !inner(v);
  }
  const excluded = Array.isArray(spec) ? spec : [spec];
  if (excluded.length === 0) throw new PatternError(path, 'anything-but needs at least one value');
  for (const x of excluded) {
    if (typeof x !== 'string' && typeof x !== 'number') {
      throw new PatternError(path, `anything-but values must be strings or numbers, got ${describe(x)}`);
    }
  }
  return (v) => !excluded.some((x) => x === v);
}

function compileLeaf(key: string, specs: unknown[], path: string): FieldRule {
  if (specs.length === 0) throw new PatternError(path, 'an empty list matches nothing; EventBridge rejects it');
  const tests: ValueTest[] = [];
  const exists: boolean[] = [];
  const needles: Array<string | undefined> = [];
  for (const spec of specs) {
    if (spec === null || typeof spec === 'boolean') {
      tests.push((v) => v === spec);
      needles.push(undefined);
      continue;
    }
    if (typeof spec === 'string') {
      tests.push((v) => v === spec);
      needles.push(exactNeedle(spec));
      continue;
    }
    if (typeof spec === 'number') {
      tests.push((v) => v === spec);
      needles.push(undefined);
      continue;
    }
    if (!isPlainObject(spec)) throw new PatternError(path, `unsupported value ${describe(spec)}`);
    const ops = Object.keys(spec);
    if (ops.length !== 1) throw new PatternError(path, `a matcher object takes exactly one operator, got ${describe(spec)}`);
    const op = ops[0]!;
    const arg = spec[op];
    switch (op) {
      case 'prefix':
      case 'suffix': {
        const { test, needle } = affixTest(op, arg, path);
        tests.push((v) => typeof v === 'string' && test(v));
        needles.push(needle);
        break;
      }
      case 'equals-ignore-case': {
        const lower = requireString(arg, path, op).toLowerCase();
        tests.push((v) => typeof v === 'string' && v.toLowerCase() === lower);
        needles.push(undefined);
        break;
      }
      case 'wildcard': {
        const { test, pieces } = wildcardTest(requireString(arg, path, op), path);
        tests.push((v) => typeof v === 'string' && test(v));
        needles.push(wildcardNeedle(pieces));
        break;
      }
      case 'anything-but':
        tests.push(anythingButTest(arg, path));
        needles.push(undefined);
        break;
      case 'numeric':
        tests.push(numericTest(arg, path));
        needles.push(undefined);
        break;
      case 'exists':
        if (typeof arg !== 'boolean') throw new PatternError(path, `exists needs true or false, got ${describe(arg)}`);
        exists.push(arg);
        needles.push(undefined);
        break;
      case 'cidr': {
        const cidr = parseCidr(requireString(arg, path, op));
        if (!cidr) throw new PatternError(path, `invalid CIDR ${describe(arg)}`);
        tests.push((v) => typeof v === 'string' && cidrContains(cidr, v));
        needles.push(undefined);
        break;
      }
      default:
        throw new PatternError(path, `unknown operator ${describe(op)}`);
    }
  }
  const group = alternativesGroup(needles);
  return { kind: 'field', key, tests, exists, needles: group ? [group] : [] };
}

function compileObject(pattern: Record<string, unknown>, path: string): CompiledPattern {
  const rules: CompiledPattern['rules'] = [];
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new PatternError(path, 'empty object');
  for (const key of keys) {
    const value = pattern[key];
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new PatternError(here, '$or needs a list of at least two patterns');
      rules.push({
        kind: 'or',
        branches: value.map((b, i) => {
          if (!isPlainObject(b)) throw new PatternError(`${here}[${i}]`, 'each $or branch must be an object');
          return compileObject(b, `${here}[${i}]`);
        }),
      });
    } else if (Array.isArray(value)) {
      rules.push(compileLeaf(key, value, here));
    } else if (isPlainObject(value)) {
      rules.push({ kind: 'object', key, pattern: compileObject(value, here) });
    } else {
      throw new PatternError(here, `values must be in a list, e.g. [${describe(value)}]`);
    }
  }
  return { rules };
}

// ---------------------------------------------------------------------------------------------- match

/** The leaf values of a field: arrays (to MAX_DEPTH) are flattened; objects are not leaves. */
function leavesOf(value: unknown, out: Leaf[] = [], depth = 0): Leaf[] {
  if (depth > MAX_DEPTH) return out;
  if (Array.isArray(value)) for (const v of value) leavesOf(v, out, depth + 1);
  else if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out.push(value);
  return out;
}

const EMPTY: Record<string, unknown> = {};

function matchPattern(pattern: CompiledPattern, obj: Record<string, unknown>): boolean {
  for (const rule of pattern.rules) {
    if (rule.kind === 'or') {
      if (!rule.branches.some((b) => matchPattern(b, obj))) return false;
    } else if (rule.kind === 'object') {
      const value = Object.hasOwn(obj, rule.key) ? obj[rule.key] : undefined;
      // A missing object matches like an empty one, so `exists: false` below it still holds. Inside an
      // array of objects, one element must satisfy the whole sub-pattern (EventBridge's array consistency).
      const candidates = value === undefined ? [EMPTY] : (Array.isArray(value) ? value.flat(Infinity) : [value]).filter(isPlainObject);
      if (!candidates.some((c) => matchPattern(rule.pattern, c))) return false;
    } else {
      const leaves = Object.hasOwn(obj, rule.key) ? leavesOf(obj[rule.key]) : [];
      const ok =
        rule.exists.some((want) => want === leaves.length > 0) ||
        (leaves.length > 0 && rule.tests.some((t) => leaves.some((v) => t(v))));
      if (!ok) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------- needles

function patternNeedles(pattern: CompiledPattern, path: readonly string[]): NeedleGroups {
  const groups: Array<readonly string[]> = [];
  for (const rule of pattern.rules) {
    if (rule.kind === 'or') {
      groups.push(...disjunctionNeedles(rule.branches.map((b) => patternNeedles(b, path))));
    } else if (rule.kind === 'object') {
      groups.push(...patternNeedles(rule.pattern, [...path, rule.key]));
    } else if (rule.exists.length === 0) {
      if (path.length === 0) groups.push(...envelopeNeedles(rule));
      else if (path[0] === 'detail') groups.push(...rule.needles);
    }
  }
  return groups;
}

/** Envelope fields are derived from the event, so their needles are translated back to event spellings. */
function envelopeNeedles(rule: FieldRule): NeedleGroups {
  const exacts = rule.needles[0];
  if (!exacts || !exacts.every((n) => n.startsWith('"') && n.endsWith('"') && n.length >= 2)) return [];
  const values = exacts.map((n) => n.slice(1, -1));
  if (rule.key === 'source') {
    if (!values.every((v) => v.startsWith('aws.') && v.length > 4)) return [];
    // Either spelling of eventSource gives this source; both are offered.
    return [values.flatMap((v) => [`"${v.slice(4)}.amazonaws.com"`, `"${v.slice(4)}"`])];
  }
  if (rule.key === 'detail-type') {
    const types = values.map(eventTypeOfDetailType);
    // Insight events carry their own eventType; unknown eventTypes fall back to the API-call detail-type.
    if (types.some((t) => t === undefined || t === 'AwsApiCall' || t === 'AwsCloudTrailInsight')) return [];
    return [types.map((t) => `"${t}"`)];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------- public

export interface EventBridgeMatcher extends RecordMatcher {
  /** The pattern as given, for display. */
  readonly pattern: Record<string, unknown>;
}

/** Compiles an event pattern (object or JSON text); throws PatternError on anything EventBridge would reject. */
export function compileEventPattern(input: string | Record<string, unknown>): EventBridgeMatcher {
  let pattern: unknown = input;
  if (typeof input === 'string') {
    try {
      pattern = JSON.parse(input);
    } catch (err) {
      throw new PatternError('', `not valid JSON (${(err as Error).message})`);
    }
  }
  if (!isPlainObject(pattern)) throw new PatternError('', 'a pattern must be a JSON object');
  const compiled = compileObject(pattern, '');
  return {
    pattern,
    needles: patternNeedles(compiled, []),
    matches: (event) => matchPattern(compiled, eventBridgeEnvelope(event)),
  };
}

/**
 * Reads what `aws events describe-rule` prints (`{"Name":…, "EventPattern": "<json string>", …}`) or what
 * `aws events list-rules` prints (`{"Rules": [...]}`; rules without a pattern, i.e. schedules, are skipped).
 * Several rules match when any of them does.
 */
export function compileEventBridgeRules(text: string): { matcher: RecordMatcher; rules: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PatternError('', `rule file is not valid JSON (${(err as Error).message})`);
  }
  const list = isPlainObject(doc) && Array.isArray(doc.Rules) ? doc.Rules : [doc];
  const matchers: RecordMatcher[] = [];
  const names: string[] = [];
  for (const [i, rule] of list.entries()) {
    if (!isPlainObject(rule)) throw new PatternError(`Rules[${i}]`, 'a rule must be an object');
    const name = typeof rule.Name === 'string' ? rule.Name : `rule ${i + 1}`;
    if (rule.EventPattern === undefined) continue;
    if (typeof rule.EventPattern !== 'string') throw new PatternError(name, 'EventPattern must be a JSON string');
    try {
      matchers.push(compileEventPattern(rule.EventPattern));
    } catch (err) {
      if (err instanceof PatternError) throw new PatternError('', `rule ${name}: ${err.message.replace(/^event pattern:? ?/, '')}`);
      throw err;
    }
    names.push(name);
  }
  if (matchers.length === 0) throw new PatternError('', 'no rule with an EventPattern found (describe-rule output expected)');
  return { matcher: anyOf(matchers), rules: names };
}

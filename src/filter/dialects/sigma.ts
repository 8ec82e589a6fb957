/**
 * SigmaHQ detection rules for `logsource: {product: aws, service: cloudtrail}`, evaluated on single
 * CloudTrail events.
 *
 * Supported: field modifiers contains, startswith, endswith, all, re (with i/m/s), cidr, exists, cased,
 * windash, base64, gt/gte/lt/lte and fieldref; `*`/`?` wildcards; null; keyword lists; and the condition
 * grammar (and, or, not, parentheses, `1 of X*`, `all of X*`, `1 of them`, `all of them`, lists of
 * conditions). Rules needing what a per-event matcher cannot do (aggregations such as `| count() > 5`,
 * `near`, `timeframe` correlation, placeholders via `expand`) are returned as skipped with the reason.
 *
 * Matching follows the Sigma specification: string comparisons ignore case unless `cased` is given;
 * a field holding an object (e.g. `requestParameters`) is matched through its JSON text and its nested
 * strings, which is how SIEM backends present those fields to these rules.
 */
import { parseAllDocuments } from 'yaml';
import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import type { NeedleGroups, RecordMatcher } from '../../records/matcher.js';
import { cidrContains, parseCidr } from '../ip.js';
import { MAX_DEPTH } from '../../cloudtrail/json.js';
import { wildcardSource } from '../wildcard.js';
import { disjunctionNeedles, exactNeedle } from './needles.js';
import { parseCondition, Unsupported, type Search, type Test } from './sigma-condition.js';

export interface SigmaRule {
  readonly file: string;
  readonly title: string;
  readonly id?: string;
  readonly level?: string;
  readonly status?: string;
  /** Kept with every hit: the Detection Rule License requires the author's attribution. */
  readonly author?: string;
  readonly description?: string;
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly matcher: RecordMatcher;
}

export interface SkippedRule {
  readonly file: string;
  readonly title?: string;
  readonly id?: string;
  readonly reason: string;
}

/** A rule file as read: where it came from and its YAML text. */
export interface SigmaSource {
  readonly file: string;
  readonly text: string;
}

export type LoadedRule = { rule: SigmaRule } | { skipped: SkippedRule };


// ---------------------------------------------------------------------------------------------- values

/** Field values along a dotted path; arrays met on the way contribute each element. */
function fieldValues(event: unknown, field: string): unknown[] {
  // A literal key containing dots wins over a nested path (flattened exports use such keys).
  if (event !== null && typeof event === 'object' && Object.hasOwn(event, field)) {
    const v = (event as Record<string, unknown>)[field];
    return Array.isArray(v) ? v : [v];
  }
  let current: unknown[] = [event];
  for (const part of field.split('.')) {
    const next: unknown[] = [];
    for (const c of current) {
      if (c === null || typeof c !== 'object' || Array.isArray(c)) continue;
      if (!Object.hasOwn(c, part)) continue;
      const v = (c as Record<string, unknown>)[part];
      if (v === undefined) continue;
      if (Array.isArray(v)) next.push(...v);
      else next.push(v);
    }
    current = next;
  }
  return current;
}

function nestedStrings(value: unknown, out: string[], depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => nestedStrings(v, out, depth + 1));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => nestedStrings(v, out, depth + 1));
}

/** Texts a value offers to string comparisons: scalars as text; objects as JSON and their nested strings. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (value !== null && typeof value === 'object') {
    const out = [JSON.stringify(value)];
    nestedStrings(value, out);
    return out;
  }
  return [];
}

/** Sigma wildcards: `*` any run, `?` one character; `\*`, `\?` and `\\` are literals. */
function sigmaPatternSource(value: string): { source: string; plain: boolean } {
  return wildcardSource(value, { question: true, escapes: true });
}

function unescapeSigma(value: string): string {
  return value.replace(/\\([*?\\])/g, '$1');
}

const WINDASH = ['-', '/', '\u2013', '\u2014', '\u2015'];

function windashVariants(value: string): string[] {
  if (!/(^|\s)-/.test(value)) return [value];
  return WINDASH.map((d) => value.replace(/(^|\s)-/g, `$1${d}`));
}

// ---------------------------------------------------------------------------------------------- fields

const KNOWN_MODIFIERS = new Set([
  'contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'exists', 'cased', 'windash',
  'base64', 'gt', 'gte', 'lt', 'lte', 'fieldref',
]);

function scalarText(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Unsupported(`${where}: value ${JSON.stringify(v)} is not a string, number, boolean or null`);
}

/** Compiles `field|mod1|mod2: value(s)` into a test and, where sound, needles. */
function compileField(key: string, raw: unknown): Search {
  const [field, ...modifiers] = key.split('|');
  if (!field) throw new Unsupported(`field name missing in "${key}"`);
  for (const m of modifiers) {
    if (m === 'expand') throw new Unsupported(`${key}: placeholder values (|expand) must be filled in before the rule can run`);
    if (!KNOWN_MODIFIERS.has(m)) throw new Unsupported(`${key}: modifier "${m}" is not supported`);
  }
  const has = (m: string): boolean => modifiers.includes(m);
  const values = Array.isArray(raw) ? raw : [raw];
  const combine = has('all') ? 'every' : 'some';

  if (has('exists')) {
    const want = values[0];
    if (values.length !== 1 || typeof want !== 'boolean') throw new Unsupported(`${key}: exists takes true or false`);
    return { test: (e) => fieldValues(e, field).some((v) => v !== null) === want, needles: [] };
  }

  if (has('fieldref')) {
    const refs = values.map((v) => scalarText(v, key));
    const cased = has('cased');
    const relate = has('contains') ? 'includes' : has('startswith') ? 'startsWith' : has('endswith') ? 'endsWith' : 'equals';
    const fold = (s: string): string => (cased ? s : s.toLowerCase());
    const test: Test = (e) => {
      const mine = fieldValues(e, field).flatMap(textsOf).map(fold);
      const check = (ref: string): boolean => {
        const theirs = fieldValues(e, ref).flatMap(textsOf).map(fold);
        return mine.some((a) => theirs.some((b) => (relate === 'equals' ? a === b : a[relate](b))));
      };
      return combine === 'every' ? refs.every(check) : refs.some(check);
    };
    return { test, needles: [] };
  }

  // Per-value predicates over a field value's texts.
  const predicates: Array<(value: unknown) => boolean> = [];
  let needlesPossible = !has('re') && !has('cidr') && !has('windash') && !has('base64') && combine === 'some';
  const plainValues: string[] = [];

  for (const v of values) {
    if (v === null) {
      predicates.push((x) => x === null);
      needlesPossible = false;
      continue;
    }
    const text = scalarText(v, key);
    if (has('re')) {
      const flags = (has('i') ? 'i' : '') + (has('m') ? 'm' : '') + (has('s') ? 's' : '');
      let re: RegExp;
      try {
        re = new RegExp(text, flags);
      } catch (err) {
        throw new Unsupported(`${key}: regular expression not valid in JavaScript (${(err as Error).message})`);
      }
      predicates.push((x) => textsOf(x).some((t) => re.test(t)));
      continue;
    }
    if (has('cidr')) {
      const cidr = parseCidr(text);
      if (!cidr) throw new Unsupported(`${key}: invalid CIDR ${JSON.stringify(text)}`);
      predicates.push((x) => typeof x === 'string' && cidrContains(cidr, x));
      continue;
    }
    if (has('gt') || has('gte') || has('lt') || has('lte')) {
      const bound = Number(text);
      if (!Number.isFinite(bound)) throw new Unsupported(`${key}: ${JSON.stringify(text)} is not a number`);
      const cmp = has('gt') ? (n: number) => n > bound : has('gte') ? (n: number) => n >= bound : has('lt') ? (n: number) => n < bound : (n: number) => n <= bound;
      predicates.push((x) => (typeof x === 'number' || (typeof x === 'string' && x.trim() !== '')) && cmp(Number(x)));
      needlesPossible = false;
      continue;
    }
    let variants = has('windash') ? windashVariants(text) : [text];
    if (has('base64')) variants = variants.map((t) => Buffer.from(unescapeSigma(t), 'utf8').toString('base64'));
    const sources = variants.map((t) => {
      const { source, plain } = sigmaPatternSource(t);
      if (!plain) needlesPossible = false;
      return has('contains') ? source : has('startswith') ? `^${source}` : has('endswith') ? `${source}$` : `^${source}$`;
    });
    const re = new RegExp(sources.join('|'), has('cased') ? '' : 'i');
    predicates.push((x) => textsOf(x).some((t) => re.test(t)));
    if (!has('contains') && !has('startswith') && !has('endswith')) plainValues.push(unescapeSigma(text));
    else needlesPossible = false;
  }

  const test: Test = (e) => {
    const found = fieldValues(e, field);
    const holds = (p: (value: unknown) => boolean): boolean =>
      // `null` in a rule means "absent or null".
      found.length === 0 ? p(null) : found.some(p);
    return combine === 'every' ? predicates.every(holds) : predicates.some(holds);
  };

  // Sigma ignores case, but needles are case-sensitive bytes. Only eventSource is safe: CloudTrail always
  // writes it as a lower-case host name, so a lower-case needle cannot miss a record the rule accepts.
  let needles: NeedleGroups = [];
  if (needlesPossible && field === 'eventSource' && plainValues.length === values.length) {
    const group = plainValues.map((v) => exactNeedle(v.toLowerCase()));
    if (group.every((n) => n !== undefined)) needles = [group as string[]];
  }
  return { test, needles };
}

function compileSearch(name: string, body: unknown): Search {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const parts = Object.entries(body as Record<string, unknown>).map(([k, v]) => compileField(k, v));
    if (parts.length === 0) throw new Unsupported(`detection "${name}" is empty`);
    return { test: (e) => parts.every((p) => p.test(e)), needles: parts.flatMap((p) => p.needles) };
  }
  if (Array.isArray(body) && body.length > 0) {
    if (body.every((b) => b !== null && typeof b === 'object' && !Array.isArray(b))) {
      const alts = body.map((b, i) => compileSearch(`${name}[${i}]`, b));
      return { test: (e) => alts.some((a) => a.test(e)), needles: disjunctionNeedles(alts.map((a) => a.needles)) };
    }
    if (body.every((b) => typeof b === 'string' || typeof b === 'number')) {
      // Keyword search: anywhere in the event.
      const res = body.map((k) => new RegExp(sigmaPatternSource(String(k)).source, 'i'));
      return { test: (e) => { const text = JSON.stringify(e); return res.some((r) => r.test(text)); }, needles: [] };
    }
  }
  throw new Unsupported(`detection "${name}" is neither a field map, a list of maps nor a keyword list`);
}

// ---------------------------------------------------------------------------------------------- rules

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Parses one rule file. Never throws: anything that cannot run comes back as skipped, with the reason. */
export function loadSigmaRule(text: string, file: string): LoadedRule {
  let doc: Record<string, unknown>;
  try {
    const docs = parseAllDocuments(text);
    if (docs.length !== 1) return { skipped: { file, reason: `multi-document rule collections are not supported (${docs.length} documents)` } };
    const d = docs[0]!;
    if (d.errors.length > 0) return { skipped: { file, reason: `YAML error: ${d.errors[0]!.message.split('\n')[0]}` } };
    const value: unknown = d.toJS();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { skipped: { file, reason: 'not a Sigma rule (top level is not a mapping)' } };
    doc = value as Record<string, unknown>;
  } catch (err) {
    return { skipped: { file, reason: `YAML error: ${(err as Error).message.split('\n')[0]}` } };
  }
  const title = asString(doc.title);
  const id = asString(doc.id);
  const skip = (reason: string): LoadedRule => ({ skipped: { file, reason, ...(title ? { title } : {}), ...(id ? { id } : {}) } });
  if (!title) return skip('rule has no title');
  if (doc.correlation !== undefined) return skip('correlation rules span several events');
  const logsource = (doc.logsource ?? {}) as Record<string, unknown>;
  if (String(logsource.product ?? '').toLowerCase() !== 'aws' || String(logsource.service ?? '').toLowerCase() !== 'cloudtrail') {
    return skip(`logsource is not product: aws / service: cloudtrail`);
  }
  const detection = doc.detection;
  if (detection === null || typeof detection !== 'object' || Array.isArray(detection)) return skip('rule has no detection section');
  const { condition, timeframe, ...named } = detection as Record<string, unknown>;
  const conditionTexts = typeof condition === 'string' ? [condition] : asStrings(condition);
  const aggregate = conditionTexts.find((c) => c.includes('|'));
  if (aggregate !== undefined) return skip(`condition "${aggregate}" aggregates over several events (| count/near); a per-event hunt cannot evaluate it`);
  if (timeframe !== undefined) return skip(`timeframe ${String(timeframe)} correlates several events; a per-event hunt cannot evaluate it`);
  try {
    const searches = new Map<string, Search>();
    for (const [name, body] of Object.entries(named)) searches.set(name, compileSearch(name, body));
    if (conditionTexts.length === 0) return skip('detection has no condition');
    const compiled = conditionTexts.map((c) => parseCondition(c, searches));
    const search: Search =
      compiled.length === 1
        ? compiled[0]!
        : { test: (e) => compiled.some((c) => c.test(e)), needles: disjunctionNeedles(compiled.map((c) => c.needles)) };
    const author = asString(doc.author);
    const level = asString(doc.level);
    const status = asString(doc.status);
    const description = asString(doc.description);
    return {
      rule: {
        file,
        title,
        ...(id ? { id } : {}),
        ...(level ? { level } : {}),
        ...(status ? { status } : {}),
        ...(author ? { author } : {}),
        ...(description ? { description } : {}),
        references: asStrings(doc.references),
        tags: asStrings(doc.tags),
        matcher: { needles: search.needles, matches: search.test },
      },
    };
  } catch (err) {
    if (err instanceof Unsupported) return skip(err.message);
    throw err;
  }
}

/** One matcher for a whole rule set (any rule fires), for the scan's pre-filter and exact pass. */
export function huntMatcher(rules: readonly SigmaRule[]): RecordMatcher {
  if (rules.length === 0) return { needles: [], matches: () => false };
  return {
    needles: disjunctionNeedles(rules.map((r) => r.matcher.needles)),
    matches: (e) => rules.some((r) => r.matcher.matches(e)),
  };
}

/** The rules an event fires, in rule order. */
export function firingRules(rules: readonly SigmaRule[], event: CloudTrailEvent): SigmaRule[] {
  return rules.filter((r) => r.matcher.matches(event));
}

/**
 * The rules of a set of rule files, parsed once per thread: the set is remembered by its array, so the
 * main thread's hunt (which names the rules of each hit) and the recipe it scans with share one parse.
 */
export function loadSigmaSources(sources: readonly SigmaSource[]): { rules: SigmaRule[]; skipped: SkippedRule[] } {
  let loaded = parsedSets.get(sources);
  if (!loaded) {
    loaded = { rules: [], skipped: [] };
    for (const s of sources) {
      const one = loadSigmaRule(s.text, s.file);
      if ('rule' in one) loaded.rules.push(one.rule);
      else loaded.skipped.push(one.skipped);
    }
    parsedSets.set(sources, loaded);
  }
  return loaded;
}

const parsedSets = new WeakMap<readonly SigmaSource[], { rules: SigmaRule[]; skipped: SkippedRule[] }>();

/** The recipe part for Sigma rule files: any runnable rule fires. */
export function sigmaMatcher(sources: readonly SigmaSource[]): RecordMatcher {
  return huntMatcher(loadSigmaSources(sources).rules);
}

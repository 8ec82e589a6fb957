import { compileFilters } from './flags.js';
import { allOf } from './matcher.js';
import type { RecordMatcher } from '../records/matcher.js';
import type { FilterSpec } from './spec.js';
import type { SigmaSource } from './dialects/sigma.js';

/**
 * The one description of what a scan looks for: plain data, so it crosses a thread boundary (a compiled
 * RecordMatcher is a closure and cannot). Every part must accept (AND). The main thread and every worker
 * build their matcher from it with the same `compileRecipe`, so no matcher is ever written twice.
 */
export interface MatcherRecipe {
  /** Command-line filters. */
  flags?: FilterSpec;
  /** EventBridge event patterns (JSON text). */
  eventPatterns?: string[];
  /** EventBridge rules as `aws events describe-rule` / `list-rules` print them. */
  eventBridgeRules?: string[];
  /** CloudWatch Logs JSON filter patterns. */
  filterPatterns?: string[];
  /** Sigma rule files, as read: one part that accepts when any runnable rule fires. */
  sigma?: SigmaSource[];
  /** Matchers a domain module builds (find-deletion, trace, activity, issuing calls): see MatcherPart. */
  modules?: ModuleMatcher[];
}

/**
 * A matcher a module builds from one plain-data argument, published under its own export name so that any
 * thread can import it by URL: `export const fooPart = matcherPart(import.meta.url, 'fooPart', buildFoo)`.
 * The argument's type is checked where the recipe is made (`fooPart.recipe(arg)`) and where it is built
 * (`buildFoo(arg)`); in between it travels as data. compileRecipe checks that the export really is the
 * part the recipe names, so a wrong name fails on the main thread and in the workers alike.
 */
export interface MatcherPart<A> {
  readonly module: string;
  readonly export: string;
  readonly build: (arg: A) => RecordMatcher | Promise<RecordMatcher>;
  /** This part with its argument, as a recipe of its own. */
  recipe(arg: A): MatcherRecipe;
}

/** A MatcherPart and its argument as they travel; made only by MatcherPart.recipe. */
export interface ModuleMatcher {
  /** An absolute `file:` URL (the part's `import.meta.url`). */
  readonly module: string;
  readonly export: string;
  readonly arg: unknown;
}

const PART = Symbol('matcher part');

export function matcherPart<A>(module: string, exportName: string, build: (arg: A) => RecordMatcher | Promise<RecordMatcher>): MatcherPart<A> {
  return {
    module,
    export: exportName,
    build,
    recipe: (arg: A) => ({ modules: [{ module, export: exportName, arg }] }),
    [PART]: true,
  } as MatcherPart<A>;
}

function isPart(value: unknown): value is MatcherPart<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PART] === true;
}

/** The parts of several recipes in one (AND). A recipe holds one FilterSpec: combine flags before. */
export function recipeOf(...parts: Array<MatcherRecipe | undefined>): MatcherRecipe {
  const out: MatcherRecipe = {};
  for (const p of parts) {
    if (!p) continue;
    if (p.flags) {
      if (out.flags) throw new Error('a recipe holds one FilterSpec; combine the flags before building it');
      out.flags = p.flags;
    }
    for (const key of ['eventPatterns', 'eventBridgeRules', 'filterPatterns', 'sigma', 'modules'] as const) {
      const more = p[key];
      if (!more?.length) continue;
      // Kept as the same array when only one recipe has it: a compiled rule set is remembered by its array.
      const prior = out[key] as unknown[] | undefined;
      (out as Record<string, unknown>)[key] = prior ? [...prior, ...more] : more;
    }
  }
  return out;
}

/** The recipe's matcher. Throws what its parts throw (a UsageError for a bad pattern or rule). */
export async function compileRecipe(recipe: MatcherRecipe): Promise<RecordMatcher> {
  const parts: RecordMatcher[] = [];
  if (recipe.flags) parts.push(compileFilters(recipe.flags));
  // Dialects load on use, so a scan (and each worker) loads only those it runs; Sigma's YAML parser is the
  // CLI's largest module.
  if (recipe.eventPatterns?.length || recipe.eventBridgeRules?.length) {
    const { compileEventBridgeRules, compileEventPattern } = await import('./dialects/eventbridge.js');
    for (const text of recipe.eventPatterns ?? []) parts.push(compileEventPattern(text));
    for (const text of recipe.eventBridgeRules ?? []) parts.push(compileEventBridgeRules(text).matcher);
  }
  if (recipe.filterPatterns?.length) {
    const { compileFilterPattern } = await import('./dialects/cwl.js');
    for (const text of recipe.filterPatterns) parts.push(compileFilterPattern(text));
  }
  if (recipe.sigma) {
    const { sigmaMatcher } = await import('./dialects/sigma.js');
    parts.push(sigmaMatcher(recipe.sigma));
  }
  for (const m of recipe.modules ?? []) {
    const mod = (await import(m.module)) as Record<string, unknown>;
    const part = mod[m.export];
    if (!isPart(part) || part.module !== m.module || part.export !== m.export) {
      throw new Error(`${m.module} does not export a matcher part named ${m.export}`);
    }
    parts.push(await part.build(m.arg));
  }
  return allOf(parts);
}

import { compileFilterPattern } from './dialects/cwl.js';
import { compileEventBridgeRules, compileEventPattern } from './dialects/eventbridge.js';
import { compileFilters } from './flags.js';
import { allOf } from './matcher.js';
import type { RecordMatcher } from '../records/matcher.js';
import type { FilterSpec } from './spec.js';

/**
 * A matcher described as plain data, so it can cross a thread boundary (a compiled RecordMatcher is a
 * closure and cannot). Every part must accept (AND). Compiling a recipe must give the same matcher as
 * compiling its parts directly; worker threads compile it once and reuse it for every input.
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
  /**
   * Any other matcher a command builds (find-deletion, activity …): a module URL, the name of a function it
   * exports, and one structured-cloneable argument. The function returns a RecordMatcher (or a promise of one).
   */
  modules?: ModuleMatcher[];
}

export interface ModuleMatcher {
  /** An absolute `file:` URL, e.g. `new URL('./who.js', import.meta.url).href`. */
  module: string;
  export: string;
  arg: unknown;
}

export function recipeOf(...parts: Array<MatcherRecipe | undefined>): MatcherRecipe {
  const out: MatcherRecipe = {};
  for (const p of parts) {
    if (!p) continue;
    if (p.flags) out.flags = out.flags ? mergeSpecsUnsupported() : p.flags;
    for (const key of ['eventPatterns', 'eventBridgeRules', 'filterPatterns'] as const) {
      if (p[key]?.length) out[key] = [...(out[key] ?? []), ...p[key]!];
    }
    if (p.modules?.length) out.modules = [...(out.modules ?? []), ...p.modules];
  }
  return out;
}

function mergeSpecsUnsupported(): never {
  throw new Error('a recipe holds one FilterSpec; combine the flags before building it');
}

/** Compiles without any module parts (synchronous); throws if the recipe names modules. */
export function compileRecipeSync(recipe: MatcherRecipe): RecordMatcher {
  if (recipe.modules?.length) throw new Error('this recipe names modules; use compileRecipe');
  return allOf(builtinParts(recipe));
}

export async function compileRecipe(recipe: MatcherRecipe): Promise<RecordMatcher> {
  const parts = builtinParts(recipe);
  for (const m of recipe.modules ?? []) {
    const mod = (await import(m.module)) as Record<string, unknown>;
    const fn = mod[m.export];
    if (typeof fn !== 'function') throw new Error(`${m.module} does not export a function ${m.export}`);
    parts.push(await (fn as (arg: unknown) => RecordMatcher | Promise<RecordMatcher>)(m.arg));
  }
  return allOf(parts);
}

function builtinParts(recipe: MatcherRecipe): RecordMatcher[] {
  const parts: RecordMatcher[] = [];
  if (recipe.flags) parts.push(compileFilters(recipe.flags));
  for (const text of recipe.eventPatterns ?? []) parts.push(compileEventPattern(text));
  for (const text of recipe.eventBridgeRules ?? []) parts.push(compileEventBridgeRules(text).matcher);
  for (const text of recipe.filterPatterns ?? []) parts.push(compileFilterPattern(text));
  return parts;
}

import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, describeError } from '../errors.js';
import { compileFilterPattern } from '../filter/dialects/cwl.js';
import { compileEventBridgeRules, compileEventPattern } from '../filter/dialects/eventbridge.js';
import type { RecordMatcher } from '../records/matcher.js';
import type { MatcherRecipe } from '../filter/recipe.js';
import type { SigmaSource } from '../filter/dialects/sigma.js';

/** The rule dialects users already have, as filters: EventBridge patterns and CloudWatch Logs filter patterns. */
export interface RawRuleOptions {
  pattern?: string;
  rule?: string;
  filterPattern?: string;
}

export function addRuleOptions(cmd: Command): Command {
  return cmd
    .option('--pattern <file|json>', 'EventBridge event pattern (JSON text or a file), matched against the event as EventBridge wraps it')
    .option('--rule <file>', 'EventBridge rule as `aws events describe-rule` (or list-rules) prints it')
    .option('--filter-pattern <text>', `CloudWatch Logs JSON filter pattern, e.g. '{ $.eventName = "DeleteTrail" }'`);
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${path}: ${describeError(err)}`);
  }
}

/**
 * The rule options given, as a recipe part (all must accept); empty when none was given. Each rule is
 * compiled once here so that a mistake is a usage error naming its flag before anything is read.
 */
export function ruleRecipeFrom(o: RawRuleOptions): MatcherRecipe {
  const recipe: MatcherRecipe = {};
  if (o.pattern !== undefined) {
    const text = o.pattern.trim().startsWith('{') ? o.pattern : readText(o.pattern, '--pattern');
    check('--pattern', () => compileEventPattern(text));
    recipe.eventPatterns = [text];
  }
  if (o.rule !== undefined) {
    const text = readText(o.rule, '--rule');
    check('--rule', () => compileEventBridgeRules(text).matcher);
    recipe.eventBridgeRules = [text];
  }
  if (o.filterPattern !== undefined) {
    const text = o.filterPattern;
    check('--filter-pattern', () => compileFilterPattern(text));
    recipe.filterPatterns = [text];
  }
  return recipe;
}

function check(flag: string, compile: () => RecordMatcher): void {
  try {
    compile();
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
}

/**
 * Every `*.yml`/`*.yaml` under a folder (recursively) or one file, in path order: the text the Sigma
 * dialect compiles. A file named explicitly is read whatever its extension. A folder reached twice (a link
 * back to a parent) is read once, so a looping rules folder cannot make hunt walk for ever.
 */
export async function readSigmaSources(path: string): Promise<SigmaSource[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of (await readdir(dir)).sort()) {
      const p = join(dir, name);
      if ((await stat(p)).isDirectory()) await walk(p);
      else if (/\.ya?ml$/i.test(name)) files.push(p);
    }
  };
  if ((await stat(path)).isDirectory()) await walk(path);
  else files.push(path);
  const sources: SigmaSource[] = [];
  for (const file of files) sources.push({ file, text: await readFile(file, 'utf8') });
  return sources;
}

import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError, describeError } from '../errors.js';
import { compileFilterPattern } from '../filter/dialects/cwl.js';
import { compileEventBridgeRules, compileEventPattern } from '../filter/dialects/eventbridge.js';
import { allOf } from '../filter/matcher.js';
import type { RecordMatcher } from '../records/matcher.js';
import type { MatcherRecipe } from '../filter/recipe.js';

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
 * The matcher for the rule options given (all must accept), or undefined when none was given, with its
 * recipe (the same rules as data, for worker threads).
 */
export function ruleMatcherFrom(o: RawRuleOptions): (RecordMatcher & { recipe: MatcherRecipe }) | undefined {
  const parts: RecordMatcher[] = [];
  const recipe: MatcherRecipe = {};
  if (o.pattern !== undefined) {
    const text = o.pattern.trim().startsWith('{') ? o.pattern : readText(o.pattern, '--pattern');
    parts.push(wrap('--pattern', () => compileEventPattern(text)));
    recipe.eventPatterns = [text];
  }
  if (o.rule !== undefined) {
    const text = readText(o.rule, '--rule');
    parts.push(wrap('--rule', () => compileEventBridgeRules(text).matcher));
    recipe.eventBridgeRules = [text];
  }
  if (o.filterPattern !== undefined) {
    const text = o.filterPattern;
    parts.push(wrap('--filter-pattern', () => compileFilterPattern(text)));
    recipe.filterPatterns = [text];
  }
  if (!parts.length) return undefined;
  const m = allOf(parts);
  return { needles: m.needles, matches: m.matches, recipe };
}

function wrap(flag: string, compile: () => RecordMatcher): RecordMatcher {
  try {
    return compile();
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
}

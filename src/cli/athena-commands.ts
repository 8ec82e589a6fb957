import type { FilterSpec } from '../filter/spec.js';
import type { MatcherRecipe } from '../filter/recipe.js';
import type { ScanScope, Source } from '../source/types.js';
import { ActionTimes, activityEventPass, activityIndexPass, deletionPass, eventsPass, issuingPass, usesPass, type ForensicScope, type Pass, type PassOptions } from '../athena/passes.js';
import { ISSUING_EVENT_NAMES } from '../forensics/issued-credential.js';
import { activityEventPart, activityIndexPart, PERSISTENCE_EVENTS, type ActivitySelection } from '../forensics/activity/matchers.js';
import { parseActivityTarget, targetValue } from '../forensics/activity/target.js';
import { parseResourceQuery } from '../forensics/resource.js';
import { parseTraceTarget } from '../forensics/trace.js';
import type { AthenaNarrowing } from './athena-narrowing.js';
import { parseLookBack, type Narrow } from './forensics-scan.js';

/**
 * Each command's passes, from its own subject (the resource, the credential, <WHO>) and the same scope its
 * local scan uses: what `--engine athena` runs, and what `ctrail athena sql` prints.
 */

export type AthenaCommand = 'events' | 'count' | 'find-deletion' | 'trace' | 'activity';
export const ATHENA_COMMANDS: readonly AthenaCommand[] = ['events', 'count', 'find-deletion', 'trace', 'activity'];

function forensicScope(scope: ScanScope): ForensicScope {
  return { ...(scope.start ? { start: scope.start } : {}), ...(scope.end ? { end: scope.end } : {}), ...(scope.accounts ? { accounts: scope.accounts } : {}), ...(scope.regions ? { regions: scope.regions } : {}) };
}

/** find-deletion's and trace's first pass. */
function firstPass(command: 'find-deletion' | 'trace', subject: string, type: string | undefined, scope: ForensicScope, o: PassOptions): Pass {
  if (command === 'find-deletion') {
    const query = parseResourceQuery(subject, type);
    return deletionPass([query.input, ...query.names], scope, o);
  }
  const t = parseTraceTarget(subject);
  return usesPass(t.kind === 'key' ? t : { kind: 'principal', arn: t.arn }, scope, o);
}

/** events and count: one query; the scan then reads the objects it names. */
export async function eventsSources(engine: AthenaNarrowing, spec: FilterSpec, o: PassOptions): Promise<Source[]> {
  await engine.pass(eventsPass(spec, o));
  return engine.sources();
}

/**
 * find-deletion and trace: pass 1 finds the actions, pass 2 (skipped when pass 1 finds none) the issuing
 * calls in the look-back before them; the scan reads the objects of both.
 */
export function forensicNarrow(engine: AthenaNarrowing, command: 'find-deletion' | 'trace', subject: string, type: string | undefined, lookBackMs: number, o: PassOptions): Narrow {
  return async (_recipe, scanScope) => {
    const scope = forensicScope(scanScope);
    const times = new ActionTimes();
    await engine.pass(firstPass(command, subject, type, scope, o), (row) => times.add(row[2] ?? ''));
    const window = times.window(lookBackMs, scope);
    if (window) await engine.pass(issuingPass(ISSUING_EVENT_NAMES, window, scope, o));
    return engine.sources();
  };
}

/** activity: pass 1 for the closure's index, pass 2 one query for every key of the closure. */
export function activityNarrow(engine: AthenaNarrowing, who: string, o: PassOptions): Narrow {
  const target = parseActivityTarget(who);
  return async (recipe: MatcherRecipe, scanScope) => {
    const part = recipe.modules?.[0];
    const scope = forensicScope(scanScope);
    engine.objects.clear();
    if (part?.export === activityIndexPart.export) {
      await engine.pass(activityIndexPass(targetValue(target), ISSUING_EVENT_NAMES, PERSISTENCE_EVENTS, scope, o));
    } else if (part?.export === activityEventPart.export) {
      const sel = part.arg as ActivitySelection;
      if (sel.keys.length || sel.keylessTarget || sel.createdUsers.length) {
        await engine.pass(activityEventPass({ keys: sel.keys, ...(sel.keylessTarget ? { keylessTarget: targetValue(sel.keylessTarget) } : {}), createdUsers: sel.createdUsers }, scope, o));
      }
    } else {
      throw new Error(`activity: no Athena pass for the recipe ${part?.export ?? '(flags)'}`);
    }
    return engine.sources();
  };
}

/**
 * The passes `--engine athena` would run, for `ctrail athena sql`. A second pass depends on the first's
 * rows, so it is shown for the widest case: pass 2 of find-deletion and trace over the whole scanned window
 * (at run time, only the look-back before pass 1's actions), and pass 2 of activity with <WHO> alone (at
 * run time, every key and session of the closure).
 */
export function plannedPasses(command: AthenaCommand, subject: string | undefined, type: string | undefined, spec: FilterSpec, lookBackMs: number, o: PassOptions): Pass[] {
  if (command === 'events' || command === 'count') return [eventsPass(spec, o)];
  const widened: ForensicScope = {
    ...(spec.start ? { start: new Date(spec.start.getTime() - lookBackMs) } : {}),
    ...(spec.end ? { end: spec.end } : {}),
    ...(spec.accounts ? { accounts: spec.accounts } : {}),
    ...(spec.regions ? { regions: spec.regions } : {}),
  };
  if (command === 'activity') {
    const target = parseActivityTarget(subject!);
    const index: ForensicScope = { ...(widened.start ? { start: widened.start } : {}), ...(widened.end ? { end: widened.end } : {}) };
    const sel = target.kind === 'key' ? { keys: [target.accessKeyId], createdUsers: [] } : { keys: [], keylessTarget: targetValue(target), createdUsers: [] };
    return [activityIndexPass(targetValue(target), ISSUING_EVENT_NAMES, PERSISTENCE_EVENTS, index, o), { ...activityEventPass(sel, widened, o), label: "pass 2: every call of the closure (shown for <WHO> alone; at run time, every key of pass 1's closure)" }];
  }
  const issuing = issuingPass(ISSUING_EVENT_NAMES, widened, widened, o);
  return [firstPass(command, subject!, type, widened, o), { ...issuing, label: `${issuing.label} (shown over the whole window; at run time, only the look-back before pass 1's times, and skipped when pass 1 is empty)` }];
}

export const lookBackOf = (text: string | undefined): number => parseLookBack(text);

import type { FilterSpec } from '../filter/spec.js';
import { valueNeedle } from '../filter/flags.js';
import { eventTimeMs } from '../cloudtrail/time.js';
import { candidateSql, COL, flagPredicates, inList, like, likeLiteral, or, textContains, timePredicate, type PartitionScope, type TableRef } from './sql.js';

/**
 * The queries behind each command: each pass is ONE query whatever the data holds (never one per hop or per
 * key), and each selects candidates only (see sql.ts). The commands' exact knowledge (the deletion catalogue,
 * the issuing calls, the closure) reaches this floor as plain values from the CLI, so the Athena domain
 * needs no other domain.
 */

export interface Pass {
  /** What the pass looks for, shown above its SQL by `ctrail athena sql`. */
  label: string;
  sql: string;
}

export interface PassOptions {
  table: TableRef;
  now?: Date;
}

export interface Window {
  start?: Date;
  end?: Date;
}

function pass(label: string, o: PassOptions, scope: PartitionScope, where: string[], columns: string[] = []): Pass {
  return { label, sql: candidateSql({ table: o.table, scope, where, columns }, o.now) };
}

function scopeOf(w: Window, accounts?: readonly string[], regions?: readonly string[]): PartitionScope {
  return { ...(w.start ? { start: w.start } : {}), ...(w.end ? { end: w.end } : {}), ...(accounts ? { accounts } : {}), ...(regions ? { regions } : {}) };
}

/** `events` and `count`: the flags, as predicates and partitions. */
export function eventsPass(spec: FilterSpec, o: PassOptions): Pass {
  const where = flagPredicates(spec).flatMap((f) => (f.predicate ? [f.predicate] : []));
  return pass('events matching the flags', o, scopeOf(spec, spec.accounts, spec.regions), where);
}

/** The flags that narrow nothing in SQL (every row of their partitions is a candidate for them). */
export function unexpressedFlags(spec: FilterSpec): string[] {
  return flagPredicates(spec).flatMap((f) => (f.predicate ? [] : [f.flag]));
}

/** Forensic scans read a widened scope: the window starts a look-back earlier, accounts and regions as scoped. */
export interface ForensicScope extends Window {
  accounts?: readonly string[];
  regions?: readonly string[];
}

function windowed(scope: ForensicScope, where: string[]): string[] {
  const t = timePredicate(scope.start, scope.end);
  return t ? [...where, t] : where;
}

/** The JSON-text columns and resource ARNs, where a resource's name can appear in a record. */
function nameAnywhere(runs: readonly string[]): string {
  const parts: string[] = [];
  for (const run of runs) {
    for (const c of [COL.requestParameters, COL.responseElements, COL.additionalEventData, COL.serviceEventDetails]) parts.push(textContains(c, run));
    parts.push(`cardinality(filter(${COL.resources}, r -> ${like('r.arn', `%${likeLiteral(run)}%`)})) > 0`);
  }
  return or(parts);
}

/** The longest escape-proof runs of each name (as the byte pre-filter reads them); undefined when one has none. */
export function nameRuns(names: readonly string[]): string[] | undefined {
  const runs = names.map((n) => valueNeedle(n)?.replace(/^"|"$/g, ''));
  return runs.every((r): r is string => r !== undefined && r.length > 0) && runs.length ? [...new Set(runs)] : undefined;
}

/**
 * find-deletion, pass 1: calls that name the resource (a superset of the catalogue's deletions of it, the
 * deferred-deletion schedulers and cancellers, and destructive calls found by name). The flags are not
 * applied: ctrail applies them to the actions, while scheduling calls outside them still explain a deletion.
 */
export function deletionPass(names: readonly string[], scope: ForensicScope, o: PassOptions): Pass {
  const runs = nameRuns(names);
  return pass('pass 1: calls that name the resource', o, scopeOf(scope, scope.accounts, scope.regions), windowed(scope, runs ? [nameAnywhere(runs)] : []), [COL.eventTime]);
}

/** trace, pass 1: the calls made with the credential (a key id, or a principal ARN). */
export function usesPass(target: { kind: 'key'; accessKeyId: string } | { kind: 'principal'; arn: string }, scope: ForensicScope, o: PassOptions): Pass {
  const where = target.kind === 'key' ? inList(COL.uiAccessKey, [target.accessKeyId]) : inList(COL.uiArn, [target.arn]);
  return pass('pass 1: calls made with the credential', o, scopeOf(scope, scope.accounts, scope.regions), windowed(scope, [where]), [COL.eventTime]);
}

/**
 * The times of pass 1's actions, folded as the rows stream in (never held): the second pass of find-deletion
 * and trace covers the look-back before the first of them up to the last, within the scanned window.
 */
export class ActionTimes {
  private min = Infinity;
  private max = -Infinity;
  private any = false;
  private unplaced = false;

  add(text: string): void {
    this.any = true;
    const t = eventTimeMs(text);
    if (t === undefined) this.unplaced = true;
    else {
      this.min = Math.min(this.min, t);
      this.max = Math.max(this.max, t);
    }
  }

  /** Undefined when pass 1 found nothing, so no second query runs. */
  window(lookBackMs: number, scope: Window): Window | undefined {
    if (!this.any) return undefined;
    // A time ctrail cannot place leaves the pass the whole scanned window.
    if (this.unplaced) return { ...(scope.start ? { start: scope.start } : {}), ...(scope.end ? { end: scope.end } : {}) };
    const start = Math.max(this.min - lookBackMs, scope.start?.getTime() ?? -Infinity);
    const end = Math.min(this.max, scope.end?.getTime() ?? Infinity);
    return { start: new Date(start), end: new Date(Math.max(start, end)) };
  }
}

export function issuingWindow(actionTimes: Iterable<string>, lookBackMs: number, scope: Window): Window | undefined {
  const times = new ActionTimes();
  for (const t of actionTimes) times.add(t);
  return times.window(lookBackMs, scope);
}

export function issuingPass(issuingNames: readonly string[], window: Window, scope: ForensicScope, o: PassOptions): Pass {
  const w: ForensicScope = { ...scope, ...window };
  return pass('pass 2: credential-issuing calls in the look-back before pass 1', o, scopeOf(w, scope.accounts, scope.regions), windowed(w, [inList(COL.eventName, issuingNames)]));
}

/** The identity fields a principal can be named in, compared without case (ARN role names fold). */
function identityMentions(value: string): string {
  const tail = value.includes('/') ? value.slice(value.lastIndexOf('/') + 1) : value;
  const run = valueNeedle(tail)?.replace(/^"|"$/g, '');
  if (!run) return 'TRUE';
  const fields = [COL.uiArn, COL.uiUserName, COL.uiPrincipalId, COL.uiAccessKey, COL.issuerArn, COL.uiOnBehalfOf];
  return or(fields.map((f) => like(`lower(${f})`, `%${likeLiteral(run.toLowerCase())}%`)));
}

/**
 * activity, pass 1: <WHO>'s own calls, every credential-issuing call and every persistence call, in every
 * account and region of the window (the chain may start where the flags do not look).
 */
export function activityIndexPass(targetValue: string, issuingNames: readonly string[], persistenceNames: readonly string[], window: Window, o: PassOptions): Pass {
  const where = or([identityMentions(targetValue), inList(COL.eventName, [...issuingNames, ...persistenceNames])]);
  return pass("pass 1: <WHO>'s calls, issuing and persistence calls", o, scopeOf(window), windowed(window, [where]));
}

/** activity, pass 2's selection, as the closure gives it. */
export interface ClosureSelection {
  keys: readonly string[];
  /** <WHO> itself when its own keyless calls (console sign-in) belong to the report. */
  keylessTarget?: string;
  createdUsers: readonly string[];
}

/** activity, pass 2: every call of the closure, as one IN list of its keys (and <WHO>'s keyless calls). */
export function activityEventPass(sel: ClosureSelection, scope: ForensicScope, o: PassOptions): Pass {
  const parts: string[] = [];
  if (sel.keys.length) parts.push(inList(COL.uiAccessKey, sel.keys));
  if (sel.keylessTarget !== undefined) parts.push(identityMentions(sel.keylessTarget));
  if (sel.createdUsers.length) parts.push(inList(COL.uiArn, sel.createdUsers));
  return pass('pass 2: every call of the closure', o, scopeOf(scope, scope.accounts, scope.regions), windowed(scope, [parts.length ? or(parts) : 'FALSE']));
}

import { datePath, keyWindow, regionFolders } from '../cloudtrail/layout.js';
import { isoTime } from '../cloudtrail/time.js';
import type { FilterSpec } from '../filter/spec.js';
import { valueNeedle } from '../filter/flags.js';
import { isGlob } from '../filter/wildcard.js';
import { parseCidr } from '../filter/ip.js';

/**
 * Compiles what a command asks for into Athena (Trino) SQL that selects CANDIDATES: every event ctrail's own
 * matcher would accept is among the rows, and extra rows are allowed, because ctrail reads the objects the
 * rows name and decides on the original records. So every predicate here may be looser than the matcher,
 * never stricter; a flag that SQL cannot state with that guarantee adds no predicate at all.
 *
 * Only functions that Trino and DuckDB both have (or that DuckDB gets as a one-line macro in the semantics
 * tests: `regexp_like`, `cardinality`) are used, so the SQL's meaning is tested by running it.
 */

/** The columns the SQL reads: the lowercase names of the AWS-documented CloudTrail table, plus its partitions. */
export const COL = {
  path: '"$path"',
  eventId: 'eventid',
  eventTime: 'eventtime',
  eventName: 'eventname',
  eventSource: 'eventsource',
  awsRegion: 'awsregion',
  sourceIp: 'sourceipaddress',
  errorCode: 'errorcode',
  readOnly: 'readonly',
  eventCategory: 'eventcategory',
  recipientAccount: 'recipientaccountid',
  requestParameters: 'requestparameters',
  responseElements: 'responseelements',
  additionalEventData: 'additionaleventdata',
  serviceEventDetails: 'serviceeventdetails',
  resources: 'resources',
  uiArn: 'useridentity.arn',
  uiUserName: 'useridentity.username',
  uiPrincipalId: 'useridentity.principalid',
  uiAccessKey: 'useridentity.accesskeyid',
  uiAccount: 'useridentity.accountid',
  uiOnBehalfOf: 'useridentity.onbehalfof.userid',
  issuerArn: 'useridentity.sessioncontext.sessionissuer.arn',
  issuerUserName: 'useridentity.sessioncontext.sessionissuer.username',
  account: 'account',
  region: 'region',
  day: 'day',
} as const;

export interface TableRef {
  database: string;
  table: string;
}

/** A string literal: quotes doubled, so no value (an ARN, a glob, hostile text) can end it. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A quoted identifier (database, table). */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function inList(column: string, values: readonly string[]): string {
  const distinct = [...new Set(values)];
  return distinct.length === 1 ? `${column} = ${sqlString(distinct[0]!)}` : `${column} IN (${distinct.map(sqlString).join(', ')})`;
}

/** The body of a LIKE pattern matching exactly `text` (its `%`, `_` and `\` made literal). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/**
 * A shell glob (`*`, `?`; no escapes, as flags.ts reads it) as a LIKE pattern body.
 *
 * ctrail's `?` matches one UTF-16 unit, while LIKE's `_` matches one character: a character outside the
 * BMP (an emoji) is two `?` to ctrail and one `_` to Athena. So a run of wildcards holding k `?` becomes
 * at least ceil(k/2) characters (`_` each, then `%`), which every value ctrail's glob accepts satisfies;
 * a lone `?` between literals stays `_`, since one unit between whole characters is one character.
 */
export function likeGlob(glob: string): string {
  return glob.replace(/[*?]+|[^*?]+/g, (run) => {
    if (!/[*?]/.test(run)) return likeLiteral(run);
    const questions = run.replace(/\*/g, '').length;
    const exact = questions <= 1 && !run.includes('*');
    return '_'.repeat(Math.ceil(questions / 2)) + (exact ? '' : '%');
  });
}

export function like(column: string, patternBody: string): string {
  return `${column} LIKE ${sqlString(patternBody)} ESCAPE '\\'`;
}

export function or(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** One column against values that may be globs: exact values in one IN list, each glob a LIKE. */
export function valuesPredicate(column: string, values: readonly string[]): string {
  const exact = values.filter((v) => !isGlob(v));
  const parts = exact.length ? [inList(column, exact)] : [];
  for (const g of values.filter(isGlob)) parts.push(like(column, likeGlob(g)));
  return or(parts);
}

/** Where the rows may lie: time, account and region, as the trail's folders (the table's partitions). */
export interface PartitionScope {
  start?: Date;
  end?: Date;
  accounts?: readonly string[];
  regions?: readonly string[];
}

/**
 * Partition predicates with exactly the pruning of a local scan: the delivery-lag window of the key layout
 * (an hour before the start, a day after the end), the account folders, and the region folders a region
 * scope opens (all of them for a global-service region such as us-east-1).
 */
export function partitionPredicates(scope: PartitionScope, now = new Date()): string[] {
  const out: string[] = [];
  const w = keyWindow(scope.start, scope.end, now);
  if (w) {
    if (scope.start) out.push(`${COL.day} >= ${sqlString(datePath(w.firstDay))}`);
    out.push(`${COL.day} <= ${sqlString(datePath(w.lastDay))}`);
  }
  if (scope.accounts?.length) out.push(inList(COL.account, scope.accounts));
  const regions = regionFolders(scope.regions);
  if (regions) out.push(inList(COL.region, [...regions]));
  return out;
}

/**
 * The event-time window as text comparisons on UTC ISO times, which is how every trail writes them
 * (`2026-03-14T04:02:11Z`): a time with a fraction still sorts inside its second. A time in any other shape
 * ctrail also reads (an offset, Lake's form, epoch numbers, stray spaces) is kept, for ctrail to decide.
 */
export function timePredicate(start: Date | undefined, end: Date | undefined): string | undefined {
  const parts: string[] = [];
  if (start) parts.push(`${COL.eventTime} >= ${sqlString(isoTime(Math.floor(start.getTime() / 1000) * 1000, 's').slice(0, 19))}`);
  if (end) parts.push(`${COL.eventTime} < ${sqlString(isoTime(Math.floor(end.getTime() / 1000) * 1000 + 1000, 's').slice(0, 19))}`);
  if (!parts.length) return undefined;
  return `(${parts.join(' AND ')} OR NOT ${like(COL.eventTime, '____-__-__T__:__:__%Z')})`;
}

/** `--user`: every field principalValues (filter/flags.ts) reads, and the session name as an ARN's or id's tail. */
export function userPredicate(values: readonly string[]): string {
  const fields = [COL.uiArn, COL.uiUserName, COL.uiPrincipalId, COL.uiAccessKey, COL.issuerArn, COL.issuerUserName, COL.uiOnBehalfOf];
  const parts = fields.map((f) => valuesPredicate(f, values));
  for (const v of values) {
    const body = isGlob(v) ? likeGlob(v) : likeLiteral(v);
    parts.push(like(COL.uiPrincipalId, `%:${body}`), like(COL.uiArn, `%/${body}`));
  }
  return or(parts);
}

/**
 * `--resource`: a resources[].ARN, or any string under requestParameters. The column holds the parameters as
 * JSON text, whose escaping varies by writer, so it is searched for the value's longest run that no JSON
 * writer escapes (the byte needle of flags.ts); a value without such a run adds no predicate.
 */
export function resourcePredicate(values: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const v of values) {
    const run = valueNeedle(v, { anchorStart: false })?.replace(/^"|"$/g, '');
    if (!run) return undefined;
    parts.push(textContains(COL.requestParameters, run));
    parts.push(`cardinality(filter(${COL.resources}, r -> ${like('r.arn', isGlob(v) ? likeGlob(v) : likeLiteral(v))})) > 0`);
  }
  return or(parts);
}

export function textContains(column: string, run: string): string {
  return like(column, `%${likeLiteral(run)}%`);
}

/**
 * `--source-ip`: the whole octets a block fixes, each in any zero-padded spelling (ip.ts reads `010` as 10);
 * IPv6 blocks only require an IPv6-looking address.
 */
export function sourceIpPredicate(values: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const v of values) {
    const cidr = parseCidr(v);
    if (!cidr) return undefined;
    if (cidr.family === 6) {
      parts.push(`strpos(${COL.sourceIp}, ':') > 0`);
      continue;
    }
    const fixed = Math.floor(cidr.prefixLength / 8);
    const octets: string[] = [];
    for (let i = 0; i < fixed; i++) octets.push(`0{0,2}${Number((cidr.network >> BigInt(24 - 8 * i)) & 0xffn)}`);
    parts.push(fixed === 0 ? `strpos(${COL.sourceIp}, '.') > 0` : `regexp_like(${COL.sourceIp}, ${sqlString(`^${octets.join('\\.')}${fixed < 4 ? '\\.' : '$'}`)})`);
  }
  return or(parts);
}

/** A filter flag and what SQL does with it; `predicate` undefined means the flag narrows nothing in Athena. */
export interface FlagPredicate {
  flag: string;
  predicate?: string;
}

/**
 * Every filter flag of the spec as a candidate predicate, in flag order. The window and scope flags also
 * prune partitions (partitionPredicates); their row predicates here narrow inside a partition.
 */
export function flagPredicates(spec: FilterSpec): FlagPredicate[] {
  const out: FlagPredicate[] = [];
  const add = (flag: string, predicate: string | undefined) => out.push(predicate === undefined ? { flag } : { flag, predicate });
  if (spec.eventNames?.length) add('--event-name', valuesPredicate(COL.eventName, spec.eventNames));
  if (spec.eventSources?.length) add('--event-source', valuesPredicate(COL.eventSource, spec.eventSources));
  if (spec.users?.length) add('--user', userPredicate(spec.users));
  if (spec.accessKeys?.length) add('--access-key', inList(COL.uiAccessKey, spec.accessKeys));
  if (spec.sourceIps?.length) add('--source-ip', sourceIpPredicate(spec.sourceIps));
  if (spec.regions?.length) add('--region', inList(COL.awsRegion, spec.regions));
  if (spec.accounts?.length) add('--account', inList(`COALESCE(${COL.recipientAccount}, ${COL.uiAccount})`, spec.accounts));
  // A non-string errorCode counts as no error for ctrail, but the column would show it as text: --no-errors
  // therefore cannot be stated as a superset and narrows nothing.
  if (spec.errors === true) add('--errors', `${COL.errorCode} <> ''`);
  if (spec.errors === false) add('--no-errors', undefined);
  if (spec.readOnly !== undefined) add(spec.readOnly ? '--read-only' : '--write-only', `lower(${COL.readOnly}) = ${sqlString(String(spec.readOnly))}`);
  if (spec.categories?.length) add('--category', categoryPredicate(spec.categories));
  if (spec.resources?.length) add('--resource', resourcePredicate(spec.resources));
  if (spec.start || spec.end) add(spec.start ? '--start' : '--end', timePredicate(spec.start, spec.end));
  if (spec.match?.length) add('--match', undefined);
  return out;
}

/**
 * eventCategory as flags.ts reads it (case-folded, falling back to managementEvent): a row is kept unless its
 * category names another kind. Insight events lie outside the table (CloudTrail-Insight/), so the engine
 * refuses `--category insight` before any SQL is made.
 */
function categoryPredicate(categories: readonly string[]): string | undefined {
  const all = ['management', 'data', 'insight'];
  const excluded = all.filter((c) => !categories.includes(c));
  if (!excluded.length) return undefined;
  return `coalesce(lower(${COL.eventCategory}), '') NOT IN (${excluded.map(sqlString).join(', ')})`;
}

/** One candidate query: the first two columns are always the object's path and the event id. */
export interface CandidateQuery {
  table: TableRef;
  scope: PartitionScope;
  /** Row predicates, ANDed; each may itself be an OR. */
  where: readonly string[];
  /** Columns after path and eventid, e.g. eventtime for a second pass's window. */
  columns?: readonly string[];
}

export function candidateSql(q: CandidateQuery, now = new Date()): string {
  const columns = [`${COL.path} AS path`, COL.eventId, ...(q.columns ?? [])];
  const where = [...partitionPredicates(q.scope, now), ...q.where];
  return [
    `SELECT ${columns.join(', ')}`,
    `FROM ${sqlIdent(q.table.database)}.${sqlIdent(q.table.table)}`,
    ...(where.length ? [`WHERE ${where.join('\n  AND ')}`] : []),
  ].join('\n');
}

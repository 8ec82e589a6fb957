import { UsageError } from '../errors.js';
import type { Source } from '../source/types.js';
import type { FilterSpec } from '../filter/spec.js';
import type { Narrow } from './forensics-scan.js';
import type { TableRef } from '../athena/sql.js';
import { awsOptionsFrom, type RawScanOptions } from './options.js';
import type { CliIO } from './io.js';
import { athenaNames, athenaQueryFrom, runAthenaFromCli, type AthenaFlags } from './athena-run.js';
import type { RawEngineOptions } from './engine-options.js';
import { AthenaNarrowing, type QueryRunner } from './athena-narrowing.js';

/**
 * `--engine athena` on events, count, find-deletion, trace and activity: the checks, and the narrowing of
 * each command's run (the flags are declared in engine-options.ts, the narrowing is athena-narrowing.ts). Athena narrows; ctrail decides: each pass's rows name the objects that
 * hold candidates, and the command then reads those objects (and only those) with its own matcher,
 * attribution and deduplication, so its output is the output of a local scan of the same trail.
 */

export interface EngineSettings {
  table: TableRef;
}

/** The table and the query settings, checked (names, location, workgroup, scan limit) before anything runs. */
export function engineSettingsFrom(raw: RawEngineOptions): EngineSettings {
  const flags = athenaFlags(raw);
  athenaQueryFrom('', flags);
  return { table: athenaNames(flags) };
}

function athenaFlags(raw: RawEngineOptions): AthenaFlags {
  return {
    ...(raw.database !== undefined ? { database: raw.database } : {}),
    ...(raw.table !== undefined ? { table: raw.table } : {}),
    ...(raw.workgroup !== undefined ? { workgroup: raw.workgroup } : {}),
    ...(raw.outputLocation !== undefined ? { outputLocation: raw.outputLocation } : {}),
    ...(raw.maxScanGb !== undefined ? { maxScanGb: raw.maxScanGb } : {}),
  };
}

/**
 * What `--engine athena` cannot serve, refused before anything runs: sources that are not S3 trail
 * locations (the table covers one trail bucket), and Insights events (they lie outside the table).
 */
export function checkAthenaRequest(sourceArgs: readonly string[], raw: RawScanOptions): void {
  if (sourceArgs.length === 0) throw new UsageError('--engine athena: name the trail as s3://bucket[/prefix] (the location the table reads)');
  for (const a of sourceArgs) if (!a.startsWith('s3://')) throw new UsageError(`--engine athena: ${a}: only S3 trail locations (s3://bucket[/prefix]) can be narrowed by Athena`);
  if (raw.category?.includes('insight')) throw new UsageError('--engine athena: --category insight: Insights events are not in the CloudTrail table; use --engine local');
}

/**
 * The engine of a command run: undefined for `--engine local`; for `--engine athena`, the request is
 * checked (one line and exit 2 for what Athena cannot serve) and each query runs as `athena query` runs
 * one: state, data scanned and cost on stderr, Ctrl-C stops it on Athena, --max-scan-gb stops it there.
 */
export function athenaEngineFor(io: CliIO, raw: RawScanOptions & RawEngineOptions, sourceArgs: readonly string[]): { engine: AthenaNarrowing; settings: EngineSettings } | undefined {
  if ((raw.engine ?? 'local') === 'local') {
    for (const flag of ['database', 'table', 'workgroup', 'outputLocation', 'maxScanGb'] as const) {
      if (raw[flag] !== undefined) throw new UsageError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to --engine athena only`);
    }
    return undefined;
  }
  checkAthenaRequest(sourceArgs, raw);
  const settings = engineSettingsFrom(raw);
  const flags = athenaFlags(raw);
  const aws = awsOptionsFrom(raw);
  const run: QueryRunner = (sql, onRow) => runAthenaFromCli(io, aws, athenaQueryFrom(sql, flags), { ...(raw.quiet ? { quiet: true } : {}) }, onRow);
  return { engine: new AthenaNarrowing(io, run, sourceArgs, raw), settings };
}

/**
 * events and count: `{}` for a local run; with `--engine athena`, the objects the one query names, as the
 * scan's sources. The passes' code (and the forensics it names) loads only for an Athena run.
 */
export async function scanSourcesFor(io: CliIO, raw: RawScanOptions & RawEngineOptions, sourceArgs: string[], spec: FilterSpec): Promise<{ sources?: Source[] }> {
  const athena = athenaEngineFor(io, raw, sourceArgs);
  if (!athena) return {};
  const { eventsSources } = await import('./athena-commands.js');
  return { sources: await eventsSources(athena.engine, spec, { table: athena.settings.table }) };
}

/** find-deletion, trace and activity: undefined for a local run, else the narrowing of the command's scans. */
export function forensicNarrowFor(
  io: CliIO,
  raw: RawScanOptions & RawEngineOptions & { lookBack?: string },
  sourceArgs: string[],
  command: 'find-deletion' | 'trace' | 'activity',
  subject: string,
  type?: string,
): Narrow | undefined {
  const athena = athenaEngineFor(io, raw, sourceArgs);
  if (!athena) return undefined;
  const o = { table: athena.settings.table };
  return async (recipe, scope) => {
    const m = await import('./athena-commands.js');
    const narrow = command === 'activity' ? m.activityNarrow(athena.engine, subject, o) : m.forensicNarrow(athena.engine, command, subject, type, m.lookBackOf(raw.lookBack), o);
    return narrow(recipe, scope);
  };
}

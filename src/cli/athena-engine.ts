import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseS3Uri } from '../source/object-store.js';
import { LazyS3Store, lazyS3Client } from '../source/store.js';
import { KeyListSource } from '../source/key-list.js';
import type { Source } from '../source/types.js';
import type { Pass } from '../athena/passes.js';
import type { FilterSpec } from '../filter/spec.js';
import type { Narrow } from './forensics-scan.js';
import type { TableRef } from '../athena/sql.js';
import { awsOptionsFrom, type RawScanOptions } from './options.js';
import type { CliIO } from './io.js';
import { athenaNames, athenaQueryFrom, DEFAULT_DATABASE, DEFAULT_TABLE, runAthenaFromCli, type AthenaFlags } from './athena-run.js';

/**
 * `--engine athena` on events, count, find-deletion, trace and activity: the options, the checks, and the
 * narrowing every command shares. Athena narrows; ctrail decides: each pass's rows name the objects that
 * hold candidates, and the command then reads those objects (and only those) with its own matcher,
 * attribution and deduplication, so its output is the output of a local scan of the same trail.
 */

export interface RawEngineOptions {
  engine?: string;
  database?: string;
  table?: string;
  workgroup?: string;
  outputLocation?: string;
  maxScanGb?: string;
}

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--engine <engine>', 'local: read the sources here; athena: let Amazon Athena find the objects that hold candidates first (S3 trail sources only; docs/athena.md)').choices(['local', 'athena']).default('local'))
    .option('--database <name>', `with --engine athena: the database of the table (default: ${DEFAULT_DATABASE})`)
    .option('--table <name>', `with --engine athena: the table \`ctrail athena setup\` made (default: ${DEFAULT_TABLE})`)
    .option('--workgroup <name>', 'with --engine athena: the Athena workgroup (default: primary)')
    .option('--output-location <s3-uri>', "with --engine athena: where Athena writes results (default: the workgroup's)")
    .option('--max-scan-gb <n>', 'with --engine athena: stop a query on Athena once it has scanned more than this many GB (default: 100)');
}

/** One Athena query: each row (path, eventid, then the pass's own columns) goes to `onRow` as it arrives. */
export type QueryRunner = (sql: string, onRow: (row: string[]) => void) => Promise<unknown>;

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

/** A key inside a source's prefix: `s3://b/logs` holds `logs/…` (as a folder named without its slash), not `logs2/…`. */
function under(key: string, prefix: string): boolean {
  if (prefix === '' || prefix.endsWith('/')) return key.startsWith(prefix);
  return key === prefix || key.startsWith(`${prefix}/`);
}

/** The objects the rows of several passes named, kept per source (an object outside every source is ignored). */
export class CandidateObjects {
  private readonly perSource: Array<{ store: LazyS3Store; label: string; keys: Set<string> }>;
  outside = 0;

  constructor(sourceArgs: readonly string[], stores: (arg: string) => LazyS3Store) {
    this.perSource = sourceArgs.map((arg) => ({ store: stores(arg), label: arg, keys: new Set<string>() }));
  }

  /** Adds one row's `"$path"` to every source whose bucket and prefix hold it; false when none does. */
  add(path: string): boolean {
    let bucket: string;
    let key: string;
    try {
      ({ bucket, prefix: key } = parseS3Uri(path));
    } catch {
      this.outside++;
      return false;
    }
    let held = false;
    for (const s of this.perSource) {
      if (s.store.bucket !== bucket || !under(key, s.store.rootPrefix) || key.split('/').some((seg) => seg === '..' || seg === '.')) continue;
      s.keys.add(key);
      held = true;
    }
    if (!held) this.outside++;
    return held;
  }

  /** Forgets the objects gathered so far (a command's next scan needs only its own pass). */
  clear(): void {
    for (const s of this.perSource) s.keys.clear();
    this.outside = 0;
  }

  get count(): number {
    return this.perSource.reduce((n, s) => n + s.keys.size, 0);
  }

  /** A key list per source that holds candidates (a source without any has nothing to read, and is not "empty"). */
  sources(): Source[] {
    return this.perSource.filter((s) => s.keys.size > 0).map((s) => new KeyListSource(s.store, s.keys, s.label));
  }
}

/**
 * Runs passes on Athena for one command run and gathers the objects they name. `onRow` sees each row
 * (path, eventid, then the pass's own columns) as it streams in; nothing but the object keys is kept.
 */
export class AthenaNarrowing {
  readonly objects: CandidateObjects;

  constructor(
    private readonly io: CliIO,
    private readonly run: QueryRunner,
    sourceArgs: readonly string[],
    raw: RawScanOptions,
  ) {
    const client = lazyS3Client(awsOptionsFrom(raw));
    this.objects = new CandidateObjects(sourceArgs, (arg) => new LazyS3Store(arg, client));
  }

  async pass(p: Pass, onRow?: (row: string[]) => void): Promise<void> {
    await this.run(`-- ctrail: ${p.label}\n${p.sql}`, (row) => {
      if (row[0] !== undefined) this.objects.add(row[0]);
      onRow?.(row);
    });
  }

  /** The sources of the second, exact reading: one key list per trail source. */
  sources(): Source[] {
    if (this.objects.outside > 0) {
      this.io.stderr.write(`ctrail: athena: ${this.objects.outside} candidate row${this.objects.outside === 1 ? '' : 's'} named objects outside the sources given; not read\n`);
    }
    if (this.objects.count === 0) this.io.stderr.write('ctrail: athena: no candidate events in the table; nothing to read\n');
    return this.objects.sources();
  }
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

import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { AthenaQuery } from '../athena/client.js';
import type { AwsOptions } from '../source/aws.js';
import { requireRegionFlag } from '../source/regions.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CliIO } from './io.js';
import { NAME_RE } from '../athena/table.js';

/** The flags every command that runs an Athena query takes (`athena query`, and `--engine athena`). */
export interface AthenaFlags {
  database?: string;
  table?: string;
  workgroup?: string;
  outputLocation?: string;
  maxScanGb?: string;
  region?: string;
  profile?: string;
}

export const DEFAULT_DATABASE = 'ctrail';
export const DEFAULT_TABLE = 'cloudtrail';
const DEFAULT_MAX_SCAN_GB = '100';

/** Where the table is and where its results go; `athena setup` takes these too. */
export function addAthenaTableOptions(cmd: Command): Command {
  return cmd
    .option('--database <name>', 'Athena (Glue) database', DEFAULT_DATABASE)
    .option('--table <name>', 'Athena table over the trail', DEFAULT_TABLE)
    .option('--workgroup <name>', 'Athena workgroup (default: primary)')
    .option('--output-location <s3-uri>', "where Athena writes query results (default: the workgroup's)");
}

export function addAthenaRunOptions(cmd: Command): Command {
  return addAthenaTableOptions(cmd).option(
    '--max-scan-gb <n>',
    'stop the query on Athena once it has scanned more than this many GB (10^9 bytes; $5 per TB)',
    DEFAULT_MAX_SCAN_GB,
  );
}

/** Names go into SQL and into Glue calls: Athena's own rule, checked before any call. */
export function athenaNames(flags: AthenaFlags): { database: string; table: string } {
  const database = (flags.database ?? DEFAULT_DATABASE).toLowerCase();
  const table = (flags.table ?? DEFAULT_TABLE).toLowerCase();
  for (const [flag, v] of [['--database', database], ['--table', table]] as const) {
    if (!NAME_RE.test(v)) throw new UsageError(`${flag} ${JSON.stringify(v)}: Athena names are letters, digits and underscores`);
  }
  return { database, table };
}

export function athenaOutputLocation(flags: AthenaFlags): string | undefined {
  const loc = flags.outputLocation;
  if (loc === undefined) return undefined;
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\u0000-\u001f\u007f]*)?$/.test(loc)) {
    throw new UsageError(`--output-location ${JSON.stringify(loc)}: expected s3://bucket/prefix/`);
  }
  return loc.endsWith('/') ? loc : `${loc}/`;
}

export function athenaWorkgroup(flags: AthenaFlags): string | undefined {
  const wg = flags.workgroup;
  if (wg !== undefined && !/^[a-zA-Z0-9._-]{1,128}$/.test(wg)) throw new UsageError(`--workgroup ${JSON.stringify(wg)}: not a workgroup name`);
  return wg;
}

export function athenaAws(flags: AthenaFlags): AwsOptions {
  if (flags.region) requireRegionFlag(flags.region);
  return { ...(flags.region ? { region: flags.region } : {}), ...(flags.profile ? { profile: flags.profile } : {}) };
}

export function maxScanBytes(flags: AthenaFlags): number {
  const raw = flags.maxScanGb ?? DEFAULT_MAX_SCAN_GB;
  const gb = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(gb > 0)) throw new UsageError(`--max-scan-gb ${JSON.stringify(raw)}: expected a positive number of GB`);
  return gb * 1e9;
}

/** The query a command's flags describe, checked before anything is called. */
export function athenaQueryFrom(sql: string, flags: AthenaFlags): AthenaQuery {
  const outputLocation = athenaOutputLocation(flags);
  const workgroup = athenaWorkgroup(flags);
  return {
    sql,
    database: athenaNames(flags).database,
    maxScanBytes: maxScanBytes(flags),
    ...(workgroup ? { workgroup } : {}),
    ...(outputLocation ? { outputLocation } : {}),
  };
}

/**
 * Runs one query from a command: progress on stderr, Ctrl-C stops the query on Athena (the first SIGINT
 * aborts and waits for StopQueryExecution; a second one leaves at once), and every row goes to `onRow` as
 * it arrives. Throws AthenaQueryError as the client does; `athenaErrorExit` gives its exit code.
 */
export async function runAthenaFromCli(
  io: CliIO,
  aws: AwsOptions,
  q: AthenaQuery,
  opts: { quiet?: boolean; onColumns?: (names: string[]) => void; pollMs?: number },
  /** Returns false to stop reading (the reader of stdout went away). */
  onRow: (row: string[]) => boolean | void | Promise<boolean | void>,
): Promise<{ rows: number }> {
  const { athenaClient, runAthenaQuery } = await import('../athena/client.js');
  const { AthenaProgressLine } = await import('../output/athena-progress.js');
  const progress = new AthenaProgressLine(io.stderr, io.stderrIsTTY, opts.quiet);
  const client = athenaClient(aws);
  const ac = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      progress.clear();
      io.stderr.write('ctrail: interrupted: stopping the Athena query (Ctrl-C again to leave without waiting)\n');
      ac.abort();
    } else {
      process.exit(EXIT.USAGE);
    }
  };
  process.on('SIGINT', onSigint);
  let rows = 0;
  try {
    const pollMs = opts.pollMs ?? pollFromEnv();
    for await (const row of runAthenaQuery(client, q, {
      signal: ac.signal,
      onProgress: progress.update,
      ...(opts.onColumns ? { onColumns: opts.onColumns } : {}),
      ...(pollMs ? { pollMs } : {}),
    })) {
      if (rows === 0) progress.clear();
      rows++;
      if ((await onRow(row)) === false) break;
    }
    progress.finish(`SUCCEEDED, ${rows} row${rows === 1 ? '' : 's'}`);
    return { rows };
  } catch (err) {
    const kind = (err as { kind?: string }).kind;
    progress.finish(kind === 'scan-limit' || kind === 'interrupted' || kind === 'timed-out' ? 'STOPPED' : undefined);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    client.destroy();
  }
}

/** Tests poll fast; nobody else should need to. */
function pollFromEnv(): number | undefined {
  const v = Number(process.env.CTRAIL_ATHENA_POLL_MS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * A query error's exit code: rows lost after some were printed is an incomplete answer (3); every other
 * way a query ends without its answer (failed, cancelled, stopped by Ctrl-C, --max-scan-gb or the longest
 * wait, refused) is 2.
 */
export function athenaErrorExit(err: { kind: string }, rowsPrinted: number): ExitCode {
  return err.kind === 'results-lost' && rowsPrinted > 0 ? EXIT.INCOMPLETE : EXIT.USAGE;
}

import type { AthenaClient as SdkAthenaClient, GetQueryResultsCommandOutput, QueryExecution } from '@aws-sdk/client-athena';
import { CtrailError, describeError } from '../errors.js';
import type { AwsOptions } from '../source/aws.js';
import { delay } from '../source/s3-retry.js';
import { oneLine } from './text.js';

/**
 * What this module needs of an Athena client: the SDK's own AthenaClient, or the lazy one athenaClient()
 * makes. The SDK (and the other clients aws-clients.ts loads) costs half a second at start-up, and the
 * commands that take `--engine athena` import this module on every run, also local ones: so nothing here
 * loads it before a query is started.
 */
export type AthenaClient = Pick<SdkAthenaClient, 'send' | 'destroy'>;

type AthenaSdk = typeof import('@aws-sdk/client-athena');
let sdkLoading: Promise<AthenaSdk> | undefined;
function athenaSdk(): Promise<AthenaSdk> {
  return (sdkLoading ??= import('@aws-sdk/client-athena'));
}

/** One query to run. `maxScanBytes` is the `--max-scan-gb` guard, in bytes. */
export interface AthenaQuery {
  sql: string;
  database: string;
  /** Default: the account's `primary` workgroup, as Athena itself chooses. */
  workgroup?: string;
  /** `s3://…/` for the result files; without it the workgroup must name one (or manage results itself). */
  outputLocation?: string;
  maxScanBytes: number;
}

export interface AthenaProgress {
  /** QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED (and, on the way in, SUBMITTED). */
  state: string;
  bytesScanned: number;
  costUsd: number;
  elapsedMs: number;
  queryId: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: AthenaProgress) => void;
  /** First wait between two GetQueryExecution calls; it grows by half each time, up to 20 × this or 5 s. */
  pollMs?: number;
  /** Longest wait for a query to end; then it is stopped on Athena (default MAX_WAIT_MS). */
  maxWaitMs?: number;
  /** Rows asked for per GetQueryResults page (Athena's ceiling is 1000). */
  pageSize?: number;
  /** Receives the column names (the header row), before the first data row. */
  onColumns?: (names: string[]) => void;
}

/** Why a query gave no (or no whole) answer. Each kind is one line at the CLI edge, and exit 2. */
export type AthenaFailure =
  | 'failed' // Athena ran the query and it failed (syntax, permissions on the data, …)
  | 'cancelled' // someone else stopped it (the console, another client)
  | 'interrupted' // we stopped it: the signal aborted (Ctrl-C)
  | 'scan-limit' // we stopped it: it scanned more than maxScanBytes
  | 'timed-out' // we stopped it: it had not ended after maxWaitMs
  | 'access-denied'
  | 'no-output-location'
  | 'results-lost' // a result page could not be read after the SDK's retries: the rows so far are not all
  | 'api'; // any other refusal or fault of the API

export class AthenaQueryError extends CtrailError {
  constructor(
    readonly kind: AthenaFailure,
    message: string,
    readonly queryId?: string,
    readonly bytesScanned = 0,
  ) {
    super(message);
    this.name = 'AthenaQueryError';
  }
}

/** Athena's on-demand price: $5 per TB (10^12 bytes) scanned. */
export const USD_PER_TB = 5;
export function costUsd(bytes: number): number {
  return (bytes / 1e12) * USD_PER_TB;
}

const MAX_POLL_MS = 5_000;
const DEFAULT_POLL_MS = 500;
const DEFAULT_PAGE = 1000;
/**
 * Athena ends a query itself at its workgroup's timeout (at most a few hours), but a service that keeps
 * answering RUNNING must not hold a run for ever: past this, ctrail stops the query and says so.
 */
export const MAX_WAIT_MS = 6 * 3_600_000;
/** The stop request is sent after an abort, so it must not share the aborted signal; this bounds it instead. */
const STOP_TIMEOUT_MS = 10_000;

/** The Athena client, with the timeouts, retries, region and profile every other service client has. */
export function athenaClient(aws: AwsOptions, region?: string): AthenaClient {
  let made: SdkAthenaClient | undefined;
  let making: Promise<SdkAthenaClient> | undefined;
  // Endpoint: AWS_ENDPOINT_URL_ATHENA, then --endpoint-url, then the SDK chain (aws-clients.ts endpointFor).
  const real = () =>
    (making ??= Promise.all([athenaSdk(), import('../source/aws-clients.js')]).then(([m, c]) => (made = new m.AthenaClient(c.clientConfig('Athena', aws, region)))));
  const send = async (command: unknown, options?: unknown): Promise<unknown> => (await real()).send(command as never, options as never);
  return { send: send as SdkAthenaClient['send'], destroy: () => made?.destroy() };
}

/**
 * Runs one query and yields its rows, header dropped, one GetQueryResults page at a time: a page is asked
 * for only when the consumer has taken the one before, so a result of any size costs one page of memory.
 * Throws AthenaQueryError (from the iterator) for every way the query can end without a whole answer; a
 * query we started is stopped on Athena before the error leaves, so no abandoned query goes on billing.
 */
export async function* runAthenaQuery(client: AthenaClient, q: AthenaQuery, opts: RunOptions = {}): AsyncGenerator<string[]> {
  const started = Date.now();
  const signal = opts.signal;
  const { StartQueryExecutionCommand } = await athenaSdk();
  if (signal?.aborted) throw new AthenaQueryError('interrupted', 'Athena query not started: interrupted');
  if (!q.outputLocation) {
    const missing = await checkResultLocation(client, q.workgroup, undefined, signal);
    if (missing) throw new AthenaQueryError('no-output-location', missing);
  }
  let queryId: string;
  try {
    const out = await client.send(
      new StartQueryExecutionCommand({
        QueryString: q.sql,
        QueryExecutionContext: { Database: q.database },
        ...(q.workgroup ? { WorkGroup: q.workgroup } : {}),
        ...(q.outputLocation ? { ResultConfiguration: { OutputLocation: q.outputLocation } } : {}),
      }),
      // Not aborted mid-flight: a start whose answer we dropped could leave a query running that we cannot
      // name to stop. The poll loop sees the abort right after and stops it.
    );
    // The id goes into every message and into the next calls: a UUID, or the answer is not Athena's.
    if (!out.QueryExecutionId || !/^[A-Za-z0-9-]{1,128}$/.test(out.QueryExecutionId)) {
      throw new AthenaQueryError('api', `Athena StartQueryExecution returned no usable query id (${oneLine(String(out.QueryExecutionId), 80)})`);
    }
    queryId = out.QueryExecutionId;
  } catch (err) {
    throw apiError(err, 'StartQueryExecution', signal);
  }

  const report = (state: string, bytes: number): void =>
    opts.onProgress?.({ state, bytesScanned: bytes, costUsd: costUsd(bytes), elapsedMs: Date.now() - started, queryId });
  report('QUEUED', 0);

  const execution = await pollUntilDone(client, queryId, q.maxScanBytes, opts, report, started + (opts.maxWaitMs ?? MAX_WAIT_MS));
  const state = execution.Status?.State ?? 'UNKNOWN';
  const bytes = execution.Statistics?.DataScannedInBytes ?? 0;
  if (state === 'FAILED') {
    const reason = execution.Status?.AthenaError?.ErrorMessage ?? execution.Status?.StateChangeReason ?? 'no reason given';
    throw new AthenaQueryError('failed', `Athena query ${queryId} FAILED: ${oneLine(reason)}`, queryId, bytes);
  }
  if (state === 'CANCELLED') {
    throw new AthenaQueryError('cancelled', `Athena query ${queryId} was CANCELLED outside ctrail`, queryId, bytes);
  }
  if (state !== 'SUCCEEDED') throw new AthenaQueryError('api', `Athena query ${queryId} ended in state ${oneLine(state)}`, queryId, bytes);

  yield* pages(client, queryId, opts);
}

async function pollUntilDone(
  client: AthenaClient,
  queryId: string,
  maxScanBytes: number,
  opts: RunOptions,
  report: (state: string, bytes: number) => void,
  deadline: number,
): Promise<QueryExecution> {
  const first = Math.max(1, opts.pollMs ?? DEFAULT_POLL_MS);
  const ceiling = Math.max(first, Math.min(MAX_POLL_MS, first * 20));
  let wait = first;
  const { GetQueryExecutionCommand } = await athenaSdk();
  for (;;) {
    if (opts.signal?.aborted) await stopAndThrow(client, queryId, 'interrupted', 'interrupted', 0);
    let execution: QueryExecution | undefined;
    try {
      const out = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }), opts.signal ? { abortSignal: opts.signal } : {});
      execution = out.QueryExecution;
    } catch (err) {
      if (opts.signal?.aborted) await stopAndThrow(client, queryId, 'interrupted', 'interrupted', 0);
      // The query goes on running on Athena unless we stop it, and we can no longer watch its cost.
      await stopQuietly(client, queryId);
      throw apiError(err, 'GetQueryExecution', undefined, queryId);
    }
    const state = execution?.Status?.State;
    if (!execution || !state) {
      // Polling an answer without a state would go on for ever.
      await stopQuietly(client, queryId);
      throw new AthenaQueryError('api', `Athena GetQueryExecution: no state for query ${queryId}`, queryId);
    }
    const bytes = execution.Statistics?.DataScannedInBytes ?? 0;
    report(state, bytes);
    if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') return execution;
    if (bytes > maxScanBytes) {
      await stopAndThrow(client, queryId, 'scan-limit', `scanned ${formatBytes(bytes)}, more than the limit of ${formatBytes(maxScanBytes)} (--max-scan-gb)`, bytes);
    }
    const left = deadline - Date.now();
    if (left <= 0) await stopAndThrow(client, queryId, 'timed-out', `still ${oneLine(state, 40)} after ${waitText(opts.maxWaitMs ?? MAX_WAIT_MS)}, the longest ctrail waits`, bytes);
    await delay(Math.min(wait, left), opts.signal);
    wait = Math.min(ceiling, Math.round(wait * 1.5));
  }
}

async function* pages(client: AthenaClient, queryId: string, opts: RunOptions): AsyncGenerator<string[]> {
  const pageSize = Math.min(DEFAULT_PAGE, Math.max(1, opts.pageSize ?? DEFAULT_PAGE));
  let token: string | undefined;
  let first = true;
  let delivered = 0;
  const { GetQueryResultsCommand } = await athenaSdk();
  do {
    if (opts.signal?.aborted) throw new AthenaQueryError('interrupted', `Athena query ${queryId}: interrupted after ${delivered} rows`, queryId);
    let page: GetQueryResultsCommandOutput;
    try {
      page = await client.send(
        new GetQueryResultsCommand({ QueryExecutionId: queryId, MaxResults: pageSize, ...(token ? { NextToken: token } : {}) }),
        opts.signal ? { abortSignal: opts.signal } : {},
      );
    } catch (err) {
      if (opts.signal?.aborted) throw new AthenaQueryError('interrupted', `Athena query ${queryId}: interrupted after ${delivered} rows`, queryId);
      throw new AthenaQueryError(
        'results-lost',
        `Athena query ${queryId}: results lost after ${delivered} rows (GetQueryResults: ${oneLine(describeError(err))})`,
        queryId,
      );
    }
    const rows = page.ResultSet?.Rows ?? [];
    // For a SELECT, the first row of the first page holds the column names, not data.
    if (first && rows[0]) opts.onColumns?.((rows[0].Data ?? []).map((d) => d.VarCharValue ?? ''));
    for (let i = first ? 1 : 0; i < rows.length; i++) {
      // NULL arrives as a datum without VarCharValue; the SQL ctrail writes never selects one where it matters.
      yield (rows[i]!.Data ?? []).map((d) => d.VarCharValue ?? '');
      delivered++;
    }
    first = false;
    const next = page.NextToken || undefined;
    // A token that does not move would page the same rows for ever.
    if (next !== undefined && next === token) {
      throw new AthenaQueryError('results-lost', `Athena query ${queryId}: GetQueryResults repeated its page token after ${delivered} rows`, queryId);
    }
    token = next;
  } while (token);
}

/**
 * Whether queries in this workgroup have somewhere to put their results: `--output-location`, the
 * workgroup's own location, or results Athena manages. Undefined when they do; otherwise the sentence to say.
 * A workgroup that does not exist is an error (AthenaQueryError), whatever else was given.
 */
export async function checkResultLocation(
  client: AthenaClient,
  workgroup: string | undefined,
  outputLocation: string | undefined,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const name = workgroup ?? 'primary';
  const { GetWorkGroupCommand } = await athenaSdk();
  let config;
  try {
    const out = await client.send(new GetWorkGroupCommand({ WorkGroup: name }), signal ? { abortSignal: signal } : {});
    if (!out.WorkGroup) throw new AthenaQueryError('api', `Athena workgroup ${oneLine(name)} does not exist`);
    config = out.WorkGroup.Configuration;
  } catch (err) {
    throw apiError(err, 'GetWorkGroup', signal);
  }
  if (outputLocation || config?.ResultConfiguration?.OutputLocation || config?.ManagedQueryResultsConfiguration?.Enabled) return undefined;
  return `Athena workgroup ${oneLine(name)} has no query result location: pass --output-location s3://BUCKET/PREFIX/ or set one on the workgroup`;
}

async function stopAndThrow(client: AthenaClient, queryId: string, kind: AthenaFailure, why: string, bytes: number): Promise<never> {
  const stopped = await stopQuietly(client, queryId);
  const tail = stopped ? 'stopped on Athena' : 'StopQueryExecution failed: stop it in the Athena console';
  throw new AthenaQueryError(kind, `Athena query ${queryId} ${why}; ${tail}`, queryId, bytes);
}

/** True once Athena accepted the stop. Never throws: the caller is already on its way out with a reason. */
async function stopQuietly(client: AthenaClient, queryId: string): Promise<boolean> {
  try {
    const { StopQueryExecutionCommand } = await athenaSdk();
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }), { abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  }
}

function apiError(err: unknown, call: string, signal?: AbortSignal, queryId?: string): AthenaQueryError {
  if (err instanceof AthenaQueryError) return err;
  if (signal?.aborted) return new AthenaQueryError('interrupted', 'Athena query not started: interrupted', queryId);
  const name = err instanceof Error ? err.name : '';
  const message = oneLine(err instanceof Error ? err.message : String(err));
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403) {
    return new AthenaQueryError('access-denied', `Athena ${call}: access denied (${message})`, queryId);
  }
  if (/output location/i.test(message)) {
    return new AthenaQueryError('no-output-location', `Athena ${call}: ${message}; pass --output-location s3://BUCKET/PREFIX/`, queryId);
  }
  return new AthenaQueryError('api', `Athena ${call}: ${oneLine(describeError(err))}`, queryId);
}

function waitText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.ceil(ms / 1000)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(2)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

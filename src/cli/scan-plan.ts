import type { Command } from 'commander';
import { setMaxListeners } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type InputProblem } from '../errors.js';
import { compileRecipe, type MatcherRecipe } from '../filter/recipe.js';
import { offloadDepth, workerOffload, type WorkerOffload } from '../workers/offload.js';
import type { FilterSpec } from '../filter/spec.js';
import { newProgress, scanEventBatches, scanEvents, type ResolvedScan, type ScanHit, type ScanHooks, type ScanProgress } from '../pipeline/scan.js';
import { ProgressLine } from '../output/progress.js';
import { neutralize } from '../output/sanitize.js';
import { resolveSource, type ResolveContext } from '../source/resolve.js';
import '../source/api-schemes.js';
import { hintsFromSpec } from '../source/query-hints.js';
import { ApiProgressBoard } from '../output/api-progress.js';
import type { ScanScope, Source } from '../source/types.js';
import { awsOptionsFrom, filterSpecFrom, jobsFrom, threadsFrom, type RawScanOptions } from './options.js';
import { formatProblem, type CliIO } from './io.js';

/**
 * Below this many bytes of input as stored (compressed), a scan without --threads runs on the main thread:
 * starting worker threads (each loads the modules and compiles the recipe) costs more CPU than they save,
 * and on small inputs more time too. The crossover was measured on 2 cores (bench/PROFILE.md, section 7).
 */
export const SMALL_INPUT_BYTES = 4 * 1024 * 1024;
/** Entries and depth looked at to size a local source before giving up (it then counts as large). */
const SIZING_ENTRIES = 4096;
const SIZING_DEPTH = 32;

/** Whether a source argument names a local path (not stdin, S3, an API scheme; a Windows drive is local). */
const isLocalArg = (a: string) => a !== '-' && (!/^[a-z][a-z0-9+-]*:/i.test(a) || /^[a-z]:[\\/]/i.test(a));

/**
 * Bytes stored under a local path, counted until they pass `limit`; Infinity past the limit, past the
 * entry or depth budget, or when the path cannot be read as it is (a glob, a missing file: the scan
 * reports those itself). Bounded whatever the folder holds, so sizing never costs more than a listing.
 */
export function localInputBytes(path: string, limit: number): number {
  let total = 0;
  let entries = 0;
  const visit = (p: string, depth: number): boolean => {
    if (++entries > SIZING_ENTRIES || depth > SIZING_DEPTH) return false;
    try {
      const st = statSync(p);
      if (st.isFile()) return (total += st.size) <= limit;
      if (!st.isDirectory()) return true;
      for (const name of readdirSync(p)) if (!visit(join(p, name), depth + 1)) return false;
      return true;
    } catch {
      return false;
    }
  };
  return visit(path, 0) ? total : Infinity;
}

/**
 * One scan: what to look for, as the plain data every thread compiles the same way, and where. Sources and
 * scope default to the command line's.
 */
export interface ScanRequest {
  recipe: MatcherRecipe;
  sources?: Source[];
  scope?: ScanScope;
  /** Drop repeated deliveries of an eventID (default: on unless --no-dedup). */
  dedup?: boolean;
  /** Names the scan in --verbose output when a command runs several (e.g. "--identity-source"). */
  label?: string;
}

/**
 * Everything a scanning command needs between argv and its own logic (ripgrep's HiArgs): sources resolved,
 * filters parsed, threads and jobs decided, progress on stderr, problems printed as one line each and counted
 * for the exit code, and a clean stop when stdout's reader goes away.
 */
export class ScanPlan {
  readonly spec: FilterSpec;
  readonly progress: ScanProgress = newProgress();
  readonly controller = new AbortController();
  readonly sources: Source[];
  /** Every source the user named is a local path (no S3, API or stdin). */
  private readonly localOnly: boolean;
  readonly scope: ScanScope;
  problems = 0;
  private progressLine: ProgressLine | undefined;
  private readonly jobs: number;
  private readonly threads: number;
  /** Bytes each source holds as stored, when it is local and small enough to count (else Infinity). */
  private readonly storedBytes = new Map<Source, number>();
  private readonly resolveCtx: ResolveContext;
  private readonly apiBoard = new ApiProgressBoard();
  private readonly noticed = new Set<string>();

  constructor(
    readonly io: CliIO,
    readonly raw: RawScanOptions,
    sourceArgs: string[],
  ) {
    this.spec = filterSpecFrom(raw);
    this.jobs = jobsFrom(raw);
    this.threads = threadsFrom(raw);
    // Every input in flight (an S3 GET, a file read) listens for the abort: dozens at once is by design.
    setMaxListeners(0, this.controller.signal);
    this.resolveCtx = {
      aws: awsOptionsFrom(raw),
      ...(this.spec.regions ? { regions: this.spec.regions } : {}),
      notices: { notice: this.notice },
      apiProgress: this.apiBoard.update,
    };
    if (sourceArgs.length === 0) {
      if (io.stdinIsTTY) throw new UsageError('no sources given (a path, s3://bucket/prefix, history:, logs:, or - for stdin)');
      sourceArgs = ['-'];
    }
    this.sources = this.resolveAll(sourceArgs);
    this.localOnly = sourceArgs.every(isLocalArg);
    this.scope = scopeFrom(this.spec);
  }

  /** Sources given to a secondary option (e.g. --identity-source), resolved the same way. */
  resolveExtra(args: string[]): Source[] {
    return this.resolveAll(args);
  }

  private resolveAll(args: string[]): Source[] {
    return args.map((a) => {
      const source = resolveSource(a, this.resolveCtx);
      // Only without --threads: the count is needed to choose the threads, not otherwise.
      if (this.raw.threads === undefined) this.storedBytes.set(source, isLocalArg(a) ? localInputBytes(a, SMALL_INPUT_BYTES) : Infinity);
      return source;
    });
  }

  /** Threads for a scan of these sources: --threads when given, else one for small local inputs, else one per core. */
  private threadsFor(sources: readonly Source[]): number {
    if (this.raw.threads !== undefined) return this.threads;
    let total = 0;
    for (const s of sources) total += this.storedBytes.get(s) ?? Infinity;
    return total <= SMALL_INPUT_BYTES ? 1 : this.threads;
  }

  private readonly reported = new Set<string>();

  reportProblem = (p: InputProblem): void => {
    // Commands that read the sources twice (activity) would otherwise report each unreadable input twice.
    const id = `${p.source}\n${p.problem}`;
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.problems++;
    this.progressLine?.clear();
    this.io.stderr.write(formatProblem(p));
  };

  /** Something the user should know once (not a problem: the exit code does not change). */
  notice = (message: string): void => {
    if (this.noticed.has(message)) return;
    this.noticed.add(message);
    this.progressLine?.clear();
    this.io.stderr.write(`ctrail: ${neutralize(message)}\n`);
  };

  /**
   * A source with no log file is not a fault (the exit code is the answer's: nothing found is 1), but it is
   * never silent: a mistyped prefix and a quiet hour must be told apart.
   */
  private empty = (source: string, detail: string): void => {
    this.notice(`${source}: no CloudTrail log files found${detail ? ` (${detail})` : ''}`);
  };

  private skipped = (what: string, reason: string): void => {
    if (!this.raw.verbose) return;
    this.progressLine?.clear();
    this.io.stderr.write(`ctrail: skipping ${neutralize(what)}: ${reason}\n`);
  };

  /** What the command line's filters ask for, as a recipe: a plain scan's request. */
  get flags(): MatcherRecipe {
    return { flags: this.spec };
  }

  /**
   * Runs the pipeline over the plan's sources (or others) with the request's recipe, compiled here and, with
   * --threads above 1, in every worker thread, which then search every input of known size.
   */
  scan(request: ScanRequest): AsyncGenerator<ScanHit> {
    return this.start(request, scanEvents);
  }

  /** scan, delivered in batches (for consumers that handle many events per step). */
  scanBatches(request: ScanRequest): AsyncGenerator<ScanHit[]> {
    return this.start(request, scanEventBatches);
  }

  /**
   * Resolves one scan (matcher, scope, jobs, workers) and runs it with `run`. Nothing starts before the first
   * read, so a scan that is never read starts no thread; the pipeline closes the workers however it ends.
   */
  private async *start<T>(request: ScanRequest, run: (scan: ResolvedScan, hooks: ScanHooks, signal?: AbortSignal) => AsyncGenerator<T>): AsyncGenerator<T> {
    const matcher = await compileRecipe(request.recipe);
    if (!this.progressLine && this.io.stderrIsTTY && !this.raw.quiet) {
      this.progressLine = new ProgressLine(this.progress, this.io.stderr, 250, () => this.apiBoard.summary());
      this.progressLine.start();
    }
    const threads = this.threadsFor(request.sources ?? this.sources);
    const offload = threads > 1 ? workerOffload({ threads, recipe: request.recipe }) : undefined;
    const ownLocal = request.sources === undefined && this.localOnly;
    const before = { done: this.progress.unitsDone, here: this.progress.unitsHere };
    yield* run(
      {
        sources: request.sources ?? this.sources,
        scope: request.scope ?? this.scope,
        matcher,
        jobs: offload && this.raw.jobs === undefined ? Math.max(this.jobs, offloadDepth(threads, ownLocal)) : this.jobs,
        dedup: request.dedup ?? this.raw.dedup !== false,
        ...(offload ? { offload } : {}),
      },
      { problem: this.reportProblem, skipped: this.skipped, empty: this.empty, notice: this.notice, progress: this.progress },
      this.controller.signal,
    );
    if (this.raw.verbose) this.reportThreads(request.label, this.progress.unitsDone - before.done, this.progress.unitsHere - before.here, offload);
  }

  /** --verbose: which threads searched the scan's inputs. */
  private reportThreads(label: string | undefined, inputs: number, here: number, offload: WorkerOffload | undefined): void {
    const perWorker = offload?.tasksDone() ?? [];
    const workers = perWorker.length ? `${perWorker.join(' + ')} by ${perWorker.length} worker thread${perWorker.length === 1 ? '' : 's'}, ` : '';
    this.progressLine?.clear();
    this.io.stderr.write(`ctrail: ${label ? `${label}: ` : ''}${inputs} input${inputs === 1 ? '' : 's'} searched: ${workers}${here} by the main thread\n`);
  }

  stopProgress(): void {
    this.progressLine?.stop();
    this.progressLine = undefined;
  }

  /** Prints the closing summary of skipped inputs; returns true when anything was skipped. */
  finish(): boolean {
    this.stopProgress();
    if (this.problems > 0) {
      this.io.stderr.write(`ctrail: ${this.problems} input problem${this.problems === 1 ? '' : 's'}; results may be incomplete\n`);
    }
    return this.problems > 0;
  }
}

export function scopeFrom(spec: FilterSpec): ScanScope {
  const scope: ScanScope = {};
  if (spec.start) scope.start = spec.start;
  if (spec.end) scope.end = spec.end;
  if (spec.accounts) scope.accounts = spec.accounts;
  if (spec.regions) scope.regions = spec.regions;
  if (spec.categories) scope.categories = spec.categories;
  scope.hints = hintsFromSpec(spec);
  return scope;
}

export type { Command };

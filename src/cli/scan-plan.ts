import type { Command } from 'commander';
import { setMaxListeners } from 'node:events';
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
    this.sources = sourceArgs.map((a) => resolveSource(a, this.resolveCtx));
    this.localOnly = sourceArgs.every((a) => a !== '-' && (!/^[a-z][a-z0-9+-]*:/i.test(a) || /^[a-z]:[\\/]/i.test(a)));
    this.scope = scopeFrom(this.spec);
  }

  /** Sources given to a secondary option (e.g. --identity-source), resolved the same way. */
  resolveExtra(args: string[]): Source[] {
    return args.map((a) => resolveSource(a, this.resolveCtx));
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
    const offload = this.threads > 1 ? workerOffload({ threads: this.threads, recipe: request.recipe }) : undefined;
    const ownLocal = request.sources === undefined && this.localOnly;
    const before = { done: this.progress.unitsDone, here: this.progress.unitsHere };
    yield* run(
      {
        sources: request.sources ?? this.sources,
        scope: request.scope ?? this.scope,
        matcher,
        jobs: offload && this.raw.jobs === undefined ? Math.max(this.jobs, offloadDepth(this.threads, ownLocal)) : this.jobs,
        dedup: request.dedup ?? this.raw.dedup !== false,
        ...(offload ? { offload } : {}),
      },
      { problem: this.reportProblem, skipped: this.skipped, empty: this.empty, progress: this.progress },
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

import type { Command } from 'commander';
import { setMaxListeners } from 'node:events';
import { UsageError, type InputProblem } from '../errors.js';
import { compileFilters } from '../filter/flags.js';
import { allOf } from '../filter/matcher.js';
import type { RecordMatcher } from '../records/matcher.js';
import type { MatcherRecipe } from '../filter/recipe.js';
import { workerOffload } from '../workers/offload.js';
import type { FilterSpec } from '../filter/spec.js';
import { newProgress, scanEventBatches, scanEvents, type ScanHit, type ScanHooks, type ScanPlan, type ScanProgress } from '../pipeline/scan.js';
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
 * Everything a scanning command needs between argv and its own logic: sources resolved, filters compiled,
 * progress on stderr, problems printed as one line each and counted for the exit code, and a clean stop
 * when stdout's reader goes away.
 */
/** What one scan of a session searches for, and where. */
export interface ScanRequest {
  extra?: RecordMatcher;
  extraRecipe?: MatcherRecipe;
  sources?: Source[];
  scope?: ScanScope;
  useFlags?: boolean;
  dedup?: boolean;
}

export class ScanSession {
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

  private skipped = (what: string, reason: string): void => {
    if (!this.raw.verbose) return;
    this.progressLine?.clear();
    this.io.stderr.write(`ctrail: skipping ${neutralize(what)}: ${reason}\n`);
  };

  /**
   * Runs the pipeline over the session's sources (or others), with the flags' matcher AND any extra one.
   * Inputs are searched in worker threads when the extra matcher comes with its recipe (or there is none);
   * an extra matcher alone can only run on this thread.
   */
  scan(opts: ScanRequest = {}): AsyncGenerator<ScanHit> {
    return this.start(opts, scanEvents);
  }

  /** scan, delivered in batches (for consumers that handle many events per step). */
  scanBatches(opts: ScanRequest = {}): AsyncGenerator<ScanHit[]> {
    return this.start(opts, scanEventBatches);
  }

  /** Plans one scan of the session (matcher, scope, jobs, workers) and starts it with `run`. */
  private start<T>(opts: ScanRequest, run: (plan: ScanPlan, hooks: ScanHooks, signal?: AbortSignal) => AsyncGenerator<T>): AsyncGenerator<T> {
    const matchers = [opts.useFlags === false ? undefined : compileFilters(this.spec), opts.extra].filter((m): m is RecordMatcher => m !== undefined);
    if (!this.progressLine && this.io.stderrIsTTY && !this.raw.quiet) {
      this.progressLine = new ProgressLine(this.progress, this.io.stderr, 250, () => this.apiBoard.summary());
      this.progressLine.start();
    }
    const offloadable = this.threads > 1 && (opts.extra === undefined || opts.extraRecipe !== undefined);
    const recipe: MatcherRecipe = { ...opts.extraRecipe };
    if (opts.useFlags !== false) recipe.flags = this.spec;
    return run(
      {
        sources: opts.sources ?? this.sources,
        scope: opts.scope ?? this.scope,
        matcher: allOf(matchers),
        jobs: offloadable && this.raw.jobs === undefined ? Math.max(this.jobs, this.offloadDepth(opts.sources === undefined)) : this.jobs,
        dedup: opts.dedup ?? this.raw.dedup !== false,
        ...(offloadable ? { offload: workerOffload({ threads: this.threads, recipe }) } : {}),
      },
      { problem: this.reportProblem, skipped: this.skipped, progress: this.progress },
      this.controller.signal,
    );
  }

  /**
   * Inputs in flight when workers search. Tasks travel in batches, and a worker idles from the end of one
   * batch until the main thread has handed out the next; a deep queue hides that round trip. A local file
   * in flight costs only its path (the worker reads it), so local scans queue deep: on the 1 GB bench,
   * 128 per thread instead of 16 took the needle query from ~2.5 s to ~1.9 s with the same peak memory,
   * and 512 rides out this thread's pauses (a folder listed, a garbage collection) that still left the
   * workers idle at times. Other inputs are held whole on this thread while queued: 16 per thread.
   */
  private offloadDepth(ownSources: boolean): number {
    return (ownSources && this.localOnly ? 512 : 16) * this.threads;
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

/**
 * Client-side pacing and throttling retry for the API sources (event history, CloudWatch Logs). AWS
 * publishes a request quota per account and region; the SDK's own retry gives up after a few attempts and
 * its retry budget drains under a sustained stream, so ctrail spaces requests itself and keeps retrying
 * throttled calls: a broad query must finish, however long it takes.
 */

export interface Sleeper {
  (ms: number, signal?: AbortSignal): Promise<void>;
}

export const sleep: Sleeper = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Spaces requests evenly at `ratePerSecond`, with no burst: AWS counts per second, so two back-to-back
 * calls after an idle spell can still be refused if the previous second was busy.
 */
export class RateLimiter {
  private nextSlot = 0;
  private readonly spacingMs: number;
  private sent = 0;
  private readonly firstAt = Date.now();

  constructor(readonly ratePerSecond: number) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
    this.spacingMs = 1000 / ratePerSecond;
  }

  /** Resolves when the caller may send one request. Callers are served in the order they asked. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.spacingMs;
    this.sent += 1;
    if (slot > now) await sleep(slot - now, signal);
  }

  /** Requests granted per second since the limiter was created (for progress displays). */
  observedRate(): number {
    const seconds = (Date.now() - this.firstAt) / 1000;
    return seconds > 0 ? this.sent / seconds : 0;
  }
}

/**
 * One limiter per quota bucket (service + account/credentials + region), shared by every source in a
 * run: `history:us-east-1` given twice must not double the rate.
 */
export class LimiterRegistry {
  private readonly limiters = new Map<string, RateLimiter>();
  get(key: string, ratePerSecond: number): RateLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiter(ratePerSecond);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}

export const sharedLimiters = new LimiterRegistry();

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

export function isThrottling(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (THROTTLING_NAMES.has(err.name)) return true;
  const meta = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return meta?.httpStatusCode === 429;
}

/** Answers worth one more try: server errors and dropped connections (throttling is handled apart). */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  const code = String((err as { code?: unknown }).code ?? '');
  return err.name === 'TimeoutError' || /ECONNRESET|EPIPE|ETIMEDOUT|socket hang up/.test(code + ' ' + err.message);
}

export interface RetryPolicy {
  /** Give up after this many throttled answers in a row (not in total: a long query may see many). */
  maxConsecutiveThrottles: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Server errors and dropped connections get this many attempts in all. */
  maxTransientAttempts: number;
}

/** About six minutes of back-off in the worst case before a single call is abandoned. */
export const defaultRetryPolicy: RetryPolicy = { maxConsecutiveThrottles: 16, baseDelayMs: 500, maxDelayMs: 30_000, maxTransientAttempts: 4 };

export interface PacedCallHooks {
  onThrottled?: (attempt: number, delayMs: number) => void;
  onTransientFailure?: (attempt: number, delayMs: number, err: unknown) => void;
}

/**
 * Runs `call` once per granted slot; on a throttling answer waits (exponential back-off with jitter) and
 * asks the limiter again. The same request (same page token) is re-sent, so no page is skipped and none is
 * read twice. Any other error is the caller's.
 */
export async function pacedCall<T>(
  limiter: RateLimiter,
  call: () => Promise<T>,
  opts: { policy?: RetryPolicy; signal?: AbortSignal; hooks?: PacedCallHooks; sleeper?: Sleeper } = {},
): Promise<T> {
  const policy = opts.policy ?? defaultRetryPolicy;
  const wait = opts.sleeper ?? sleep;
  let throttles = 0;
  let failures = 0;
  for (;;) {
    await limiter.acquire(opts.signal);
    try {
      return await call();
    } catch (err) {
      let attempt: number;
      if (isThrottling(err)) {
        throttles += 1;
        if (throttles >= policy.maxConsecutiveThrottles) throw err;
        attempt = throttles;
      } else if (isTransient(err) && !opts.signal?.aborted) {
        failures += 1;
        if (failures >= policy.maxTransientAttempts) throw err;
        attempt = failures;
      } else {
        throw err;
      }
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      // Half fixed, half random: enough spread that parallel regions do not retry in lock-step.
      const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      if (isThrottling(err)) opts.hooks?.onThrottled?.(attempt, delay);
      else opts.hooks?.onTransientFailure?.(attempt, delay, err);
      await wait(delay, opts.signal);
    }
  }
}

/** Progress of one API source, reported after every page. The CLI's progress line renders these. */
export interface ApiProgress {
  /** `history:us-east-1`, `logs:GROUP/STREAM`. */
  source: string;
  pages: number;
  events: number;
  requests: number;
  throttled: number;
  /** Requests per second granted by this quota bucket's limiter so far. */
  requestRate: number;
  /** Share of the work done, 0..1, estimated from how far back in the window the reader has got. */
  fractionDone?: number;
  /** Seconds left at the current pace, when a fraction is known. */
  etaSeconds?: number;
  done: boolean;
}

export type ProgressListener = (p: ApiProgress) => void;

/** One API stream's counters (history: one region, logs: one stream), reported as ApiProgress after each page. */
export class ApiTally {
  pages = 0;
  events = 0;
  requests = 0;
  throttled = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly source: string,
    private readonly limiter: RateLimiter,
    private readonly listener: ProgressListener | undefined,
  ) {}

  report(fraction: number | undefined, done: boolean): void {
    this.listener?.({
      source: this.source,
      pages: this.pages,
      events: this.events,
      requests: this.requests,
      throttled: this.throttled,
      requestRate: this.limiter.observedRate(),
      fractionDone: fraction,
      etaSeconds: done ? 0 : estimateEta(Date.now() - this.startedAt, fraction),
      done,
    });
  }
}

/** Estimate the remaining seconds from elapsed time and share done; undefined until there is a basis. */
export function estimateEta(elapsedMs: number, fraction: number | undefined): number | undefined {
  if (fraction === undefined || fraction <= 0) return undefined;
  if (fraction >= 1) return 0;
  return Math.round(((elapsedMs / 1000) * (1 - fraction)) / fraction);
}

/** Something the user should hear once (e.g. "event history holds management events only"). */
export interface NoticeSink {
  notice(message: string): void;
}

/**
 * Retries for S3 reads beyond what the SDK does itself. The SDK retries a request whose answer was a 5xx,
 * throttling or a connection error before the response; it cannot retry what goes wrong while the caller
 * consumes the body (a reset, a short body, a checksum mismatch, a stalled stream), nor a listing page whose
 * XML was cut. Those are transient here too, within a bounded number of attempts.
 */

/**
 * How long a request may wait for its connection, and for each next byte of its answer. Tests that hang
 * responses on purpose shorten it through CTRAIL_REQUEST_TIMEOUT_MS.
 */
export function requestTimeoutMs(): number {
  const v = Number(process.env.CTRAIL_REQUEST_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 30_000;
}

export function connectTimeoutMs(): number {
  return Math.min(5_000, requestTimeoutMs());
}

/** Attempts of one read (each of which the SDK may itself retry up to its own `maxAttempts`). */
export const READ_ATTEMPTS = 4;
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

/** A listing page that failed after every retry; `prefix` is what was left unlisted. */
export class ListingError extends Error {
  override name = 'ListingError';
  constructor(
    readonly prefix: string,
    override readonly cause: unknown,
  ) {
    super(`listing failed after ${READ_ATTEMPTS} attempts (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}

/** A body that ended before its Content-Length. */
export class ShortBodyError extends Error {
  override name = 'ShortBodyError';
  constructor(got: number, expected: number) {
    super(`body ended after ${got} of ${expected} bytes`);
  }
}

/** A body whose bytes do not hash to the object's ETag. */
export class BodyChecksumError extends Error {
  override name = 'BodyChecksumError';
  constructor() {
    super('body does not match its ETag (MD5)');
  }
}

/** No bytes arrived for the idle timeout. */
export class StalledBodyError extends Error {
  override name = 'StalledBodyError';
  constructor(ms: number) {
    super(`no data for ${Math.round(ms / 1000)} s`);
  }
}

const FINAL_NAMES = new Set([
  'NoSuchKey',
  'NoSuchBucket',
  'NotFound',
  'AccessDenied',
  'Forbidden',
  'InvalidObjectState',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
  'ProviderError',
  'PreconditionFailed',
  'InvalidRange',
]);

/**
 * Is another attempt worth it? Everything transient is; an answer about the request or the caller's access
 * is not, and neither is a server that cannot be reached at all (that is a configuration error).
 */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'AbortError' && !/socket|timeout/i.test(err.message)) return false;
  if (FINAL_NAMES.has(err.name)) return false;
  const code = String((err as { code?: unknown }).code ?? '');
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(code + ' ' + err.message)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    // A 4xx whose body was cut or garbled reaches us as a deserialisation error; a real 4xx is final.
    return !(err as { $fault?: string }).$fault && !(err as { Code?: string }).Code;
  }
  return true;
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Full-jitter exponential back-off: attempt 1 waits up to 200 ms, then 400, 800 … capped at 5 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)));
}

/** Runs `fn` until it succeeds, fails for good, or has been tried `attempts` times. */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, signal?: AbortSignal, attempts = READ_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (signal?.aborted || attempt >= attempts || !isTransient(err)) throw err;
      await delay(backoffMs(attempt), signal);
      if (signal?.aborted) throw err;
    }
  }
}

/**
 * Every chunk of `body`, failing with StalledBodyError when none arrives for `idleMs`: a stream that stops
 * without closing would otherwise hold its reader for ever. `abort` is called to release the connection.
 */
export async function* idleGuarded(body: AsyncIterable<Uint8Array>, idleMs: number, abort: () => void): AsyncGenerator<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort();
          reject(new StalledBodyError(idleMs));
        }, idleMs);
      });
      let next: IteratorResult<Uint8Array>;
      try {
        next = await Promise.race([it.next(), stalled]);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Not awaited: a stalled stream's return() can itself wait for ever; abort() already released it.
    void it.return?.()?.catch(() => undefined);
  }
}

import { ActionError, describeThrown } from './errors.js';

export interface RetryEvent {
  /** The attempt that is about to start (2 for the first retry). */
  nextAttempt: number;
  maxAttempts: number;
  delayMs: number;
  error: unknown;
}

export interface AttemptContext {
  /** 1 for the first try. */
  attempt: number;
  /** Time left before the deadline (Infinity without one): per-attempt timeouts should not outlast it. */
  remainingMs: number;
}

export interface RetryOptions {
  /** Tries in all, counting the first; 1 means no retry. */
  maxAttempts?: number;
  /** Backoff before the first retry, doubled before each further one. */
  baseDelayMs?: number;
  /** Upper bound for one backoff. */
  maxDelayMs?: number;
  /** Overall time budget, counted from the first attempt. No attempt starts and no wait ends after it. */
  deadlineMs?: number;
  /** Whether an error is worth another try; `attempt` is the attempt that failed. Default: isTransient. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** A wait the failed side asked for (HTTP Retry-After); waited instead of a shorter backoff. */
  requestedDelayMs?: (error: unknown) => number | undefined;
  onRetry?: (event: RetryEvent) => void;
  /** Stops waiting: the pending wait rejects with the signal's reason and no further attempt starts. */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Uniform in [0, 1), like Math.random. */
  random?: () => number;
}

export const RETRY_DEFAULTS = {
  maxAttempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
} as const;

/** Thrown when retrying stopped while the operation was still failing with retryable errors. */
export class RetryError extends ActionError {
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly lastError: unknown,
    /** Why no further attempt was made, e.g. "the limit is 4". */
    readonly stoppedBecause: string,
  ) {
    super(
      `${describeGivingUp(attempts, elapsedMs, stoppedBecause)}: ${describeThrown(lastError)}`,
      lastError instanceof ActionError ? lastError.hint : undefined,
      { cause: lastError },
    );
  }
}

export function describeGivingUp(attempts: number, elapsedMs: number, why: string): string {
  const noun = attempts === 1 ? 'attempt' : 'attempts';
  return `gave up after ${attempts} ${noun} over ${formatSeconds(elapsedMs)} (${why})`;
}

/**
 * The wait before attempt `nextAttempt` (2 for the first retry).
 *
 * Equal jitter rather than full jitter: full jitter may pick a wait near zero, which retries a
 * server that is restarting or a registry that is shedding load right away and wastes an attempt
 * of the few a CI step can afford. Equal jitter always waits at least half the exponential step,
 * while the random other half still spreads out parallel jobs that failed at the same moment.
 */
export function backoffDelay(
  nextAttempt: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number },
): number {
  const exponent = Math.max(0, nextAttempt - 2);
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const half = step / 2;
  return Math.round(half + options.random() * half);
}

export async function retry<T>(
  operation: (context: AttemptContext) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts));
  const baseDelayMs = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const shouldRetry = options.shouldRetry ?? isTransient;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const { signal } = options;

  const startedAt = now();
  const deadlineAt = startedAt + (options.deadlineMs ?? Infinity);

  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await operation({ attempt, remainingMs: deadlineAt - now() });
    } catch (error) {
      if (signal?.aborted || !shouldRetry(error, attempt)) throw error;
      const giveUp = (why: string) => new RetryError(attempt, now() - startedAt, error, why);
      if (attempt >= maxAttempts) throw giveUp(`the limit is ${maxAttempts}`);

      const backoff = backoffDelay(attempt + 1, { baseDelayMs, maxDelayMs, random });
      const requested = options.requestedDelayMs?.(error);
      // Without a deadline a server asking for an hour would hang the job; then maxDelayMs bounds it.
      const honoured =
        requested === undefined
          ? 0
          : deadlineAt === Infinity
            ? Math.min(requested, maxDelayMs)
            : requested;
      const delayMs = Math.max(backoff, honoured);
      if (now() + delayMs >= deadlineAt) {
        throw giveUp(
          `the next attempt could not start within the ${formatSeconds(options.deadlineMs ?? 0)} deadline`,
        );
      }
      options.onRetry?.({ nextAttempt: attempt + 1, maxAttempts, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}

/** One log line per retry, e.g. "attempt 2/5 in 1.3s: connection refused". */
export function formatRetry(event: RetryEvent): string {
  return `attempt ${event.nextAttempt}/${event.maxAttempts} in ${formatSeconds(event.delayMs)}: ${describeThrown(event.error)}`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)}s`;
}

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);

/** undici codes that describe our own mistake or a limit we set, which another try won't change. */
const PERMANENT_UNDICI_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_ABORTED',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

/**
 * The default retry predicate: network failures, timeouts and HTTP 5xx are worth another try;
 * HTTP 4xx never is (the request itself is wrong or unauthorised), nor is anything unrecognised.
 */
export function isTransient(error: unknown): boolean {
  return isTransientAt(error, 0);
}

function isTransientAt(error: unknown, depth: number): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  // Its operation was retried already; retrying around it again would multiply the attempts.
  if (error instanceof RetryError) return false;
  const { status, code, name, cause } = error as {
    status?: unknown;
    code?: unknown;
    name?: unknown;
    cause?: unknown;
  };
  if (typeof status === 'number') return status >= 500 && status <= 599;
  if (name === 'AbortError') return false; // cancelled on purpose
  if (name === 'TimeoutError') return true; // AbortSignal.timeout and our own timeouts
  if (typeof code === 'string') {
    if (TRANSIENT_NETWORK_CODES.has(code)) return true;
    if (code.startsWith('UND_ERR_')) return !PERMANENT_UNDICI_CODES.has(code);
  }
  // Happy eyeballs tries several addresses and reports every failure together.
  if (error instanceof AggregateError && error.errors.some((e) => isTransientAt(e, depth + 1))) {
    return true;
  }
  // fetch reports every network failure as `TypeError: fetch failed` with the reason as cause.
  return cause !== undefined && isTransientAt(cause, depth + 1);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

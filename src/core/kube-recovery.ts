/**
 * Recovery through a flaky API server: on a path that puts the cluster back (a rollback, a revert,
 * finishing a promotion) one failed kubectl call must not end the attempt, or a two-second API
 * blip leaves a half-deployed service. Transient failures are retried with backoff until the work
 * is done or its deadline passes; a refusal that another try cannot change ends it at once.
 */
import * as core from '@actions/core';
import { escapeUntrusted } from './log.js';
import { ExecError } from './exec.js';
import { formatSeconds, retry, RetryError, type RetryOptions } from './retry.js';
import { ActionError, describeThrown } from './errors.js';

/** What kubectl prints when the API server, or the way to it, failed rather than refused. */
const TRANSIENT_KUBECTL_ERRORS: readonly RegExp[] = [
  /Error from server \((InternalError|ServiceUnavailable|TooManyRequests|Timeout|ServerTimeout|Conflict)\)/,
  /an error on the server \(.*\) has prevented the request from succeeding/,
  // `kubectl set image` words a failed PATCH in its own way, without "Error from server".
  /Internal error occurred/,
  /the server is currently unable to handle the request/,
  /the server has received too many requests/,
  /the object has been modified; please apply your changes/,
  /connection to the server .* was refused|connection refused|connection reset|broken pipe/i,
  /Unable to connect to the server/,
  /i\/o timeout|TLS handshake timeout|context deadline exceeded|Client\.Timeout|http2: client connection lost/,
  /unexpected EOF|: EOF\s*$/m,
  /etcdserver: (request timed out|leader changed)/,
  // The schema kubectl validates with could not be fetched: the server's failure, not a refusal.
  /failed to download openapi/,
];

/** A failed kubectl call worth another try: the server faulted, was unreachable or too slow. */
export function isTransientKubeError(error: unknown): boolean {
  // A failure explained in other words keeps the kubectl failure as its cause.
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    // Its work was retried already; retrying around it again would multiply the attempts.
    if (current instanceof RetryError) return false;
    if (current instanceof ExecError) {
      const { result } = current;
      // Cut short by its own per-call timeout, e.g. an API server that answers slowly.
      if (result.timedOut) return true;
      return TRANSIENT_KUBECTL_ERRORS.some((pattern) => pattern.test(result.stderr));
    }
    current = current.cause;
  }
  return false;
}

export interface RecoveryOptions {
  /** Epoch ms after which no attempt starts; the work's kubectl should share this deadline. */
  deadlineAt: number;
  /** Backoff before the first retry; doubled up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: RetryOptions['sleep'];
  now?: () => number;
  shouldRetry?: (error: unknown) => boolean;
}

/**
 * Runs `work` until it succeeds, retrying transient kubectl failures with backoff; `work` must be
 * safe to repeat (read the cluster, change only what still differs). Throws the last error when
 * the deadline passes, or at once for an error that is not transient.
 */
export async function untilRecovered<T>(
  what: string,
  work: () => Promise<T>,
  options: RecoveryOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  if (now() >= options.deadlineAt) {
    throw new ActionError(`${what} was not started: its deadline had already passed.`);
  }
  return retry(() => work(), {
    maxAttempts: Number.POSITIVE_INFINITY,
    baseDelayMs: options.baseDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 2_000,
    deadlineMs: Math.max(0, options.deadlineAt - now()),
    shouldRetry: options.shouldRetry ?? isTransientKubeError,
    sleep: options.sleep,
    now,
    onRetry: (event) =>
      core.info(
        escapeUntrusted(
          `${what}: attempt ${event.nextAttempt} in ${formatSeconds(event.delayMs)} (${lastLine(describeThrown(event.error))})`,
        ),
      ),
  });
}

/** The last non-empty line of kubectl's (or any program's) message: the one that says why. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? text;
}

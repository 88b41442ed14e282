/**
 * Paced GET requests for a load test: an open loop that sends `ratePerSecond` requests to one URL
 * whether or not earlier ones have been answered, as users' requests arrive, and counts the
 * answers by status class. Unlike httpRequest it never retries (a retry would change the rate),
 * never follows a redirect (a 3xx is counted as an answer, so the load cannot be sent to another
 * host), reads at most a little of each body, and past `maxInFlight` unanswered requests skips
 * its turns (counted) instead of piling up connections.
 */
import { performance } from 'node:perf_hooks';
import { describeThrown } from './errors.js';
import { moveUserinfoToHeader } from './http.js';

export interface HttpLoadOptions {
  /** Userinfo (`https://user:token@host/`) is sent as basic auth, as httpRequest does. */
  url: string | URL;
  ratePerSecond: number;
  /** Per request, until the body is read; a request over it counts as failed. */
  timeoutMs?: number;
  maxInFlight?: number;
  headers?: Record<string, string>;
}

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx';

export interface HttpLoadCounts {
  sent: number;
  /** Answers by status class. */
  answered: Record<StatusClass, number>;
  /** Network errors and timeouts. */
  failed: number;
  /** Turns skipped because maxInFlight requests were unanswered. */
  skipped: number;
  /** Requests still unanswered when the load stopped (neither answered nor failed). */
  unfinished: number;
  /** Why the first failed request failed (connection refused, timeout), to tell the user. */
  firstFailure: string | undefined;
  durationMs: number;
}

export interface HttpLoad {
  /** A snapshot so far. */
  counts(): HttpLoadCounts;
  /** Stops sending, cancels the requests in flight and returns the final counts. */
  stop(): Promise<HttpLoadCounts>;
}

export const HTTP_LOAD_DEFAULTS = { timeoutMs: 10_000, maxInFlight: 64 } as const;

/** The scheduler's granularity; turns due in between leave together. */
const TICK_MS = 10;
/** Enough of a body to let the server finish an ordinary answer; the rest is not downloaded. */
const BODY_BYTES = 64 * 1024;

export function startHttpLoad(options: HttpLoadOptions): HttpLoad {
  if (!(options.ratePerSecond > 0)) {
    throw new RangeError(`ratePerSecond must be above 0, got ${options.ratePerSecond}`);
  }
  const headers = new Headers(options.headers);
  const url = moveUserinfoToHeader(new URL(options.url), headers);
  const timeoutMs = options.timeoutMs ?? HTTP_LOAD_DEFAULTS.timeoutMs;
  const maxInFlight = options.maxInFlight ?? HTTP_LOAD_DEFAULTS.maxInFlight;
  const totals: HttpLoadCounts = {
    sent: 0,
    answered: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    failed: 0,
    skipped: 0,
    unfinished: 0,
    firstFailure: undefined,
    durationMs: 0,
  };
  const inFlight = new Set<{ cancel: AbortController; done: Promise<void> }>();
  const started = performance.now();
  let turns = 0;
  let stopping = false;

  const send = () => {
    totals.sent += 1;
    const cancel = new AbortController();
    const timeout = AbortSignal.timeout(timeoutMs);
    const entry = { cancel, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        const response = await fetch(url, {
          method: 'GET',
          headers,
          redirect: 'manual',
          signal: AbortSignal.any([cancel.signal, timeout]),
        });
        await readSome(response);
        totals.answered[statusClass(response.status)] += 1;
      } catch (error) {
        if (stopping && cancel.signal.aborted) {
          totals.unfinished += 1;
        } else {
          totals.failed += 1;
          totals.firstFailure ??= timeout.aborted
            ? `no answer within ${timeoutMs}ms`
            : describeFailure(error);
        }
      } finally {
        inFlight.delete(entry);
      }
    })();
    inFlight.add(entry);
  };

  const tick = () => {
    const due = Math.floor(((performance.now() - started) * options.ratePerSecond) / 1000) + 1;
    for (; turns < due; turns += 1) {
      if (inFlight.size >= maxInFlight) totals.skipped += 1;
      else send();
    }
  };
  tick();
  const timer = setInterval(tick, TICK_MS);

  const snapshot = (): HttpLoadCounts => ({
    ...totals,
    answered: { ...totals.answered },
    durationMs: Math.round(performance.now() - started),
  });

  let stopped: Promise<HttpLoadCounts> | undefined;
  return {
    counts: snapshot,
    stop: () => {
      stopped ??= (async () => {
        clearInterval(timer);
        const durationMs = Math.round(performance.now() - started);
        stopping = true;
        const pending = [...inFlight];
        for (const entry of pending) entry.cancel.abort();
        await Promise.all(pending.map((entry) => entry.done));
        return { ...snapshot(), durationMs };
      })();
      return stopped;
    },
  };
}

function statusClass(status: number): StatusClass {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return '2xx';
}

async function readSome(response: Response): Promise<void> {
  if (!response.body) return;
  let read = 0;
  // Leaving the loop early cancels the stream, so the rest is never downloaded.
  for await (const chunk of response.body) {
    read += chunk.byteLength;
    if (read >= BODY_BYTES) break;
  }
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, …) is in its cause. */
function describeFailure(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const nested =
    cause instanceof AggregateError ? (cause.errors[0] as { code?: unknown }) : undefined;
  const code = [cause?.code, nested?.code].find((c): c is string => typeof c === 'string');
  if (code) return code;
  return cause instanceof Error ? describeThrown(cause) : describeThrown(error);
}

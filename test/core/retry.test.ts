import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  formatRetry,
  isTransient,
  retry,
  RetryError,
  type RetryEvent,
  type RetryOptions,
} from '../../src/core/retry.js';
import { fakeClock } from '../support/fake-clock.js';

function systemError(code: string, message = `connect ${code} 127.0.0.1:9`): Error {
  return Object.assign(new Error(message), { code });
}

function httpStatus(status: number): Error {
  return Object.assign(new Error(`server said ${status}`), { status });
}

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function namedError(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

function alwaysFailing(error: unknown) {
  let calls = 0;
  const operation = async () => {
    calls++;
    throw error;
  };
  return { operation, calls: () => calls };
}

describe('isTransient', () => {
  it.each([
    ['ECONNRESET', systemError('ECONNRESET'), true],
    ['ECONNREFUSED', systemError('ECONNREFUSED'), true],
    ['ETIMEDOUT', systemError('ETIMEDOUT'), true],
    ['EAI_AGAIN (DNS hiccup)', systemError('EAI_AGAIN'), true],
    ['EPIPE', systemError('EPIPE'), true],
    ['ENOTFOUND (misspelt host)', systemError('ENOTFOUND'), false],
    ['UND_ERR_SOCKET', systemError('UND_ERR_SOCKET'), true],
    ['UND_ERR_CONNECT_TIMEOUT', systemError('UND_ERR_CONNECT_TIMEOUT'), true],
    ['UND_ERR_HEADERS_TIMEOUT', systemError('UND_ERR_HEADERS_TIMEOUT'), true],
    ['UND_ERR_INVALID_ARG (our bug)', systemError('UND_ERR_INVALID_ARG'), false],
    ['UND_ERR_ABORTED (cancelled)', systemError('UND_ERR_ABORTED'), false],
    ['fetch failed caused by ECONNRESET', fetchFailed(systemError('ECONNRESET')), true],
    ['fetch failed caused by UND_ERR_SOCKET', fetchFailed(systemError('UND_ERR_SOCKET')), true],
    [
      'fetch failed caused by a bad certificate',
      fetchFailed(systemError('CERT_HAS_EXPIRED')),
      false,
    ],
    ['fetch failed without a cause', new TypeError('fetch failed'), false],
    [
      'fetch failed caused by every address refusing',
      fetchFailed(new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')])),
      true,
    ],
    ['AbortSignal.timeout', namedError('TimeoutError'), true],
    ['cancelled by an AbortSignal', namedError('AbortError'), false],
    ['HTTP 500', httpStatus(500), true],
    ['HTTP 502', httpStatus(502), true],
    ['HTTP 503', httpStatus(503), true],
    ['HTTP 504', httpStatus(504), true],
    ['HTTP 400', httpStatus(400), false],
    ['HTTP 401', httpStatus(401), false],
    ['HTTP 404', httpStatus(404), false],
    ['HTTP 409', httpStatus(409), false],
    ['HTTP 429 (4xx are never retried)', httpStatus(429), false],
    [
      'HTTP 404 caused by a reset (the status decides)',
      Object.assign(httpStatus(404), { cause: systemError('ECONNRESET') }),
      false,
    ],
    ['a plain Error', new Error('boom'), false],
    ['a thrown string', 'ECONNRESET', false],
    ['undefined', undefined, false],
    ['null', null, false],
    [
      'an error already retried',
      new RetryError(3, 100, systemError('ECONNRESET'), 'the limit is 3'),
      false,
    ],
  ])('%s -> %s', (_name, error, expected) => {
    expect(isTransient(error)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  const base = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it.each([
    // nextAttempt, random, expected: half the exponential step plus random times the other half
    [2, 0, 50],
    [2, 0.5, 75],
    [2, 0.999999, 100],
    [3, 0, 100],
    [3, 0.999999, 200],
    [4, 0.5, 300],
    [5, 0.5, 600],
    [6, 0, 500], // step capped at maxDelayMs = 1000
    [6, 0.999999, 1_000],
    [30, 0.5, 750],
  ])('attempt %i with random %d waits %i ms', (nextAttempt, random, expected) => {
    expect(backoffDelay(nextAttempt, { ...base, random: () => random })).toBe(expected);
  });
});

describe('retry', () => {
  it('returns the first success and retries only transient failures before it', async () => {
    const clock = fakeClock();
    const events: string[] = [];
    let calls = 0;
    const result = await retry(
      async ({ attempt }) => {
        calls++;
        if (attempt < 3) throw systemError('ECONNRESET', 'socket hang up');
        return 'done';
      },
      {
        maxAttempts: 5,
        baseDelayMs: 1_000,
        random: () => 0.3,
        sleep: clock.sleep,
        now: clock.now,
        onRetry: (event) => events.push(formatRetry(event)),
      },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(events).toEqual([
      'attempt 2/5 in 0.7s: socket hang up',
      'attempt 3/5 in 1.3s: socket hang up',
    ]);
  });

  it('waits an exponential, capped, jittered schedule', async () => {
    const clock = fakeClock();
    const { operation, calls } = alwaysFailing(systemError('ECONNREFUSED'));
    await expect(
      retry(operation, {
        maxAttempts: 7,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        random: () => 0.5,
        sleep: clock.sleep,
        now: clock.now,
      }),
    ).rejects.toBeInstanceOf(RetryError);
    expect(calls()).toBe(7);
    expect(clock.sleeps).toEqual([75, 150, 300, 600, 750, 750]);
  });

  it('does not retry a 4xx and throws the original error', async () => {
    const clock = fakeClock();
    const notFound = httpStatus(404);
    const { operation, calls } = alwaysFailing(notFound);
    await expect(retry(operation, { sleep: clock.sleep, now: clock.now })).rejects.toBe(notFound);
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('stops on an error that turns permanent after transient ones', async () => {
    const clock = fakeClock();
    const errors = [httpStatus(503), httpStatus(503), httpStatus(403)];
    let calls = 0;
    const operation = async () => {
      throw errors[calls++];
    };
    await expect(retry(operation, { sleep: clock.sleep, now: clock.now })).rejects.toBe(errors[2]);
    expect(calls).toBe(3);
  });

  it('says how many attempts over how long when it gives up, keeping the last error as cause', async () => {
    const clock = fakeClock();
    const last = systemError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443');
    const { operation } = alwaysFailing(last);
    const thrown = await retry(operation, {
      maxAttempts: 3,
      baseDelayMs: 1_000,
      random: () => 0,
      sleep: clock.sleep,
      now: clock.now,
    }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(RetryError);
    const error = thrown as RetryError;
    expect(error.message).toBe(
      'gave up after 3 attempts over 1.5s (the limit is 3): connect ETIMEDOUT 10.0.0.1:443',
    );
    expect(error.cause).toBe(last);
    expect(error.attempts).toBe(3);
    expect(error.elapsedMs).toBe(1_500);
  });

  it('gives up when the next attempt could not start before the deadline, without sleeping past it', async () => {
    const clock = fakeClock();
    const { operation, calls } = alwaysFailing(httpStatus(502));
    const thrown = await retry(
      async () => {
        clock.advance(300); // each attempt takes 300ms
        return operation();
      },
      {
        maxAttempts: 10,
        baseDelayMs: 1_000,
        deadlineMs: 4_000,
        random: () => 0.999999,
        sleep: clock.sleep,
        now: clock.now,
      },
    ).catch((e: unknown) => e);
    // 300 + 1000 + 300 + 2000 + 300 = 3900; the next wait (4000) would end past 4000.
    expect(clock.sleeps).toEqual([1_000, 2_000]);
    expect(calls()).toBe(3);
    expect((thrown as RetryError).message).toMatch(
      /^gave up after 3 attempts over 3\.9s \(the next attempt could not start within the 4\.0s deadline\): server said 502$/,
    );
  });

  it('tells the operation how much time is left before the deadline', async () => {
    const clock = fakeClock();
    const remaining: number[] = [];
    await retry(
      async ({ attempt, remainingMs }) => {
        remaining.push(remainingMs);
        if (attempt < 3) throw httpStatus(500);
      },
      {
        deadlineMs: 10_000,
        baseDelayMs: 1_000,
        random: () => 0,
        sleep: clock.sleep,
        now: clock.now,
      },
    );
    expect(remaining).toEqual([10_000, 9_500, 8_500]);
  });

  it.each([
    ['a requested wait longer than the backoff is honoured', 5_000, 60_000, [5_000]],
    ['a requested wait shorter than the backoff keeps the backoff', 10, 60_000, [1_000]],
    ['a requested wait past the deadline gives up at once', 90_000, 60_000, []],
    ['without a deadline a requested wait is capped at maxDelayMs', 3_600_000, undefined, [30_000]],
  ])('%s', async (_name, requested, deadlineMs, expectedSleeps) => {
    const clock = fakeClock();
    let calls = 0;
    await retry(
      async () => {
        if (calls++ === 0) throw httpStatus(503);
      },
      {
        baseDelayMs: 1_000,
        maxDelayMs: 30_000,
        deadlineMs,
        random: () => 0.999999,
        requestedDelayMs: () => requested,
        sleep: clock.sleep,
        now: clock.now,
      },
    ).catch(() => undefined);
    expect(clock.sleeps).toEqual(expectedSleeps);
  });

  it('stops waiting when the signal aborts and starts no further attempt', async () => {
    const controller = new AbortController();
    const { operation, calls } = alwaysFailing(systemError('ECONNRESET'));
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('job cancelled')), 20);
    await expect(
      retry(operation, { baseDelayMs: 60_000, maxAttempts: 5, signal: controller.signal }),
    ).rejects.toThrow('job cancelled');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(calls()).toBe(1);
  });

  it('does not start at all with an already aborted signal', async () => {
    const { operation, calls } = alwaysFailing(systemError('ECONNRESET'));
    await expect(
      retry(operation, { signal: AbortSignal.abort(new Error('stop')) }),
    ).rejects.toThrow('stop');
    expect(calls()).toBe(0);
  });

  it('passes the failed attempt number to shouldRetry', async () => {
    const clock = fakeClock();
    const seen: number[] = [];
    const { operation, calls } = alwaysFailing(new Error('flaky'));
    await retry(operation, {
      maxAttempts: 10,
      shouldRetry: (_error, attempt) => {
        seen.push(attempt);
        return attempt < 4;
      },
      sleep: clock.sleep,
      now: clock.now,
    }).catch(() => undefined);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(calls()).toBe(4);
  });

  it('property: no wait exceeds maxDelayMs, no wait ends past the deadline, no attempt starts after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          maxAttempts: fc.integer({ min: 1, max: 12 }),
          baseDelayMs: fc.integer({ min: 1, max: 5_000 }),
          maxDelayMs: fc.integer({ min: 1, max: 60_000 }),
          deadlineMs: fc.integer({ min: 1, max: 300_000 }),
          randoms: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
            minLength: 12,
            maxLength: 12,
          }),
          attemptDurations: fc.array(fc.integer({ min: 0, max: 20_000 }), {
            minLength: 12,
            maxLength: 12,
          }),
        }),
        async ({ randoms, attemptDurations, ...limits }) => {
          const clock = fakeClock(0);
          const starts: number[] = [];
          const events: RetryEvent[] = [];
          let draw = 0;
          const options: RetryOptions = {
            ...limits,
            random: () => randoms[draw++ % randoms.length],
            sleep: clock.sleep,
            now: clock.now,
            onRetry: (event) => events.push(event),
          };
          const thrown = await retry(async ({ attempt }) => {
            starts.push(clock.now());
            clock.advance(attemptDurations[attempt - 1]);
            throw systemError('ECONNRESET');
          }, options).catch((e: unknown) => e);

          expect(thrown).toBeInstanceOf(RetryError);
          expect(starts.length).toBeLessThanOrEqual(limits.maxAttempts);
          expect(events.length).toBe(starts.length - 1);
          for (const wait of clock.sleeps) expect(wait).toBeLessThanOrEqual(limits.maxDelayMs);
          const totalWait = clock.sleeps.reduce((sum, wait) => sum + wait, 0);
          expect(totalWait).toBeLessThanOrEqual(limits.deadlineMs);
          for (const start of starts) expect(start).toBeLessThan(limits.deadlineMs);
        },
      ),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import { ExecError } from '../../src/core/exec.js';
import { isTransientKubeError, untilRecovered } from '../../src/core/kube-recovery.js';
import { captureStdout } from '../support/capture-stdout.js';
import { kubectlFailed } from '../support/kubectl-failure.js';
import { fakeClock } from '../support/fake-clock.js';

const INTERNAL_ERROR =
  'Error from server (InternalError): Internal error occurred: injected fault\n';
const NOT_FOUND = 'Error from server (NotFound): deployments.apps "web" not found\n';

/** Runs untilRecovered with its retry lines kept out of the test output. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  await captureStdout(async () => {
    result = await run();
  });
  return result as T;
}

describe('isTransientKubeError', () => {
  it.each([
    ['an internal error of the API server', INTERNAL_ERROR],
    [
      'a failed PATCH worded by kubectl set image',
      'error: failed to patch image update to pod template: Internal error occurred: injected fault\n',
    ],
    [
      'throttling',
      'Error from server (TooManyRequests): the server has received too many requests and has asked us to try again later\n',
    ],
    [
      'an unavailable API server',
      'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n',
    ],
    [
      'a refused connection',
      'The connection to the server 127.0.0.1:44095 was refused - did you specify the right host or port?\n',
    ],
    [
      'a failed discovery logged by client-go',
      'E1204 10:11:12.123456   4242 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: an error on the server (\\"unknown\\") has prevented the request from succeeding"\n',
    ],
    [
      'a connection closed mid-request',
      'Get "https://127.0.0.1:1/api?timeout=32s": net/http: HTTP/1.x transport connection broken: error from a previous attempt: EOF\n',
    ],
    [
      'a conflicting update',
      'Error from server (Conflict): Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again\n',
    ],
    [
      'the fault on the last of several lines',
      'Warning: spec.template.spec.containers[0].image: tag "latest" is mutable\n' + INTERNAL_ERROR,
    ],
  ])('retries %s', (_case, stderr) => {
    expect(isTransientKubeError(kubectlFailed(stderr))).toBe(true);
  });

  it('retries a call cut short by its own timeout, whatever it printed', () => {
    const error = kubectlFailed('', {
      exitCode: null,
      signal: 'SIGTERM',
      timedOut: true,
      durationMs: 30_000,
    });
    expect(isTransientKubeError(error)).toBe(true);
  });

  it.each([
    ['a missing object', NOT_FOUND],
    [
      'a refused permission',
      'Error from server (Forbidden): deployments.apps "web" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "prod"\n',
    ],
    ['bad credentials', 'error: You must be logged in to the server (Unauthorized)\n'],
    [
      'an invalid object',
      'Error from server (Invalid): Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value\n',
    ],
    ['a failure that printed nothing', ''],
  ])('does not retry %s', (_case, stderr) => {
    expect(isTransientKubeError(kubectlFailed(stderr))).toBe(false);
  });

  it.each<[string, unknown, boolean]>([
    [
      'a plain Error with the same words',
      new Error('Internal error occurred: injected fault'),
      false,
    ],
    ['a thrown string', 'connection refused', false],
    ['undefined', undefined, false],
    [
      'an ActionError explaining a transient kubectl failure',
      new ActionError('Rolling back deployment/web failed.', undefined, {
        cause: kubectlFailed(INTERNAL_ERROR),
      }),
      true,
    ],
    [
      'an ActionError explaining a kubectl refusal',
      new ActionError('Rolling back deployment/web failed.', undefined, {
        cause: kubectlFailed(NOT_FOUND),
      }),
      false,
    ],
    [
      'an ActionError without a kubectl cause',
      new ActionError('Rolling back deployment/web failed.', undefined, {
        cause: new Error('Internal error occurred'),
      }),
      false,
    ],
  ])('%s -> %s', (_case, error, expected) => {
    expect(isTransientKubeError(error)).toBe(expected);
  });
});

describe('untilRecovered', () => {
  it('retries transient failures until the work succeeds and returns its value', async () => {
    const clock = fakeClock();
    let attempts = 0;
    const result = await quietly(() =>
      untilRecovered(
        'Rolling back deployment/web',
        async () => {
          attempts++;
          if (attempts < 4) throw kubectlFailed(INTERNAL_ERROR);
          return { restored: 'registry/web:v1' };
        },
        { deadlineAt: clock.start + 60_000, sleep: clock.sleep, now: clock.now },
      ),
    );
    expect(result).toEqual({ restored: 'registry/web:v1' });
    expect(attempts).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it('waits longer after each failure, never beyond maxDelayMs', async () => {
    const clock = fakeClock();
    let attempts = 0;
    await quietly(() =>
      untilRecovered(
        'Shifting 25% of traffic',
        async () => {
          if (++attempts < 7) throw kubectlFailed(INTERNAL_ERROR);
        },
        {
          deadlineAt: clock.start + 600_000,
          baseDelayMs: 1_000,
          maxDelayMs: 8_000,
          sleep: clock.sleep,
          now: clock.now,
        },
      ),
    );
    const steps = [1_000, 2_000, 4_000, 8_000, 8_000, 8_000];
    expect(clock.sleeps).toHaveLength(steps.length);
    clock.sleeps.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual(steps[index] / 2);
      expect(delay).toBeLessThanOrEqual(steps[index]);
    });
  });

  it('rethrows a refusal at once, without another attempt', async () => {
    const clock = fakeClock();
    const refusal = kubectlFailed(NOT_FOUND);
    let attempts = 0;
    const { text } = await captureStdout(() =>
      expect(
        untilRecovered(
          'Rolling back deployment/web',
          async () => {
            attempts++;
            throw refusal;
          },
          { deadlineAt: clock.start + 60_000, sleep: clock.sleep, now: clock.now },
        ),
      ).rejects.toBe(refusal),
    );
    expect(attempts).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(text).not.toContain('Rolling back deployment/web: attempt');
  });

  it('uses shouldRetry instead of the kubectl rules when given', async () => {
    const clock = fakeClock();
    let attempts = 0;
    const result = await quietly(() =>
      untilRecovered(
        'Reading the canary',
        async () => {
          if (++attempts === 1) throw kubectlFailed(NOT_FOUND);
          return 'found';
        },
        {
          deadlineAt: clock.start + 60_000,
          sleep: clock.sleep,
          now: clock.now,
          shouldRetry: () => true,
        },
      ),
    );
    expect(result).toBe('found');
    expect(attempts).toBe(2);
  });

  it.each([
    ['instant failures', 0],
    ['slow failures', 1_500],
  ])(
    'gives up when the deadline passes, starting no attempt after it (%s)',
    async (_case, workMs) => {
      const clock = fakeClock();
      const deadlineAt = clock.start + 10_000;
      const startedAt: number[] = [];
      const thrown: ExecError[] = [];
      const error: unknown = await quietly(() =>
        untilRecovered(
          'Promoting the canary',
          async () => {
            startedAt.push(clock.now());
            clock.advance(workMs);
            const failure = kubectlFailed(INTERNAL_ERROR);
            thrown.push(failure);
            throw failure;
          },
          { deadlineAt, baseDelayMs: 500, maxDelayMs: 2_000, sleep: clock.sleep, now: clock.now },
        ).catch((caught: unknown) => caught),
      );

      expect(startedAt.length).toBeGreaterThan(2);
      for (const time of startedAt) expect(time).toBeLessThan(deadlineAt);
      // Waiting never runs past the deadline; only the last attempt's own time may.
      expect(clock.now() - workMs).toBeLessThanOrEqual(deadlineAt);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain('injected fault');
      expect((error as Error).cause).toBe(thrown.at(-1));
    },
  );

  it('gives up at once when the deadline allows no retry', async () => {
    const clock = fakeClock();
    let attempts = 0;
    await expect(
      untilRecovered(
        'Rolling back deployment/web',
        async () => {
          attempts++;
          throw kubectlFailed(INTERNAL_ERROR);
        },
        { deadlineAt: clock.start + 100, baseDelayMs: 500, sleep: clock.sleep, now: clock.now },
      ),
    ).rejects.toThrow(/injected fault/);
    expect(attempts).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('logs one line per retry naming the work, the next attempt and the last line of the error', async () => {
    const clock = fakeClock();
    let attempts = 0;
    const { text } = await captureStdout(() =>
      untilRecovered(
        'Rolling back deployment/web',
        async () => {
          if (++attempts < 3) {
            throw kubectlFailed(
              'I1204 10:11:12.000000 4242 request.go:700] Waited for 1.04s due to client-side throttling\n' +
                'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n',
            );
          }
        },
        { deadlineAt: clock.start + 60_000, sleep: clock.sleep, now: clock.now },
      ),
    );
    const lines = text.split('\n').filter((line) => line.includes('Rolling back deployment/web'));
    expect(lines).toHaveLength(2);
    lines.forEach((line, index) => {
      expect(line).toMatch(
        new RegExp(
          `^Rolling back deployment/web: attempt ${index + 2} in \\d+\\.\\ds \\(Error from server \\(ServiceUnavailable\\): the server is currently unable to handle the request\\)$`,
        ),
      );
      expect(line).not.toContain('throttling');
    });
  });
});

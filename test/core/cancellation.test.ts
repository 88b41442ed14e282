import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onCancel, type Cancellation } from '../../src/core/cancellation.js';

/**
 * Signals are sent with process.emit, which only calls the listeners. A listener of our own stays
 * registered throughout, so even a stray real signal cannot end the test process.
 */
const keepAlive = () => undefined;
const created: Cancellation[] = [];

function track(handler: () => Promise<void>): Cancellation {
  const cancellation = onCancel(handler);
  created.push(cancellation);
  return cancellation;
}

function signal(name: 'SIGINT' | 'SIGTERM'): void {
  process.emit(name);
}

/** Whether a promise has settled, after letting pending callbacks run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

beforeEach(() => {
  process.on('SIGINT', keepAlive);
  process.on('SIGTERM', keepAlive);
});

afterEach(() => {
  for (const cancellation of created.splice(0)) cancellation.stop();
  process.off('SIGINT', keepAlive);
  process.off('SIGTERM', keepAlive);
  vi.useRealTimers();
});

describe('onCancel', () => {
  it.each<[string, Array<'SIGINT' | 'SIGTERM'>]>([
    ['SIGINT', ['SIGINT']],
    ['SIGTERM', ['SIGTERM']],
    ['SIGINT then SIGTERM, as the runner sends them', ['SIGINT', 'SIGTERM']],
    ['SIGINT twice', ['SIGINT', 'SIGINT']],
  ])('runs the handler once on %s', async (_case, signals) => {
    const handler = vi.fn(async () => undefined);
    const cancellation = track(handler);
    expect(cancellation.cancelled).toBe(false);
    for (const name of signals) signal(name);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(cancellation.cancelled).toBe(true);
  });

  it('does not run the handler without a signal', () => {
    const handler = vi.fn(async () => undefined);
    const cancellation = track(handler);
    expect(handler).not.toHaveBeenCalled();
    expect(cancellation.cancelled).toBe(false);
  });

  it('settles done when the handler has finished', async () => {
    let finish = () => {};
    const cancellation = track(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    signal('SIGINT');
    const done = cancellation.done;
    expect(await settled(done)).toBe(false);
    signal('SIGTERM');
    expect(cancellation.done).toBe(done);
    finish();
    expect(await settled(done)).toBe(true);
  });

  it('calls no handler after stop(), and leaves no listener behind', () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const handler = vi.fn(async () => undefined);
    const cancellation = track(handler);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(
      before.map((count) => count + 1),
    );
    cancellation.stop();
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
    signal('SIGINT');
    signal('SIGTERM');
    expect(handler).not.toHaveBeenCalled();
    expect(cancellation.cancelled).toBe(false);
  });

  it('one step stopping its cancellation leaves another one listening', () => {
    const stopped = vi.fn(async () => undefined);
    const listening = vi.fn(async () => undefined);
    track(stopped).stop();
    track(listening);
    signal('SIGINT');
    expect(stopped).not.toHaveBeenCalled();
    expect(listening).toHaveBeenCalledTimes(1);
  });
});

describe('Cancellation.sleep', () => {
  it('resolves true once the time has passed', async () => {
    vi.useFakeTimers();
    const cancellation = track(async () => undefined);
    const sleep = cancellation.sleep(5_000);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(await settled(sleep)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(sleep).resolves.toBe(true);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'resolves false at once when %s arrives, for every pending wait',
    async (name) => {
      vi.useFakeTimers();
      const cancellation = track(async () => undefined);
      const short = cancellation.sleep(1_000);
      const long = cancellation.sleep(60_000);
      await vi.advanceTimersByTimeAsync(10);
      signal(name);
      await expect(short).resolves.toBe(false);
      await expect(long).resolves.toBe(false);
    },
  );

  it('wakes a later wait after an earlier one ended normally', async () => {
    vi.useFakeTimers();
    const cancellation = track(async () => undefined);
    const short = cancellation.sleep(100);
    const long = cancellation.sleep(60_000);
    await vi.advanceTimersByTimeAsync(100);
    await expect(short).resolves.toBe(true);
    signal('SIGINT');
    expect(await settled(long)).toBe(true);
    await expect(long).resolves.toBe(false);
  });

  it('resolves false at once once cancelled', async () => {
    vi.useFakeTimers();
    const cancellation = track(async () => undefined);
    signal('SIGINT');
    const sleep = cancellation.sleep(60_000);
    expect(await settled(sleep)).toBe(true);
    await expect(sleep).resolves.toBe(false);
  });

  it('wakes main only after the cancellation is recorded and the handler started', async () => {
    vi.useFakeTimers();
    const handler = vi.fn(async () => undefined);
    const cancellation = track(handler);
    const seen = cancellation.sleep(30_000).then((completed) => ({
      completed,
      cancelled: cancellation.cancelled,
      handlerCalls: handler.mock.calls.length,
    }));
    signal('SIGINT');
    await expect(seen).resolves.toEqual({ completed: false, cancelled: true, handlerCalls: 1 });
  });
});

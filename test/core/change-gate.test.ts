import { describe, expect, it } from 'vitest';
import { CancelledError, ChangeGate, mayChange } from '../../src/core/change-gate.js';

function deferred(): { promise: Promise<string>; resolve: (value: string) => void } {
  let resolve: (value: string) => void = () => undefined;
  const promise = new Promise<string>((done) => (resolve = done));
  return { promise, resolve };
}

describe('mayChange', () => {
  it('tells changes from reads and server dry runs', () => {
    expect(mayChange(['apply', '-f', 'x.yaml'])).toBe(true);
    expect(mayChange(['set', 'image', 'deployment/web', 'web=v2'])).toBe(true);
    expect(mayChange(['rollout', 'undo', 'deployment/web'])).toBe(true);
    expect(mayChange(['delete', 'job/migrate'])).toBe(true);
    expect(mayChange(['get', 'job/migrate', '-o', 'json'])).toBe(false);
    expect(mayChange(['rollout', 'status', 'deployment/web'])).toBe(false);
    expect(mayChange(['logs', 'job/migrate'])).toBe(false);
    expect(mayChange(['apply', '-f', 'x.yaml', '--dry-run=server'])).toBe(false);
  });
});

describe('ChangeGate', () => {
  it('starts no call once closed', async () => {
    const gate = new ChangeGate();
    await gate.close(100);
    let called = false;
    await expect(
      gate.run(['apply'], async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(called).toBe(false);
  });

  it('closes only once the change under way has landed', async () => {
    const gate = new ChangeGate();
    const apply = deferred();
    const running = gate.run(['apply', '-f', 'x.yaml'], () => apply.promise);
    let closed = false;
    const closing = gate.close(5_000).then((landed) => {
      closed = true;
      return landed;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    apply.resolve('configured');
    expect(await closing).toBe(true);
    expect(await running).toBe('configured');
  });

  it('does not wait for a read in flight', async () => {
    const gate = new ChangeGate();
    const read = deferred();
    void gate.run(['rollout', 'status', 'deployment/web'], () => read.promise);
    expect(await gate.close(5_000)).toBe(true);
    read.resolve('done');
  });

  it('gives up waiting after maxWaitMs and says so', async () => {
    const gate = new ChangeGate();
    const apply = deferred();
    void gate.run(['apply'], () => apply.promise);
    expect(await gate.close(20)).toBe(false);
    apply.resolve('late');
  });
});

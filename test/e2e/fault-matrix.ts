/**
 * The API faults the recovery guarantee is tested against, injected by kube-sim at a chosen
 * request (a trigger), so that the fault hits exactly the phase a test names: a 2 s outage (every
 * connection dropped), 60 consecutive 500s, a storm of 11 429s (each with Retry-After: 1, which
 * kubectl itself waits out ten times before giving up, so one call fails), and dropped watches while waiting.
 */
import { expect } from 'vitest';
import type { startKubeSim } from '../../tools/kube-sim/server.js';

type Faults = Awaited<ReturnType<typeof startKubeSim>>['faults'];

export type FaultName = '2 s outage' | '60 × 500' | '429 storm' | 'watch drops';

export const FAULTS: Record<FaultName, (faults: Faults) => void> = {
  '2 s outage': (faults) => faults.outage(2_000),
  '60 × 500': (faults) => faults.failNext(60, 500),
  '429 storm': (faults) => faults.failNext(11, 429),
  'watch drops': (faults) => {
    // Every watch open in the next 2.5 s is cut, as an API server behind a flapping balancer does.
    for (let i = 0; i < 10; i++) setTimeout(() => faults.dropWatches(), 250 * i).unref();
  },
};

export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export interface RequestMatch {
  method: string;
  path: string | RegExp;
  skip?: number;
}

/** Arms `action` on the first request matching `match`; the returned check says it fired. */
export function armFault(
  faults: Faults,
  match: RequestMatch,
  action: (faults: Faults) => void | Promise<void>,
): { expectFired(): Promise<void> } {
  let fired = false;
  const trigger = faults.when(match, (armed) => {
    fired = true;
    return action(armed);
  });
  return {
    async expectFired() {
      trigger.cancel();
      expect(fired, `no ${match.method} ${String(match.path)} reached the API server`).toBe(true);
      // A fault still pending must not leak into the next test.
      faults.reset();
    },
  };
}

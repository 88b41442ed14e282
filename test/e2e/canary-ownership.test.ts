/**
 * Who may touch a canary: only its own workflow run (any job or attempt) continues it; another
 * run is refused and changes nothing, its post step included; a canary whose runner was lost goes
 * stale when its lease is not renewed, and then a later run (or the reaper) puts it back.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.js';
import {
  expectPromoted,
  expectReverted,
  HEALTHY,
  startScenario,
  startWorld,
  routePath,
  verdict,
  type Scenario,
  type World,
} from './canary-support.js';
import { armFault } from './fault-matrix.js';

const QUICK = {
  steps: '50,100',
  interval: '2s',
  'check-interval': '1s',
  'step-timeout': '10s',
  'min-requests': '10',
};
const ABORT = { mode: 'abort', 'prometheus-url': '', image: '' };
/** A push after the one that started the canary: another workflow run. */
const LATER_RUN = { env: { GITHUB_RUN_ID: '1658829999' } };

let world: World;

describeWithTool(
  { program: 'prometheus', debianPackage: 'prometheus', versionArgs: ['--version'] },
  'canary bundle: ownership, leases and stale canaries',
  () => {
    beforeAll(async () => {
      world = await startWorld();
    });
    afterEach(() => world.sim.faults.reset());
    afterAll(async () => {
      await world?.stop();
    });

    it('a second run is refused and leaves the paused canary intact and promotable', async () => {
      const s = await startScenario(world, 'gateway-api', HEALTHY);
      try {
        const start = await s.run({ ...QUICK, mode: 'start', 'pause-at': '50' });
        expect(start.main.outputs.decision, start.main.stdout).toBe('paused');
        const before = canaryAnnotation(s);

        const push = await s.run(QUICK, LATER_RUN);
        expect(push.main.exitCode).toBe(1);
        expect(verdict(push)).toMatch(
          /belongs to run 1658821493 .*waiting for promote or abort.*changed nothing/,
        );
        expect(push.post?.stdout).toMatch(/changed no canary of web; nothing to finish/);
        const abort = await s.run(ABORT, LATER_RUN);
        expect(abort.main.exitCode).toBe(1);
        expect(verdict(abort)).toMatch(/belongs to run 1658821493/);
        expect(abort.main.summary).toMatch(/force: true/);
        // Its own run's promote of another image is refused too, before it takes anything over.
        const wrong = await s.run({ ...QUICK, mode: 'promote', image: 'demo/web:9.9.9' });
        expect(wrong.main.exitCode).toBe(1);
        expect(verdict(wrong)).toMatch(/has image demo\/web:1.1.0, not demo\/web:9.9.9/);
        expect(canaryAnnotation(s)).toEqual(before);
        expect(s.env.canaryShare()).toBeCloseTo(0.5, 5);

        const promote = await s.run({ ...QUICK, mode: 'promote' });
        expect(promote.main.outputs.decision, promote.main.stdout).toBe('promoted');
        expectPromoted(s);
      } finally {
        await s.stop();
      }
    }, 120_000);

    it('a promotion that outlasts a lease renewal deletes the canary without a lease warning', async () => {
      const s = await startScenario(world, 'gateway-api', HEALTHY);
      try {
        // The renewal due while the canary's deletion hangs waits its turn behind the promotion,
        // which has ended the lease and deleted the canary by the time the renewal gets the lock.
        const armed = armFault(
          world.sim.faults,
          {
            method: 'DELETE',
            path: `/apis/apps/v1/namespaces/${s.namespace}/deployments/web-canary`,
          },
          () => new Promise<void>((resolve) => setTimeout(resolve, 4_000)),
        );
        const run = await s.run({ ...QUICK, lease: '10s' });
        await armed.expectFired();
        expect(run.main.outputs.decision, run.main.stdout).toBe('promoted');
        expectPromoted(s);
        expect(run.main.annotations.filter((a) => a.level === 'warning')).toEqual([]);
      } finally {
        await s.stop();
      }
    }, 120_000);

    it('a lost runner leaves a canary that goes stale; the reaper keeps it until then, a later run puts it back', async () => {
      const s = await startScenario(world, 'gateway-api', HEALTHY);
      try {
        await loseRunnerAtFirstShift(s);
        expect(s.env.canaryShare()).toBeCloseTo(0.5, 5);

        const reaper = await s.run({ ...ABORT, 'stale-only': 'true' }, LATER_RUN);
        expect(reaper.main.exitCode, reaper.main.stdout).toBe(0);
        expect(reaper.main.outputs.decision).toBe('kept');
        expect(s.env.canaryShare()).toBeCloseTo(0.5, 5);

        await waitUntilStale(s);
        const failing = await s.run({ ...QUICK, 'on-stale': 'fail' }, LATER_RUN);
        expect(failing.main.exitCode).toBe(1);
        expect(verdict(failing)).toMatch(/stopped renewing its lease.*on-stale is fail/);
        expect(s.env.canaryShare()).toBeCloseTo(0.5, 5);

        const next = await s.run(QUICK, LATER_RUN);
        expect(next.main.outputs.decision, next.main.stdout).toBe('promoted');
        expect(next.main.summary).toMatch(/stopped renewing its lease .*reverted it/);
        expectPromoted(s);
      } finally {
        await s.stop();
      }
    }, 150_000);

    it('the reaper aborts a stale canary that was mid-shift', async () => {
      const s = await startScenario(world, 'gateway-api', HEALTHY);
      try {
        await loseRunnerAtFirstShift(s);
        await waitUntilStale(s);
        const reaper = await s.run({ ...ABORT, 'stale-only': 'true' }, LATER_RUN);
        expect(reaper.main.exitCode, reaper.main.stdout).toBe(0);
        expect(reaper.main.outputs.decision).toBe('aborted');
        expectReverted(s);
      } finally {
        await s.stop();
      }
    }, 120_000);
  },
);

/** A canary with a 10 s lease whose runner is lost a second after its first shift (no post). */
async function loseRunnerAtFirstShift(s: Scenario): Promise<void> {
  const runner = new AbortController();
  const armed = armFault(
    world.sim.faults,
    { method: 'PATCH', path: routePath(s.namespace) },
    () => {
      setTimeout(() => runner.abort(), 1_000);
    },
  );
  const lost = await s.run(
    { ...QUICK, lease: '10s', interval: '60s', 'step-timeout': '120s' },
    { loseRunner: runner.signal },
  );
  await armed.expectFired();
  expect(lost.main.lost).toBe(true);
  expect(lost.post).toBeUndefined();
}

function canaryAnnotation(s: Scenario): Record<string, unknown> {
  const canary = world.sim.store.get('deployments', s.namespace, 'web-canary') as
    { metadata: { annotations: Record<string, string> } } | undefined;
  const text = canary?.metadata.annotations['canary.slipway.dev/state'];
  expect(text, 'the canary Deployment and its state').toBeDefined();
  // The lease is renewed while the owner runs; everything else must stay as the owner left it.
  const state = JSON.parse(text as string) as Record<string, unknown>;
  delete state.renewedAt;
  return state;
}

/** Until the lease recorded on the canary has run out (its owner is gone and cannot renew it). */
async function waitUntilStale(s: Scenario): Promise<void> {
  const canary = world.sim.store.get('deployments', s.namespace, 'web-canary') as {
    metadata: { annotations: Record<string, string> };
  };
  const state = JSON.parse(canary.metadata.annotations['canary.slipway.dev/state']) as {
    renewedAt: string;
    leaseSeconds: number;
  };
  const staleAt = Date.parse(state.renewedAt) + state.leaseSeconds * 1_000 + 500;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, staleAt - Date.now())));
}

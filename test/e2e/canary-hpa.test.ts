import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.js';
import {
  ERRORS,
  expectPromoted,
  expectReverted,
  HEALTHY,
  startScenario,
  startWorld,
  type Behaviour,
  type World,
} from './canary-support.js';
import type { TrafficMode } from '../../src/canary/types.js';

const RECOMMENDED = 'kube-sim.slipway.dev/recommended-replicas';

let world: World;

interface Replicas {
  metadata?: { annotations?: Record<string, string> };
  spec: { replicas?: number };
}

interface HpaObject {
  metadata: { annotations?: Record<string, string> };
  spec: { minReplicas?: number; maxReplicas: number };
}

/**
 * Stable at 4 replicas with an HPA (min 1, max 10) whose load recommends 4 until the canary has
 * taken traffic; then the load moves to the canary and the HPA's metrics recommend 1. Stable's and the
 * canary's replicas are sampled all along the run.
 */
async function runWithHpa(mode: TrafficMode, canary: Behaviour) {
  const scenario = await startScenario(world, mode, canary);
  const { namespace } = scenario;
  const store = world.sim.store;
  try {
    const scaled = await world.kubectl(['scale', 'deployment/web', '--replicas=4'], namespace);
    expect(scaled.code, scaled.stderr).toBe(0);
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace, annotations: { [RECOMMENDED]: '4' } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
          },
        ],
      },
    };
    store.create('horizontalpodautoscalers', hpa);
    const rolled = await world.kubectl(
      ['rollout', 'status', 'deployment/web', '--timeout=20s'],
      namespace,
    );
    expect(rolled.code, rolled.stderr).toBe(0);

    const stableSeen: number[] = [];
    const canarySeen: number[] = [];
    const minSeen: number[] = [];
    let loadMoved = false;
    const sampler = setInterval(() => {
      const stable = store.get('deployments', namespace, 'web') as Replicas | undefined;
      const canaryDeployment = store.get('deployments', namespace, 'web-canary') as
        Replicas | undefined;
      const min = (store.get('horizontalpodautoscalers', namespace, 'web') as HpaObject).spec
        .minReplicas;
      if (min !== minSeen.at(-1)) minSeen.push(min ?? 1);
      // Until the HPA is given back (after all traffic is back on stable) stable must stay up;
      // from then on the HPA follows its load again, as it should.
      const released = minSeen.length > 1 && min === 1;
      if (stable && !released) stableSeen.push(stable.spec.replicas ?? 1);
      if (!canaryDeployment) return;
      canarySeen.push(canaryDeployment.spec.replicas ?? 1);
      // The load moves once the canary has taken traffic (its recorded weight is above 0).
      const state = canaryDeployment.metadata?.annotations?.['canary.slipway.dev/state'];
      if (loadMoved || !state || (JSON.parse(state) as { weight: number }).weight === 0) return;
      const live = store.get('horizontalpodautoscalers', namespace, 'web') as HpaObject;
      live.metadata.annotations = { ...live.metadata.annotations, [RECOMMENDED]: '1' };
      store.update('horizontalpodautoscalers', live);
      loadMoved = true;
    }, 50);
    let run;
    try {
      run = await scenario.run();
    } finally {
      clearInterval(sampler);
    }
    const after = store.get('horizontalpodautoscalers', namespace, 'web') as HpaObject;
    return { scenario, run, stableSeen, canarySeen, minSeen, loadMoved, hpaAfter: after };
  } finally {
    await scenario.stop();
  }
}

describeWithTool(
  { program: 'prometheus', debianPackage: 'prometheus', versionArgs: ['--version'] },
  "canary bundle: stable's HorizontalPodAutoscaler is held during the canary",
  () => {
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(async () => {
      await world?.stop();
    });

    it('promote (gateway-api): stable never shrinks below 4, the canary is sized for its weight, the HPA gets minReplicas 1 back', async () => {
      const { scenario, run, stableSeen, canarySeen, minSeen, loadMoved, hpaAfter } =
        await runWithHpa('gateway-api', HEALTHY);
      expect(run.main.exitCode, run.main.stdout).toBe(0);
      expect(run.main.outputs.decision).toBe('promoted');
      expect(loadMoved).toBe(true);
      expect(stableSeen.length).toBeGreaterThan(10);
      expect(Math.min(...stableSeen)).toBeGreaterThanOrEqual(4);
      // Held at stable's 4 replicas from before the canary, then given back.
      expect(minSeen).toEqual([1, 4, 1]);
      // 20% → 1 pod, 50% → 2, 100% → 4: never more than stable has.
      expect(Math.max(...canarySeen)).toBe(4);
      expect(canarySeen).toContain(2);
      expect(hpaAfter.spec).toMatchObject({ minReplicas: 1, maxReplicas: 10 });
      const { notes } = JSON.parse(run.main.outputs.result) as { notes: string[] };
      expect(notes).toContain(
        "Stable's HPA web was held at minReplicas 4 during the canary, and restored to minReplicas 1.",
      );
      expect(run.main.summary).toContain('Notes (2)');
      expectPromoted(scenario);
      // Once released, the HPA follows its load again: proof it was the hold that kept stable up.
      await world.sim.settle();
      const stable = world.sim.store.get('deployments', scenario.namespace, 'web') as Replicas;
      expect(stable.spec.replicas).toBe(1);
    }, 150_000);

    it('abort (replicas): all traffic goes back to 4 stable pods, and the HPA gets minReplicas 1 back', async () => {
      const { scenario, run, stableSeen, canarySeen, minSeen, loadMoved, hpaAfter } =
        await runWithHpa('replicas', ERRORS);
      expect(run.main.exitCode).toBe(1);
      expect(run.main.outputs.decision).toBe('aborted');
      expect(loadMoved).toBe(true);
      expect(Math.min(...stableSeen)).toBeGreaterThanOrEqual(4);
      // Held at stable's 4 replicas from before the canary, then given back.
      expect(minSeen).toEqual([1, 4, 1]);
      expect(Math.max(...canarySeen)).toBeLessThanOrEqual(4);
      expect(hpaAfter.spec).toMatchObject({ minReplicas: 1, maxReplicas: 10 });
      const result = JSON.parse(run.main.outputs.result) as {
        cleanup: { stableHealthy: boolean; leftoverObjects: string[] };
        notes: string[];
      };
      expect(result.cleanup).toMatchObject({ stableHealthy: true, leftoverObjects: [] });
      expect(result.notes).toContain(
        "Stable's HPA web was held at minReplicas 4 during the canary, and restored to minReplicas 1.",
      );
      expectReverted(scenario);
    }, 150_000);
  },
);

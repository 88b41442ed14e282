import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExecError } from '../../../src/core/exec.js';
import { untilRecovered } from '../../../src/core/kube-recovery.js';
import type { Kubectl } from '../../../src/core/kubectl.js';
import {
  findStableHpas,
  holdStableHpas,
  planHold,
  planStableHolds,
  restoreStableHpas,
} from '../../../src/canary/cluster/hpa.js';
import { describeWithTool } from '../../support/tools.js';
import {
  given,
  KUBECTL_TOOL,
  namespaceIn,
  stableDeployment,
  startClusterSim,
  type ClusterSim,
} from './cluster-sim.js';

function hpaView(minReplicas: number | undefined, maxReplicas: number) {
  return {
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      ...(minReplicas === undefined ? {} : { minReplicas }),
      maxReplicas,
    },
  };
}

it.each([
  { min: 1, max: 10, stable: 4, heldMin: 4, heldMax: 10 },
  { min: undefined, max: 10, stable: 3, heldMin: 3, heldMax: 10 },
  { min: 6, max: 10, stable: 4, heldMin: 6, heldMax: 10 },
  { min: 2, max: 5, stable: 8, heldMin: 8, heldMax: 8 },
])(
  'HPA min $min max $max, stable at $stable: held at min $heldMin max $heldMax, never lowered',
  (row) => {
    expect(planHold(hpaView(row.min, row.max), row.stable)).toEqual({
      name: 'web',
      minReplicas: row.min ?? 1,
      maxReplicas: row.max,
      heldMinReplicas: row.heldMin,
      heldMaxReplicas: row.heldMax,
    });
  },
);

it('takes a cluster without autoscaling/v2 (404) as one without HPAs, a 403 as HPAs it cannot see, and other errors as errors', async () => {
  const failing = (stderr: string) =>
    ({
      getRaw: () =>
        Promise.reject(
          new ExecError({
            commandLine: 'kubectl get --raw',
            exitCode: 1,
            signal: null,
            stdout: '',
            stderr,
            stdoutTruncated: false,
            timedOut: false,
            durationMs: 10,
          }),
        ),
    }) as unknown as Kubectl;
  const notFound = 'Error from server (NotFound): the server could not find the requested resource';
  expect(await findStableHpas(failing(notFound), 'default', 'web')).toEqual([]);
  const forbidden =
    'Error from server (Forbidden): horizontalpodautoscalers.autoscaling is forbidden: User "ci" cannot list resource';
  expect(await findStableHpas(failing(forbidden), 'default', 'web')).toBe('forbidden');
  // The canary goes on without a hold, and says so with the permission that would allow one.
  const plan = await planStableHolds(failing(forbidden), 'shop', 'web', 3);
  expect(plan.holds).toEqual([]);
  expect(plan.unseen).toContain('may not list HorizontalPodAutoscalers in namespace shop');
  expect(plan.unseen).toContain('get, list and patch on horizontalpodautoscalers');
  const unavailable = 'Error from server (ServiceUnavailable): the server is currently unable';
  await expect(findStableHpas(failing(unavailable), 'default', 'web')).rejects.toThrow(
    /ServiceUnavailable/,
  );
});

let cluster: ClusterSim;

describeWithTool(KUBECTL_TOOL, "holding stable's HPA against kube-sim", () => {
  beforeAll(async () => {
    cluster = await startClusterSim();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  function hpa(name: string, target: string, spec: object, recommended?: number) {
    return {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name,
        ...(recommended === undefined
          ? {}
          : {
              annotations: {
                'kube-sim.slipway.dev/recommended-replicas': String(recommended),
              },
            }),
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
        ...spec,
      },
    };
  }

  async function bounds(kubectl: Kubectl, name = 'web') {
    const view = await kubectl.json<{ spec: { minReplicas: number; maxReplicas: number } }>([
      'get',
      `horizontalpodautoscalers.v2.autoscaling/${name}`,
    ]);
    return { minReplicas: view.spec.minReplicas, maxReplicas: view.spec.maxReplicas };
  }

  async function stableReplicas(kubectl: Kubectl): Promise<number> {
    await cluster.sim.settle();
    const view = await kubectl.json<{ spec: { replicas: number } }>(['get', 'deployment/web']);
    return view.spec.replicas;
  }

  it('keeps stable at its replicas while the load would shrink it, then puts the HPA back', async () => {
    const { namespace, kubectl } = await namespaceIn(cluster, 'hpa-hold');
    await given(kubectl, [
      stableDeployment({ trackStable: false, replicas: 4 }),
      hpa('web', 'web', { maxReplicas: 10 }),
      hpa('other', 'api', { minReplicas: 1, maxReplicas: 3 }),
    ]);
    const { holds } = await planStableHolds(kubectl, namespace, 'web', 4);
    expect(holds.map((hold) => hold.name)).toEqual(['web']);

    expect(await holdStableHpas(kubectl, holds)).toEqual([
      "Stable's HPA web is held at minReplicas 4 (was 1) during the canary, so stable cannot shrink while traffic moves to the canary.",
    ]);
    expect(await bounds(kubectl)).toEqual({ minReplicas: 4, maxReplicas: 10 });
    // The canary takes traffic: the HPA's metrics now recommend one pod.
    await kubectl.annotate('horizontalpodautoscalers.v2.autoscaling/web', {
      'kube-sim.slipway.dev/recommended-replicas': '1',
    });
    expect(await stableReplicas(kubectl)).toBe(4);
    // Holding again (a retried begin) changes nothing.
    await holdStableHpas(kubectl, holds);
    expect(await bounds(kubectl)).toEqual({ minReplicas: 4, maxReplicas: 10 });

    // An API fault on the way back is retried; the restore is safe to repeat.
    cluster.sim.faults.failNext(2, 503);
    const notes = await untilRecovered('Restoring', () => restoreStableHpas(kubectl, holds), {
      deadlineAt: Date.now() + 20_000,
      baseDelayMs: 50,
    });
    expect(notes).toEqual([
      "Stable's HPA web was held at minReplicas 4 during the canary, and restored to minReplicas 1.",
    ]);
    expect(await restoreStableHpas(kubectl, holds)).toEqual(notes);
    expect(await bounds(kubectl)).toEqual({ minReplicas: 1, maxReplicas: 10 });
    expect(await stableReplicas(kubectl)).toBe(1);
  });

  it('raises maxReplicas only when it must, and keeps a change someone made meanwhile', async () => {
    const { namespace, kubectl } = await namespaceIn(cluster, 'hpa-max');
    await given(kubectl, [
      stableDeployment({ trackStable: false, replicas: 6 }),
      hpa('web', 'web', { minReplicas: 2, maxReplicas: 6 }),
    ]);
    const { holds } = await planStableHolds(kubectl, namespace, 'web', 6);
    await holdStableHpas(kubectl, holds);
    expect(await bounds(kubectl)).toEqual({ minReplicas: 6, maxReplicas: 6 });
    await kubectl.patch('horizontalpodautoscalers.v2.autoscaling/web', 'merge', {
      spec: { minReplicas: 3 },
    });
    const notes = await restoreStableHpas(kubectl, holds);
    expect(notes[0]).toContain('restored to minReplicas 3 (changed by someone else meanwhile)');
    expect(await bounds(kubectl)).toEqual({ minReplicas: 3, maxReplicas: 6 });
  });

  it('has nothing to hold without an HPA, and nothing to restore once the HPA is gone', async () => {
    const { namespace, kubectl } = await namespaceIn(cluster, 'hpa-none');
    await given(kubectl, [stableDeployment({ trackStable: false, replicas: 2 })]);
    expect(await planStableHolds(kubectl, namespace, 'web', 2)).toEqual({
      holds: [],
      unseen: undefined,
    });
    await given(kubectl, [hpa('web', 'web', { minReplicas: 1, maxReplicas: 4 })]);
    const { holds } = await planStableHolds(kubectl, namespace, 'web', 2);
    await holdStableHpas(kubectl, holds);
    await kubectl.deleteIfExists(['horizontalpodautoscalers.v2.autoscaling/web']);
    expect(await restoreStableHpas(kubectl, holds)).toEqual([
      "Stable's HPA web was held at minReplicas 2 during the canary; it no longer exists, so there was nothing to restore.",
    ]);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { describeWithTool } from '../../support/tools.js';
import { KUBECTL, runKubectl, type KubectlResult } from '../../support/kube-sim.js';

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-sim-hpa-'));
  sim = await startKubeSim({
    config: { behaviours: [{ image: 'app:*', 'ready-after': '100ms' }] },
    kubeconfigPath: join(dir, 'kubeconfig'),
  });
});

afterEach(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<KubectlResult> {
  return runKubectl(dir, args);
}

async function apply(yaml: string): Promise<void> {
  const file = join(dir, `m-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml);
  const result = await kubectl('apply', '-f', file);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 4
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: "app:1" }]
`;

function hpa(spec: string, annotations = ''): string {
  return `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web${annotations}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
  behavior: { scaleDown: { stabilizationWindowSeconds: 0 } }${spec}
`;
}

async function replicas(): Promise<number> {
  await sim.settle();
  const result = await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}');
  return Number(result.stdout);
}

interface HpaView {
  spec: { minReplicas: number; maxReplicas: number };
  status: {
    currentReplicas: number;
    desiredReplicas: number;
    lastScaleTime?: string;
    conditions: Array<{ type: string; status: string; reason: string }>;
  };
}

async function readHpa(): Promise<HpaView> {
  await sim.settle();
  const result = await kubectl('get', 'hpa', 'web', '-o', 'json');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as HpaView;
}

function reasons(view: HpaView): Record<string, string> {
  return Object.fromEntries(view.status.conditions.map((c) => [c.type, `${c.status} ${c.reason}`]));
}

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'kube-sim HorizontalPodAutoscaler',
  () => {
    it('scales its target to the recommendation within min and max, and follows kubectl patch', async () => {
      await apply(DEPLOYMENT);
      await apply(hpa('', '\n  annotations: { kube-sim.slipway.dev/recommended-replicas: "1" }'));
      const listed = await kubectl('get', 'hpa');
      expect(listed.stdout).toMatch(/^web\s/m);

      // minReplicas defaults to 1, so the recommendation of 1 shrinks the Deployment to 1.
      expect(await replicas()).toBe(1);
      let view = await readHpa();
      expect(view.spec.minReplicas).toBe(1);
      expect(view.status).toMatchObject({ currentReplicas: 1, desiredReplicas: 1 });
      expect(view.status.lastScaleTime).toBeDefined();
      expect(reasons(view)).toEqual({
        AbleToScale: 'True ReadyForNewScale',
        ScalingActive: 'True ValidMetricFound',
        ScalingLimited: 'False DesiredWithinRange',
      });

      // Raising minReplicas holds the target up although the load would want fewer pods.
      const patched = await kubectl(
        'patch',
        'hpa',
        'web',
        '--type=merge',
        '-p',
        '{"spec":{"minReplicas":4}}',
      );
      expect(patched.code).toBe(0);
      expect(await replicas()).toBe(4);
      view = await readHpa();
      expect(reasons(view).ScalingLimited).toBe('True TooFewReplicas');

      // A recommendation above maxReplicas stops at maxReplicas.
      await kubectl(
        'annotate',
        '--overwrite',
        'hpa',
        'web',
        'kube-sim.slipway.dev/recommended-replicas=25',
      );
      expect(await replicas()).toBe(10);
      view = await readHpa();
      expect(view.status).toMatchObject({ currentReplicas: 10, desiredReplicas: 10 });
      expect(reasons(view).ScalingLimited).toBe('True TooManyReplicas');

      const events = await kubectl('get', 'events', '-o', 'jsonpath={.items[*].message}');
      expect(events.stdout).toContain(
        'New size: 10; reason: Current number of replicas above Spec.MaxReplicas',
      );
    });

    it('without a recommendation only clamps the target to min and max', async () => {
      await apply(DEPLOYMENT);
      await apply(hpa('\n  minReplicas: 2'));
      expect(await replicas()).toBe(4);
      let view = await readHpa();
      expect(reasons(view).ScalingActive).toBe('False FailedGetResourceMetric');
      expect(view.status.lastScaleTime).toBeUndefined();

      await kubectl('patch', 'hpa', 'web', '--type=merge', '-p', '{"spec":{"maxReplicas":3}}');
      expect(await replicas()).toBe(3);
      view = await readHpa();
      expect(view.status).toMatchObject({ currentReplicas: 3, desiredReplicas: 3 });
    });

    it('reports a target it cannot find, and leaves a target scaled to zero alone', async () => {
      await apply(hpa('', '\n  annotations: { kube-sim.slipway.dev/recommended-replicas: "3" }'));
      let view = await readHpa();
      expect(reasons(view)).toEqual({ AbleToScale: 'False FailedGetScale' });

      await apply(DEPLOYMENT);
      expect(await replicas()).toBe(3);
      await kubectl('scale', 'deployment', 'web', '--replicas=0');
      expect(await replicas()).toBe(0);
      view = await readHpa();
      expect(reasons(view).ScalingActive).toBe('False ScalingDisabled');
    });
  },
);

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { Kubectl } from '../../src/core/kubectl.js';
import { rollBack, snapshot, waitAll, type WorkloadName } from '../../src/rollout/engine.js';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { describeWithTool } from '../support/tools.js';

const KUBECTL_TOOL = {
  program: '/usr/bin/kubectl',
  debianPackage: 'kubectl',
  versionArgs: ['version', '--client'],
};

const behaviours = [
  { image: 'good:*', 'ready-after': '200ms' },
  { image: 'slow:*', 'ready-after': '1500ms' },
  { image: 'stuck:*', 'never-ready': true },
  { image: 'crash:*', 'crash-loop': true },
  { image: 'missing:*', 'pull-error': true },
];

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let kubectl: Kubectl;
let counter = 0;
let name: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollout-engine-'));
  sim = await startKubeSim({ config: { behaviours }, kubeconfigPath: join(dir, 'kubeconfig') });
  kubectl = new Kubectl({
    kubeconfigPath: join(dir, 'kubeconfig'),
    namespace: 'default',
    cacheDir: join(dir, 'cache'),
    timeoutMs: 30_000,
  });
});

afterAll(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  // Each test has its own workload names, so one simulator serves the whole file.
  name = `app${++counter}`;
});

/** Deployments give up after 2 s unless told otherwise, so that a failure is reported quickly. */
function manifest(
  kind: WorkloadName['kind'],
  workloadName: string,
  image: string,
  progressDeadlineSeconds: number,
): string {
  const extra =
    kind === 'Deployment'
      ? `  progressDeadlineSeconds: ${progressDeadlineSeconds}\n`
      : kind === 'StatefulSet'
        ? `  serviceName: ${workloadName}\n`
        : '';
  const replicas = kind === 'DaemonSet' ? '' : '  replicas: 2\n';
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${workloadName}
spec:
${replicas}${extra}  selector:
    matchLabels: { app: ${workloadName} }
  template:
    metadata:
      labels: { app: ${workloadName} }
    spec:
      containers:
        - name: main
          image: ${image}
`;
}

async function deploy(
  kind: WorkloadName['kind'],
  workloadName: string,
  image: string,
  progressDeadlineSeconds = 2,
) {
  const file = join(dir, `${workloadName}.yaml`);
  await writeFile(file, manifest(kind, workloadName, image, progressDeadlineSeconds));
  await kubectl.apply([file]);
}

/** The simulator has one node, so a DaemonSet runs one pod. */
const READY_WHEN_DONE = { Deployment: 2, StatefulSet: 2, DaemonSet: 1 } as const;
const SPEC_REPLICAS = { Deployment: 2, StatefulSet: 2, DaemonSet: undefined } as const;

describeWithTool(KUBECTL_TOOL, 'rollout engine against kube-sim', () => {
  it.each([
    ['Deployment', 1],
    ['StatefulSet', 1],
    ['DaemonSet', 1],
  ] as const)('a good %s waits to done and snapshots revision %i', async (kind, revision) => {
    const workload = { kind, name };
    expect(await snapshot(kubectl, [workload])).toMatchObject([{ exists: false, images: {} }]);
    await deploy(kind, name, 'good:1');
    const [result] = await waitAll(kubectl, [workload], 10_000);
    expect(result).toMatchObject({
      done: true,
      reason: 'rolled-out',
      readyReplicas: READY_WHEN_DONE[kind],
    });
    expect(await snapshot(kubectl, [workload])).toMatchObject([
      { exists: true, revision, images: { main: 'good:1' }, replicas: SPEC_REPLICAS[kind] },
    ]);
  });

  it.each([
    ['Deployment', 'stuck:2', 'progress-deadline-exceeded'],
    ['Deployment', 'crash:2', 'progress-deadline-exceeded'],
    ['Deployment', 'missing:2', 'progress-deadline-exceeded'],
    ['StatefulSet', 'stuck:2', 'timed-out'],
    ['StatefulSet', 'crash:2', 'timed-out'],
    ['StatefulSet', 'missing:2', 'timed-out'],
    ['DaemonSet', 'stuck:2', 'timed-out'],
  ] as const)(
    'a %s with %s fails (%s) and rolls back to the previous revision',
    async (kind, badImage, reason) => {
      const workload = { kind, name };
      await deploy(kind, name, 'good:1');
      expect((await waitAll(kubectl, [workload], 10_000))[0].done).toBe(true);
      const before = await snapshot(kubectl, [workload]);

      await deploy(kind, name, badImage);
      const [failure] = await waitAll(kubectl, [workload], 3_000);
      expect(failure).toMatchObject({ done: false, reason });
      expect(failure.message).not.toBe('');

      const [rolledBack] = await rollBack(kubectl, before, [workload], Date.now() + 10_000);
      expect(rolledBack).toMatchObject({
        outcome: 'rolled-back',
        revision: 1,
        message: 'rolled back to revision 1 (image good:1)',
        wait: { done: true, readyReplicas: READY_WHEN_DONE[kind] },
      });
      const [after] = await snapshot(kubectl, [workload]);
      expect(after.images).toEqual(before[0].images);
      // Going back renumbers the old revision as the newest, as Kubernetes does.
      expect(after.revision).toBe(3);
      if (kind !== 'Deployment') expect(after.revisionName).toBe(before[0].revisionName);
    },
  );

  it('waits for two workloads concurrently', async () => {
    const workloads = [
      { kind: 'Deployment', name: `${name}-a` },
      { kind: 'Deployment', name: `${name}-b` },
    ] as const;
    await Promise.all(
      workloads.map((workload) => deploy(workload.kind, workload.name, 'slow:1', 60)),
    );
    const started = Date.now();
    const results = await waitAll(kubectl, workloads, 10_000);
    const elapsed = Date.now() - started;
    expect(results).toMatchObject([
      { workload: `deployment/${name}-a`, done: true, readyReplicas: 2 },
      { workload: `deployment/${name}-b`, done: true, readyReplicas: 2 },
    ]);
    expect(elapsed).toBeLessThan(results[0].durationMs + results[1].durationMs);
  });

  it('does not undo a workload the deploy created: it is left for the removal of created objects', async () => {
    const workload = { kind: 'Deployment', name } as const;
    const before = await snapshot(kubectl, [workload]);
    await deploy('Deployment', name, 'stuck:1');
    expect((await waitAll(kubectl, [workload], 3_000))[0].done).toBe(false);
    const [result] = await rollBack(kubectl, before, [workload], Date.now() + 5_000);
    expect(result).toMatchObject({ outcome: 'created' });
    expect(result.message).toContain('removed with the objects it created');
    expect(await snapshot(kubectl, [workload])).toMatchObject([
      { exists: true, images: { main: 'stuck:1' } },
    ]);
  });

  it('rolls back only the workloads this run changed', async () => {
    const changed = { kind: 'Deployment', name: `${name}-changed` } as const;
    const untouched = { kind: 'Deployment', name: `${name}-untouched` } as const;
    await deploy('Deployment', changed.name, 'good:1');
    await deploy('Deployment', untouched.name, 'good:1');
    await waitAll(kubectl, [changed, untouched], 10_000);
    const before = await snapshot(kubectl, [changed, untouched]);
    await deploy('Deployment', changed.name, 'stuck:2');
    await deploy('Deployment', untouched.name, 'good:2');
    const results = await rollBack(kubectl, before, [changed], Date.now() + 10_000);
    expect(results.map((result) => result.workload)).toEqual([`deployment/${changed.name}`]);
    expect(await snapshot(kubectl, [untouched])).toMatchObject([{ images: { main: 'good:2' } }]);
  });
});

describeWithTool(KUBECTL_TOOL, 'rollout engine across namespaces', () => {
  it('snapshots, waits for and rolls back each workload in its own namespace', async () => {
    // The same name in two namespaces: only the namespace tells them apart.
    await kubectl.applyObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `${name}-ns` },
    });
    const other = kubectl.inNamespace(`${name}-ns`);
    const file = join(dir, `${name}.yaml`);
    const apply = async (target: Kubectl, image: string) => {
      await writeFile(file, manifest('Deployment', name, image, 2));
      await target.apply([file]);
    };
    await apply(kubectl, 'good:1');
    await apply(other, 'good:1');
    const workloads: WorkloadName[] = [
      { kind: 'Deployment', name, namespace: 'default', qualified: true },
      { kind: 'Deployment', name, namespace: `${name}-ns`, qualified: true },
    ];
    expect((await waitAll(kubectl, workloads, 10_000)).map((w) => w.done)).toEqual([true, true]);
    const before = await snapshot(kubectl, workloads);
    expect(before.map((entry) => entry.ref)).toEqual([
      `default/deployment/${name}`,
      `${name}-ns/deployment/${name}`,
    ]);

    await apply(other, 'stuck:2');
    const waits = await waitAll(kubectl, workloads, 3_000);
    expect(waits.map((wait) => [wait.workload, wait.done])).toEqual([
      [`default/deployment/${name}`, true],
      [`${name}-ns/deployment/${name}`, false],
    ]);
    const [result] = await rollBack(kubectl, before, [workloads[1]], Date.now() + 10_000);
    expect(result).toMatchObject({
      workload: `${name}-ns/deployment/${name}`,
      namespace: `${name}-ns`,
      outcome: 'rolled-back',
      images: { main: 'good:1' },
    });
    const after = await snapshot(kubectl, workloads);
    expect(after.map((entry) => entry.images.main)).toEqual(['good:1', 'good:1']);
    expect(after[1].revision).toBe(3);
  });
});

/**
 * The rollout's half of the fault matrix: the apply, the wait and the rollback each meet one API
 * fault (a 2 s outage, 60 × 500, a 429 storm, dropped watches, or SIGKILL of main, after which the
 * post step runs as the runner runs it). The cluster must end on the new version, ready, or
 * exactly as before, and the summary must say which.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import YAML from 'yaml';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { runKubectl } from '../support/kube-sim.js';
import { runAction, type ActionRun } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import {
  armFault,
  FAULT_NAMES,
  FAULTS,
  type FaultName,
  type RequestMatch,
} from './fault-matrix.js';

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));
const OLD = 'good/app:v1';

/** A cluster of its own for each cell, so that one cell's fault never reaches another's requests. */
interface Cluster {
  sim: Awaited<ReturnType<typeof startKubeSim>>;
  dir: string;
}

interface Phase {
  name: string;
  /** What the step deploys. */
  image: string;
  match(namespace: string): RequestMatch;
  /** The deploy itself fails, so the fault meets the rollback. */
  fails: boolean;
  /** SIGKILL this long after the matching request arrives (0: before it is served). */
  killAfterMs: number;
}

const PHASES: Phase[] = [
  {
    name: 'the apply',
    image: 'good/app:v2',
    // The first PATCH is the server-side dry run; the second is the apply itself.
    match: (ns) => ({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${ns}/deployments/web`,
      skip: 1,
    }),
    fails: false,
    killAfterMs: 300,
  },
  {
    name: 'the wait',
    image: 'slow/app:v2',
    // `kubectl rollout status` lists and watches the Deployments of the namespace.
    match: (ns) => ({ method: 'GET', path: `/apis/apps/v1/namespaces/${ns}/deployments` }),
    fails: false,
    killAfterMs: 300,
  },
  {
    name: 'the rollback',
    image: 'stuck/app:v2',
    // `kubectl rollout undo` reads the ReplicaSets first; nothing else of the step lists them.
    match: (ns) => ({ method: 'GET', path: `/apis/apps/v1/namespaces/${ns}/replicasets` }),
    fails: true,
    killAfterMs: 0,
  },
];

describeWithTool(
  { program: '/usr/bin/kubectl', debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout bundle through API faults',
  () => {
    for (const column of [...FAULT_NAMES, 'SIGKILL'] as const) {
      for (const phase of PHASES) {
        // The cells mostly wait (backoffs, Retry-After, rollouts), so they run side by side.
        it.concurrent(
          `${column} during ${phase.name}: on the new version or exactly as before`,
          async () => {
            const cluster = await startCluster();
            try {
              const namespace = await freshNamespace(cluster);
              const inputs = {
                kubeconfig: cluster.sim.kubeconfig,
                namespace,
                manifests: await manifestFile(cluster, namespace, phase.image),
                timeout: phase.fails ? '4s' : '20s',
              };
              if (column === 'SIGKILL') {
                await killMainThenPost(cluster, namespace, phase, inputs);
              } else {
                await deployThroughFault(cluster, namespace, phase, inputs, column);
              }
            } finally {
              await cluster.sim.stop();
              await rm(cluster.dir, { recursive: true, force: true });
            }
          },
          150_000,
        );
      }
    }
  },
);

describeWithTool(
  { program: '/usr/bin/kubectl', debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout bundle: a rollback the cancellation grace period cannot finish',
  () => {
    it('is finished by the post step once an API outage longer than the grace period ends', async () => {
      const cluster = await startCluster();
      try {
        const namespace = await freshNamespace(cluster);
        const cancel = new AbortController();
        const armed = armFault(cluster.sim.faults, PHASES[1].match(namespace), (faults) => {
          setTimeout(() => {
            faults.outage(12_000);
            cancel.abort();
          }, 500);
        });
        const run = await runAction(ROLLOUT, {
          inputs: {
            kubeconfig: cluster.sim.kubeconfig,
            namespace,
            manifests: await manifestFile(cluster, namespace, 'never/app:v2'),
            timeout: '60s',
          },
          timeoutMs: 120_000,
          signal: cancel.signal,
        });
        await armed.expectFired();
        expect(run.main.cancelled).toBe(true);
        expect(run.main.summary).toMatch(/the post step continues it/);
        expect(run.post?.exitCode, run.post?.stdout).toBe(0);
        expect(run.post?.summary).toMatch(/Post step: The rollback finished in \d/);
        await expectWeb(cluster, namespace, OLD);
      } finally {
        await cluster.sim.stop();
        await rm(cluster.dir, { recursive: true, force: true });
      }
    }, 120_000);
  },
);

async function startCluster(): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-rollout-faults-'));
  const sim = await startKubeSim({
    kubeconfigPath: join(dir, 'kubeconfig'),
    config: {
      behaviours: [
        { image: 'good/app:*', 'ready-after': '200ms' },
        { image: 'slow/app:*', 'ready-after': '2s' },
        { image: 'stuck/app:*', 'never-ready': true },
        { image: 'never/app:*', 'ready-after': '10m' },
      ],
    },
  });
  return { sim, dir };
}

async function deployThroughFault(
  { sim, dir }: Cluster,
  namespace: string,
  phase: Phase,
  inputs: Record<string, string>,
  fault: FaultName,
): Promise<void> {
  const armed = armFault(sim.faults, phase.match(namespace), FAULTS[fault]);
  const run = await runAction(ROLLOUT, { inputs, timeoutMs: 120_000 });
  await armed.expectFired();
  // The deploy goes through (the happy path held) or is rolled back: never anything between.
  if (run.main.outputs.status === 'succeeded' && !phase.fails) {
    expect(verdict(run)).toMatch(/Deployed/);
    await expectWeb({ sim, dir }, namespace, phase.image);
  } else if (run.main.outputs.status === 'failed' && !phase.fails) {
    // The fault outlasted the apply's retries before any change landed: only the workloads the
    // deploy really changed are rolled back, so there is nothing to undo and it failed as it was.
    expect(verdict(run)).toMatch(/Failed: the deploy did not go through/);
    expect(JSON.parse(run.main.outputs.result).rollback).toEqual([]);
    await expectWeb({ sim, dir }, namespace, OLD);
  } else {
    expect(run.main.outputs.status, run.main.stdout).toBe('rolled-back');
    expect(verdict(run)).toMatch(/Rolled back deployment\/web to revision 1/);
    expect(run.main.summary).toMatch(/The rollback finished in \d/);
    await expectWeb({ sim, dir }, namespace, OLD);
  }
  expect(JSON.parse(run.main.outputs.result)).toMatchObject({ status: run.main.outputs.status });
}

/** Main dies mid-phase (the OOM killer, say); the post step finishes the rollback. */
async function killMainThenPost(
  { sim, dir }: Cluster,
  namespace: string,
  phase: Phase,
  inputs: Record<string, string>,
): Promise<void> {
  const kill = new AbortController();
  const armed = armFault(sim.faults, phase.match(namespace), () => {
    setTimeout(() => kill.abort(), phase.killAfterMs);
  });
  const run = await runAction(ROLLOUT, { inputs, timeoutMs: 120_000, killMain: kill.signal });
  await armed.expectFired();
  expect(run.main.killed).toBe(true);
  expect(run.post?.exitCode, run.post?.stdout).toBe(0);
  expect(run.post?.summary, run.post?.stdout).toMatch(/Post step: The rollback finished in \d/);
  await expectWeb({ sim, dir }, namespace, OLD);
}

function verdict(run: ActionRun): string {
  return run.main.summary.split('\n').find((line) => line.trim() !== '') ?? '';
}

async function expectWeb({ sim, dir }: Cluster, namespace: string, image: string): Promise<void> {
  const status = await runKubectl(
    dir,
    ['rollout', 'status', 'deployment/web', '--timeout=20s'],
    namespace,
  );
  expect(status.code, status.stderr).toBe(0);
  const web = sim.store.get('deployments', namespace, 'web') as {
    spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
    status: { readyReplicas?: number; updatedReplicas?: number };
  };
  expect(web.spec.template.spec.containers.map((c) => c.image)).toEqual([image]);
  expect(web.status.readyReplicas).toBe(web.spec.replicas);
  // No pod of the other version is left serving.
  const pods = sim.store.list('pods', namespace) as Array<{
    spec: { containers: Array<{ image: string }> };
  }>;
  expect(new Set(pods.map((pod) => pod.spec.containers[0].image))).toEqual(new Set([image]));
}

async function freshNamespace({ dir }: Cluster): Promise<string> {
  const namespace = 'faults';
  const file = join(dir, `${namespace}-before.yaml`);
  const documents = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    webDeployment(namespace, OLD),
  ];
  await writeFile(file, documents.map((d) => YAML.stringify(d)).join('---\n'));
  const applied = await runKubectl(dir, ['apply', '-f', file], namespace);
  expect(applied.code, applied.stderr).toBe(0);
  const status = await runKubectl(
    dir,
    ['rollout', 'status', 'deployment/web', '--timeout=20s'],
    namespace,
  );
  expect(status.code, status.stderr).toBe(0);
  return namespace;
}

async function manifestFile({ dir }: Cluster, namespace: string, image: string): Promise<string> {
  const file = join(dir, `${namespace}-deploy.yaml`);
  await writeFile(file, YAML.stringify(webDeployment(namespace, image)));
  return file;
}

function webDeployment(namespace: string, image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 2,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image }] },
      },
    },
  };
}

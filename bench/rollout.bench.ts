/**
 * What the rollout action adds to a deploy: for 1 and 5 Deployments on kube-sim (pods ready 2 s
 * after they start), the action's wall time (main and post, image set through manifests) minus
 * the rollout's own duration, measured as the minimal hand-written step: `kubectl apply` of the
 * same manifests and `kubectl rollout status` for each Deployment, concurrently. Alternating.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startKubeSim } from '../tools/kube-sim/server.js';
import { KUBECTL } from '../test/support/kube-sim.js';
import { runAction } from '../test/support/runner.js';
import { writePart, type Figure } from './support/figures.js';
import { median, round } from './support/stats.js';

const ROLLOUT = fileURLToPath(new URL('../actions/rollout', import.meta.url));
const ROUNDS = 3;
const READY_AFTER = '2s';
const run = promisify(execFile);

function deployments(namespace: string, count: number, image: string): string {
  const documents: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  ];
  for (let index = 0; index < count; index += 1) {
    const name = `app-${index}`;
    documents.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
      },
    });
  }
  return documents.map((document) => YAML.stringify(document)).join('---\n');
}

describe('rollout overhead', () => {
  it('times the action against kubectl apply and rollout status, for 1 and 5 workloads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-rollout-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const sim = await startKubeSim({
      config: { behaviours: [{ image: 'bench/app:*', 'ready-after': READY_AFTER }] },
      kubeconfigPath: kubeconfig,
    });
    const kubectl = (...args: string[]) =>
      run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args]);
    let namespaces = 0;
    /** A namespace holding `count` Deployments rolled out at v1; returns its name. */
    const prepare = async (count: number) => {
      const namespace = `bench-${++namespaces}`;
      const file = join(dir, `${namespace}-v1.yaml`);
      await writeFile(file, deployments(namespace, count, 'bench/app:v1'));
      await kubectl('apply', '-f', file);
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          kubectl('rollout', 'status', '-n', namespace, `deployment/app-${i}`, '--timeout=60s'),
        ),
      );
      return namespace;
    };
    const seconds = async (work: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await work();
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    const figures: Figure[] = [];
    try {
      for (const count of [1, 5]) {
        const action: number[] = [];
        const plain: number[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          const forAction = await prepare(count);
          const manifests = join(dir, `${forAction}-v2.yaml`);
          await writeFile(manifests, deployments(forAction, count, 'ghcr.io/acme/app:latest'));
          action.push(
            await seconds(async () => {
              const result = await runAction(ROLLOUT, {
                inputs: {
                  kubeconfig: sim.kubeconfig,
                  namespace: forAction,
                  manifests,
                  images: 'ghcr.io/acme/app=bench/app:v2',
                  timeout: '60s',
                },
                timeoutMs: 120_000,
              });
              expect(result.main.exitCode, result.main.stdout).toBe(0);
            }),
          );
          const forKubectl = await prepare(count);
          const file = join(dir, `${forKubectl}-v2.yaml`);
          await writeFile(file, deployments(forKubectl, count, 'bench/app:v2'));
          plain.push(
            await seconds(async () => {
              await kubectl('apply', '-f', file);
              await Promise.all(
                Array.from({ length: count }, (_, i) =>
                  kubectl(
                    'rollout',
                    'status',
                    '-n',
                    forKubectl,
                    `deployment/app-${i}`,
                    '--timeout=60s',
                  ),
                ),
              );
            }),
          );
        }
        const overhead = median(action) - median(plain);
        figures.push({
          name:
            count === 1
              ? 'rollout.overhead.seconds'
              : `rollout.overhead.seconds.${count}-workloads`,
          value: round(overhead, 2),
          unit: 'seconds',
          comparedWith: `action ${round(median(action), 2)} s − kubectl apply + rollout status ${round(median(plain), 2)} s, ${count} Deployment(s) × 2 pods ready after ${READY_AFTER}`,
        });
      }
    } finally {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    }
    await writePart({ bench: '6-rollout', figures });
  }, 900_000);
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { runAction, type ActionRun } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

/**
 * A failed deploy puts back every object it changed, not only its workloads: a ConfigMap whose
 * new value keeps the pods from getting ready is restored exactly, a changed Service too, and the
 * objects the deploy created are removed — in main after a failure, and by post after main died.
 */

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));
const KUBECTL = '/usr/bin/kubectl';
const SECRET_VALUE = 'db-password-from-the-step';

// The pods read LEVEL from the ConfigMap; kube-sim keeps a pod whose LEVEL is broken unready.
const behaviours = [
  { env: 'LEVEL=broken*', 'never-ready': true },
  { image: 'good/app:*', 'ready-after': '200ms' },
  { image: 'slow/app:*', 'ready-after': '60s' },
];

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let fileCount = 0;

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

const configMap = (level: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config', labels: { app: 'web' } },
  data: { LEVEL: level, MODE: 'production' },
});

const service = (name: string, port: number) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port }] },
});

const secret = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  type: 'Opaque',
  data: { password: Buffer.from(SECRET_VALUE).toString('base64') },
});

/** A Deployment whose pods take LEVEL from the ConfigMap; `release` changes the pod template. */
function deployment(image: string, release: string, progressDeadlineSeconds = 2) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      progressDeadlineSeconds,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { release } },
        spec: {
          containers: [
            {
              name: 'web',
              image,
              env: [
                {
                  name: 'LEVEL',
                  valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LEVEL' } },
                },
              ],
            },
          ],
        },
      },
    },
  };
}

async function writeManifests(documents: object[]): Promise<string> {
  const file = join(dir, `manifests-${++fileCount}.yaml`);
  await writeFile(file, documents.map((document) => YAML.stringify(document)).join('---\n'));
  return file;
}

/** A fresh namespace holding the given objects, its Deployment rolled out. */
async function cluster(namespace: string, documents: object[]): Promise<void> {
  const namespaced = documents.map((document) => ({
    ...document,
    metadata: { ...(document as { metadata: object }).metadata, namespace },
  }));
  const file = await writeManifests([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    ...namespaced,
  ]);
  const applied = await kubectl('apply', '-f', file);
  expect(applied.code, applied.stderr).toBe(0);
  const status = await kubectl(
    'rollout',
    'status',
    '-n',
    namespace,
    'deployment/web',
    '--timeout=20s',
  );
  expect(status.code, status.stderr).toBe(0);
}

/** The parts of an object these tests read. */
interface KubeObject {
  metadata: { uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    ports?: Array<{ port: number }>;
    template?: { spec: { containers: Array<{ image: string }> } };
  };
}

async function getObject(namespace: string, resource: string): Promise<KubeObject | undefined> {
  const result = await kubectl(
    'get',
    '-n',
    namespace,
    resource,
    '--ignore-not-found',
    '-o',
    'json',
  );
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim() ? (JSON.parse(result.stdout) as KubeObject) : undefined;
}

/** What a user compares: the content and the annotations `kubectl apply` diffs against. */
async function meaningful(namespace: string, resource: string) {
  const object = await getObject(namespace, resource);
  return object
    ? {
        data: object.data,
        spec: object.spec,
        labels: object.metadata.labels,
        annotations: object.metadata.annotations,
        uid: object.metadata.uid,
      }
    : undefined;
}

function visibleText(run: ActionRun): string {
  return [run.main, ...(run.post ? [run.post] : [])]
    .flatMap((step) => [
      ...step.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')),
      step.stderr,
      step.summary,
      ...Object.values(step.outputs),
    ])
    .join('\n');
}

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout restores every object a failed deploy changed',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'slipway-rollout-restore-'));
      sim = await startKubeSim({ config: { behaviours }, kubeconfigPath: join(dir, 'kubeconfig') });
    });

    afterAll(async () => {
      await sim?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('a broken ConfigMap value: workload undone, ConfigMap and Service restored exactly, new objects removed, pod log tail shown', async () => {
      const namespace = 'restore';
      await cluster(namespace, [
        configMap('info'),
        service('web', 80),
        deployment('good/app:v1', 'r1'),
      ]);
      const configBefore = await meaningful(namespace, 'configmap/app-config');
      const serviceBefore = await meaningful(namespace, 'service/web');

      const run = await runAction(ROLLOUT, {
        timeoutMs: 120_000,
        inputs: {
          kubeconfig: sim.kubeconfig,
          namespace,
          timeout: '60s',
          manifests: await writeManifests([
            configMap('broken-level'),
            service('web', 8080),
            service('web-admin', 9090),
            secret('web-db'),
            deployment('good/app:v2', 'r2'),
          ]),
        },
      });

      expect(run.main.exitCode, run.main.stdout).toBe(1);
      expect(run.main.outputs.status).toBe('rolled-back');
      expect(await meaningful(namespace, 'configmap/app-config')).toEqual(configBefore);
      expect(await meaningful(namespace, 'service/web')).toEqual(serviceBefore);
      expect(await getObject(namespace, 'service/web-admin')).toBeUndefined();
      expect(await getObject(namespace, 'secret/web-db')).toBeUndefined();
      const web = await getObject(namespace, 'deployment/web');
      expect(web?.spec?.template?.spec.containers[0].image).toBe('good/app:v1');

      const result = JSON.parse(run.main.outputs.result) as {
        restored: Array<{ object: string; outcome: string; verified: boolean }>;
      };
      expect(
        result.restored.map(({ object, outcome, verified }) => [object, outcome, verified]),
      ).toEqual([
        ['ConfigMap/app-config', 'restored', true],
        ['Service/web', 'restored', true],
        ['Service/web-admin', 'removed', true],
        ['Secret/web-db', 'removed', true],
      ]);
      const summary = run.main.summary;
      expect(summary).toContain('<h4>Objects restored</h4>');
      expect(summary).toMatch(
        /<code>restore\/ConfigMap\/app-config<\/code><\/td><td>restored<\/td><td>✅/,
      );
      expect(summary).toMatch(/<details><summary>Log tail of pod web-[a-z0-9-]+<\/summary>/);
      // Secret contents never reach what people and later steps see.
      const visible = visibleText(run);
      expect(visible).not.toContain(SECRET_VALUE);
      expect(visible).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
      expect(run.post?.exitCode).toBe(0);
    });

    it('a failed first deploy removes everything it created', async () => {
      const namespace = 'first-restore';
      const created = await kubectl(
        'apply',
        '-f',
        await writeManifests([
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        ]),
      );
      expect(created.code, created.stderr).toBe(0);

      const run = await runAction(ROLLOUT, {
        timeoutMs: 120_000,
        inputs: {
          kubeconfig: sim.kubeconfig,
          namespace,
          timeout: '60s',
          manifests: await writeManifests([
            configMap('broken-level'),
            deployment('good/app:v1', 'r1'),
          ]),
        },
      });

      expect(run.main.exitCode).toBe(1);
      expect(run.main.outputs.status).toBe('rolled-back');
      expect(await getObject(namespace, 'deployment/web')).toBeUndefined();
      expect(await getObject(namespace, 'configmap/app-config')).toBeUndefined();
      expect(run.main.summary).toMatch(
        /<code>first-restore\/Deployment\/web<\/code><\/td><td>removed/,
      );
    });

    it('main killed mid-deploy: post restores the ConfigMap and removes what main created', async () => {
      const namespace = 'restore-killed';
      await cluster(namespace, [configMap('info'), deployment('good/app:v1', 'r1', 600)]);
      const configBefore = await meaningful(namespace, 'configmap/app-config');

      const kill = new AbortController();
      // Killed once the change is in the cluster and main waits for the slow pods.
      const watcher = (async () => {
        for (let tries = 0; tries < 200 && !kill.signal.aborted; tries++) {
          const config = await getObject(namespace, 'configmap/app-config');
          if (config?.data?.LEVEL === 'debug') {
            await new Promise((resolve) => setTimeout(resolve, 3_000));
            kill.abort();
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const run = await runAction(ROLLOUT, {
        timeoutMs: 120_000,
        killMain: kill.signal,
        inputs: {
          kubeconfig: sim.kubeconfig,
          namespace,
          timeout: '90s',
          manifests: await writeManifests([
            configMap('debug'),
            service('web-admin', 9090),
            deployment('slow/app:v2', 'r2', 600),
          ]),
        },
      });
      kill.abort();
      await watcher;

      expect(run.main.killed).toBe(true);
      expect(run.post?.exitCode).toBe(0);
      expect(run.post?.summary).toContain('Objects restored');
      expect(await meaningful(namespace, 'configmap/app-config')).toEqual(configBefore);
      expect(await getObject(namespace, 'service/web-admin')).toBeUndefined();
      const web = await getObject(namespace, 'deployment/web');
      expect(web?.spec?.template?.spec.containers[0].image).toBe('good/app:v1');
    });
  },
);

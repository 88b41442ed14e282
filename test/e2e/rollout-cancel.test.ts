/**
 * The rollout bundle cancelled at awkward moments (before anything changed; just as a Job
 * finishes), workloads the apply left unchanged, Secret values in pod logs, and a dry run of
 * manifests that create their own namespace.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { KUBECTL, kubeAt, type Kube } from '../support/kube.js';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

const ROLLOUT = fileURLToPath(new URL('../../actions/rollout', import.meta.url));

const behaviours = [
  { image: 'good/*', 'ready-after': '200ms' },
  { image: 'broken/*', 'crash-loop': true },
];

let sim: Awaited<ReturnType<typeof startKubeSim>>;
let dir: string;
let kube: Kube;

function deployment(
  name: string,
  image: string,
  extra: { namespace?: string; env?: object[] } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(extra.namespace ? { namespace: extra.namespace } : {}) },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image, ...(extra.env ? { env: extra.env } : {}) }] },
      },
    },
  };
}

const job = (name: string, image: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: {
    backoffLimit: 0,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } },
  },
});

const configMap = (name: string, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data: { GREETING: 'hello' },
});

async function deploy(namespace: string | undefined, documents: object[], options = {}) {
  return runAction(ROLLOUT, {
    timeoutMs: 90_000,
    ...options,
    inputs: {
      kubeconfig: sim.kubeconfig,
      ...(namespace ? { namespace } : {}),
      timeout: '30s',
      'recovery-timeout': '40s',
      manifests: await kube.writeManifests(documents),
    },
  });
}

async function imageOf(namespace: string, name = 'web'): Promise<string> {
  const web = await kube.getJson<{
    spec: { template: { spec: { containers: Array<{ image: string }> } } };
  }>(namespace, `deployment/${name}`);
  return web.spec.template.spec.containers[0].image;
}

/** The job summary's verdicts: one per report written. */
const verdicts = (summary: string) => summary.match(/<h3>/g) ?? [];

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'rollout bundle: cancellations, unchanged workloads, Secret values, new namespaces',
  () => {
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'slipway-rollout-cancel-'));
      sim = await startKubeSim({ config: { behaviours }, kubeconfigPath: join(dir, 'kubeconfig') });
      kube = kubeAt(dir);
    });

    afterAll(async () => {
      await sim?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('cancelled as a quick Job runs: nothing is applied after the rollback, one verdict', async () => {
      const namespace = 'race';
      await kube.createNamespace(namespace);
      const base = await deploy(namespace, [deployment('web', 'good/web:v1')]);
      expect(base.main.exitCode, base.main.stdout).toBe(0);

      const cancel = new AbortController();
      // Cancelled the moment the Job is created: it completes ~200 ms later, while the handler
      // rolls back, and the deploy must not go on to apply the new Deployment then.
      // (The first POST is the dry run's.)
      const trigger = sim.faults.when({ method: 'POST', path: /\/jobs$/, skip: 1 }, () =>
        cancel.abort(),
      );
      const run = await deploy(
        namespace,
        [
          configMap('new-config'),
          job('migrate', 'good/migrate:v2'),
          deployment('web', 'good/web:v2'),
        ],
        { signal: cancel.signal },
      );
      trigger.cancel();

      expect(run.main.cancelled).toBe(true);
      expect(run.main.exitCode).toBe(1);
      expect(verdicts(run.main.summary), run.main.summary).toHaveLength(1);
      expect(run.main.summary).toContain('cancelled during the rollout');
      expect(run.main.summary).not.toContain('Deployed');
      expect(JSON.parse(run.main.outputs.result).status).toBe('rolled-back');
      expect(run.post?.exitCode).toBe(0);
      // Whatever the deploy had in flight landed before the rollback, and nothing after it.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await imageOf(namespace)).toBe('good/web:v1');
      expect(await kube.getObject(namespace, 'configmap/new-config')).toBeUndefined();
    });

    it('cancelled before anything changed: says so, with a summary and a result', async () => {
      const namespace = 'early';
      await kube.createNamespace(namespace);
      const base = await deploy(namespace, [deployment('web', 'good/web:v1')]);
      expect(base.main.exitCode, base.main.stdout).toBe(0);

      const cancel = new AbortController();
      // Cancelled while the snapshot reads the Deployment, before the deploy changed anything.
      sim.faults.delay(500);
      const trigger = sim.faults.when(
        { method: 'GET', path: `/apis/apps/v1/namespaces/${namespace}/deployments/web` },
        () => cancel.abort(),
      );
      try {
        const run = await deploy(namespace, [deployment('web', 'good/web:v2')], {
          signal: cancel.signal,
        });
        expect(run.main.cancelled).toBe(true);
        expect(run.main.signal).toBeNull();
        expect(run.main.exitCode).toBe(1);
        const result = JSON.parse(run.main.outputs.result);
        expect(result).toMatchObject({
          status: 'failed',
          rolledBack: false,
          changed: false,
          failure: 'the run was cancelled before anything changed',
        });
        expect(verdicts(run.main.summary)).toHaveLength(1);
        expect(run.main.summary).toContain('Cancelled before anything changed');
        expect(run.post?.exitCode).toBe(0);
      } finally {
        trigger.cancel();
        sim.faults.reset();
      }
      expect(await imageOf(namespace)).toBe('good/web:v1');
    });

    it('rolls back and reports only the workloads the deploy changed', async () => {
      const namespace = 'partly';
      await kube.createNamespace(namespace);
      const base = await deploy(namespace, [
        deployment('web', 'good/web:v1'),
        deployment('api', 'good/api:v1'),
      ]);
      expect(base.main.exitCode, base.main.stdout).toBe(0);

      const run = await deploy(namespace, [
        deployment('web', 'broken/web:v2'),
        deployment('api', 'good/api:v1'),
      ]);
      expect(run.main.exitCode).toBe(1);
      const result = JSON.parse(run.main.outputs.result) as {
        status: string;
        rollback: Array<{ workload: string; outcome: string }>;
      };
      expect(result.status).toBe('rolled-back');
      expect(result.rollback.map(({ workload }) => workload)).toEqual(['deployment/web']);
      expect(run.main.summary).not.toMatch(/<code>deployment\/api<\/code><\/td><td>rolled-back/);
      expect(await imageOf(namespace, 'web')).toBe('good/web:v1');
      expect(await imageOf(namespace, 'api')).toBe('good/api:v1');
    });

    it("masks the deployed Secrets' values in pod log tails", async () => {
      const namespace = 'secrets';
      const password = 'Sup3r-s3cret-db-passw0rd';
      await kube.createNamespace(namespace);
      const secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db' },
        type: 'Opaque',
        stringData: { password },
      };
      const env = [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }];
      const base = await deploy(namespace, [secret, deployment('api', 'good/api:v1', { env })]);
      expect(base.main.exitCode, base.main.stdout).toBe(0);

      // Every new pod prints the password, as a misconfigured app might when it fails to connect.
      let stop = false;
      const seen = new Set<string>();
      const printer = (async () => {
        while (!stop) {
          const pods = await kube.getJson<{ items: Array<{ metadata: { name: string } }> }>(
            namespace,
            'pods',
          );
          for (const pod of pods.items) {
            if (seen.has(pod.metadata.name)) continue;
            seen.add(pod.metadata.name);
            sim.store.appendPodLog(namespace, pod.metadata.name, `connecting with ${password}\n`);
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      const run = await deploy(namespace, [secret, deployment('api', 'broken/api:v2', { env })]);
      stop = true;
      await printer;

      expect(run.main.exitCode).toBe(1);
      expect(run.main.summary).toContain('connecting with ***');
      expect(run.main.summary).not.toContain(password);
      expect(run.main.log).not.toContain(password);
    });

    it('dry-runs manifests that create their own namespace, and says what it could not check', async () => {
      const namespace = 'brand-new';
      const run = await deploy(undefined, [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        configMap('web-config', namespace),
        deployment('web', 'good/web:v1', { namespace }),
      ]);
      expect(run.main.exitCode, run.main.stdout).toBe(0);
      const notices = run.main.annotations.filter(({ level }) => level === 'notice');
      expect(notices.map(({ message }) => message).join('\n')).toContain(
        `checked the new namespace(s) ${namespace} but not the objects in them`,
      );
      expect(await imageOf(namespace)).toBe('good/web:v1');
    });
  },
);

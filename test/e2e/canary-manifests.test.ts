/**
 * A canary of the whole release: the change is an env var, a new ConfigMap value and a sidecar,
 * not an image. It is judged over the steps from manifests and promoted by applying them; an
 * abort leaves stable and its ConfigMap exactly as they were.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { yamlDocuments } from '../support/kube.js';
import { describeWithTool } from '../support/tools.js';
import {
  canaryObjects,
  ERRORS,
  HEALTHY,
  STABLE_IMAGE,
  startScenario,
  startWorld,
  verdict,
  type Behaviour,
  type Scenario,
  type World,
} from './canary-support.js';

let world: World;

const SIDECAR_IMAGE = 'demo/web:proxy-1';

interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
}

/** The release as a team keeps it in git: the Deployment and the ConfigMap it reads. */
function release(options: { greeting: string; feature?: string; sidecar?: boolean }): object[] {
  const containers: Container[] = [
    {
      name: 'app',
      image: STABLE_IMAGE,
      envFrom: [{ configMapRef: { name: 'web-config' } }],
      ...(options.feature ? { env: [{ name: 'FEATURE_SEARCH', value: options.feature }] } : {}),
    },
  ];
  if (options.sidecar) containers.push({ name: 'proxy', image: SIDECAR_IMAGE });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web', track: 'stable' } }, spec: { containers } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config' },
      data: { GREETING: options.greeting },
    },
  ];
}

const OLD = { greeting: 'hello' };
const NEW = { greeting: 'hi there', feature: 'on', sidecar: true };

async function writeRelease(dir: string, objects: object[]): Promise<void> {
  await mkdir(join(dir, 'k8s'), { recursive: true });
  await writeFile(join(dir, 'k8s', 'web.yaml'), yamlDocuments(objects));
}

/** The scenario's stable, first deployed from the old release (so it reads web-config). */
async function releaseScenario(canary: Behaviour): Promise<{ s: Scenario; workspace: string }> {
  const s = await startScenario(world, 'replicas', canary);
  const workspace = await mkdtemp(join(world.dir, 'workspace-'));
  await writeRelease(workspace, release(OLD));
  const applied = await world.kubectl(['apply', '-f', join(workspace, 'k8s')], s.namespace);
  expect(applied.code, applied.stderr).toBe(0);
  const status = await world.kubectl(
    ['rollout', 'status', 'deployment/web', '--timeout=20s'],
    s.namespace,
  );
  expect(status.code, status.stderr).toBe(0);
  await writeRelease(workspace, release(NEW));
  return { s, workspace };
}

interface StableView {
  spec: { template: { spec: { containers: Container[] } } };
}

function stableContainers(namespace: string): Container[] {
  const deployment = world.sim.store.get('deployments', namespace, 'web') as StableView;
  return deployment.spec.template.spec.containers;
}

function configData(namespace: string, name: string): unknown {
  const object = world.sim.store.get('configmaps', namespace, name) as
    { data?: unknown } | undefined;
  return object?.data;
}

const withRelease = { image: '', manifests: 'k8s/web.yaml', container: 'app' };

describeWithTool(
  { program: 'prometheus', debianPackage: 'prometheus', versionArgs: ['--version'] },
  'canary bundle: a canary of the whole release from manifests',
  () => {
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(async () => {
      await world?.stop();
    });

    it('judges an env, config and sidecar change over the steps and promotes the manifests', async () => {
      const { s, workspace } = await releaseScenario(HEALTHY);
      try {
        const run = await s.run(withRelease, { workspace });
        expect(run.main.exitCode, run.main.stdout).toBe(0);
        expect(run.main.outputs.decision).toBe('promoted');
        const steps = JSON.parse(run.main.outputs.steps) as Array<{ decision: string }>;
        expect(steps.map((step) => step.decision)).toEqual(['passed', 'passed', 'passed']);
        // Stable runs exactly the manifests' template: both containers and the new env var.
        const containers = stableContainers(s.namespace);
        expect(containers.map((c) => [c.name, c.image])).toEqual([
          ['app', STABLE_IMAGE],
          ['proxy', SIDECAR_IMAGE],
        ]);
        expect(containers[0].env).toEqual([{ name: 'FEATURE_SEARCH', value: 'on' }]);
        expect(containers[0].envFrom).toEqual([{ configMapRef: { name: 'web-config' } }]);
        expect(configData(s.namespace, 'web-config')).toEqual({ GREETING: 'hi there' });
        expect(configData(s.namespace, 'web-config-canary')).toBeUndefined();
        expect(canaryObjects(world, s.namespace)).toEqual([]);
        const result = JSON.parse(run.main.outputs.result) as {
          canaryImage: string;
          canaryChange: string[];
          cleanup: { stableHealthy: boolean; leftoverObjects: string[] };
        };
        expect(result.canaryImage).toBe(STABLE_IMAGE);
        expect(result.canaryChange).toEqual([
          `container proxy added (${SIDECAR_IMAGE})`,
          'pod template changed (env, resources, volumes or other fields)',
          'ConfigMap web-config changed',
        ]);
        expect(result.cleanup).toMatchObject({ stableHealthy: true, leftoverObjects: [] });
        expect(run.main.summary).toContain('container proxy added');
      } finally {
        await s.stop();
      }
      // Three judged steps and a promotion that rolls stable out: longer than one quick run.
    }, 120_000);

    it('runs the canary on its own config copy and an abort leaves stable and its ConfigMap as they were', async () => {
      const { s, workspace } = await releaseScenario(ERRORS);
      const before = structuredClone(stableContainers(s.namespace));
      try {
        const run = await s.run(withRelease, { workspace });
        expect(run.main.exitCode).toBe(1);
        expect(run.main.outputs.decision).toBe('aborted');
        expect(verdict(run)).toMatch(/5xx/);
        expect(stableContainers(s.namespace)).toEqual(before);
        expect(configData(s.namespace, 'web-config')).toEqual({ GREETING: 'hello' });
        expect(configData(s.namespace, 'web-config-canary')).toBeUndefined();
        expect(canaryObjects(world, s.namespace)).toEqual([]);
        const result = JSON.parse(run.main.outputs.result) as {
          cleanup: { stableHealthy: boolean; leftoverObjects: string[] };
        };
        expect(result.cleanup).toMatchObject({ stableHealthy: true, leftoverObjects: [] });
      } finally {
        await s.stop();
      }
    });

    it('restores stable and its ConfigMap when the promotion cannot apply every object', async () => {
      const { s, workspace } = await releaseScenario(HEALTHY);
      const before = structuredClone(stableContainers(s.namespace));
      // The canary never applies this object (nothing references it); the promotion does, and the
      // API server refuses it after the Deployment and web-config were already changed.
      const refused = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'web-limits' },
        data: { MAX_BODY: 1024 },
      };
      await writeRelease(workspace, [...release(NEW), refused]);
      try {
        const run = await s.run(withRelease, { workspace });
        expect(run.main.exitCode).toBe(1);
        expect(run.main.outputs.decision).toBe('aborted');
        expect(verdict(run)).toMatch(/could not be applied/);
        expect(stableContainers(s.namespace)).toEqual(before);
        expect(configData(s.namespace, 'web-config')).toEqual({ GREETING: 'hello' });
        expect(configData(s.namespace, 'web-config-canary')).toBeUndefined();
        expect(configData(s.namespace, 'web-limits')).toBeUndefined();
        expect(canaryObjects(world, s.namespace)).toEqual([]);
        const result = JSON.parse(run.main.outputs.result) as {
          cleanup: { stableHealthy: boolean; leftoverObjects: string[] };
        };
        expect(result.cleanup).toMatchObject({ stableHealthy: true, leftoverObjects: [] });
      } finally {
        await s.stop();
      }
    }, 120_000);

    it("refuses, changing nothing, when the copy's name is a user's own ConfigMap", async () => {
      const { s, workspace } = await releaseScenario(HEALTHY);
      const before = structuredClone(stableContainers(s.namespace));
      const mine = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'web-config-canary', labels: { team: 'search' } },
        data: { OWNER: 'search-team' },
      };
      const file = join(workspace, 'mine.json');
      await writeFile(file, JSON.stringify(mine));
      const created = await world.kubectl(['create', '-f', file], s.namespace);
      expect(created.code, created.stderr).toBe(0);
      try {
        const run = await s.run(withRelease, { workspace });
        expect(run.main.exitCode).toBe(1);
        expect(run.main.stdout).toMatch(
          /ConfigMap 'web-config-canary' already exists and was not created by Slipway/,
        );
        expect(configData(s.namespace, 'web-config-canary')).toEqual({ OWNER: 'search-team' });
        const labels = (
          world.sim.store.get('configmaps', s.namespace, 'web-config-canary') as {
            metadata: { labels: Record<string, string> };
          }
        ).metadata.labels;
        expect(labels).toEqual({ team: 'search' });
        expect(stableContainers(s.namespace)).toEqual(before);
        expect(world.sim.store.get('deployments', s.namespace, 'web-canary')).toBeUndefined();
      } finally {
        await s.stop();
      }
    });

    it('judges a release that only removes an env var, and copies a ConfigMap that names its namespace', async () => {
      const s = await startScenario(world, 'replicas', HEALTHY);
      const workspace = await mkdtemp(join(world.dir, 'workspace-'));
      await writeRelease(workspace, release({ greeting: 'hello', feature: 'enabled' }));
      const applied = await world.kubectl(['apply', '-f', join(workspace, 'k8s')], s.namespace);
      expect(applied.code, applied.stderr).toBe(0);
      const status = await world.kubectl(
        ['rollout', 'status', 'deployment/web', '--timeout=20s'],
        s.namespace,
      );
      expect(status.code, status.stderr).toBe(0);
      // The new release drops FEATURE_SEARCH; its ConfigMap says its namespace, the Deployment not.
      const [deployment, config] = release({ greeting: 'hello' }) as [object, { metadata: object }];
      const namespaced = { ...config, metadata: { ...config.metadata, namespace: s.namespace } };
      await writeRelease(workspace, [deployment, namespaced]);
      try {
        const start = await s.run(
          { ...withRelease, mode: 'start', 'pause-at': '0' },
          { workspace },
        );
        expect(start.main.exitCode, start.main.stdout).toBe(0);
        expect(start.main.outputs.decision).toBe('started');
        const result = JSON.parse(start.main.outputs.result) as { canaryChange: string[] };
        expect(result.canaryChange).toEqual(['container app: env removed']);
        // The canary reads its own copy of web-config, not stable's.
        expect(configData(s.namespace, 'web-config-canary')).toEqual({ GREETING: 'hello' });
        const canary = world.sim.store.get('deployments', s.namespace, 'web-canary') as StableView;
        expect(canary.spec.template.spec.containers[0].envFrom).toEqual([
          { configMapRef: { name: 'web-config-canary' } },
        ]);
        expect(canary.spec.template.spec.containers[0].env).toBeUndefined();

        const promote = await s.run({ ...withRelease, mode: 'promote' }, { workspace });
        expect(promote.main.exitCode, promote.main.stdout).toBe(0);
        expect(promote.main.outputs.decision).toBe('promoted');
        expect(stableContainers(s.namespace)[0].env).toBeUndefined();
        expect(canaryObjects(world, s.namespace)).toEqual([]);
      } finally {
        await s.stop();
      }
    }, 120_000);

    it('refuses to promote manifests that differ from the ones the canary started with', async () => {
      const { s, workspace } = await releaseScenario(HEALTHY);
      try {
        const start = await s.run(
          { ...withRelease, mode: 'start', 'pause-at': '0' },
          { workspace },
        );
        expect(start.main.exitCode, start.main.stdout).toBe(0);
        expect(start.main.outputs.decision).toBe('started');
        // While started, the canary reads its own copy with the new value; stable keeps the old.
        expect(configData(s.namespace, 'web-config-canary')).toEqual({ GREETING: 'hi there' });
        expect(configData(s.namespace, 'web-config')).toEqual({ GREETING: 'hello' });
        const canary = world.sim.store.get('deployments', s.namespace, 'web-canary') as StableView;
        expect(canary.spec.template.spec.containers[0].envFrom).toEqual([
          { configMapRef: { name: 'web-config-canary' } },
        ]);

        await writeRelease(workspace, release({ ...NEW, feature: 'off' }));
        const promote = await s.run({ ...withRelease, mode: 'promote' }, { workspace });
        expect(promote.main.exitCode).toBe(1);
        expect(promote.main.stdout).toMatch(/differ from the release the canary was started/);
        expect(stableContainers(s.namespace)).toHaveLength(1);
        expect(configData(s.namespace, 'web-config')).toEqual({ GREETING: 'hello' });

        const abort = await s.run({ image: '', mode: 'abort' }, { workspace });
        expect(abort.main.exitCode, abort.main.stdout).toBe(0);
        expect(configData(s.namespace, 'web-config-canary')).toBeUndefined();
        expect(canaryObjects(world, s.namespace)).toEqual([]);
      } finally {
        await s.stop();
      }
    });
  },
);

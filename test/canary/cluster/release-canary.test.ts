import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import type { ClusterState } from '../../../src/canary/cluster/cluster-state.js';
import type { Kubectl } from '../../../src/core/kubectl.js';
import {
  canaryImageOf,
  prepareRelease,
  releaseToPromote,
  stableRunsCanary,
} from '../../../src/canary/cluster/release-canary.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const template = {
  spec: { containers: [{ name: 'app', image: 'web:2', env: [{ name: 'X', value: '1' }] }] },
};

function state(release?: ClusterState['release']): ClusterState {
  return {
    version: 1,
    deployment: 'web',
    container: 'app',
    service: 'web',
    traffic: 'replicas',
    route: undefined,
    stableImage: 'web:1',
    stableRevision: 1,
    canaryImage: 'web:2',
    weight: 50,
    stepIndex: 1,
    startedAt: new Date().toISOString(),
    originalRoute: undefined,
    ...(release ? { release } : {}),
  };
}

async function workspaceWith(value: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'release-canary-'));
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      template: {
        spec: { containers: [{ name: 'app', image: 'web:2', env: [{ name: 'X', value }] }] },
      },
    },
  };
  await writeFile(join(dir, 'web.yaml'), YAML.stringify(deployment));
  vi.stubEnv('GITHUB_WORKSPACE', dir);
  return dir;
}

const source = { manifests: ['web.yaml'], kustomize: undefined, images: new Map<string, string>() };

describe('releaseToPromote', () => {
  it('promotes the release when this job renders the same manifests, and refuses changed ones', async () => {
    await workspaceWith('1');
    const started = await releaseToPromote(state(), source, undefined).catch(
      (error: Error) => error,
    );
    expect(String(started)).toMatch(/runs one new image/);
    const rendered = await workspaceWith('1').then(async () => {
      const { renderRelease } = await import('../../../src/canary/release.js');
      return renderRelease(source, 'web', process.env.GITHUB_WORKSPACE as string);
    });
    const record = {
      digest: rendered.digest,
      copies: [],
      images: rendered.images,
      change: [],
      template,
    };
    expect((await releaseToPromote(state(record), source, undefined))?.digest).toBe(
      rendered.digest,
    );
    await workspaceWith('2');
    await expect(releaseToPromote(state(record), source, undefined)).rejects.toThrow(
      /differ from the release the canary was started and judged with/,
    );
    await expect(releaseToPromote(state(record), undefined, 'web:2')).rejects.toThrow(
      /would promote one image only/,
    );
  });

  it('leaves an image canary to the image promotion', async () => {
    expect(await releaseToPromote(state(), undefined, 'web:2')).toBeUndefined();
  });
});

/** A workspace whose web.yaml holds `objects`. */
async function workspaceOf(objects: object[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'release-canary-'));
  await writeFile(
    join(dir, 'web.yaml'),
    objects.map((object) => YAML.stringify(object)).join('---\n'),
  );
  vi.stubEnv('GITHUB_WORKSPACE', dir);
}

/** A kubectl that only reads, from `objects` by kind/name: prepareRelease must change nothing. */
function readOnlyCluster(objects: Record<string, object>): Kubectl {
  return { getIfExists: async (ref: string) => objects[ref] } as unknown as Kubectl;
}

const webDeployment = (container: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { template: { spec: { containers: [{ name: 'app', image: 'web:1', ...container }] } } },
});

const liveTemplate = (container: Record<string, unknown>) => ({
  spec: {
    containers: [{ name: 'app', image: 'web:1', imagePullPolicy: 'IfNotPresent', ...container }],
  },
});

describe('prepareRelease', () => {
  const stable = (container: Record<string, unknown>) => ({
    name: 'web',
    namespace: 'shop',
    container: 'app',
    spec: { template: liveTemplate(container) },
  });

  it('judges a release that only removes an env var or a probe instead of refusing it', async () => {
    await workspaceOf([webDeployment({})]);
    const probe = { httpGet: { path: '/', port: 80 }, periodSeconds: 10 };
    const live = stable({ env: [{ name: 'DEBUG', value: '1' }], readinessProbe: probe });
    const prepared = await prepareRelease(readOnlyCluster({}), source, live, undefined);
    expect(prepared.record.change).toEqual([
      'container app: env removed',
      'container app: readinessProbe removed',
    ]);
    // The same template without the removed fields is still nothing to compare.
    await expect(
      prepareRelease(readOnlyCluster({}), source, stable({}), undefined),
    ).rejects.toThrow(/already runs what the manifests render/);
  });

  it("refuses, naming it, a user's own ConfigMap under the copy's name, and leaves a labelled copy be", async () => {
    const config = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config' },
      data: { mode: 'slow' },
    };
    await workspaceOf([
      webDeployment({ envFrom: [{ configMapRef: { name: 'web-config' } }] }),
      config,
    ]);
    const live = stable({ envFrom: [{ configMapRef: { name: 'web-config' } }] });
    const users = { metadata: { name: 'web-config-canary', labels: { team: 'a' } }, data: {} };
    await expect(
      prepareRelease(
        readOnlyCluster({ 'configmap/web-config-canary': users }),
        source,
        live,
        undefined,
      ),
    ).rejects.toThrow(
      /ConfigMap 'web-config-canary' already exists and was not created by Slipway/,
    );
    const ours = {
      metadata: {
        name: 'web-config-canary',
        labels: { 'app.kubernetes.io/managed-by': 'slipway', 'canary.slipway.dev/stable': 'web' },
      },
    };
    const prepared = await prepareRelease(
      readOnlyCluster({ 'configmap/web-config-canary': ours }),
      source,
      live,
      undefined,
    );
    expect(prepared.record.copies).toEqual(['configmap/web-config-canary']);
  });
});

describe('stableRunsCanary', () => {
  it('checks the whole template for a release and the image otherwise', () => {
    const record = { digest: 'sha256:x', copies: [], images: [], change: [], template };
    const live = structuredClone(template) as {
      spec: { containers: Array<Record<string, unknown>> };
    };
    live.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    expect(stableRunsCanary(state(record), { image: 'web:2', spec: { template: live } })).toBe(
      true,
    );
    const oldEnv = structuredClone(live);
    oldEnv.spec.containers[0].env = [{ name: 'X', value: '0' }];
    // Same image, old env: stable does not run the release yet.
    expect(stableRunsCanary(state(record), { image: 'web:2', spec: { template: oldEnv } })).toBe(
      false,
    );
    expect(stableRunsCanary(state(), { image: 'web:2', spec: { template: oldEnv } })).toBe(true);
  });
});

describe('canaryImageOf', () => {
  const images = [
    { container: 'migrate', image: 'web-migrate:2', init: true },
    { container: 'app', image: 'web:2', init: false },
    { container: 'proxy', image: 'proxy:1', init: false },
  ];
  it('is the chosen container image, else every container', () => {
    expect(canaryImageOf(images, 'app')).toBe('web:2');
    expect(canaryImageOf(images, 'gone')).toBe('app=web:2, proxy=proxy:1');
  });
});

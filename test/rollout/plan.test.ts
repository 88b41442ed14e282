import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readGitHubContext } from '../../src/core/github.js';
import type { Settings } from '../../src/rollout/inputs.js';
import { planDeploy, type Plan } from '../../src/rollout/plan.js';

const github = readGitHubContext({
  GITHUB_EVENT_NAME: 'push',
  GITHUB_SHA: '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '4242',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'release',
  GITHUB_REF: 'refs/tags/v1.2.3',
});

let workspace: string;
const savedWorkspace = process.env.GITHUB_WORKSPACE;

const deployment = (name: string, namespace?: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: { template: { spec: { containers: [{ name, image: 'ghcr.io/acme/web:latest' }] } } },
});
const job = (name: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: { template: { spec: { containers: [{ name, image: 'ghcr.io/acme/web:latest' }] } } },
});
const configMap = (name: string, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
});
const yaml = (...documents: object[]) => documents.map((d) => YAML.stringify(d)).join('---\n');

function settings(overrides: Partial<Settings>): Settings {
  return {
    kubeconfig: undefined,
    context: undefined,
    namespace: undefined,
    manifests: [],
    kustomize: undefined,
    preDeploy: [],
    images: new Map([['ghcr.io/acme/web', 'ghcr.io/acme/web:v2']]),
    setImage: undefined,
    dryRun: true,
    serverSide: false,
    timeoutMs: 60_000,
    smokeTests: [],
    rollbackOnFailure: true,
    recoveryTimeoutMs: 60_000,
    environment: undefined,
    environmentUrl: undefined,
    notifyWebhook: undefined,
    githubToken: undefined,
    ...overrides,
  };
}

type ApplyPlan = Extract<Plan, { kind: 'apply' }>;

async function kindsIn(file: string): Promise<string[]> {
  return YAML.parseAllDocuments(await readFile(file, 'utf8')).map(
    (document) => (document.toJS() as { kind: string }).kind,
  );
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'rollout-plan-'));
  process.env.GITHUB_WORKSPACE = workspace;
  await writeFile(join(workspace, 'app.yaml'), yaml(deployment('web'), configMap('web-config')));
  await writeFile(join(workspace, 'migrate.yaml'), yaml(job('migrate'), configMap('migrate-env')));
  await writeFile(
    join(workspace, 'spread.yaml'),
    yaml(deployment('web', 'north'), deployment('web', 'south'), configMap('shared')),
  );
  await mkdir(join(workspace, 'base'));
  await writeFile(join(workspace, 'base', 'app.yaml'), yaml(deployment('web'), job('migrate')));
  await writeFile(join(workspace, 'base', 'kustomization.yaml'), 'resources: [app.yaml]\n');
  await mkdir(join(workspace, 'overlay'));
  await writeFile(
    join(workspace, 'overlay', 'kustomization.yaml'),
    'resources: [../base]\nnamespace: shop\n',
  );
});

afterAll(async () => {
  process.env.GITHUB_WORKSPACE = savedWorkspace;
  await rm(workspace, { recursive: true, force: true });
});

describe('planning a deploy', () => {
  it('puts every other object first, then the Jobs, then the workloads; images reach the Job', async () => {
    const plan = (await planDeploy(
      settings({ manifests: ['app.yaml'], preDeploy: ['migrate.yaml'], namespace: 'shop' }),
      github,
    )) as ApplyPlan;
    expect(plan.setup).toHaveLength(1);
    expect(await kindsIn(plan.setup[0].file)).toEqual(['ConfigMap', 'ConfigMap']);
    expect(plan.jobs.map((j) => [j.ref, j.namespace])).toEqual([['job/migrate', 'shop']]);
    const container = (plan.jobs[0].object as ReturnType<typeof job>).spec.template.spec
      .containers[0];
    expect(container.image).toBe('ghcr.io/acme/web:v2');
    expect(plan.rest).toHaveLength(1);
    expect(await kindsIn(plan.rest[0].file)).toEqual(['Deployment']);
    expect(plan.workloads).toEqual([{ kind: 'Deployment', name: 'web', namespace: 'shop' }]);
    expect(plan.objects.map((o) => `${o.namespace}/${o.kind}/${o.name}`)).toEqual([
      'shop/ConfigMap/migrate-env',
      'shop/ConfigMap/web-config',
      'shop/Job/migrate',
      'shop/Deployment/web',
    ]);
    // Each batch names its objects as the plan does, so each is recorded as soon as it lands.
    const named = (batch: ApplyPlan['setup'][number]) =>
      batch.objects.map((o) => `${o.namespace}/${o.kind}/${o.name}`);
    expect(named(plan.setup[0])).toEqual([
      'shop/ConfigMap/migrate-env',
      'shop/ConfigMap/web-config',
    ]);
    expect(named(plan.rest[0])).toEqual(['shop/Deployment/web']);
  });

  it('applies everything at once when there is no Job, as before', async () => {
    const plan = (await planDeploy(settings({ manifests: ['app.yaml'] }), github)) as ApplyPlan;
    expect(plan.setup).toEqual([]);
    expect(plan.jobs).toEqual([]);
    expect(await kindsIn(plan.rest[0].file)).toEqual(['Deployment', 'ConfigMap']);
  });

  it('gives each namespace its own batch and names workloads with their namespace', async () => {
    const plan = (await planDeploy(settings({ manifests: ['spread.yaml'] }), github)) as ApplyPlan;
    expect(plan.rest.map((batch) => batch.namespace)).toEqual([undefined, 'north', 'south']);
    expect(await kindsIn(plan.rest[0].file)).toEqual(['ConfigMap']);
    expect(plan.workloads).toEqual([
      { kind: 'Deployment', name: 'web', namespace: 'north', qualified: true },
      { kind: 'Deployment', name: 'web', namespace: 'south', qualified: true },
    ]);
  });

  it('renders a kustomization given as kustomize or as a manifests directory', async () => {
    for (const input of [{ kustomize: 'overlay' }, { manifests: ['overlay'] }]) {
      const plan = (await planDeploy(settings(input), github)) as ApplyPlan;
      expect(plan.jobs.map((j) => [j.ref, j.namespace])).toEqual([['job/migrate', 'shop']]);
      expect(plan.workloads).toEqual([{ kind: 'Deployment', name: 'web', namespace: 'shop' }]);
      expect(plan.rest.map((batch) => batch.namespace)).toEqual(['shop']);
    }
  });

  it('refuses a workload in pre-deploy', async () => {
    await expect(
      planDeploy(settings({ manifests: ['migrate.yaml'], preDeploy: ['app.yaml'] }), github),
    ).rejects.toThrow('pre-deploy holds Deployment web');
  });
});

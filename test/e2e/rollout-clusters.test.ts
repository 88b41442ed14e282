/**
 * examples/multi-cluster.yml run as GitHub would run it: its jobs in the order `needs` gives, each
 * matrix leg with its own environment's KUBECONFIG (one kube-sim per cluster), `fail-fast` and
 * `max-parallel` as GitHub applies them, and the rollout step's `with:` taken from the example.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readActionMetadata } from '../../tools/action-metadata.js';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { KUBECTL, kubeAt, yamlDocuments } from '../support/kube.js';
import { runKubectl } from '../support/kube-sim.js';
import { runAction, type StepResult } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(REPO, 'examples', 'multi-cluster.yml');
const NAMESPACE = 'production';
const REPOSITORY = 'octo-org/octo-service'; // the runner harness's GITHUB_REPOSITORY
const IMAGE = `ghcr.io/${REPOSITORY}`;

type Step = { uses?: string; with?: Record<string, string> };
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  strategy?: {
    'fail-fast'?: boolean;
    'max-parallel'?: number;
    matrix?: Record<string, unknown>;
  };
  steps: Step[];
}
interface Workflow {
  jobs: Record<string, Job>;
}

const exampleText = await readFile(EXAMPLE, 'utf8');
const workflow = YAML.parse(exampleText) as Workflow;

const needsOf = (job: Job) => [job.needs ?? []].flat();

/** Jobs in an order where each comes after the jobs it needs (the waves). */
function jobOrder(jobs: Record<string, Job>): string[] {
  const order: string[] = [];
  const visit = (id: string) => {
    if (order.includes(id)) return;
    for (const need of needsOf(jobs[id])) visit(need);
    order.push(id);
  };
  Object.keys(jobs).forEach(visit);
  return order;
}

/** The matrix's combinations; include/exclude are not used by the example and not modelled. */
function combinations(job: Job): Record<string, string>[] {
  const { include, exclude, ...axes } = job.strategy?.matrix ?? {};
  if (include !== undefined || exclude !== undefined) {
    throw new Error('matrix include/exclude: this test does not model them');
  }
  return Object.entries(axes).reduce<Record<string, string>[]>(
    (legs, [axis, values]) =>
      legs.flatMap((leg) => (values as string[]).map((value) => ({ ...leg, [axis]: value }))),
    [{}],
  );
}

/** `${{ a.b }}` lookups; an expression the test does not know fails it, so the example cannot drift. */
function evaluate(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in context)) throw new Error(`the test cannot evaluate \${{ ${name} }}`);
    return context[name];
  });
}

interface Cluster {
  name: string;
  sim: Awaited<ReturnType<typeof startKubeSim>>;
  /** The kubeconfig of the cluster's environment secret, its context named for the cluster. */
  kubeconfig: string;
  server: string;
  dir: string;
}

interface Leg {
  job: string;
  cluster: string;
  outcome: 'success' | 'failure' | 'cancelled';
  step: StepResult | undefined;
  started: number;
  ended: number;
}

interface WorkflowRun {
  jobs: Record<string, 'success' | 'failure' | 'skipped'>;
  legs: Leg[];
}

/**
 * Runs the example as GitHub runs it: a job whose needs did not all succeed is skipped (none has
 * an `if:`); legs run max-parallel at a time; with fail-fast, the first failed leg cancels the
 * running legs (SIGINT, as the runner does) and the queued ones never start.
 */
async function runWorkflow(
  clusters: Map<string, Cluster>,
  workspace: string,
  tag: string,
): Promise<WorkflowRun> {
  const run: WorkflowRun = { jobs: {}, legs: [] };
  for (const id of jobOrder(workflow.jobs)) {
    const job = workflow.jobs[id];
    if (job.if !== undefined) throw new Error(`job ${id}: if: is not modelled by this test`);
    if (needsOf(job).some((need) => run.jobs[need] !== 'success')) {
      run.jobs[id] = 'skipped';
      continue;
    }
    const queue = combinations(job);
    const failFast = job.strategy?.['fail-fast'] ?? true;
    const cancel = new AbortController();
    const worker = async () => {
      for (let matrix = queue.shift(); matrix !== undefined; matrix = queue.shift()) {
        const leg = await runLeg(id, job, matrix, clusters, workspace, tag, cancel.signal);
        run.legs.push(leg);
        if (leg.outcome === 'failure' && failFast) cancel.abort();
      }
    };
    const parallel = job.strategy?.['max-parallel'] ?? queue.length;
    await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
    const legs = run.legs.filter((leg) => leg.job === id);
    run.jobs[id] = legs.every((leg) => leg.outcome === 'success') ? 'success' : 'failure';
  }
  return run;
}

async function runLeg(
  id: string,
  job: Job,
  matrix: Record<string, string>,
  clusters: Map<string, Cluster>,
  workspace: string,
  tag: string,
  cancelled: AbortSignal,
): Promise<Leg> {
  const context: Record<string, string> = {
    'github.repository': REPOSITORY,
    'github.ref_name': tag,
    ...Object.fromEntries(Object.entries(matrix).map(([key, value]) => [`matrix.${key}`, value])),
  };
  const environmentName = evaluate(
    typeof job.environment === 'string' ? job.environment : (job.environment?.name ?? ''),
    context,
  );
  const cluster = clusters.get(environmentName);
  if (!cluster) throw new Error(`job ${id}: no cluster for environment '${environmentName}'`);
  // Environment secrets: the leg sees the KUBECONFIG of its own environment only.
  context['secrets.KUBECONFIG'] = cluster.kubeconfig;
  const started = Date.now();
  if (cancelled.aborted) {
    return {
      job: id,
      cluster: cluster.name,
      outcome: 'cancelled',
      step: undefined,
      started,
      ended: started,
    };
  }
  let step: StepResult | undefined;
  for (const { uses, with: inputs = {} } of job.steps) {
    if (uses?.startsWith('actions/checkout@')) continue; // the workspace is checked out already
    if (!uses || !/\/actions\/rollout@/.test(uses))
      throw new Error(`job ${id}: step ${uses} is not modelled`);
    const evaluated = Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [name, evaluate(String(value), context)]),
    );
    const result = await runAction(join(REPO, 'actions', 'rollout'), {
      inputs: evaluated,
      workspace,
      event: { name: 'push', ref: `refs/tags/${tag}` },
      secrets: [cluster.kubeconfig],
      signal: cancelled,
      timeoutMs: 120_000,
    });
    step = result.main;
  }
  const outcome = step?.cancelled
    ? 'cancelled'
    : step?.outcome === 'success'
      ? 'success'
      : 'failure';
  return { job: id, cluster: cluster.name, outcome, step, started, ended: Date.now() };
}

/** The user's manifests: the image placeholder is replaced by the example's `images:` line. */
function manifests(image: string): object[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        progressDeadlineSeconds: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
    },
  ];
}

/** The summary's lines that carry text: the verdict first, then the cluster line. */
const summaryLines = (step: StepResult | undefined) =>
  (step?.summary ?? '').split('\n').filter((line) => line.trim() !== '');

async function deployedImage(cluster: Cluster): Promise<string> {
  const result = await runKubectl(
    cluster.dir,
    ['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'],
    NAMESPACE,
  );
  return result.code === 0 ? result.stdout : `<missing: ${result.stderr.trim()}>`;
}

async function rolledOut(cluster: Cluster): Promise<boolean> {
  const status = await runKubectl(
    cluster.dir,
    ['rollout', 'status', 'deployment/web', '--timeout=20s'],
    NAMESPACE,
  );
  return status.code === 0;
}

const legNames = Object.values(workflow.jobs).flatMap((job) =>
  combinations(job).map((matrix) => matrix.cluster),
);

describe('examples/multi-cluster.yml, as a job graph', () => {
  const waves = jobOrder(workflow.jobs);

  it('deploys in waves: each wave needs the one before and has no if:, so a failure stops the next', () => {
    expect(waves.length).toBeGreaterThanOrEqual(2);
    for (const [index, id] of waves.entries()) {
      const job = workflow.jobs[id];
      expect(needsOf(job)).toEqual(index === 0 ? [] : [waves[index - 1]]);
      expect(job.if).toBeUndefined();
      expect(job.strategy?.['fail-fast']).toBe(true);
    }
    expect(workflow.jobs[waves[1]].strategy?.['max-parallel']).toBeGreaterThan(0);
    // Every cluster once, and the canary region alone in the first wave.
    expect(new Set(legNames).size).toBe(legNames.length);
    expect(combinations(workflow.jobs[waves[0]])).toHaveLength(1);
  });

  it("gives each leg its own cluster's environment and KUBECONFIG secret", () => {
    for (const job of Object.values(workflow.jobs)) {
      const environment =
        typeof job.environment === 'string' ? job.environment : job.environment?.name;
      expect(environment).toBe('${{ matrix.cluster }}');
      const rollout = job.steps.find((step) => step.uses?.includes('/actions/rollout@'));
      expect(rollout?.with?.kubeconfig).toBe('${{ secrets.KUBECONFIG }}');
    }
  });

  it('has a canary variant that gives canary only inputs its action.yml declares', () => {
    const commented = exampleText
      .split('\n')
      .filter((line) => line.startsWith('#      '))
      .map((line) => line.slice(1))
      .join('\n');
    const [step] = YAML.parse(commented) as Step[];
    expect(step.uses).toMatch(/\/actions\/canary@/);
    const declared = readActionMetadata(join(REPO, 'actions', 'canary')).inputs.map((i) => i.name);
    expect(Object.keys(step.with ?? {}).filter((name) => !declared.includes(name))).toEqual([]);
    expect(step.with?.kubeconfig).toBe('${{ secrets.KUBECONFIG }}');
  });
});

describeWithTool(
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
  'examples/multi-cluster.yml with one kube-sim per cluster',
  () => {
    const clusters = new Map<string, Cluster>();
    let root: string;
    let workspace: string;
    let backend: Server;

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'slipway-clusters-e2e-'));
      workspace = join(root, 'workspace');
      await mkdir(join(workspace, 'k8s'), { recursive: true });
      await writeFile(
        join(workspace, 'k8s', 'web.yaml'),
        yamlDocuments(manifests(`${IMAGE}:latest`)),
      );
      // The smoke test reaches this through each cluster's service proxy.
      backend = createServer((_, response) => response.end('ok'));
      await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
      const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
      for (const name of legNames) {
        const dir = join(root, name);
        await mkdir(dir);
        const sim = await startKubeSim({
          config: {
            behaviours: [
              { image: `${IMAGE}:v1.*`, 'ready-after': '200ms' },
              { image: `${IMAGE}:v2.*`, 'crash-loop': true },
            ],
            services: [{ namespace: NAMESPACE, name: 'web', url: backendUrl }],
          },
          kubeconfigPath: join(dir, 'sim-kubeconfig'),
        });
        const kubeconfig = renamed(sim.kubeconfig, name);
        await writeFile(join(dir, 'kubeconfig'), kubeconfig, { mode: 0o600 });
        const cluster: Cluster = { name, sim, kubeconfig, server: new URL(sim.url).host, dir };
        clusters.set(name, cluster);
        // The release before: what every cluster runs when the tag is pushed.
        await kubeAt(dir).createNamespace(NAMESPACE, manifests(`${IMAGE}:v1.2.0`), [
          'deployment/web',
        ]);
      }
    });

    afterAll(async () => {
      await Promise.all([...clusters.values()].map((cluster) => cluster.sim.stop()));
      await new Promise((resolve) => backend?.close(resolve));
      if (root) await rm(root, { recursive: true, force: true });
    });

    function expectClusterNamed(leg: Leg): void {
      const cluster = clusters.get(leg.cluster)!;
      // Under the verdict, so each leg's summary says which cluster it is about.
      expect(summaryLines(leg.step)[1]).toBe(
        `<p>Cluster <code>${cluster.name}</code> at <code>${cluster.server}</code>, namespace <code>${NAMESPACE}</code></p>`,
      );
      expect(JSON.parse(leg.step!.outputs.result)).toMatchObject({
        cluster: {
          context: cluster.name,
          server: cluster.server,
          name: `${cluster.name} (${cluster.server})`,
        },
      });
    }

    it('a good release reaches every cluster, wave after wave, each summary naming its cluster', async () => {
      const run = await runWorkflow(clusters, workspace, 'v1.3.0');

      expect(run.jobs).toEqual(
        Object.fromEntries(jobOrder(workflow.jobs).map((id) => [id, 'success'])),
      );
      expect(run.legs.map((leg) => leg.cluster).sort()).toEqual([...legNames].sort());
      for (const leg of run.legs) {
        expect(leg.outcome, leg.step?.stdout).toBe('success');
        expect(leg.step?.outputs.status).toBe('succeeded');
        expect(summaryLines(leg.step)[0]).toContain(`Deployed ${IMAGE}:v1.3.0 to deployment/web`);
        expectClusterNamed(leg);
      }
      for (const cluster of clusters.values()) {
        expect(await deployedImage(cluster)).toBe(`${IMAGE}:v1.3.0`);
        expect(await rolledOut(cluster)).toBe(true);
      }
      // The second wave started only after the whole first wave had finished.
      const [first, ...later] = jobOrder(workflow.jobs);
      const firstEnded = Math.max(
        ...run.legs.filter((leg) => leg.job === first).map((l) => l.ended),
      );
      for (const leg of run.legs.filter((leg) => later.includes(leg.job))) {
        expect(leg.started).toBeGreaterThanOrEqual(firstEnded);
      }
    }, 180_000);

    it('a release that fails in the first wave is rolled back there and never reaches the next', async () => {
      const before = new Map<string, string>();
      for (const cluster of clusters.values()) {
        before.set(cluster.name, await deployedImage(cluster));
        cluster.sim.faults.reset();
      }
      const run = await runWorkflow(clusters, workspace, 'v2.0.0');

      const [first, ...later] = jobOrder(workflow.jobs);
      expect(run.jobs[first]).toBe('failure');
      for (const id of later) expect(run.jobs[id]).toBe('skipped');
      expect(run.legs.every((leg) => leg.job === first)).toBe(true);
      for (const leg of run.legs) {
        expect(leg.outcome).toBe('failure');
        expect(leg.step?.outputs.status).toBe('rolled-back');
        expect(summaryLines(leg.step)[0]).toContain('Rolled back deployment/web');
        expectClusterNamed(leg);
      }
      for (const cluster of clusters.values()) {
        // The failed cluster is back on the release before, ready; the others were never touched.
        expect(await deployedImage(cluster)).toBe(before.get(cluster.name));
        expect(await rolledOut(cluster)).toBe(true);
        if (run.legs.some((leg) => leg.cluster === cluster.name)) continue;
        const writes = cluster.sim.faults.requests.filter((request) => request.method !== 'GET');
        expect(writes).toEqual([]);
      }
    }, 180_000);
  },
);

/** kube-sim names every kubeconfig entry kube-sim; a real one is named for its cluster. */
function renamed(kubeconfig: string, name: string): string {
  const config = YAML.parse(kubeconfig) as {
    clusters: { name: string }[];
    users: { name: string }[];
    contexts: { name: string; context: { cluster: string; user: string } }[];
    'current-context': string;
  };
  config.clusters[0].name = name;
  config.users[0].name = `${name}-deployer`;
  config.contexts[0] = {
    name,
    context: { ...config.contexts[0].context, cluster: name, user: `${name}-deployer` },
  };
  config['current-context'] = name;
  return YAML.stringify(config);
}

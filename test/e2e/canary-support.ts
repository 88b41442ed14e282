/**
 * The canary end-to-end world: kube-sim driven by the real kubectl, a stable Deployment and
 * Service with each traffic provider's route, and the embedded environment (stable and canary
 * processes, a router that reads the weights from kube-sim, real Prometheus, steady load).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import YAML from 'yaml';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { startCanaryEnvironment, type CanaryEnvironment } from '../support/canary-env.js';
import { runKubectl } from '../support/kube-sim.js';
import { runAction, type ActionRun, type RunActionOptions } from '../support/runner.js';
import type { TrafficMode } from '../../src/canary/types.js';

export const CANARY = fileURLToPath(new URL('../../actions/canary', import.meta.url));
export const STABLE_IMAGE = 'demo/web:1.0.0';
export const CANARY_IMAGE = 'demo/web:1.1.0';
/** Its pods become ready, then restart (OOMKilled) every RESTARTS_AFTER of running. */
export const RESTARTING_IMAGE = 'demo/web:1.1.0-restarts';
export const RESTARTS_AFTER = '4s';

export interface Behaviour {
  errorRate: number;
  latencyMs: number;
  jitterMs: number;
}

/** Stable's own small error rate, so the judge compares against a realistic baseline. */
export const STABLE: Behaviour = { errorRate: 0.002, latencyMs: 20, jitterMs: 5 };
/**
 * A healthy canary makes no errors: a few-second step of a hundred requests can show two 5xx by
 * chance, which is over 1% until more requests come (the step then waits, see slo.ts), and a
 * test must not depend on that luck.
 */
export const HEALTHY: Behaviour = { errorRate: 0, latencyMs: 20, jitterMs: 5 };
export const ERRORS: Behaviour = { errorRate: 0.05, latencyMs: 20, jitterMs: 5 };
export const SLOW: Behaviour = { errorRate: 0.002, latencyMs: 160, jitterMs: 10 };

export interface World {
  dir: string;
  sim: Awaited<ReturnType<typeof startKubeSim>>;
  kubectl(args: string[], namespace: string): ReturnType<typeof runKubectl>;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-canary-e2e-'));
  const sim = await startKubeSim({
    kubeconfigPath: join(dir, 'kubeconfig'),
    config: {
      behaviours: [
        // Ready, then OOMKilled and restarted every RESTARTS_AFTER: a canary that fails under way.
        { image: RESTARTING_IMAGE, 'ready-after': '200ms', 'restart-after': RESTARTS_AFTER },
        { image: 'demo/web:*', 'ready-after': '200ms' },
      ],
    },
  });
  return {
    dir,
    sim,
    kubectl: (args, namespace) => runKubectl(dir, args, namespace),
    stop: async () => {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const ROUTE = 'web';

/** The API path of the scenario's HTTPRoute (gateway-api), which every traffic shift patches. */
export function routePath(namespace: string): string {
  return `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes/${ROUTE}`;
}

function objectsFor(mode: TrafficMode): object[] {
  // Router modes need a Service that selects stable pods only, as the canary README says.
  const selector = mode === 'replicas' ? { app: 'web' } : { app: 'web', track: 'stable' };
  const labels = { app: 'web', track: 'stable' };
  const documents: object[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'app', image: STABLE_IMAGE }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
  ];
  if (mode === 'gateway-api') {
    documents.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: ROUTE },
      spec: {
        parentRefs: [{ name: 'public' }],
        hostnames: ['web.example.com'],
        rules: [{ backendRefs: [{ name: 'web', port: 80 }] }],
      },
    });
  } else if (mode === 'nginx') {
    documents.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: ROUTE },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
  } else if (mode === 'istio') {
    documents.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: ROUTE },
      spec: {
        hosts: ['web.example.com'],
        http: [{ route: [{ destination: { host: 'web', port: { number: 80 } } }] }],
      },
    });
  }
  return documents;
}

let namespaces = 0;

/** Another workload in the same namespace, scraped by the same Prometheus without a track. */
export interface Neighbour {
  url: string;
}

export interface Scenario {
  world: World;
  namespace: string;
  mode: TrafficMode;
  env: CanaryEnvironment;
  /** The route object as it was before the canary, to compare after abort and promote. */
  routeBefore: unknown;
  inputs(extra?: Record<string, string>): Record<string, string>;
  run(extra?: Record<string, string>, options?: Partial<RunActionOptions>): Promise<ActionRun>;
  stop(): Promise<void>;
}

export async function startScenario(
  world: World,
  mode: TrafficMode,
  canary: Behaviour,
  options: { ratePerSecond?: number; neighbour?: Neighbour; scrapeIntervalMs?: number } = {},
): Promise<Scenario> {
  const namespace = `canary-${mode}-${++namespaces}`;
  const file = join(world.dir, `${namespace}.yaml`);
  const withNamespace = objectsFor(mode).map((document) => ({
    ...document,
    metadata: { ...(document as { metadata: object }).metadata, namespace },
  }));
  const namespaceObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
  await writeFile(
    file,
    [namespaceObject, ...withNamespace].map((d) => YAML.stringify(d)).join('---\n'),
  );
  const applied = await world.kubectl(['apply', '-f', file], namespace);
  expect(applied.code, applied.stderr).toBe(0);
  const status = await world.kubectl(
    ['rollout', 'status', 'deployment/web', '--timeout=20s'],
    namespace,
  );
  expect(status.code, status.stderr).toBe(0);
  const env = await startCanaryEnvironment({
    store: world.sim.store,
    dir: join(world.dir, namespace),
    namespace,
    mode,
    route: ROUTE,
    service: 'web',
    stable: STABLE,
    canary,
    ratePerSecond: options.ratePerSecond ?? 80,
    scrapeIntervalMs: options.scrapeIntervalMs,
    extraTargets: options.neighbour
      ? [{ url: options.neighbour.url, labels: { namespace, app: 'billing' } }]
      : [],
  });
  const inputs = (extra: Record<string, string> = {}) => ({
    kubeconfig: world.sim.kubeconfig,
    namespace,
    deployment: 'web',
    container: 'app',
    image: CANARY_IMAGE,
    service: 'web',
    traffic: mode,
    ...(mode === 'replicas' ? {} : { route: ROUTE }),
    steps: '20,50,100',
    interval: '3s',
    'check-interval': '1s',
    'step-timeout': '8s',
    'min-requests': '20',
    'prometheus-url': env.prometheusUrl,
    timeout: '30s',
    ...extra,
  });
  return {
    world,
    namespace,
    mode,
    env,
    routeBefore: routeObject(world, mode, namespace),
    inputs,
    run: (extra = {}, runOptions = {}) =>
      runAction(CANARY, { timeoutMs: 120_000, ...runOptions, inputs: inputs(extra) }),
    stop: () => env.stop(),
  };
}

const ROUTE_RESOURCE: Record<TrafficMode, string | undefined> = {
  replicas: undefined,
  'gateway-api': 'httproutes',
  nginx: 'ingresses',
  istio: 'virtualservices',
};

export function routeObject(world: World, mode: TrafficMode, namespace: string): unknown {
  const resource = ROUTE_RESOURCE[mode];
  if (!resource) return undefined;
  const object = world.sim.store.get(resource, namespace, ROUTE) as { spec?: unknown } | undefined;
  return structuredClone(object?.spec);
}

export function stableImage(world: World, namespace: string): string | undefined {
  const deployment = world.sim.store.get('deployments', namespace, 'web') as
    { spec: { template: { spec: { containers: Array<{ image: string }> } } } } | undefined;
  return deployment?.spec.template.spec.containers[0]?.image;
}

/** Every object the canary may have created that still exists. */
export function canaryObjects(world: World, namespace: string): string[] {
  const store = world.sim.store;
  const found: string[] = [];
  if (store.get('deployments', namespace, 'web-canary')) found.push('deployment/web-canary');
  if (store.get('services', namespace, 'web-canary')) found.push('service/web-canary');
  if (store.get('ingresses', namespace, `${ROUTE}-canary`)) found.push(`ingress/${ROUTE}-canary`);
  const pods = store.list('pods', namespace) as Array<{ metadata: { labels?: object } }>;
  const canaryPods = pods.filter(
    (pod) => (pod.metadata.labels as Record<string, string> | undefined)?.track === 'canary',
  );
  if (canaryPods.length > 0) found.push(`${canaryPods.length} canary pods`);
  return found;
}

/** What a user checks after an abort: stable as it was, no canary, route as it was. */
export function expectReverted(scenario: Scenario): void {
  const { world, namespace, mode } = scenario;
  expect(stableImage(world, namespace)).toBe(STABLE_IMAGE);
  expect(canaryObjects(world, namespace)).toEqual([]);
  expect(routeObject(world, mode, namespace)).toEqual(scenario.routeBefore);
  expect(scenario.env.canaryShare()).toBe(0);
}

export function expectPromoted(scenario: Scenario): void {
  const { world, namespace, mode } = scenario;
  expect(stableImage(world, namespace)).toBe(CANARY_IMAGE);
  expect(canaryObjects(world, namespace)).toEqual([]);
  expect(routeObject(world, mode, namespace)).toEqual(scenario.routeBefore);
  expect(scenario.env.canaryShare()).toBe(0);
}

export function verdict(run: ActionRun): string {
  return (
    run.main.summary
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? ''
  );
}

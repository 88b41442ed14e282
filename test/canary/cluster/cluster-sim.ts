/**
 * A kube-sim for the canary's cluster tests, driven through the real kubectl by the Kubectl
 * adapter, and the stable objects a canary starts from: Deployment and Service `web`, and one
 * route of each kind that sends `/` to `web` and something else elsewhere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startKubeSim } from '../../../tools/kube-sim/server.js';
import { Kubectl } from '../../../src/core/kubectl.js';
import { KUBECTL } from '../../support/kube-sim.js';

export const KUBECTL_TOOL = {
  program: KUBECTL,
  debianPackage: 'kubectl',
  versionArgs: ['version', '--client'],
};

export const GOOD = 'good/app';
export const STUCK = 'stuck/app';

export interface ClusterSim {
  sim: Awaited<ReturnType<typeof startKubeSim>>;
  dir: string;
  stop(): Promise<void>;
}

export async function startClusterSim(): Promise<ClusterSim> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-canary-cluster-'));
  const sim = await startKubeSim({
    config: {
      behaviours: [
        { image: `${GOOD}:*`, 'ready-after': '100ms' },
        { image: `${STUCK}:*`, 'never-ready': true },
      ],
    },
    kubeconfigPath: join(dir, 'kubeconfig'),
  });
  return {
    sim,
    dir,
    async stop() {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let namespaceCount = 0;

/** A fresh namespace and an adapter bound to it. */
export async function namespaceIn(
  cluster: ClusterSim,
  prefix: string,
): Promise<{ namespace: string; kubectl: Kubectl }> {
  const namespace = `${prefix}-${++namespaceCount}`;
  const kubectl = new Kubectl({
    kubeconfigPath: join(cluster.dir, 'kubeconfig'),
    namespace,
    cacheDir: join(cluster.dir, 'cache'),
    timeoutMs: 30_000,
  });
  await kubectl.applyObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  return { namespace, kubectl };
}

export interface StableOptions {
  /** Router modes need stable's pods and Service to carry `track: stable`. */
  trackStable: boolean;
  replicas?: number;
  containers?: Array<{ name: string; image: string }>;
}

export function stableDeployment(options: StableOptions) {
  const podLabels = { app: 'web', ...(options.trackStable ? { track: 'stable' } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: options.replicas ?? 2,
      progressDeadlineSeconds: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: podLabels },
        spec: { containers: options.containers ?? [{ name: 'web', image: `${GOOD}:v1` }] },
      },
    },
  };
}

export function stableService(trackStable: boolean) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: {
      selector: { app: 'web', ...(trackStable ? { track: 'stable' } : {}) },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
}

export const httpRouteSpec = {
  parentRefs: [{ name: 'gateway' }],
  hostnames: ['web.example.com'],
  rules: [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ name: 'web', port: 80 }],
    },
    {
      matches: [{ path: { type: 'PathPrefix', value: '/admin' } }],
      backendRefs: [{ name: 'admin', port: 80 }],
    },
  ],
};

export const ingressSpec = {
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
          {
            path: '/admin',
            pathType: 'Prefix',
            backend: { service: { name: 'admin', port: { number: 80 } } },
          },
        ],
      },
    },
  ],
};

export function virtualServiceSpec(namespace: string) {
  return {
    hosts: ['web.example.com'],
    gateways: ['gateway'],
    http: [
      {
        match: [{ uri: { prefix: '/api' } }],
        route: [
          {
            destination: {
              host: `web.${namespace}.svc.cluster.local`,
              subset: 'v1',
              port: { number: 80 },
            },
          },
        ],
      },
      { route: [{ destination: { host: 'admin' } }] },
    ],
  };
}

export const routeObjects = (namespace: string) => [
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web' },
    spec: httpRouteSpec,
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } },
    spec: ingressSpec,
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web' },
    spec: virtualServiceSpec(namespace),
  },
];

/** Applies the objects and waits for every Deployment among them to roll out. */
export async function given(kubectl: Kubectl, objects: object[]): Promise<void> {
  for (const object of objects) await kubectl.applyObject(object);
  for (const object of objects as Array<{ kind: string; metadata: { name: string } }>) {
    if (object.kind !== 'Deployment') continue;
    const status = await kubectl.rolloutStatus(`deployment/${object.metadata.name}`, 20_000);
    expect(status.done, status.message).toBe(true);
  }
}

export async function specOf(kubectl: Kubectl, kindName: string): Promise<unknown> {
  return (await kubectl.json<{ spec: unknown }>(['get', kindName])).spec;
}

/** Live pods of the namespace with all the given labels, as the store holds them. */
export function podsWith(
  cluster: ClusterSim,
  namespace: string,
  labels: Record<string, string>,
): number {
  const pods = cluster.sim.store.list('pods', namespace) as Array<{
    metadata: { labels?: Record<string, string>; deletionTimestamp?: string };
  }>;
  return pods.filter(
    (pod) =>
      !pod.metadata.deletionTimestamp &&
      Object.entries(labels).every(([key, value]) => pod.metadata.labels?.[key] === value),
  ).length;
}

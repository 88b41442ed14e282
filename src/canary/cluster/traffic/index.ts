/**
 * Traffic providers move requests between stable and canary through whatever the cluster routes
 * with. Each one remembers what it changed so that giving traffic back to stable leaves the route
 * exactly as the user wrote it.
 */
import { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import { GatewayApiProvider } from './gateway-api.js';
import { IstioProvider } from './istio.js';
import { NginxProvider } from './nginx.js';
import { ReplicasProvider } from './replicas.js';

export interface TrafficProvider {
  readonly mode: TrafficMode;
  /** Checks that the route exists and reaches the stable Service; remembers what will change. */
  prepare(): Promise<void>;
  /** Gives the canary `weight` percent; returns the percentage it could really give. */
  setWeight(weight: number): Promise<number>;
  /** All traffic back on stable, the route as before; safe to repeat, and without a snapshot. */
  restoreStable(): Promise<void>;
  /** The canary's share in percent, as the live objects give it now. */
  canaryWeight(): Promise<number>;
  /** kind/name of the objects this provider creates. */
  objects(): string[];
  /** What restoreStable puts back; keep it in ClusterState.originalRoute between jobs. */
  snapshot(): unknown;
}

export interface TrafficOptions {
  mode: TrafficMode;
  namespace: string | undefined;
  /** The stable Service. */
  service: string;
  /** HTTPRoute / Ingress / VirtualService; required by the router modes. */
  route: string | undefined;
  /** The stable Deployment. */
  deployment: string;
  stableReplicas: number;
  /** ClusterState.originalRoute from an earlier job of the same run. */
  snapshot?: unknown;
}

export interface RouterOptions {
  namespace: string | undefined;
  deployment: string;
  service: string;
  route: string;
  snapshot: unknown;
}

export function trafficProvider(kubectl: Kubectl, options: TrafficOptions): TrafficProvider {
  if (options.mode === 'replicas') {
    return new ReplicasProvider(kubectl, {
      deployment: options.deployment,
      stableReplicas: options.stableReplicas,
    });
  }
  if (!options.route) {
    throw new ActionError(
      `Traffic mode '${options.mode}' needs the name of the route to shift traffic on, and 'route' is empty.`,
      `Set 'route' to the ${routeKind(options.mode)} that sends traffic to Service '${options.service}'.`,
    );
  }
  const router: RouterOptions = {
    namespace: options.namespace,
    deployment: options.deployment,
    service: options.service,
    route: options.route,
    snapshot: options.snapshot,
  };
  switch (options.mode) {
    case 'gateway-api':
      return new GatewayApiProvider(kubectl, router);
    case 'nginx':
      return new NginxProvider(kubectl, router);
    case 'istio':
      return new IstioProvider(kubectl, router);
  }
}

function routeKind(mode: TrafficMode): string {
  if (mode === 'gateway-api') return 'HTTPRoute';
  if (mode === 'nginx') return 'Ingress';
  return 'VirtualService';
}

export function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new ActionError(`A canary weight must be an integer from 0 to 100, not ${weight}.`);
  }
}

/** Percent of `canary` in `canary + stable`, rounded; 0 when neither gets anything. */
export function share(canary: number, stable: number): number {
  const total = canary + stable;
  return total > 0 ? Math.round((100 * canary) / total) : 0;
}

export function missingRoute(kind: string, route: string, service: string): ActionError {
  return new ActionError(
    `${kind} '${route}' does not exist in the target namespace.`,
    `Check the 'route' and 'namespace' inputs: 'route' must name the ${kind} that sends traffic to Service '${service}'.`,
  );
}

export function canaryServiceName(service: string): string {
  return `${service}-canary`;
}

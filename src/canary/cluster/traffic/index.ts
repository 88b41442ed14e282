/**
 * Traffic providers move requests between stable and canary through whatever the cluster routes
 * with. Each one remembers what it changed so that giving traffic back to stable leaves the route
 * exactly as the user wrote it.
 */
import { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import type { CanaryTarget } from '../../target.js';
import { routeKind, TRAFFIC } from './traffic-modes.js';

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

/** The canary's target (its `traffic` picks the provider, router modes need `route`) and more. */
export interface TrafficOptions extends CanaryTarget {
  stableReplicas: number;
  /** ClusterState.originalRoute from an earlier job of the same run. */
  snapshot?: unknown;
}

/** A router mode's target: the route is known to be set. */
export interface RouterOptions extends Pick<CanaryTarget, 'namespace' | 'deployment'> {
  /** The stable Service. */
  service: string;
  route: string;
  snapshot: unknown;
}

export function trafficProvider(kubectl: Kubectl, options: TrafficOptions): TrafficProvider {
  return TRAFFIC[options.traffic].provider(kubectl, options);
}

/** What a router mode's provider needs; throws when the route to shift traffic on is not set. */
export function routerOptions(options: TrafficOptions): RouterOptions {
  if (!options.route) {
    throw new ActionError(
      `Traffic mode '${options.traffic}' needs the name of the route to shift traffic on, and 'route' is empty.`,
      `Set 'route' to the ${routeKind(options.traffic)} that sends traffic to Service '${options.service ?? ''}'.`,
    );
  }
  return {
    namespace: options.namespace,
    deployment: options.deployment,
    // Only abort without a recorded canary lacks it; restoring a route then needs no Service.
    service: options.service ?? '',
    route: options.route,
    snapshot: options.snapshot,
  };
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

/**
 * The one table of traffic modes: what each `traffic` value routes with, whether it needs the
 * `route` input, and which provider shifts its weight. Inputs, the cluster state check, the
 * provider factory and the messages all read it, so adding a mode is adding a row.
 */
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import { GatewayApiProvider } from './gateway-api.js';
import { routerOptions, type TrafficOptions, type TrafficProvider } from './index.js';
import { IstioProvider } from './istio.js';
import { NginxProvider } from './nginx.js';
import { ReplicasProvider } from './replicas.js';

export interface TrafficModeInfo {
  /**
   * The kind of object the `route` input names; undefined when the mode writes no route and
   * splits by pod counts behind the stable Service (no canary Service either).
   */
  routeKind: 'HTTPRoute' | 'Ingress' | 'VirtualService' | undefined;
  /** The provider that shifts this mode's weight (router modes throw when `route` is not set). */
  provider(kubectl: Kubectl, options: TrafficOptions): TrafficProvider;
}

// The factories are functions so that the table never touches a provider class while the
// modules that import each other (providers use helpers of index.ts) are still loading.
export const TRAFFIC: Readonly<Record<TrafficMode, TrafficModeInfo>> = {
  replicas: {
    routeKind: undefined,
    provider: (kubectl, options) =>
      new ReplicasProvider(kubectl, {
        deployment: options.deployment,
        stableReplicas: options.stableReplicas,
      }),
  },
  'gateway-api': {
    routeKind: 'HTTPRoute',
    provider: (kubectl, options) => new GatewayApiProvider(kubectl, routerOptions(options)),
  },
  nginx: {
    routeKind: 'Ingress',
    provider: (kubectl, options) => new NginxProvider(kubectl, routerOptions(options)),
  },
  istio: {
    routeKind: 'VirtualService',
    provider: (kubectl, options) => new IstioProvider(kubectl, routerOptions(options)),
  },
};

/** Every `traffic` value, in the order the docs list them. */
export const TRAFFIC_MODES = Object.keys(TRAFFIC) as readonly TrafficMode[];

/**
 * A router mode: traffic is split by a route between the stable Service and a canary Service,
 * so `route` is required and the canary Service exists.
 */
export function usesRoute(mode: TrafficMode): boolean {
  return TRAFFIC[mode].routeKind !== undefined;
}

/** The kind `route` names in `mode` ('' in replicas mode), for messages. */
export function routeKind(mode: TrafficMode): string {
  return TRAFFIC[mode].routeKind ?? '';
}

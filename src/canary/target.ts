/**
 * What a canary is of: the stable workload, its Service and how traffic reaches it. One record,
 * which the settings are, the saved run state holds and the cluster state records, so no module
 * copies its fields one by one or merges them from several places.
 */
import type { TrafficMode } from './types.js';

export interface CanaryTarget {
  /** undefined: the kubeconfig's namespace. */
  namespace: string | undefined;
  /** The stable Deployment. */
  deployment: string;
  /** The container whose image changes; undefined until read from stable (its only container). */
  container: string | undefined;
  /** The stable Service; undefined only in abort mode, where the cluster state names it. */
  service: string | undefined;
  traffic: TrafficMode;
  /** HTTPRoute / Ingress / VirtualService name; undefined in replicas mode. */
  route: string | undefined;
}

/** The target of anything that is one (Settings), as a record of its own to save or pass on. */
export function targetOf(from: CanaryTarget): CanaryTarget {
  const { namespace, deployment, container, service, traffic, route } = from;
  return { namespace, deployment, container, service, traffic, route };
}

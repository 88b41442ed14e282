/**
 * How many pods the canary runs, in every traffic mode: enough for its weight of what stable's
 * pods serve, c = clamp(ceil(w/100 · S), 1, S), with S stable's replicas as they are at each shift
 * (an HPA may have moved them). A router sends the canary w% and it is sized for that; at 100% it
 * is sized for all traffic. Replicas mode has no router: the stable Service selects both
 * Deployments' pods, so the canary's share is its share of the pods, c / (S + c), which is the
 * weight it reports (at most 50%, when the canary matches stable).
 */
import { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import { canaryName } from '../../names.js';
import { checkWeight, share, type TrafficProvider } from './index.js';

export interface ReplicasOptions {
  deployment: string;
  stableReplicas: number;
}

interface DeploymentCounts {
  spec: { replicas?: number };
  status?: { readyReplicas?: number };
}

/**
 * Canary pods for `weight` percent of the traffic `stableReplicas` pods serve. At weight 0 a
 * router's canary keeps one pod (`floor` 1), ready before any traffic reaches it; replicas mode's
 * has none, since any pod of it takes a share.
 */
export function canaryReplicas(stableReplicas: number, weight: number, floor: 0 | 1 = 0): number {
  if (weight <= 0) return floor;
  const most = Math.max(stableReplicas, 1);
  return Math.min(most, Math.max(1, Math.ceil((weight * stableReplicas) / 100)));
}

export interface CanarySize {
  canary: number;
  stable: number;
}

/**
 * Scales the canary for `weight` with stable's replicas read now. `only` limits the change to one
 * direction, so a router grows the canary before it sends it more traffic and shrinks it after
 * it sent it less.
 */
export async function sizeCanary(
  kubectl: Kubectl,
  deployment: string,
  weight: number,
  options: { floor: 0 | 1; only?: 'grow' | 'shrink' },
): Promise<CanarySize> {
  const name = `deployment/${canaryName(deployment)}`;
  const canary = await kubectl.getIfExists<DeploymentCounts>(name);
  if (!canary) {
    throw new ActionError(
      `${name} does not exist, so its replicas cannot be set.`,
      'Create the canary Deployment before shifting traffic to it.',
    );
  }
  const stable = await kubectl.getIfExists<DeploymentCounts>(`deployment/${deployment}`);
  const stableReplicas = stable?.spec.replicas ?? 0;
  const current = canary.spec.replicas ?? 0;
  const wanted = canaryReplicas(stableReplicas, weight, options.floor);
  const skip =
    wanted === current ||
    (options.only === 'grow' && wanted < current) ||
    (options.only === 'shrink' && wanted > current);
  if (!skip) await kubectl.scale(name, wanted);
  return { canary: skip ? current : wanted, stable: stableReplicas };
}

export class ReplicasProvider implements TrafficProvider {
  readonly mode: TrafficMode = 'replicas';
  private readonly canary: string;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly options: ReplicasOptions,
  ) {
    this.canary = `deployment/${canaryName(options.deployment)}`;
  }

  async prepare(): Promise<void> {
    if (this.options.stableReplicas > 0) return;
    throw new ActionError(
      `Deployment '${this.options.deployment}' has 0 replicas, so in replicas mode there is no stable traffic to compare the canary with.`,
      'Scale the stable Deployment up first, or use a router mode (gateway-api, nginx, istio).',
    );
  }

  async setWeight(weight: number): Promise<number> {
    checkWeight(weight);
    // The caller waits for the new pods outside its cluster lock, so a cancellation can revert
    // without waiting for them.
    const size = await sizeCanary(this.kubectl, this.options.deployment, weight, { floor: 0 });
    return share(size.canary, size.stable);
  }

  /** Scaling to 0 first takes the canary's pods out of the Service even if the deletion fails. */
  async restoreStable(): Promise<void> {
    const canary = await this.kubectl.getIfExists<DeploymentCounts>(this.canary);
    if (!canary) return;
    if ((canary.spec.replicas ?? 0) > 0) await this.kubectl.scale(this.canary, 0);
    await this.kubectl.deleteIfExists([this.canary]);
  }

  async canaryWeight(): Promise<number> {
    const canary = await this.kubectl.getIfExists<DeploymentCounts>(this.canary);
    if (!canary) return 0;
    const stable = await this.kubectl.getIfExists<DeploymentCounts>(
      `deployment/${this.options.deployment}`,
    );
    return share(canary.status?.readyReplicas ?? 0, stable?.status?.readyReplicas ?? 0);
  }

  objects(): string[] {
    return [];
  }

  snapshot(): undefined {
    return undefined;
  }
}

/**
 * Replicas mode: the stable Service selects stable's and the canary's pods alike, so the canary's
 * share is its share of the pods. Stable keeps its R replicas; the canary gets c = R·w/(100−w).
 */
import { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import { canaryName } from '../cluster-state.js';
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
 * Pods for a weight. 100% cannot be had without scaling stable down, so it keeps the largest
 * share reached so far (at least one pod); the achieved weight tells the truth about it.
 */
export function canaryReplicas(stableReplicas: number, weight: number, current: number): number {
  if (weight === 0) return 0;
  if (weight >= 100) return Math.max(current, 1);
  return Math.max(1, Math.round((stableReplicas * weight) / (100 - weight)));
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
    const canary = await this.kubectl.getIfExists<DeploymentCounts>(this.canary);
    if (!canary) {
      throw new ActionError(
        `${this.canary} does not exist, so its replicas cannot be set.`,
        'Create the canary Deployment before shifting traffic to it.',
      );
    }
    const { stableReplicas } = this.options;
    const replicas = canaryReplicas(stableReplicas, weight, canary.spec.replicas ?? 0);
    // The caller waits for the new pods outside its cluster lock, so a cancellation can revert
    // without waiting for them.
    if (replicas !== canary.spec.replicas) await this.kubectl.scale(this.canary, replicas);
    return share(replicas, stableReplicas);
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

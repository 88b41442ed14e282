/**
 * One canary's cluster side, as the modes use it: begin, shift, promote, revert. It keeps the run's
 * progress in the canary Deployment's annotation so a later job (promote, abort, or the post step)
 * continues from the cluster itself, and it serialises changes so a cancellation's revert can
 * never be overtaken by a weight change that was already in flight.
 */
import * as core from '@actions/core';
import { ActionError, describeThrown } from '../core/errors.js';
import type { Kubectl } from '../core/kubectl.js';
import { ClusterLock } from './cancellation.js';
import {
  canaryName,
  readClusterState,
  writeClusterState,
  type ClusterState,
} from './cluster/cluster-state.js';
import { finishPromotion, promoteStable, revertToStable } from './cluster/revert.js';
import { trafficProvider, type TrafficProvider } from './cluster/traffic/index.js';
import {
  checkServiceSelection,
  createCanary,
  createCanaryService,
  readService,
  readStable,
  waitReady,
  type StableSnapshot,
} from './cluster/workload.js';
import type { CanaryRunState } from './state.js';
import type { CanaryReport, CleanupReport, Settings, StepRecord, TrafficMode } from './types.js';

/** What the cluster side needs to know; the post step rebuilds it from the saved run state. */
export interface CanaryTarget {
  namespace: string | undefined;
  deployment: string;
  container: string | undefined;
  service: string | undefined;
  traffic: TrafficMode;
  route: string | undefined;
  image: string | undefined;
  timeoutMs: number;
}

export interface ResumedCanary {
  weight: number;
  canaryImage: string;
}

export interface PromotionReport extends CleanupReport {
  promoted: boolean;
  problem: string | undefined;
}

export class CanaryCluster {
  private readonly lock = new ClusterLock();
  private readonly target: CanaryTarget;
  private stable: StableSnapshot | undefined;
  private provider: TrafficProvider | undefined;
  private state: ClusterState | undefined;
  private readonly steps: StepRecord[] = [];
  private promotionStarted = false;

  constructor(
    private readonly kubectl: Kubectl,
    target: CanaryTarget,
  ) {
    this.target = target;
  }

  static fromRunState(kubectl: Kubectl, state: CanaryRunState): CanaryCluster {
    return new CanaryCluster(kubectl, { ...state, image: undefined });
  }

  /** The namespace the metrics are labelled with: the input, else the kubeconfig's, else default. */
  get namespace(): string {
    return this.target.namespace ?? this.stable?.namespace ?? 'default';
  }

  get stableImage(): string | undefined {
    return this.state?.stableImage ?? this.stable?.image;
  }

  emptyReport(settings: Settings): CanaryReport {
    return {
      decision: 'aborted',
      reason: '',
      mode: settings.mode,
      traffic: settings.traffic,
      namespace: settings.namespace,
      deployment: settings.deployment,
      container: this.stable?.container ?? settings.container ?? '',
      stableImage: this.stableImage,
      canaryImage: settings.image ?? this.state?.canaryImage ?? '',
      steps: [],
      finalWeight: 0,
      durationMs: 0,
      detectionMs: undefined,
      cleanup: undefined,
      notes: [],
    };
  }

  recordStep(step: StepRecord): void {
    this.steps.push(step);
  }

  stepsSoFar(): StepRecord[] {
    return [...this.steps];
  }

  /** Creates the canary without traffic and waits until it is ready. */
  async begin(): Promise<void> {
    const { deployment, service, image } = this.target;
    if (!service || !image) throw new ActionError('service and image are required to start.');
    const running = await readClusterState(this.kubectl, deployment);
    if (running) {
      throw new ActionError(
        `A canary of ${deployment} is already running (image ${running.canaryImage} at ${running.weight}%, started ${running.startedAt}).`,
        'Finish it first with mode: promote or mode: abort.',
      );
    }
    const stable = await readStable(this.kubectl, deployment, this.target.container);
    this.stable = stable;
    if (stable.image === image) {
      throw new ActionError(
        `Deployment ${deployment} already runs ${image}; there is nothing to compare.`,
        'Pass the new image in the image input.',
      );
    }
    const stableService = await readService(this.kubectl, service);
    checkServiceSelection(this.target.traffic, stableService, stable);
    const provider = this.providerFor(undefined);
    await provider.prepare();
    this.state = {
      version: 1,
      deployment,
      container: stable.container,
      service,
      traffic: this.target.traffic,
      route: this.target.route,
      stableImage: stable.image,
      stableRevision: stable.revision,
      canaryImage: image,
      weight: 0,
      stepIndex: -1,
      startedAt: new Date().toISOString(),
      originalRoute: provider.snapshot(),
    };
    const router = this.target.traffic !== 'replicas';
    await this.lock.run(async () => {
      const state = this.state as ClusterState;
      await createCanary(this.kubectl, {
        stable,
        image,
        replicas: router ? stable.replicas : 0,
        state,
      });
      if (router) await createCanaryService(this.kubectl, stableService, deployment);
    });
    if (router) await this.waitCanaryReady();
  }

  /** Continues a canary a previous job started; undefined when there is none. */
  async resume(): Promise<ResumedCanary | undefined> {
    const state = await readClusterState(this.kubectl, this.target.deployment);
    if (!state) return undefined;
    this.state = state;
    this.stable = await readStable(this.kubectl, state.deployment, state.container);
    return { weight: state.weight, canaryImage: state.canaryImage };
  }

  /** Only the change itself holds the lock: a cancellation must not wait for pods to start. */
  async shiftTo(weight: number): Promise<number> {
    const provider = this.providerFor(this.state?.originalRoute);
    const achieved = await this.lock.run(() => provider.setWeight(weight));
    await this.waitCanaryReady();
    await this.lock.run(async () => {
      if (!this.state) return;
      this.state = { ...this.state, weight: achieved, stepIndex: this.state.stepIndex + 1 };
      await writeClusterState(this.kubectl, this.state);
    });
    core.info(`The canary now gets ${achieved}% of traffic.`);
    return achieved;
  }

  /** Once stable is getting the new image, a cancellation leaves the finish to the post step. */
  get promoting(): boolean {
    return this.promotionStarted;
  }

  promote(): Promise<PromotionReport> {
    this.promotionStarted = true;
    return this.lock.run(() =>
      promoteStable(this.kubectl, this.providerFor(this.state?.originalRoute), this.names(), {
        image: this.state?.canaryImage ?? this.target.image ?? '',
        stableImage: this.stableImage,
        stableRevision: this.state?.stableRevision,
        timeoutMs: this.target.timeoutMs,
      }),
    );
  }

  revert(): Promise<CleanupReport> {
    return this.lock.run(() => this.revertNow());
  }

  /** For the signal handler: whatever main was changing finishes first, then everything reverts. */
  async revertAfterCancel(): Promise<{ settled: boolean; report: CleanupReport | undefined }> {
    try {
      const report = await this.revert();
      return { settled: report.leftoverObjects.length === 0 && report.stableHealthy, report };
    } catch (error) {
      core.warning(`The revert did not finish; the post step will retry: ${describeThrown(error)}`);
      return { settled: false, report: undefined };
    }
  }

  /** Post step after a promotion was interrupted: stable has the new image; clean up around it. */
  async finishPromotion(): Promise<CleanupReport> {
    await this.resumeQuietly();
    return this.lock.run(() =>
      finishPromotion(this.kubectl, this.providerFor(this.state?.originalRoute), this.names(), {
        timeoutMs: this.target.timeoutMs,
      }),
    );
  }

  private async revertNow(): Promise<CleanupReport> {
    if (!this.state) await this.resumeQuietly();
    return revertToStable(this.kubectl, this.providerFor(this.state?.originalRoute), this.names(), {
      stableImage: this.state?.stableImage ?? this.stable?.image,
      timeoutMs: this.target.timeoutMs,
    });
  }

  private async resumeQuietly(): Promise<void> {
    try {
      await this.resume();
    } catch (error) {
      core.warning(`Could not read the canary's saved state: ${describeThrown(error)}`);
    }
  }

  private names() {
    return {
      deployment: this.target.deployment,
      service: this.state?.service ?? this.target.service,
      route: this.state?.route ?? this.target.route,
      traffic: this.state?.traffic ?? this.target.traffic,
      container: this.state?.container ?? this.stable?.container ?? this.target.container,
    };
  }

  private providerFor(snapshot: unknown): TrafficProvider {
    if (this.provider) return this.provider;
    const names = this.names();
    this.provider = trafficProvider(this.kubectl, {
      mode: names.traffic,
      namespace: this.target.namespace,
      service: names.service ?? '',
      route: names.route,
      deployment: this.target.deployment,
      stableReplicas: this.stable?.replicas ?? 1,
      snapshot,
    });
    return this.provider;
  }

  private async waitCanaryReady(): Promise<void> {
    await waitReady(
      this.kubectl,
      `deployment/${canaryName(this.target.deployment)}`,
      this.target.timeoutMs,
    );
  }
}

/**
 * One canary's cluster side, as the modes use it: begin, shift, promote, revert. It keeps the run's
 * progress in the canary Deployment's annotation so a later job (promote, abort, or the post step)
 * continues from the cluster itself, and it serialises changes so a cancellation's revert can
 * never be overtaken by a weight change that was already in flight.
 */
import * as core from '@actions/core';
import { ActionError } from '../core/errors.js';
import { untilRecovered } from '../core/kube-recovery.js';
import { escapeUntrusted } from '../core/log.js';
import type { Kubectl } from '../core/kubectl.js';
import { applyConfigCopies } from './cluster/config-copies.js';
import { prepareRelease, releaseToPromote } from './cluster/release-canary.js';
import {
  describeOwner,
  isStale,
  readClusterState,
  sameRun,
  type ClusterState,
} from './cluster/cluster-state.js';
import { holdStableHpas, planStableHolds } from './cluster/hpa.js';
import { CanaryPodHealth, listPods, selectorText } from './cluster/pod-health.js';
import { usesRoute } from './cluster/traffic/traffic-modes.js';
import { canaryReplicas, sizeCanary } from './cluster/traffic/replicas.js';
import {
  canarySelector,
  checkServiceSelection,
  createCanary,
  createCanaryService,
  readService,
  readStable,
  type LabelSelector,
} from './cluster/workload.js';
import type { CanaryClusterPort, ResumedCanary } from './run-canary-ports.js';
import type { CanaryRunState } from './state.js';
import type { CanaryReport, StepRecord } from './types.js';
import {
  SHIFT_RETRY_MS,
  type CanaryClusterTarget,
  type CanaryRunOptions,
} from './cluster/canary-base.js';
import { CanaryEnding } from './cluster/canary-ending.js';

export type { CanaryClusterTarget, CanaryRunOptions };

export class CanaryCluster extends CanaryEnding implements CanaryClusterPort {
  private readonly steps: StepRecord[] = [];

  private creating = false;

  static fromRunState(kubectl: Kubectl, state: CanaryRunState): CanaryCluster {
    return new CanaryCluster(
      kubectl,
      { ...state.target, image: undefined, timeoutMs: state.timeoutMs },
      {
        owner: state.owner,
        leaseMs: state.leaseMs,
        recoveryTimeoutMs: state.recoveryTimeoutMs,
        onStale: 'fail',
        force: false,
        recoveryDeadlineAt: state.recoveryDeadlineAt,
        promotionSnapshotsPath: state.promotionSnapshotsPath,
      },
    );
  }

  get canaryRelease(): Pick<CanaryReport, 'canaryImage' | 'canaryChange'> | undefined {
    const release = this.state?.release;
    return release && { canaryImage: this.state?.canaryImage ?? '', canaryChange: release.change };
  }

  /** The stable Deployment's spec.selector, once read: it picks stable's own metric series. */
  get stableSelector(): LabelSelector | undefined {
    return this.stable?.selector;
  }

  /** Stable's container the canary compares, once stable was read. */
  get container(): string | undefined {
    return this.stable?.container;
  }

  /** The image of the canary this run started or found. */
  get canaryImage(): string | undefined {
    return this.state?.canaryImage;
  }

  recordStep(step: StepRecord): void {
    this.steps.push(step);
  }

  stepsSoFar(): StepRecord[] {
    return [...this.steps];
  }

  /** Creates the canary without traffic and waits until it is ready. */
  async begin(): Promise<void> {
    const { deployment, service, image, source } = this.target;
    if (!service || (!image && !source)) {
      throw new ActionError('service and image (or manifests) are required to start.');
    }
    const running = await readClusterState(this.kubectl, deployment);
    if (running) await this.clearStale(running);
    const stable = await readStable(this.kubectl, deployment, this.target.container, {
      firstWhenUnclear: source !== undefined,
    });
    this.stable = stable;
    const release = source
      ? await prepareRelease(this.kubectl, source, stable, this.target.container)
      : undefined;
    this.release = release?.rendered;
    if (!release && stable.image === image) {
      throw new ActionError(
        `Deployment ${deployment} already runs ${image}; there is nothing to compare.`,
        'Pass the new image in the image input.',
      );
    }
    const canaryImage = release?.canaryImage ?? (image as string);
    const stableService = await readService(this.kubectl, service);
    checkServiceSelection(this.target.traffic, stableService, stable);
    const provider = this.providerFor(undefined);
    await provider.prepare();
    const { holds: hpaHolds, unseen } = await planStableHolds(
      this.kubectl,
      this.namespace,
      deployment,
      stable.replicas,
    );
    if (unseen) {
      core.warning(escapeUntrusted(unseen));
      this.notes.push(unseen);
    }
    this.state = {
      version: 1,
      deployment,
      container: stable.container,
      service,
      traffic: this.target.traffic,
      route: this.target.route,
      stableImage: stable.image,
      stableRevision: stable.revision,
      canaryImage,
      ...(release ? { release: release.record } : {}),
      ...(hpaHolds.length > 0 ? { hpaHolds } : {}),
      weight: 0,
      stepIndex: -1,
      startedAt: new Date().toISOString(),
      originalRoute: provider.snapshot(),
      owner: this.run.owner,
      phase: 'running',
      leaseSeconds: Math.round(this.run.leaseMs / 1_000),
      renewedAt: new Date().toISOString(),
    };
    const router = usesRoute(this.target.traffic);
    this.run.acting?.();
    this.creating = true;
    // Applying the same objects again changes nothing, so an API fault here is simply retried.
    await this.lock.run(() =>
      untilRecovered(
        'Creating the canary',
        async () => {
          const state = this.state as ClusterState;
          await createCanary(this.kubectl, {
            stable,
            image: canaryImage,
            // A router's canary is ready before its first traffic; replicas mode's pods are traffic.
            replicas: canaryReplicas(stable.replicas, 0, router ? 1 : 0),
            state,
            template: release?.rendered.canaryTemplate,
          });
          // After the Deployment, whose state names them: a run cut short here still reverts
          // them. Pods wait for config they reference, so the order costs no failed start.
          if (release) {
            await applyConfigCopies(
              this.kubectl,
              release.rendered.copies,
              deployment,
              this.target.namespace,
            );
          }
          if (router) await createCanaryService(this.kubectl, stableService, deployment);
        },
        { deadlineAt: Date.now() + SHIFT_RETRY_MS },
      ),
    );
    // Only now: the canary's state, which says how to undo it, exists on the cluster.
    await this.changing("Holding stable's HPA", async () => {
      for (const line of await holdStableHpas(this.kubectl, hpaHolds)) this.note(line);
    });
    this.lease.start();
    if (router) await this.waitCanaryReady();
  }

  /**
   * Another canary of this Deployment exists. One whose owner still renews its lease (or that is
   * paused for a person) is not ours to touch: this run stops without changing anything. A stale
   * one is put back first, as `on-stale` says.
   */
  private async clearStale(found: ClusterState): Promise<void> {
    const { deployment } = this.target;
    const what = `A canary of ${deployment} (image ${found.canaryImage} at ${found.weight}%, ${found.phase ?? 'running'}, started ${found.startedAt}) belongs to ${describeOwner(found)}`;
    if (!isStale(found)) {
      throw new ActionError(
        `${what} and is still ${found.phase === 'paused' ? 'waiting for promote or abort' : 'alive'}; this run changed nothing.`,
        'Finish it first with mode: promote or mode: abort from that workflow run (or set force: true on that step), then run this one again.',
      );
    }
    const expired = `${what}, whose runner stopped renewing its lease at ${found.renewedAt}`;
    if (this.run.onStale === 'fail') {
      throw new ActionError(
        `${expired}; on-stale is fail, so this run changed nothing.`,
        'Run this action with mode: abort to put the cluster back, or set on-stale: abort.',
      );
    }
    core.warning(`${expired}; putting the cluster back before this run starts its own.`);
    this.state = found;
    this.stable = await readStable(this.kubectl, found.deployment, found.container);
    const { cleanup, finished } = await this.abortFound(found);
    if (cleanup.leftoverObjects.length > 0 || !cleanup.stableHealthy) {
      throw new ActionError(
        `${expired}; it could not be put back (leftover: ${cleanup.leftoverObjects.join(', ') || 'none'}, stable healthy: ${cleanup.stableHealthy}), so this run changed nothing else.`,
        'Run this action with mode: abort to finish, then run this one again.',
      );
    }
    this.notes.push(
      `${expired}; this run ${finished ? `finished its promotion (stable runs ${cleanup.stableImage})` : 'reverted it (all traffic back on stable)'} before starting.`,
    );
    this.state = undefined;
    this.stable = undefined;
    this.provider = undefined;
  }

  /** begin() got as far as creating canary objects: a failure from then on has to revert them. */
  get created(): boolean {
    return this.creating;
  }

  /**
   * Continues a canary a previous job started; undefined when there is none. Only a job of the run
   * that owns it may continue it, unless its lease expired or `force` is set.
   */
  async resume(intent: 'promote' | 'abort'): Promise<ResumedCanary | undefined> {
    const state = await readClusterState(this.kubectl, this.target.deployment);
    if (!state) return undefined;
    if (!sameRun(state, this.run.owner) && !isStale(state) && !this.run.force && state.owner) {
      throw new ActionError(
        `The canary of ${state.deployment} (image ${state.canaryImage} at ${state.weight}%) belongs to ${describeOwner(state)}, which is still ${state.phase === 'paused' ? 'waiting for promote or abort' : 'alive'}; this run changed nothing.`,
        `Run mode: ${intent} from a job of that workflow run, or set force: true to take the canary over.`,
      );
    }
    // Before anything changes: a promote job must promote the very release the canary ran.
    if (intent === 'promote') {
      this.release = await releaseToPromote(state, this.target.source, this.target.image);
    }
    this.state = state;
    this.stable = await readStable(this.kubectl, state.deployment, state.container);
    return {
      weight: state.weight,
      canaryImage: state.canaryImage,
      phase: state.phase ?? 'running',
    };
  }

  /**
   * This job drives the canary from now on (mode promote, once it checked what it found): it
   * becomes the owner, and its post step the one that reverts if it stops half way.
   */
  async takeOver(): Promise<void> {
    this.run.acting?.();
    await untilRecovered(
      'Taking the canary over',
      () => this.writeState({ owner: this.run.owner, phase: 'running' }),
      { deadlineAt: Date.now() + SHIFT_RETRY_MS },
    );
    this.lease.start();
  }

  /** Who owns the canary when it is alive; false when it is stale, undefined when there is none. */
  async liveOwner(): Promise<string | false | undefined> {
    const state = await readClusterState(this.kubectl, this.target.deployment);
    if (!state) return undefined;
    return isStale(state) ? false : describeOwner(state);
  }

  /** `mode: start` is done: the canary waits for a person, with no lease to expire meanwhile. */
  async pause(): Promise<void> {
    this.stopLease();
    await this.writeState({ phase: 'paused' });
  }

  /**
   * Only the change itself holds the lock: a cancellation must not wait for pods to start. Weight
   * never moves to canary pods that are not ready: a router sends it to the canary Service at
   * once, so the canary is awaited first; in replicas mode the weight is new pods, which the
   * Service sends traffic to only once they are ready, so they are awaited after the scale.
   */
  async shiftTo(weight: number): Promise<number> {
    const provider = this.providerFor(this.state?.originalRoute);
    const router = usesRoute(provider.mode);
    // Sized for its weight of stable's replicas now: more pods before more traffic, fewer after.
    const size = (only: 'grow' | 'shrink') =>
      this.changing('Sizing the canary', () =>
        sizeCanary(this.kubectl, this.target.deployment, weight, { floor: 1, only }),
      );
    if (router) await size('grow');
    if (router) await this.waitCanaryReady();
    const deadlineAt = Date.now() + SHIFT_RETRY_MS;
    const achieved = await this.lock.run(() =>
      untilRecovered(`Shifting ${weight}% of traffic`, () => provider.setWeight(weight), {
        deadlineAt,
      }),
    );
    if (router) await size('shrink');
    if (!router) await this.waitCanaryReady();
    const stepIndex = (this.state?.stepIndex ?? -1) + 1;
    await untilRecovered(
      'Recording the step on the canary',
      () => this.writeState({ weight: achieved, stepIndex }),
      { deadlineAt: Date.now() + SHIFT_RETRY_MS },
    );
    core.info(`The canary now gets ${achieved}% of traffic.`);
    return achieved;
  }

  /** The canary pods' health for the progression's checks (restarts, crash loops, not ready). */
  podHealth(graceMs: number): CanaryPodHealth {
    return new CanaryPodHealth(
      () => {
        if (!this.stable) throw new ActionError('The canary has not been started or resumed.');
        return listPods(this.kubectl, selectorText(canarySelector(this.stable)));
      },
      { graceMs },
    );
  }
}

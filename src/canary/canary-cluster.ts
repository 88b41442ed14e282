/**
 * One canary's cluster side, as the modes use it: begin, shift, promote, revert. It keeps the run's
 * progress in the canary Deployment's annotation so a later job (promote, abort, or the post step)
 * continues from the cluster itself, and it serialises changes so a cancellation's revert can
 * never be overtaken by a weight change that was already in flight.
 */
import * as core from '@actions/core';
import { formatDuration } from '../core/duration.js';
import { ActionError, describeThrown } from '../core/errors.js';
import { untilRecovered } from '../core/kube-recovery.js';
import { escapeUntrusted } from '../core/log.js';
import type { Kubectl } from '../core/kubectl.js';
import { ClusterLock } from './cluster-lock.js';
import { applyConfigCopies } from './cluster/config-copies.js';
import { promoteRelease } from './cluster/promote-release.js';
import { prepareRelease, releaseToPromote, stableRunsCanary } from './cluster/release-canary.js';
import type { RenderedRelease } from './release.js';
import type { ReleaseSource } from './source-input.js';
import { canaryName } from './names.js';
import {
  describeOwner,
  isStale,
  readClusterState,
  sameRun,
  writeClusterState,
  type ClusterState,
  type RunOwner,
} from './cluster/cluster-state.js';
import { holdStableHpas, planStableHolds, type HpaRestore } from './cluster/hpa.js';
import { CanaryPodHealth, listPods, selectorText } from './cluster/pod-health.js';
import {
  finishPromotion,
  observe,
  promoteStable,
  revertToStable,
  type CanaryNames,
  type PromotionReport,
} from './cluster/revert.js';
import { trafficProvider, type TrafficProvider } from './cluster/traffic/index.js';
import { usesRoute } from './cluster/traffic/traffic-modes.js';
import { canaryReplicas, sizeCanary } from './cluster/traffic/replicas.js';
import {
  canarySelector,
  checkServiceSelection,
  createCanary,
  createCanaryService,
  readService,
  readStable,
  waitReady,
  type LabelSelector,
  type StableSnapshot,
} from './cluster/workload.js';
import type { CanaryClusterPort, ResumedCanary } from './run-canary-ports.js';
import type { CanaryRunState } from './state.js';
import { targetOf, type CanaryTarget } from './target.js';
import type { CanaryReport, CleanupReport, Settings, StepRecord } from './types.js';

/** What the cluster side needs to know; the post step rebuilds it from the saved run state. */
/** The canary's target and what it runs; the settings are one, the post step makes one. */
export interface CanaryClusterTarget extends CanaryTarget {
  image: string | undefined;
  /** A whole release (manifests or kustomize) the canary runs instead of `image`. */
  source?: ReleaseSource;
  timeoutMs: number;
}

/** How this run relates to canaries: who it is, how long its lease lasts, how long recovery may take. */
export interface CanaryRunOptions {
  owner: RunOwner;
  leaseMs: number;
  recoveryTimeoutMs: number;
  /** What to do with a canary whose owner stopped renewing its lease. */
  onStale: 'abort' | 'fail';
  /** Take over a canary of another run that is still alive. */
  force: boolean;
  /** Called just before this run first changes a canary (creates, takes over or aborts it). */
  acting?: () => void;
  /** Called once when the first recovery starts, with its deadline, so post can keep to it. */
  recoveryStarted?: (deadlineAt: number) => void;
  /** Set by the post step: the deadline main's recovery began with. */
  recoveryDeadlineAt?: number;
}

/** A shift that fails on an API fault is tried again for this long before the canary aborts. */
const SHIFT_RETRY_MS = 30_000;
/** Reading the cluster's state for a report once a recovery has run out of time. */
const OBSERVE_BUDGET_MS = 10_000;

export class CanaryCluster implements CanaryClusterPort {
  private readonly lock = new ClusterLock();
  private readonly target: CanaryClusterTarget;
  private stable: StableSnapshot | undefined;
  private provider: TrafficProvider | undefined;
  private state: ClusterState | undefined;
  private readonly steps: StepRecord[] = [];
  /** The rendered release (begin, or a promote job's re-render); undefined for an image canary. */
  private release: RenderedRelease | undefined;
  private promotionStarted = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private creating = false;
  private recoveryDeadlineAt: number | undefined;
  private recoveryStartedAt: number | undefined;
  /** What this run did about a stale canary it found, for the report. */
  readonly notes: string[] = [];

  constructor(
    private readonly kubectl: Kubectl,
    target: CanaryClusterTarget,
    private readonly run: CanaryRunOptions,
  ) {
    this.target = target;
    this.recoveryDeadlineAt = run.recoveryDeadlineAt;
  }

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
      },
    );
  }

  /** The namespace the metrics are labelled with: the input, else the kubeconfig's, else default. */
  get namespace(): string {
    return this.target.namespace ?? this.stable?.namespace ?? 'default';
  }

  get canaryRelease(): Pick<CanaryReport, 'canaryImage' | 'canaryChange'> | undefined {
    const release = this.state?.release;
    return release && { canaryImage: this.state?.canaryImage ?? '', canaryChange: release.change };
  }

  get stableImage(): string | undefined {
    return this.state?.stableImage ?? this.stable?.image;
  }

  /** The stable Deployment's spec.selector, once read: it picks stable's own metric series. */
  get stableSelector(): LabelSelector | undefined {
    return this.stable?.selector;
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
    const hpaHolds = await planStableHolds(
      this.kubectl,
      this.namespace,
      deployment,
      stable.replicas,
    );
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
    this.startLease();
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
    this.startLease();
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

  /** Keeps the lease on the canary's state alive while this run drives it. */
  private startLease(): void {
    this.stopLease();
    const every = Math.max(1_000, Math.floor(this.run.leaseMs / 4));
    let failing = false;
    const timer = setInterval(() => {
      this.renewLease(timer).then(
        () => (failing = false),
        (error: unknown) => {
          // Once per outage: a lease not renewed for `lease` makes a live canary look stale.
          if (!failing)
            core.warning(`Could not renew the canary's lease: ${describeThrown(error)}`);
          failing = true;
        },
      );
    }, every);
    timer.unref();
    this.leaseTimer = timer;
  }

  /**
   * A renewal waits its turn behind the change in flight; by then a promotion or revert may have
   * ended the lease and deleted the canary, so it renews only while its timer is still the lease.
   */
  private renewLease(timer: NodeJS.Timeout): Promise<void> {
    return this.lock.run(async () => {
      if (this.leaseTimer !== timer) return;
      await this.writeStateNow({});
    });
  }

  stopLease(): void {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.leaseTimer = undefined;
  }

  /** Writes the canary's state with `changes` and a renewed lease, in turn with other changes. */
  private writeState(changes: Partial<ClusterState>): Promise<void> {
    return this.lock.run(() => this.writeStateNow(changes));
  }

  private async writeStateNow(changes: Partial<ClusterState>): Promise<void> {
    if (!this.state) return;
    const next: ClusterState = {
      ...this.state,
      ...changes,
      leaseSeconds: Math.round(this.run.leaseMs / 1_000),
      renewedAt: new Date().toISOString(),
    };
    await writeClusterState(this.kubectl, next);
    this.state = next;
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

  /** Once stable is getting the new image, a cancellation leaves the finish to the post step. */
  get promoting(): boolean {
    return this.promotionStarted;
  }

  /** Stable takes the canary's image; a later abort sees phase promoting and finishes it. */
  async promote(): Promise<PromotionReport> {
    this.promotionStarted = true;
    await untilRecovered(
      'Marking the canary as promoting',
      () => this.writeState({ phase: 'promoting' }),
      {
        deadlineAt: Date.now() + SHIFT_RETRY_MS,
      },
    );
    const report = await this.lock
      .run(async () => {
        try {
          const release = this.state?.release;
          if (release) {
            if (!this.release) throw new ActionError('The release to promote was not rendered.');
            return await promoteRelease(
              this.kubectl,
              this.providerFor(this.state?.originalRoute),
              this.targetNow(),
              {
                documents: this.release.documents,
                template: release.template,
                stableImage: this.stableImage,
                timeoutMs: this.target.timeoutMs,
                retryUntil: Date.now() + this.run.recoveryTimeoutMs,
                hpa: this.hpaRestore(),
              },
            );
          }
          return await promoteStable(
            this.kubectl,
            this.providerFor(this.state?.originalRoute),
            this.targetNow(),
            {
              image: this.state?.canaryImage ?? this.target.image ?? '',
              stableImage: this.stableImage,
              stableRevision: this.state?.stableRevision,
              timeoutMs: this.target.timeoutMs,
              retryUntil: Date.now() + this.run.recoveryTimeoutMs,
              hpa: this.hpaRestore(),
            },
          );
        } finally {
          // The canary (and its state) may be gone now: no renewal queued behind us may write it.
          this.stopLease();
        }
      })
      .catch(async (error: unknown) => {
        // Stable may already have the new image: end consistently, through API faults — finish
        // the promotion when stable runs it healthily, else roll stable back and revert.
        core.warning(
          `The promotion was interrupted (${describeThrown(error)}); ending it consistently.`,
        );
        const found = this.state ? { ...this.state, phase: 'promoting' as const } : undefined;
        if (!found) throw error;
        const { cleanup, finished } = await this.abortFound(found);
        return {
          ...cleanup,
          promoted: finished,
          problem: finished ? undefined : describeThrown(error),
        };
      });
    this.stopLease();
    return report;
  }

  revert(): Promise<CleanupReport> {
    this.stopLease();
    return this.lock.run(() =>
      this.recovering('Putting all traffic back on stable', (kubectl) => this.revertWith(kubectl)),
    );
  }

  /**
   * `mode: abort` from any phase: before promotion the canary is reverted; once stable has the
   * canary's image and is healthy, the promotion is finished instead (stable is not rolled back
   * under live traffic); otherwise stable goes back to its revision from before the canary.
   */
  async abort(): Promise<{ cleanup: CleanupReport; finished: boolean }> {
    this.run.acting?.();
    if (!this.state) await this.resumeQuietly();
    const found = this.state;
    if (!found) return { cleanup: await this.revert(), finished: false };
    return this.abortFound(found);
  }

  private async abortFound(
    found: ClusterState,
  ): Promise<{ cleanup: CleanupReport; finished: boolean }> {
    this.stopLease();
    if (found.phase !== 'promoting') return { cleanup: await this.revert(), finished: false };
    const stable = await this.recovering('Reading stable', (kubectl) =>
      readStable(kubectl, found.deployment, found.container),
    );
    if (stableRunsCanary(found, stable)) {
      const healthy = await this.recovering('Waiting for stable', (kubectl) =>
        kubectl.rolloutStatus(`deployment/${found.deployment}`, this.target.timeoutMs),
      );
      if (healthy.done) {
        const cleanup = await this.lock.run(() =>
          this.recovering('Finishing the promotion', (kubectl) =>
            this.finishPromotionWith(kubectl),
          ),
        );
        return { cleanup, finished: true };
      }
      // Undo renumbers the revision it restores, so a retry first checks it is still needed.
      await this.recovering('Rolling stable back', async (kubectl) => {
        const now = await readStable(kubectl, found.deployment, found.container);
        if (!stableRunsCanary(found, now)) return;
        await kubectl.rolloutUndo(
          `deployment/${found.deployment}`,
          found.stableRevision || undefined,
        );
      });
    }
    return { cleanup: await this.revert(), finished: false };
  }

  /**
   * The cluster as it is now, object by object (stable, traffic, canary objects left), read within
   * a few seconds; undefined when even that fails. For a report after a recovery ran out of time.
   */
  async observe(): Promise<CleanupReport | undefined> {
    const kubectl = this.kubectl.withDeadline(Date.now() + OBSERVE_BUDGET_MS);
    try {
      return await observe(
        kubectl,
        this.providerFor(this.state?.originalRoute, kubectl),
        this.targetNow(),
        this.state?.stableImage ?? this.stable?.image,
      );
    } catch (error) {
      core.warning(`Could not read what the cluster runs now: ${describeThrown(error)}`);
      return undefined;
    }
  }

  /** How long the recovery took so far (for the report), once one began. */
  recoveryTookMs(): number | undefined {
    return this.recoveryStartedAt === undefined ? undefined : Date.now() - this.recoveryStartedAt;
  }

  /**
   * Runs recovery work with kubectl bound to the recovery deadline, retrying through API faults.
   * The deadline starts with the first recovery and is kept for the rest of the run (and post).
   */
  private async recovering<T>(what: string, work: (kubectl: Kubectl) => Promise<T>): Promise<T> {
    if (this.recoveryDeadlineAt === undefined) {
      this.recoveryDeadlineAt = Date.now() + this.run.recoveryTimeoutMs;
      this.run.recoveryStarted?.(this.recoveryDeadlineAt);
    }
    this.recoveryStartedAt ??= Date.now();
    const deadlineAt = this.recoveryDeadlineAt;
    const kubectl = this.kubectl.withDeadline(deadlineAt);
    try {
      return await untilRecovered(what, () => work(kubectl), { deadlineAt });
    } catch (error) {
      throw new ActionError(
        `${what} did not finish within the ${formatDuration(this.run.recoveryTimeoutMs)} recovery deadline: ${describeThrown(error)}`,
        `The cluster may be half way: run this action with mode: abort (namespace ${this.namespace}, deployment ${this.target.deployment}) to finish.`,
        { cause: error },
      );
    }
  }

  /** For the signal handler: whatever main was changing finishes first, then everything reverts. */
  async revertAfterCancel(
    graceMs: number,
  ): Promise<{ settled: boolean; report: CleanupReport | undefined }> {
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), graceMs);
    });
    try {
      const report = await Promise.race([this.revert(), outOfTime]);
      if (!report) {
        core.warning(
          'The revert did not finish within the grace period; the post step continues it.',
        );
        return { settled: false, report: undefined };
      }
      return { settled: report.leftoverObjects.length === 0 && report.stableHealthy, report };
    } catch (error) {
      core.warning(`The revert did not finish; the post step will retry: ${describeThrown(error)}`);
      return { settled: false, report: undefined };
    } finally {
      clearTimeout(timer);
    }
  }

  private finishPromotionWith(kubectl: Kubectl): Promise<CleanupReport> {
    return finishPromotion(
      kubectl,
      this.providerFor(this.state?.originalRoute, kubectl),
      this.targetNow(),
      {
        timeoutMs: this.target.timeoutMs,
        // A release is checked by its whole template; canaryImage may list several containers.
        image: this.state?.release ? undefined : this.state?.canaryImage,
        template: this.state?.release?.template,
        hpa: this.hpaRestore(),
      },
    );
  }

  private async revertWith(kubectl: Kubectl): Promise<CleanupReport> {
    if (!this.state) await this.resumeQuietly();
    return revertToStable(
      kubectl,
      this.providerFor(this.state?.originalRoute, kubectl),
      this.targetNow(),
      {
        stableImage: this.state?.stableImage ?? this.stable?.image,
        timeoutMs: this.target.timeoutMs,
        hpa: this.hpaRestore(),
      },
    );
  }

  /** A change in turn with the others, retried through API faults. */
  private changing<T>(what: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run(() =>
      untilRecovered(what, work, { deadlineAt: Date.now() + SHIFT_RETRY_MS }),
    );
  }

  /** Stable's HPAs as the canary's state recorded them, for whichever path ends the canary. */
  private hpaRestore(): HpaRestore {
    return { holds: this.state?.hpaHolds, note: (line) => this.note(line) };
  }

  /** A line for the report (once, however often a retried step says it) and for the log. */
  private note(line: string): void {
    if (this.notes.includes(line)) return;
    this.notes.push(line);
    core.info(escapeUntrusted(line));
  }

  /** The canary's state without the ownership check: for this run's own cleanup. */
  private async resumeQuietly(): Promise<void> {
    try {
      const state = await readClusterState(this.kubectl, this.target.deployment);
      if (!state) return;
      this.state = state;
      this.stable = await readStable(this.kubectl, state.deployment, state.container);
    } catch (error) {
      core.warning(`Could not read the canary's saved state: ${describeThrown(error)}`);
    }
  }

  /**
   * The target as the canary's own state records it once one was found or started (a later job's
   * inputs may say otherwise; the cluster's record wins), else as this run's inputs say.
   */
  private targetNow(): CanaryTarget & Pick<CanaryNames, 'copies'> {
    const recorded = this.state;
    if (!recorded) {
      return {
        ...targetOf(this.target),
        container: this.stable?.container ?? this.target.container,
      };
    }
    return {
      ...targetOf({ ...recorded, namespace: this.target.namespace }),
      copies: recorded.release?.copies,
    };
  }

  /**
   * The traffic provider; with `kubectl`, one bound to it (a recovery's deadline) that restores
   * the same snapshot.
   */
  private providerFor(snapshot: unknown, kubectl?: Kubectl): TrafficProvider {
    if (kubectl) {
      return this.createProvider(kubectl, this.provider ? this.provider.snapshot() : snapshot);
    }
    this.provider ??= this.createProvider(this.kubectl, snapshot);
    return this.provider;
  }

  private createProvider(kubectl: Kubectl, snapshot: unknown): TrafficProvider {
    return trafficProvider(kubectl, {
      ...targetOf(this.targetNow()),
      stableReplicas: this.stable?.replicas ?? 1,
      snapshot,
    });
  }

  private async waitCanaryReady(): Promise<void> {
    await untilRecovered(
      'Waiting for the canary',
      () =>
        waitReady(
          this.kubectl,
          `deployment/${canaryName(this.target.deployment)}`,
          this.target.timeoutMs,
        ),
      { deadlineAt: Date.now() + this.target.timeoutMs },
    );
  }
}

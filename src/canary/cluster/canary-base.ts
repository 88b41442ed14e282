/**
 * What every part of one canary's cluster side shares: its target and run options, the canary's
 * state as last read or written (and its lease), the lock that serialises changes, and recovery
 * bound to one deadline. CanaryEnding (promote, revert, abort) and CanaryCluster (start, shift,
 * resume) build on it.
 */
import * as core from '@actions/core';
import { formatDuration } from '../../core/duration.js';
import { ActionError, describeThrown } from '../../core/errors.js';
import { untilRecovered } from '../../core/kube-recovery.js';
import { escapeUntrusted } from '../../core/log.js';
import type { Kubectl } from '../../core/kubectl.js';
import { ClusterLock } from '../cluster-lock.js';
import { CanaryLease } from './lease.js';
import type { RenderedRelease } from '../release.js';
import type { ReleaseSource } from '../source-input.js';
import { canaryName } from '../names.js';
import {
  readClusterState,
  writeClusterState,
  type ClusterState,
  type RunOwner,
} from './cluster-state.js';
import { type HpaRestore } from './hpa.js';
import { observe, type CanaryNames } from './revert.js';
import { trafficProvider, type TrafficProvider } from './traffic/index.js';
import { readStable, waitReady, type StableSnapshot } from './workload.js';
import { targetOf, type CanaryTarget } from '../target.js';
import type { CleanupReport } from '../types.js';

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
  /** Called with main's private file of what a release's promotion changes, before it applies. */
  promotionSaved?: (path: string) => void;
  /** Set by the post step: that file. */
  promotionSnapshotsPath?: string;
}

/** A shift that fails on an API fault is tried again for this long before the canary aborts. */
export const SHIFT_RETRY_MS = 30_000;
/** Reading the cluster's state for a report once a recovery has run out of time. */
const OBSERVE_BUDGET_MS = 10_000;

export abstract class CanaryClusterBase {
  protected readonly lock = new ClusterLock();

  protected readonly target: CanaryClusterTarget;

  protected stable: StableSnapshot | undefined;

  protected provider: TrafficProvider | undefined;

  protected state: ClusterState | undefined;

  /** The rendered release (begin, or a promote job's re-render); undefined for an image canary. */
  protected release: RenderedRelease | undefined;

  protected readonly lease: CanaryLease;

  protected recoveryDeadlineAt: number | undefined;

  protected recoveryStartedAt: number | undefined;

  /** What this run did about a stale canary it found, for the report. */
  readonly notes: string[] = [];

  constructor(
    protected readonly kubectl: Kubectl,
    target: CanaryClusterTarget,
    protected readonly run: CanaryRunOptions,
  ) {
    this.target = target;
    this.recoveryDeadlineAt = run.recoveryDeadlineAt;
    this.lease = new CanaryLease(this.lock, run.leaseMs, () => this.writeStateNow({}));
  }

  /** The namespace the metrics are labelled with: the input, else the kubeconfig's, else default. */
  get namespace(): string {
    return this.target.namespace ?? this.stable?.namespace ?? 'default';
  }

  get stableImage(): string | undefined {
    return this.state?.stableImage ?? this.stable?.image;
  }

  /** The lease ends: a promotion, revert or pause is under way or done. */
  stopLease(): void {
    this.lease.stop();
  }

  /** Writes the canary's state with `changes` and a renewed lease, in turn with other changes. */
  protected writeState(changes: Partial<ClusterState>): Promise<void> {
    return this.lock.run(() => this.writeStateNow(changes));
  }

  protected async writeStateNow(changes: Partial<ClusterState>): Promise<void> {
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
  protected async recovering<T>(what: string, work: (kubectl: Kubectl) => Promise<T>): Promise<T> {
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

  /** A change in turn with the others, retried through API faults. */
  protected changing<T>(what: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run(() =>
      untilRecovered(what, work, { deadlineAt: Date.now() + SHIFT_RETRY_MS }),
    );
  }

  /** Stable's HPAs as the canary's state recorded them, for whichever path ends the canary. */
  protected hpaRestore(): HpaRestore {
    return { holds: this.state?.hpaHolds, note: (line) => this.note(line) };
  }

  /** A line for the report (once, however often a retried step says it) and for the log. */
  protected note(line: string): void {
    if (this.notes.includes(line)) return;
    this.notes.push(line);
    core.info(escapeUntrusted(line));
  }

  /** The canary's state without the ownership check: for this run's own cleanup. */
  protected async resumeQuietly(): Promise<void> {
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
  protected targetNow(): CanaryTarget & Pick<CanaryNames, 'copies'> {
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
  protected providerFor(snapshot: unknown, kubectl?: Kubectl): TrafficProvider {
    if (kubectl) {
      return this.createProvider(kubectl, this.provider ? this.provider.snapshot() : snapshot);
    }
    this.provider ??= this.createProvider(this.kubectl, snapshot);
    return this.provider;
  }

  protected createProvider(kubectl: Kubectl, snapshot: unknown): TrafficProvider {
    return trafficProvider(kubectl, {
      ...targetOf(this.targetNow()),
      stableReplicas: this.stable?.replicas ?? 1,
      snapshot,
    });
  }

  protected async waitCanaryReady(): Promise<void> {
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

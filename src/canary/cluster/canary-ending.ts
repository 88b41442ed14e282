/**
 * How a canary ends: promotion (of one image or of a whole release, whose objects are read first
 * and kept where whoever ends an interrupted promotion finds them), revert, and `mode: abort` from
 * any phase, which finishes a promotion stable already runs healthily and otherwise puts the
 * cluster back as it was.
 */
import * as core from '@actions/core';
import { ActionError, describeThrown } from '../../core/errors.js';
import { untilRecovered } from '../../core/kube-recovery.js';
import { saveSnapshots, snapshotObjects, type ObjectSnapshot } from '../../core/kube-objects.js';
import { objectRefs } from '../../core/manifests.js';
import { escapeUntrusted } from '../../core/log.js';
import type { Kubectl } from '../../core/kubectl.js';
import { describeRestore, promoteRelease } from './promote-release.js';
import { promotionRecord, promotionSnapshots, restorePromotion } from './promotion-record.js';
import { stableRunsCanary } from './release-canary.js';
import { type ClusterState } from './cluster-state.js';
import { finishPromotion, promoteStable, revertToStable, type PromotionReport } from './revert.js';
import { readStable } from './workload.js';
import type { CleanupReport } from '../types.js';
import { CanaryClusterBase, SHIFT_RETRY_MS } from './canary-base.js';

export abstract class CanaryEnding extends CanaryClusterBase {
  protected promotionStarted = false;

  /** What a release's promotion is about to change, as it was (main only). */
  protected promotionSnapshots: ObjectSnapshot[] | undefined;

  /** Once stable is getting the new image, a cancellation leaves the finish to the post step. */
  get promoting(): boolean {
    return this.promotionStarted;
  }

  /** Stable takes the canary's image; a later abort sees phase promoting and finishes it. */
  async promote(): Promise<PromotionReport> {
    this.promotionStarted = true;
    const promotion = await this.snapshotPromotion();
    await untilRecovered(
      'Marking the canary as promoting',
      () => this.writeState({ phase: 'promoting', ...promotion }),
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
                snapshots: this.promotionSnapshots,
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

  protected async abortFound(
    found: ClusterState,
  ): Promise<{ cleanup: CleanupReport; finished: boolean }> {
    this.stopLease();
    if (found.phase !== 'promoting') return { cleanup: await this.revert(), finished: false };
    const stable = await this.recovering('Reading stable', (kubectl) =>
      readStable(kubectl, found.deployment, found.container),
    );
    const runsCanary = stableRunsCanary(found, stable);
    if (runsCanary) {
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
    }
    // A release's apply may have changed config even when stable's template is not the new one.
    if (found.release && (await this.restorePromotion(found))) {
      return { cleanup: await this.revert(), finished: false };
    }
    if (runsCanary) {
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

  protected finishPromotionWith(kubectl: Kubectl): Promise<CleanupReport> {
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

  protected async revertWith(kubectl: Kubectl): Promise<CleanupReport> {
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

  /**
   * Before a release's promotion: reads every object the apply will change and keeps what it read
   * where whoever ends an interrupted promotion finds it (memory, main's private file for post,
   * the canary's state without Secret content for a later job).
   */
  protected async snapshotPromotion(): Promise<Partial<ClusterState>> {
    if (!this.state?.release || !this.release) return {};
    const snapshots = await snapshotObjects(
      this.kubectl,
      objectRefs(this.release.documents),
      Date.now() + this.run.recoveryTimeoutMs,
    );
    this.promotionSnapshots = snapshots;
    this.run.promotionSaved?.(await saveSnapshots(snapshots));
    return { promotion: promotionRecord(snapshots) };
  }

  /**
   * Puts back every object an interrupted release promotion changed, stable's Deployment among
   * them, and waits for stable to roll back; false when nothing recorded what it changed.
   */
  protected async restorePromotion(found: ClusterState): Promise<boolean> {
    const restore = await promotionSnapshots({
      memory: this.promotionSnapshots,
      file: this.run.promotionSnapshotsPath,
      record: found.promotion,
    });
    if (!restore) return false;
    const results = await this.recovering('Restoring what the promotion changed', (kubectl) =>
      restorePromotion(kubectl, restore.snapshots, this.recoveryDeadlineAt ?? Date.now()),
    );
    const clause = describeRestore(results);
    this.note(`The interrupted promotion was rolled back: ${clause}.`);
    if (restore.missing) {
      core.warning(escapeUntrusted(restore.missing));
      this.notes.push(restore.missing);
    }
    await this.recovering('Waiting for stable to roll back', (kubectl) =>
      kubectl.rolloutStatus(`deployment/${found.deployment}`, this.target.timeoutMs),
    );
    return true;
  }
}

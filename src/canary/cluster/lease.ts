/**
 * The lease on a canary's state: while a run drives the canary it renews `renewedAt` every quarter
 * of the lease, so a canary whose runner died is seen as stale by the next run and one that is
 * alive is left alone.
 */
import * as core from '@actions/core';
import { describeThrown } from '../../core/errors.js';
import { escapeUntrusted } from '../../core/log.js';
import type { ClusterLock } from '../cluster-lock.js';

export class CanaryLease {
  private timer: NodeJS.Timeout | undefined;

  /** `renew` writes the state with a fresh renewedAt; it runs in turn with the other changes. */
  constructor(
    private readonly lock: ClusterLock,
    private readonly leaseMs: number,
    private readonly renew: () => Promise<void>,
  ) {}

  start(): void {
    this.stop();
    const every = Math.max(1_000, Math.floor(this.leaseMs / 4));
    let failing = false;
    const timer = setInterval(() => {
      this.renewIfCurrent(timer).then(
        () => (failing = false),
        (error: unknown) => {
          // Once per outage: a lease not renewed for `lease` makes a live canary look stale.
          if (!failing) {
            core.warning(
              escapeUntrusted(`Could not renew the canary's lease: ${describeThrown(error)}`),
            );
          }
          failing = true;
        },
      );
    }, every);
    timer.unref();
    this.timer = timer;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * A renewal waits its turn behind the change in flight; by then a promotion or revert may have
   * ended the lease and deleted the canary, so it renews only while its timer is still the lease.
   */
  private renewIfCurrent(timer: NodeJS.Timeout): Promise<void> {
    return this.lock.run(async () => {
      if (this.timer !== timer) return;
      await this.renew();
    });
  }
}

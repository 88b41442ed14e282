/**
 * The rollout's cancellation, listened for from the first moment of the step. Before the cluster
 * changes, a cancellation reports that nothing changed; once the deploy began, it rolls back
 * (cancel.ts). Either way the deploy's own kubectl calls stop first (change-gate.ts), and the
 * rollback starts only once a change under way has landed, so nothing the deploy sends lands
 * after it. Main then leaves the report to the handler.
 */
import * as core from '@actions/core';
import { onCancel, type Cancellation } from '../core/cancellation.js';
import { ChangeGate } from '../core/change-gate.js';
import type { ClusterIdentity } from '../core/cluster-identity.js';
import { describeThrown } from '../core/errors.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { JobSummary } from '../core/summary.js';
import { rolloutState, type RolloutState } from './state.js';
import { clusterJson, whereLine } from './summary.js';

/** Of the 10 s a cancelled step has, how long a change under way may take to land. */
const IN_FLIGHT_WAIT_MS = 2_000;

const BEFORE_ANY_CHANGE = 'the run was cancelled before anything changed';

/** What is known so far, for the report of a cancellation before any change. */
export interface EarlyContext {
  namespace?: string;
  cluster?: ClusterIdentity;
  /** Saved for post: marked settled, since there is nothing to put back. */
  state?: RolloutState;
}

export class RolloutCancellation {
  /** Closed on cancellation: the deploy's kubectl goes through it. */
  readonly gate = new ChangeGate();
  readonly context: EarlyContext = {};
  private rollback: (() => Promise<void>) | undefined;
  private readonly cancellation: Cancellation;

  constructor(private readonly exit: (code: number) => void = (code) => process.exit(code)) {
    this.cancellation = onCancel(() => this.handle());
  }

  get cancelled(): boolean {
    return this.cancellation.cancelled;
  }

  /** From here on the cluster may change: a cancellation runs `handler` (roll back, report). */
  changing(handler: () => Promise<void>): void {
    this.rollback = handler;
  }

  /** The step is past the part a cancellation has to undo. */
  stop(): void {
    if (!this.cancelled) this.cancellation.stop();
  }

  /**
   * Runs main's work; when the run was cancelled meanwhile, whatever it returned or threw is
   * dropped and the handler's own report stands (it ends the process).
   */
  async unlessCancelled(work: () => Promise<void>): Promise<void> {
    try {
      await work();
      if (!this.cancelled) return;
    } catch (error) {
      if (!this.cancelled) throw error;
    }
    await this.cancellation.done;
  }

  private async handle(): Promise<void> {
    if (!(await this.gate.close(IN_FLIGHT_WAIT_MS))) {
      core.warning('A change the deploy had sent was still under way when the rollback began.');
    }
    if (this.rollback) return this.rollback();
    await this.reportEarly();
  }

  private async reportEarly(): Promise<void> {
    core.warning('The rollout was cancelled before it changed the cluster.');
    const { state, cluster, namespace } = this.context;
    try {
      if (state) rolloutState.save({ ...state, phase: 'settled' });
      setOutputs({ status: 'failed', 'rolled-back': 'false' });
      setResultOutput({
        status: 'failed',
        rolledBack: false,
        failure: BEFORE_ANY_CHANGE,
        changed: false,
        cluster: clusterJson(cluster),
      });
      const summary = new JobSummary().verdict(
        'failure',
        'Cancelled before anything changed: the cluster still runs what it ran before.',
      );
      const where = whereLine(cluster, namespace);
      if (where) summary.paragraph(where);
      await summary.write();
    } catch (error) {
      core.warning(`Could not report the cancellation: ${describeThrown(error)}`);
    }
    core.setFailed(`rollout failed: ${BEFORE_ANY_CHANGE}`);
    this.exit(1);
  }
}

/**
 * Putting the cluster back from main: after a failed deploy (recover) or when the run is
 * cancelled while it changes the cluster (cancel). Post continues either to the same recovery
 * deadline should main be stopped first.
 */
import * as core from '@actions/core';
import { readClusterIdentity } from '../core/cluster-identity.js';
import { describeThrown } from '../core/errors.js';
import type { ObjectRestoreResult } from '../core/kube-objects.js';
import type { Kubectl } from '../core/kubectl.js';
import { escapeUntrusted } from '../core/log.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import type { RollbackResult } from './engine.js';
import type { Settings } from './inputs.js';
import {
  recordApplied,
  recoverAll,
  recoveryFinished,
  somethingRestored,
  type TrackedObjects,
} from './recovery.js';
import { changedWorkloads } from './changed-workloads.js';
import { objectName } from './restore-report.js';
import { recovering, rolloutState, type RolloutState } from './state.js';
import {
  buildSummary,
  finishCommand,
  resultOf,
  verdictLine,
  type RecoveryReport,
  type RolloutReport,
} from './summary.js';

/**
 * A cancelled step is killed 10 s after SIGINT: the handler stops short of that to report, after
 * up to 2 s waiting for the deploy's change under way to land (cancel-guard.ts).
 */
const CANCEL_BUDGET_MS = 5_500;
/** Of that, reading which objects the step created (the batch under way when it was cancelled). */
const RECORD_BUDGET_MS = 3_000;

export interface Recovered {
  rollback: RollbackResult[];
  restored: ObjectRestoreResult[];
  recovery: RecoveryReport;
}

/**
 * Restores the other objects, rolls back every changed workload, then removes the objects this
 * step created, retrying through API faults until the recovery deadline. The deadline is saved
 * first, so a post step after a cancellation continues to the same one.
 */
export async function recover(
  kubectl: Kubectl,
  settings: Settings,
  state: RolloutState,
  tracked: TrackedObjects,
  stopAt?: number,
): Promise<Recovered> {
  // Only the workloads the deploy changed are rolled back and reported; once a rollback began,
  // one already back on its template still has to be checked, so the list stays as it is.
  if (state.phase === 'deploying') {
    const readBy = Math.min(Date.now() + state.recoveryTimeoutMs, stopAt ?? Infinity);
    state.changed = await changedWorkloads(
      kubectl.withDeadline(readBy),
      state.before,
      state.changed,
    );
  }
  // In place: a cancellation arriving now continues to the same deadline, and so does post.
  const marked = Object.assign(state, recovering(state));
  rolloutState.save(marked);
  const deadlineAt = Math.min(marked.recoveryDeadlineAt ?? Infinity, stopAt ?? Infinity);
  const results = await recoverAll(kubectl, state.before, state.changed, tracked, deadlineAt);
  const { rollback } = results;
  const finished = recoveryFinished(results);
  return {
    rollback,
    restored: results.objects,
    recovery: {
      finished,
      durationMs: Date.now() - (marked.recoveryStartedAt ?? Date.now()),
      deadlineMs: settings.recoveryTimeoutMs,
      command: finished ? undefined : finishCommand(rollback, state),
    },
  };
}

/**
 * Cancelled while changing the cluster: roll back for as long as the runner allows, report, and
 * leave the rest to post, which continues to the same recovery deadline.
 */
export async function cancel(
  kubectl: Kubectl,
  settings: Settings,
  state: RolloutState,
  started: number,
  tracked: TrackedObjects,
): Promise<void> {
  const stopAt = Date.now() + CANCEL_BUDGET_MS;
  core.warning('The rollout was cancelled while it was changing the cluster.');
  // The batch or Job under way may have created objects not recorded yet: the process exits
  // below, so main's own recording never runs, and unrecorded objects would be left in place.
  const recordBy = Date.now() + RECORD_BUDGET_MS;
  await recordApplied(kubectl.withDeadline(recordBy), tracked, recordBy);
  let report: RolloutReport | undefined;
  if (settings.rollbackOnFailure) {
    core.info('Rolling back what this run changed; the post step finishes it if time runs out.');
    const { rollback, restored, recovery } = await recover(
      kubectl,
      settings,
      state,
      tracked,
      stopAt,
    );
    for (const result of rollback) {
      core.info(escapeUntrusted(`${result.workload}: ${result.message}`));
    }
    for (const result of restored) {
      core.info(escapeUntrusted(`${objectName(result)}: ${result.message}`));
    }
    if (recovery.finished) rolloutState.save({ ...state, phase: 'settled' });
    report = await cancelledReport(
      settings,
      state,
      started,
      rollback,
      { ...recovery, command: undefined },
      restored,
    );
  } else {
    rolloutState.save({ ...state, phase: 'settled' });
    report = await cancelledReport(settings, state, started, [], undefined);
  }
  try {
    setOutputs({ status: report.status, 'rolled-back': String(report.status === 'rolled-back') });
    setResultOutput(resultOf(report));
    await buildSummary(report).write();
  } catch (error) {
    core.warning(`Could not report the cancellation: ${describeThrown(error)}`);
  }
  core.setFailed(`rollout failed: ${verdictLine(report)}`);
  process.exit(1);
}

async function cancelledReport(
  settings: Settings,
  state: RolloutState,
  started: number,
  rollback: RollbackResult[],
  recovery: RecoveryReport | undefined,
  restored: ObjectRestoreResult[] = [],
): Promise<RolloutReport> {
  const finished = recovery?.finished ?? false;
  return {
    status:
      finished && somethingRestored({ rollback, objects: restored }) ? 'rolled-back' : 'failed',
    restored,
    namespace: settings.namespace,
    cluster: await readClusterIdentity(state.kubeconfigPath, state.context),
    workloads: state.before.map((entry) => ({
      ref: entry.ref,
      before: entry,
      after: undefined,
      wait: undefined,
    })),
    smokeTests: [],
    rollback,
    recovery: recovery && !recovery.finished ? { ...recovery, continuesInPost: true } : recovery,
    failure: 'the run was cancelled during the rollout',
    diagnostics: undefined,
    durationMs: Date.now() - started,
    notes: [],
  };
}

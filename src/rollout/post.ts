import * as core from '@actions/core';
import { escapeUntrusted } from '../core/log.js';
import { removeCredentialFiles } from '../core/credentials.js';
import { describeThrown } from '../core/errors.js';
import { readClusterIdentity } from '../core/cluster-identity.js';
import { kubectlFor } from '../core/kubectl.js';
import { runPost } from '../core/run.js';
import { JobSummary } from '../core/summary.js';
import { loadTracked, recoverAll, recoveryFinished, type TrackedObjects } from './recovery.js';
import { addRestoredObjects, objectName } from './restore-report.js';
import { recovering, rolloutState, type RolloutState } from './state.js';
import { finishCommand, recoveryLine, whereLine } from './summary.js';

export async function run(): Promise<void> {
  await runPost('rollout', async () => {
    try {
      const state = rolloutState.read();
      if (state && state.phase !== 'settled' && state.rollbackOnFailure) {
        await finishRollback(state);
      }
    } finally {
      await removeCredentialFiles();
    }
  });
}

/**
 * Main was cancelled or killed before it settled: undo to the snapshot revisions and put the other
 * objects back, retrying through API faults until the deadline main's rollback began with (or a
 * full recovery-timeout from now when main never got to start one). What is already back is only
 * checked.
 */
async function finishRollback(saved: RolloutState): Promise<void> {
  const state = recovering(saved);
  core.info(`The rollout did not finish (${saved.phase}); rolling back what it changed.`);
  const deadlineAt = state.recoveryDeadlineAt ?? Date.now();
  const started = Date.now();
  try {
    let tracked: TrackedObjects = { snapshots: [], file: undefined };
    try {
      tracked = await loadTracked(state.objectsFile);
    } catch (error) {
      core.warning(`Could not read the objects as they were before: ${describeThrown(error)}`);
    }
    const kubectl = kubectlFor(state);
    const results = await recoverAll(kubectl, state.before, state.changed, tracked, deadlineAt);
    for (const result of results.rollback) {
      const line = `${result.workload}: ${result.message}`;
      if (result.outcome === 'failed') core.warning(escapeUntrusted(line));
      else core.info(escapeUntrusted(line));
    }
    for (const result of results.objects) {
      const line = `${objectName(result)}: ${result.message}`;
      if (result.verified) core.info(escapeUntrusted(line));
      else core.warning(escapeUntrusted(line));
    }
    const finished = recoveryFinished(results);
    const line = recoveryLine({
      finished,
      durationMs: Date.now() - (state.recoveryStartedAt ?? started),
      deadlineMs: state.recoveryTimeoutMs,
      command: finished ? undefined : finishCommand(results.rollback, state),
    });
    if (finished) core.info(escapeUntrusted(line));
    else core.error(escapeUntrusted(line));
    const summary = new JobSummary().verdict(
      finished ? 'warning' : 'failure',
      `Post step: ${line}`,
    );
    // Read before the post step removes the kubeconfig: which cluster this leg put back.
    const where = whereLine(
      await readClusterIdentity(state.kubeconfigPath, state.context),
      state.namespace,
    );
    if (where) summary.paragraph(where);
    if (results.rollback.length > 0) {
      summary.table(
        ['workload', 'outcome', 'detail'],
        results.rollback.map((r) => [r.workload, r.outcome, r.message]),
      );
    }
    addRestoredObjects(summary, results.objects);
    await summary.write();
  } catch (error) {
    core.warning(`Could not finish the rollback: ${describeThrown(error)}`);
  }
}

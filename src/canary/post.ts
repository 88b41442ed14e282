import * as core from '@actions/core';
import { escapeUntrusted } from '../core/log.js';
import { removeCredentialFiles } from '../core/credentials.js';
import { describeThrown } from '../core/errors.js';
import { untilRecovered } from '../core/kube-recovery.js';
import { kubectlFor } from '../core/kubectl.js';
import { runPost } from '../core/run.js';
import { JobSummary } from '../core/summary.js';
import { CanaryCluster } from './canary-cluster.js';
import { describeOwner, ownedBy, readClusterState } from './cluster/cluster-state.js';
import { canaryRunState, type CanaryRunState } from './state.js';
import type { CleanupReport } from './types.js';

export async function run(): Promise<void> {
  await runPost('canary', async () => {
    try {
      const state = canaryRunState.read();
      if (state && state.phase !== 'settled') await finish(state);
    } finally {
      await removeCredentialFiles();
    }
  });
}

/**
 * Main was cancelled or killed before it settled. Only what main began is finished: a run that
 * was refused because another canary was running, or a promote that refused what it found, must
 * leave that canary alone. Before promotion the only safe end is stable as it was; once stable
 * runs the new image healthily the canary had passed, so the promotion is finished instead. Either
 * retries through API faults until the recovery deadline main began with (or a full
 * recovery-timeout from now), and is safe to repeat.
 */
async function finish(state: CanaryRunState): Promise<void> {
  if (!state.acting) {
    core.info(
      escapeUntrusted(
        `The main step changed no canary of ${state.target.deployment}; nothing to finish.`,
      ),
    );
    return;
  }
  const deadlineAt = state.recoveryDeadlineAt ?? Date.now() + state.recoveryTimeoutMs;
  const kubectl = kubectlFor(state, { deadlineAt });
  let found;
  try {
    // The API fault that stopped main may not be over yet.
    found = await untilRecovered(
      `Reading the canary of ${state.target.deployment}`,
      () => readClusterState(kubectl, state.target.deployment),
      { deadlineAt },
    );
  } catch (error) {
    core.warning(
      escapeUntrusted(
        `Could not read the canary of ${state.target.deployment}: ${describeThrown(error)}`,
      ),
    );
    return;
  }
  if (!found) {
    core.info(
      escapeUntrusted(`No canary of ${state.target.deployment} is left; nothing to finish.`),
    );
    return;
  }
  // An abort acts on a canary another job owns; every other mode only on one it owns itself.
  if (state.mode !== 'abort' && !ownedBy(found, state.owner)) {
    core.info(
      escapeUntrusted(
        `The canary of ${state.target.deployment} belongs to ${describeOwner(found)}, not to this job; left as it is.`,
      ),
    );
    return;
  }
  core.info(`The canary did not finish (${state.phase}); finishing it now.`);
  const cluster = CanaryCluster.fromRunState(kubectl, state);
  try {
    // As mode: abort does: revert before promotion; mid-promotion, finish it when stable runs the
    // new image healthily, else roll stable back and revert.
    const { cleanup, finished } = await cluster.abort();
    await report(cleanup, finished, cluster.recoveryTookMs());
  } catch (error) {
    core.warning(escapeUntrusted(`Could not put the cluster back: ${describeThrown(error)}`));
    await new JobSummary()
      .verdict(
        'failure',
        `Canary cleanup by the post step did not finish: ${describeThrown(error)}`,
      )
      .write();
  }
}

async function report(cleanup: CleanupReport, promoted: boolean, tookMs: number | undefined) {
  const clean = cleanup.stableHealthy && cleanup.leftoverObjects.length === 0;
  const done = promoted ? 'finished the promotion' : 'put all traffic back on stable';
  const line = `The post step ${done}${tookMs === undefined ? '' : ` in ${Math.round(tookMs / 100) / 10}s`}: stable ${cleanup.stableImage ?? '(unknown image)'}, healthy: ${cleanup.stableHealthy}; canary weight ${cleanup.canaryWeight}%; leftover canary objects: ${cleanup.leftoverObjects.join(', ') || 'none'}.`;
  if (clean) core.info(escapeUntrusted(line));
  else core.warning(escapeUntrusted(line));
  await new JobSummary().verdict(clean ? 'warning' : 'failure', line).write();
}

import * as core from '@actions/core';
import { removeCredentialFiles } from '../core/credentials.js';
import { describeThrown } from '../core/errors.js';
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
 * Main was cancelled or killed before it settled. Only a canary this job owns is touched: a run
 * that was refused because another canary was running must leave that one alone. Before promotion
 * the only safe end is stable as it was; once stable had the new image, the canary had passed, so
 * the promotion's cleanup is finished instead. Both retry through API faults until the recovery
 * deadline main began with (or a full recovery-timeout from now), and both are safe to repeat.
 */
async function finish(state: CanaryRunState): Promise<void> {
  const kubectl = kubectlFor(state);
  let found;
  try {
    found = await readClusterState(kubectl, state.deployment);
  } catch (error) {
    core.warning(`Could not read the canary of ${state.deployment}: ${describeThrown(error)}`);
    return;
  }
  if (!found) {
    core.info(`No canary of ${state.deployment} is left; nothing to finish.`);
    return;
  }
  if (!ownedBy(found, state.owner)) {
    core.info(
      `The canary of ${state.deployment} belongs to ${describeOwner(found)}, not to this job; left as it is.`,
    );
    return;
  }
  core.info(`The canary did not finish (${state.phase}); finishing it now.`);
  const cluster = CanaryCluster.fromRunState(kubectl, state);
  try {
    const promoting = state.phase === 'promoting' || found.phase === 'promoting';
    const cleanup = promoting ? await cluster.finishPromotion() : await cluster.revert();
    await report(cleanup, promoting, cluster.recoveryTookMs());
  } catch (error) {
    core.warning(`Could not put the cluster back: ${describeThrown(error)}`);
    await new JobSummary()
      .verdict(
        'failure',
        `Canary cleanup by the post step did not finish: ${describeThrown(error)}`,
      )
      .write();
  }
}

async function report(cleanup: CleanupReport, promoting: boolean, tookMs: number | undefined) {
  const clean = cleanup.stableHealthy && cleanup.leftoverObjects.length === 0;
  const done = promoting ? 'finished the promotion' : 'put all traffic back on stable';
  const line = `The post step ${done}${tookMs === undefined ? '' : ` in ${Math.round(tookMs / 100) / 10}s`}: stable ${cleanup.stableImage ?? '(unknown image)'}, healthy: ${cleanup.stableHealthy}; canary weight ${cleanup.canaryWeight}%; leftover canary objects: ${cleanup.leftoverObjects.join(', ') || 'none'}.`;
  if (clean) core.info(line);
  else core.warning(line);
  await new JobSummary().verdict(clean ? 'warning' : 'failure', line).write();
}

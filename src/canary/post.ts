import * as core from '@actions/core';
import { removeCredentialFiles } from '../core/credentials.js';
import { describeThrown } from '../core/errors.js';
import { Kubectl } from '../core/kubectl.js';
import { runPost } from '../core/run.js';
import { CanaryCluster } from './canary-cluster.js';
import { readCanaryState, type CanaryRunState } from './state.js';

export async function run(): Promise<void> {
  await runPost('canary', async () => {
    try {
      const state = readCanaryState();
      if (state && state.phase !== 'settled') await finish(state);
    } finally {
      await removeCredentialFiles();
    }
  });
}

/**
 * Main was cancelled or killed before it settled. Before promotion began the only safe end is
 * stable as it was; once stable had the new image, the canary had passed, so the promotion's
 * cleanup is finished instead. Both are safe to repeat.
 */
async function finish(state: CanaryRunState): Promise<void> {
  core.info(`The canary did not finish (${state.phase}); finishing it now.`);
  try {
    const kubectl = new Kubectl({
      kubeconfigPath: state.kubeconfigPath,
      context: state.context,
      namespace: state.namespace,
    });
    const cluster = CanaryCluster.fromRunState(kubectl, state);
    const cleanup =
      state.phase === 'promoting' ? await cluster.finishPromotion() : await cluster.revert();
    const line = `Stable ${cleanup.stableImage ?? '(unknown image)'}, healthy: ${cleanup.stableHealthy}; canary weight ${cleanup.canaryWeight}%; leftover canary objects: ${cleanup.leftoverObjects.join(', ') || 'none'}.`;
    if (cleanup.stableHealthy && cleanup.leftoverObjects.length === 0) core.info(line);
    else core.warning(line);
  } catch (error) {
    core.warning(`Could not put the cluster back: ${describeThrown(error)}`);
  }
}

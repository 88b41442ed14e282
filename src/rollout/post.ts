import * as core from '@actions/core';
import { removeCredentialFiles } from '../core/credentials.js';
import { describeThrown } from '../core/errors.js';
import { Kubectl } from '../core/kubectl.js';
import { runPost } from '../core/run.js';
import { rollBack } from './engine.js';
import { readRolloutState, type RolloutState } from './state.js';

export async function run(): Promise<void> {
  await runPost('rollout', async () => {
    try {
      const state = readRolloutState();
      if (state && state.phase !== 'settled' && state.rollbackOnFailure) {
        await finishRollback(state);
      }
    } finally {
      await removeCredentialFiles();
    }
  });
}

/**
 * Main was cancelled or killed before it settled: undo to the snapshot revisions. Undoing to a
 * revision the workload already has changes nothing, so a rollback main began is safe to repeat.
 */
async function finishRollback(state: RolloutState): Promise<void> {
  core.info(`The rollout did not finish (${state.phase}); rolling back what it changed.`);
  try {
    const kubectl = new Kubectl({
      kubeconfigPath: state.kubeconfigPath,
      context: state.context,
      namespace: state.namespace,
    });
    const results = await rollBack(kubectl, state.before, state.changed, state.timeoutMs);
    for (const result of results) {
      const line = `${result.workload}: ${result.message}`;
      if (result.outcome === 'failed') core.warning(line);
      else core.info(line);
    }
  } catch (error) {
    core.warning(`Could not finish the rollback: ${describeThrown(error)}`);
  }
}

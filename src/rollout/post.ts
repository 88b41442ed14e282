import * as core from '@actions/core';
import { escapeUntrusted } from '../core/log.js';
import { removeCredentialFiles } from '../core/credentials.js';
import { describeThrown } from '../core/errors.js';
import { kubectlFor } from '../core/kubectl.js';
import { runPost } from '../core/run.js';
import { JobSummary } from '../core/summary.js';
import { rollBack } from './engine.js';
import { recovering, rolloutState, type RolloutState } from './state.js';
import { finishCommand, recoveryLine } from './summary.js';

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
 * Main was cancelled or killed before it settled: undo to the snapshot revisions, retrying through
 * API faults until the deadline main's rollback began with (or a full recovery-timeout from now
 * when main never got to start one). A workload already back on its template is only checked.
 */
async function finishRollback(saved: RolloutState): Promise<void> {
  const state = recovering(saved);
  core.info(`The rollout did not finish (${saved.phase}); rolling back what it changed.`);
  const deadlineAt = state.recoveryDeadlineAt ?? Date.now();
  const started = Date.now();
  try {
    const results = await rollBack(kubectlFor(state), state.before, state.changed, deadlineAt);
    for (const result of results) {
      const line = `${result.workload}: ${result.message}`;
      if (result.outcome === 'failed') core.warning(line);
      else core.info(escapeUntrusted(line));
    }
    const finished = results.every((result) => result.outcome !== 'failed');
    const line = recoveryLine({
      finished,
      durationMs: Date.now() - (state.recoveryStartedAt ?? started),
      deadlineMs: state.recoveryTimeoutMs,
      command: finished ? undefined : finishCommand(results, state),
    });
    if (finished) core.info(escapeUntrusted(line));
    else core.error(line);
    await new JobSummary()
      .verdict(finished ? 'warning' : 'failure', `Post step: ${line}`)
      .table(
        ['workload', 'outcome', 'detail'],
        results.map((r) => [r.workload, r.outcome, r.message]),
      )
      .write();
  } catch (error) {
    core.warning(`Could not finish the rollback: ${describeThrown(error)}`);
  }
}

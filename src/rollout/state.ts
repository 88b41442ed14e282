/**
 * What main saves for post before it changes anything: if main is cancelled or killed half way,
 * post can still put every changed workload back to the revision it had before.
 */
import * as core from '@actions/core';
import type { WorkloadName, WorkloadSnapshot } from './engine.js';

export const ROLLOUT_STATE = 'rollout';

/**
 * deploying: changes may be under way and nothing is settled yet; cancelled: a cancellation
 * started a rollback that may not have finished; settled: main decided and acted, post has no work.
 */
export type RolloutPhase = 'deploying' | 'cancelled' | 'settled';

export interface RolloutState {
  phase: RolloutPhase;
  kubeconfigPath: string;
  context: string | undefined;
  namespace: string | undefined;
  rollbackOnFailure: boolean;
  timeoutMs: number;
  before: WorkloadSnapshot[];
  changed: WorkloadName[];
}

export function saveRolloutState(state: RolloutState): void {
  core.saveState(ROLLOUT_STATE, JSON.stringify(state));
}

/** The saved state, or undefined when main saved none (it stopped before touching the cluster). */
export function readRolloutState(): RolloutState | undefined {
  const saved = core.getState(ROLLOUT_STATE);
  if (!saved) return undefined;
  const parsed = JSON.parse(saved) as Partial<RolloutState>;
  if (!parsed.kubeconfigPath || !Array.isArray(parsed.before) || !Array.isArray(parsed.changed)) {
    return undefined;
  }
  return parsed as RolloutState;
}

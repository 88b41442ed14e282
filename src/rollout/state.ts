/**
 * What main saves for post before it changes anything: if main is cancelled or killed half way,
 * post can still put every changed workload back to the revision it had before, and every other
 * object back to its content, within the same recovery deadline main was working to.
 */
import type { KubeTarget } from '../core/kubectl.js';
import { fieldProblem, stepState } from '../core/step-state.js';
import type { WorkloadName, WorkloadSnapshot } from './engine.js';

/**
 * deploying: changes may be under way and nothing is settled yet; recovering: a rollback began
 * (after a failure or a cancellation) and may not have finished; settled: main decided and acted,
 * post has no work.
 */
export type RolloutPhase = 'deploying' | 'recovering' | 'settled';

const PHASES: readonly string[] = ['deploying', 'recovering', 'settled'];

export interface RolloutState extends KubeTarget {
  phase: RolloutPhase;
  rollbackOnFailure: boolean;
  recoveryTimeoutMs: number;
  /** When the rollback began and when it must be done by (epoch ms), once it began. */
  recoveryStartedAt?: number;
  recoveryDeadlineAt?: number;
  before: WorkloadSnapshot[];
  changed: WorkloadName[];
  /**
   * The private 0600 file with the other objects as they were before (core/kube-objects.ts):
   * they may hold Secret data, so the state holds only where they are.
   */
  objectsFile?: string;
}

export const rolloutState = stepState<RolloutState>('rollout', (value) => {
  const problem = fieldProblem(value, {
    phase: 'string',
    kubeconfigPath: 'string',
    rollbackOnFailure: 'boolean',
    recoveryTimeoutMs: 'number',
    recoveryStartedAt: 'number?',
    recoveryDeadlineAt: 'number?',
    before: 'array',
    changed: 'array',
    objectsFile: 'string?',
  });
  if (problem) return problem;
  const { phase } = value as { phase: string };
  return PHASES.includes(phase) ? undefined : `unknown phase '${phase}'`;
});

/** Marks the start of a rollback; post continues it until the same deadline. */
export function recovering(state: RolloutState, now = Date.now()): RolloutState {
  if (state.phase === 'recovering' && state.recoveryDeadlineAt !== undefined) return state;
  return {
    ...state,
    phase: 'recovering',
    recoveryStartedAt: now,
    recoveryDeadlineAt: now + state.recoveryTimeoutMs,
  };
}

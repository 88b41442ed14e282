/**
 * What main saves for post before it changes the cluster: if main is cancelled or killed half
 * way, post can still put the cluster back (or finish a promotion that had already begun) — but
 * only a canary this job owns, as the canary's own state on the cluster says.
 */
import { fieldProblem, stepState } from '../core/step-state.js';
import type { KubeTarget } from '../core/kubectl.js';
import type { RunOwner } from './cluster/cluster-state.js';
import type { CanaryTarget } from './target.js';
import type { CanaryMode } from './types.js';

/**
 * running: canary objects may exist and traffic may be shifted; promoting: stable already has the
 * new image, so finishing means cleaning up, not reverting; settled: main decided and acted, or
 * deliberately left a started/paused canary for a later job.
 */
export type CanaryRunPhase = 'running' | 'promoting' | 'settled';

/** Where and what the canary is, without the image: post never creates anything, it only finishes. */
export interface CanaryRunState extends KubeTarget {
  phase: CanaryRunPhase;
  target: CanaryTarget;
  /** Longest wait for one rollout while finishing. */
  timeoutMs: number;
  owner: RunOwner;
  leaseMs: number;
  recoveryTimeoutMs: number;
  mode: CanaryMode;
  /**
   * Main began to change a canary: created it, took it over (promote) or began aborting it. Until
   * then post has nothing of this step's to finish, whatever the cluster holds.
   */
  acting?: boolean;
  /** Set once a recovery began in main: post keeps to the same deadline. */
  recoveryDeadlineAt?: number;
  /** Main's private 0600 file with what a release's promotion changes, for post to put back. */
  promotionSnapshotsPath?: string;
}

const PHASES: readonly string[] = ['running', 'promoting', 'settled'];

export const canaryRunState = stepState<CanaryRunState>('canary', (value) => {
  const problem = fieldProblem(value, {
    phase: 'string',
    kubeconfigPath: 'string',
    mode: 'string',
    timeoutMs: 'number',
    leaseMs: 'number',
    recoveryTimeoutMs: 'number',
    recoveryDeadlineAt: 'number?',
    promotionSnapshotsPath: 'string?',
  });
  if (problem) return problem;
  const { phase, owner, target } = value as {
    phase: string;
    owner?: { runId?: unknown };
    target?: unknown;
  };
  const targetProblem = fieldProblem(target, { deployment: 'string', traffic: 'string' });
  if (targetProblem) return `'target': ${targetProblem}`;
  if (!PHASES.includes(phase)) return `unknown phase '${phase}'`;
  return typeof owner?.runId === 'string' ? undefined : "'owner' is not a run";
});

/**
 * What main saves for post before it changes the cluster: if main is cancelled or killed half
 * way, post can still put the cluster back (or finish a promotion that had already begun).
 */
import * as core from '@actions/core';
import type { CanaryTarget } from './canary-cluster.js';

export const CANARY_STATE = 'canary';

/**
 * running: canary objects may exist and traffic may be shifted; promoting: stable already has the
 * new image, so finishing means cleaning up, not reverting; settled: main decided and acted, or
 * deliberately left a started/paused canary for a later job.
 */
export type CanaryPhase = 'running' | 'promoting' | 'settled';

/** The cluster target without the image: post never creates anything, it only finishes. */
export interface CanaryRunState extends Omit<CanaryTarget, 'image'> {
  phase: CanaryPhase;
  kubeconfigPath: string;
  context: string | undefined;
}

export function saveCanaryState(state: CanaryRunState): void {
  core.saveState(CANARY_STATE, JSON.stringify(state));
}

/** The saved state, or undefined when main saved none (it stopped before touching the cluster). */
export function readCanaryState(): CanaryRunState | undefined {
  const saved = core.getState(CANARY_STATE);
  if (!saved) return undefined;
  try {
    const parsed = JSON.parse(saved) as Partial<CanaryRunState>;
    if (!parsed.kubeconfigPath || !parsed.deployment || !parsed.phase) return undefined;
    return parsed as CanaryRunState;
  } catch {
    return undefined;
  }
}

// @ts-check
/** What every demo job shares: how a bundled action is run as a step, and what it returns. */
import { join } from 'node:path';
import { runAction } from '../action-runner/index.js';
import { REPO_ROOT } from '../actions.js';
import { NAME } from './environment.js';

/** @typedef {import('../action-runner/index.js').ActionRun} ActionRun */
/**
 * @typedef {object} JobContext
 * @property {import('./environment.js').Environment} env
 * @property {AbortSignal} signal
 * @property {string} sha the commit the pipeline builds
 * @property {string} [imageRef] set by the image job: the promoted image by digest
 */
/**
 * @typedef {object} JobResult
 * @property {'success' | 'failure'} outcome
 * @property {Array<{ step: string, markdown: string }>} summaries one per step that ran
 * @property {Record<string, unknown>} details what result.json shows for this action
 * @property {string[]} problems things that behaved wrongly whatever the outcome
 */

/** @param {string} action */
export const actionDir = (action) => join(REPO_ROOT, 'actions', action);

/** @param {ActionRun} run */
export const outcomeOf = (run) => (run.main.exitCode === 0 ? 'success' : 'failure');

/** @param {ActionRun} run @returns {Record<string, unknown>} */
export const resultOf = (run) => JSON.parse(run.main.outputs.result ?? 'null') ?? {};

/** @param {JobContext} context @param {string} action @param {object} options */
export function run(context, action, options) {
  return runAction(actionDir(action), {
    workspace: context.env.workspace,
    // The demo has no GitHub to talk to: its jobs run as a workflow without a token would.
    githubToken: '',
    signal: context.signal,
    timeoutMs: 180_000,
    ...options,
  });
}

/**
 * @param {JobContext} context
 * @param {string} namespace
 * @returns {string | undefined}
 */
export function runningImage(context, namespace) {
  const deployment = context.env.sim.store.get('deployments', namespace, NAME);
  return deployment?.spec.template.spec.containers[0]?.image;
}

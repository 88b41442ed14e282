// @ts-check
/**
 * Runs the jobs in order as a workflow whose jobs each need the one before: once a job fails,
 * the rest are skipped. Judges the run against what the scenario says should happen.
 */
import { performance } from 'node:perf_hooks';
import { JOBS } from './jobs.js';
import { ACTIONS } from './scenarios.js';

/**
 * @typedef {object} ActionRecord
 * @property {import('./scenarios.js').ActionName} action
 * @property {import('./scenarios.js').Outcome} outcome
 * @property {number} jobSeconds
 * @property {string} verdict the first line of the (last) job summary
 * @property {Array<{ step: string, markdown: string }>} summaries
 * @property {Record<string, unknown>} details
 * @property {string[]} problems
 * @property {string} [skippedBecause]
 */
/**
 * @typedef {object} Progress
 * @property {(action: string) => void} started
 * @property {(record: ActionRecord) => void} finished
 */

/**
 * @param {import('./job-support.js').JobContext} context
 * @param {Progress} progress
 * @returns {Promise<ActionRecord[]>} one record per job that ran or was skipped
 */
export async function runPipeline(context, progress) {
  /** @type {ActionRecord[]} */
  const records = [];
  /** @type {string | undefined} */
  let failed;
  for (const job of JOBS) {
    if (context.signal.aborted) break;
    if (failed) {
      const skippedBecause = `${failed} did not succeed`;
      const record = skipped(job.action, skippedBecause);
      records.push(record);
      progress.finished(record);
      continue;
    }
    progress.started(job.action);
    const started = performance.now();
    const result = await job.run(context).catch((/** @type {unknown} */ error) => ({
      outcome: /** @type {const} */ ('failure'),
      summaries: [],
      details: {},
      problems: [`the demo could not run ${job.action}: ${describe(error)}`],
    }));
    const record = {
      action: job.action,
      ...result,
      // Interrupted (Ctrl-C): the step was cancelled as a cancelled workflow run cancels it.
      ...(context.signal.aborted ? { outcome: /** @type {const} */ ('cancelled') } : {}),
      jobSeconds: round((performance.now() - started) / 1000),
      verdict: verdictOf(result.summaries.at(-1)?.markdown ?? result.problems[0] ?? ''),
    };
    records.push(record);
    progress.finished(record);
    if (record.outcome !== 'success') failed = job.action;
  }
  return records;
}

/**
 * @param {import('./scenarios.js').ActionName} action
 * @param {string} skippedBecause
 * @returns {ActionRecord}
 */
function skipped(action, skippedBecause) {
  return {
    action,
    outcome: 'skipped',
    jobSeconds: 0,
    verdict: `skipped: ${skippedBecause}`,
    summaries: [],
    details: {},
    problems: [],
    skippedBecause,
  };
}

/**
 * What went wrong against the scenario: outcomes other than expected, a canary decision other
 * than expected, and every problem a job found.
 * @param {import('./scenarios.js').Scenario} scenario
 * @param {ActionRecord[]} records
 * @returns {string[]}
 */
export function judge(scenario, records) {
  const problems = [];
  for (const action of ACTIONS) {
    const record = records.find((r) => r.action === action);
    const expected = scenario.expected[action];
    if (record?.outcome !== expected) {
      problems.push(`${action}: ${record?.outcome ?? 'did not run'}, expected ${expected}`);
    }
    problems.push(...(record?.problems ?? []).map((problem) => `${action}: ${problem}`));
  }
  const canary = records.find((r) => r.action === 'canary');
  if (scenario.canaryDecision && canary?.details.decision !== scenario.canaryDecision) {
    problems.push(
      `canary decided ${canary?.details.decision}, expected ${scenario.canaryDecision}`,
    );
  }
  return [...new Set(problems)];
}

/**
 * The summary's first line without its markup, as GitHub shows it.
 * @param {string} markdown
 */
export function verdictOf(markdown) {
  const line = markdown.split('\n').find((text) => text.trim() !== '') ?? '';
  return line
    .replace(/<[^>]*>/g, '')
    .replace(/^#+\s*/, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {number} value */
export function round(value) {
  return Math.round(value * 10) / 10;
}

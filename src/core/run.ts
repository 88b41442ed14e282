import * as core from '@actions/core';
import { ActionError, describeThrown } from './errors.js';
import { resetResultOutputWritten, resultOutputWritten, setResultOutput } from './outputs.js';
import { maskSecrets } from './secrets.js';
import { sourceMappedStack } from './stack-trace.js';
import { JobSummary, jobSummaryWritten, resetJobSummaryWritten } from './summary.js';

const BUG_HINT =
  'This is unexpected. Re-run the job with debug logging enabled (secret ACTIONS_STEP_DEBUG=true) ' +
  'and report the log to the Slipway maintainers.';

/** What runMain adds to the failure `result` of an action that failed before setting its own. */
export interface RunMainOptions {
  /**
   * Fields of the action's own `result` shape for a failure (e.g. rollout's `status: 'failed'`),
   * given the failure message; `outcome: 'failed'` and `error` are always set.
   */
  failureResult?: (error: string) => Record<string, unknown>;
  /**
   * Plain outputs the action promises even on failure (coverage's `passed: false`), set with the
   * failure `result` when the step failed before setting its own.
   */
  failureOutputs?: Record<string, string>;
}

/**
 * Runs an action's main step. Whatever is thrown becomes one failure message saying what failed,
 * why, and what to do next; the stack trace is shown only with debug logging, since users act
 * on the message and maintainers on the trace.
 *
 * Every failure reports: when the step fails before it wrote its own job summary or `result`
 * (a bad token, an unreachable registry or API server), runMain writes them — the summary first,
 * a verdict line saying what failed, then `result` as `{ outcome: 'failed', error, ... }`.
 */
export async function runMain(
  actionName: string,
  main: () => Promise<void>,
  options: RunMainOptions = {},
): Promise<void> {
  resetResultOutputWritten();
  resetJobSummaryWritten();
  try {
    await main();
  } catch (thrown) {
    const failure = maskSecrets(formatFailure(actionName, thrown));
    await reportFailure(actionName, thrown, options);
    core.setFailed(failure);
    if (thrown instanceof Error && thrown.stack) core.debug(maskSecrets(debugStack(thrown.stack)));
  }
}

/** The summary and `result` of a step that failed before writing its own; never throws. */
async function reportFailure(
  actionName: string,
  thrown: unknown,
  options: RunMainOptions,
): Promise<void> {
  const error = maskSecrets(describeThrown(thrown));
  const hint = thrown instanceof ActionError ? thrown.hint : BUG_HINT;
  if (!jobSummaryWritten()) {
    try {
      const summary = new JobSummary().verdict('failure', `${actionName} failed: ${error}`);
      if (error.length > 200 || error.includes('\n')) summary.code(error);
      if (hint) summary.paragraph(maskSecrets(hint));
      await summary.write();
    } catch (problem) {
      core.warning(maskSecrets(`could not write the job summary: ${describeThrown(problem)}`));
    }
  }
  if (!resultOutputWritten()) {
    try {
      for (const [name, value] of Object.entries(options.failureOutputs ?? {})) {
        core.setOutput(name, value);
      }
      setResultOutput({ ...options.failureResult?.(error), outcome: 'failed', error });
    } catch (problem) {
      core.warning(maskSecrets(`could not set the result output: ${describeThrown(problem)}`));
    }
  }
}

/** Runs a post (cleanup) step: problems become warnings, because cleanup must not fail a job. */
export async function runPost(actionName: string, post: () => Promise<void>): Promise<void> {
  try {
    await post();
  } catch (thrown) {
    core.warning(maskSecrets(`${actionName} cleanup did not finish: ${describeThrown(thrown)}`));
    if (thrown instanceof Error && thrown.stack) core.debug(maskSecrets(debugStack(thrown.stack)));
  }
}

/** Mapped to the sources only when debug logging shows it: reading the map takes time. */
function debugStack(stack: string): string {
  return core.isDebug() ? sourceMappedStack(stack) : stack;
}

export function formatFailure(actionName: string, thrown: unknown): string {
  const message = `${actionName} failed: ${describeThrown(thrown)}`;
  if (thrown instanceof ActionError) return thrown.hint ? `${message}\n${thrown.hint}` : message;
  return `${message}\n${BUG_HINT}`;
}

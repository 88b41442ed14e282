import * as core from '@actions/core';
import { ActionError, describeThrown } from './errors.js';
import { maskSecrets } from './secrets.js';

const BUG_HINT =
  'This is unexpected. Re-run the job with debug logging enabled (secret ACTIONS_STEP_DEBUG=true) ' +
  'and report the log to the Slipway maintainers.';

/**
 * Runs an action's main step. Whatever is thrown becomes one failure message saying what failed,
 * why, and what to do next; the stack trace is shown only with debug logging, since users act
 * on the message and maintainers on the trace.
 */
export async function runMain(actionName: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (thrown) {
    core.setFailed(maskSecrets(formatFailure(actionName, thrown)));
    if (thrown instanceof Error && thrown.stack) core.debug(maskSecrets(thrown.stack));
  }
}

/** Runs a post (cleanup) step: problems become warnings, because cleanup must not fail a job. */
export async function runPost(actionName: string, post: () => Promise<void>): Promise<void> {
  try {
    await post();
  } catch (thrown) {
    core.warning(maskSecrets(`${actionName} cleanup did not finish: ${describeThrown(thrown)}`));
    if (thrown instanceof Error && thrown.stack) core.debug(maskSecrets(thrown.stack));
  }
}

export function formatFailure(actionName: string, thrown: unknown): string {
  const message = `${actionName} failed: ${describeThrown(thrown)}`;
  if (thrown instanceof ActionError) return thrown.hint ? `${message}\n${thrown.hint}` : message;
  return `${message}\n${BUG_HINT}`;
}

/**
 * Optional writes to GitHub (pull request comments, check runs, deployment records) need
 * permissions a token may not have: a pull request from a fork always gets a read-only token.
 * Such a refusal must not decide a step's outcome; it becomes one warning that names the missing
 * permission and says why, and the step goes on with its own verdict.
 */
import * as core from '@actions/core';
import { describeThrown } from './errors.js';
import type { GitHubContext } from './github.js';

export interface OptionalWrite {
  /** What was tried, to complete "Could not …", e.g. 'comment on the pull request'. */
  what: string;
  /** The job permission it needs, as a workflow writes it, e.g. 'pull-requests: write'. */
  permission: string;
}

/** HTTP status of an Octokit RequestError (or anything shaped like one). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether GitHub refused the write for lack of permission: 403, or 404 where the token may not
 * even see the target (GitHub answers 404 instead of 403 to hide what a token cannot read).
 */
export function isPermissionRefusal(error: unknown): boolean {
  const status = statusOf(error);
  return status === 403 || status === 404;
}

/** The warning for a refused write: the permission, and why a fork cannot have it. */
export function permissionWarning(
  write: OptionalWrite,
  error: unknown,
  github: Pick<GitHubContext, 'pullRequest'> | undefined,
): string {
  const answer = `GitHub answered ${statusOf(error)}: ${describeThrown(error)}`;
  const why = github?.pullRequest?.fromFork
    ? `This pull request comes from a fork, and GitHub gives workflows of fork pull requests a ` +
      `read-only token whatever the workflow asks for, so \`${write.permission}\` cannot be ` +
      `granted here. The job summary has the full report; to ${write.what} for forks, use the ` +
      `pull_request_target or workflow_run set-up described in the action's README.`
    : `Give the job \`permissions: ${write.permission}\` (and pass github-token).`;
  return `Could not ${write.what}: the token lacks \`${write.permission}\` (${answer}). ${why}`;
}

/**
 * Runs an optional write. A permission refusal becomes a warning and `undefined`; any other
 * failure is thrown, since it says something is broken rather than not allowed.
 */
export async function tryOptionalWrite<T>(
  write: OptionalWrite,
  github: Pick<GitHubContext, 'pullRequest'> | undefined,
  body: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await body();
  } catch (error) {
    if (!isPermissionRefusal(error)) throw error;
    core.warning(permissionWarning(write, error, github));
    return undefined;
  }
}

/**
 * The deploy as a GitHub Deployment, so the environment page and the pull request show what runs
 * where. Recording it is a courtesy: a token that may not write deployments, or an API hiccup,
 * turns it off with a note for the summary and never fails the deploy itself.
 */
import { describeThrown } from './errors.js';
import type { GitHubClient } from './github.js';
import { maskSecrets } from './secrets.js';
import { isPermissionRefusal } from './github-permissions.js';

export interface DeploymentRequest {
  owner: string;
  repo: string;
  /** The commit being deployed. */
  ref: string;
  environment: string;
  environmentUrl?: string;
  description: string;
  /** Where to follow the deploy, usually the workflow run. */
  logUrl?: string;
}

export type FinalDeploymentState = 'success' | 'failure' | 'error';

export interface DeploymentHandle {
  /** The GitHub Deployment's id; undefined when none was recorded. */
  readonly id: number | undefined;
  /** Why no deployment is recorded, for the summary; undefined when one is. */
  readonly skippedBecause: string | undefined;
  /** Posts the final status. Resolves to a note when that failed; never rejects. */
  finish(
    state: FinalDeploymentState,
    description: string,
    logUrl?: string,
  ): Promise<string | undefined>;
}

/** GitHub refuses deployment status descriptions longer than this. */
export const MAX_STATUS_DESCRIPTION = 140;

export function fitStatusDescription(description: string): string {
  const chars = Array.from(description.replace(/\s+/g, ' ').trim());
  if (chars.length <= MAX_STATUS_DESCRIPTION) return chars.join('');
  return `${chars.slice(0, MAX_STATUS_DESCRIPTION - 1).join('')}…`;
}

const PERMISSION_HINT =
  'give the job `permissions: deployments: write` (and `contents: read`) to record it';

/** Turns a failed API call into the sentence the summary shows. */
export function describeDeploymentFailure(what: string, thrown: unknown): string {
  const { status } = (thrown ?? {}) as { status?: unknown };
  const message = describeThrown(thrown);
  const forbidden =
    isPermissionRefusal(thrown) || /Resource not accessible by integration/i.test(message);
  if (forbidden) {
    return maskSecrets(
      `${what}: the token may not write deployments (${conciseMessage(message)}); ${PERMISSION_HINT}.`,
    );
  }
  if (status === 401) {
    return maskSecrets(`${what}: GitHub did not accept the token (${conciseMessage(message)}).`);
  }
  return maskSecrets(`${what}: ${conciseMessage(message)}.`);
}

/** Octokit appends " - <documentation URL>" to GitHub's message; the summary needs only the message. */
function conciseMessage(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.replace(/ - https?:\/\/\S+$/, '').replace(/[.\s]+$/, '');
}

function skipped(reason: string): DeploymentHandle {
  return {
    id: undefined,
    skippedBecause: reason,
    finish: () => Promise.resolve(undefined),
  };
}

/** Creates the deployment and marks it in progress; see DeploymentHandle for what comes back. */
export async function startDeployment(
  octokit: GitHubClient,
  request: DeploymentRequest,
): Promise<DeploymentHandle> {
  const repository = { owner: request.owner, repo: request.repo };
  let id: number;
  try {
    const response = await octokit.rest.repos.createDeployment({
      ...repository,
      ref: request.ref,
      environment: request.environment,
      description: request.description,
      // The commit is already built and tested; GitHub must neither merge into it nor re-check it.
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
    });
    if (response.status !== 201 || !('id' in response.data)) {
      return skipped(
        `No GitHub deployment was recorded: GitHub answered ${response.status} without one.`,
      );
    }
    id = response.data.id;
  } catch (thrown) {
    return skipped(describeDeploymentFailure('No GitHub deployment was recorded', thrown));
  }

  const post = async (
    state: 'in_progress' | FinalDeploymentState,
    description: string,
    logUrl: string | undefined,
  ) => {
    await octokit.rest.repos.createDeploymentStatus({
      ...repository,
      deployment_id: id,
      state,
      description: fitStatusDescription(description),
      environment: request.environment,
      ...(logUrl ? { log_url: logUrl } : {}),
      ...(request.environmentUrl ? { environment_url: request.environmentUrl } : {}),
    });
  };

  try {
    await post('in_progress', request.description, request.logUrl);
  } catch (thrown) {
    // The deployment exists but would sit "pending" forever; say so rather than pretend.
    return skipped(
      describeDeploymentFailure(`GitHub deployment ${id} could not be marked in progress`, thrown),
    );
  }
  return {
    id,
    skippedBecause: undefined,
    finish: async (state, description, logUrl) => {
      try {
        await post(state, description, logUrl ?? request.logUrl);
        return undefined;
      } catch (thrown) {
        return describeDeploymentFailure(
          `The status of GitHub deployment ${id} could not be set to ${state}`,
          thrown,
        );
      }
    },
  };
}

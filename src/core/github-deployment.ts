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
  /**
   * Stored with the deployment; a later job finds the deployment an earlier one left in progress
   * by it (see resumeDeployment).
   */
  payload?: Record<string, unknown>;
}

/**
 * GitHub's documented end states: `success` and `failure` (or `error` when the deploy could not
 * finish), and `inactive` for a deployment that is no longer what runs in the environment.
 */
export type FinalDeploymentState = 'success' | 'failure' | 'error' | 'inactive';

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
      ...(request.payload ? { payload: request.payload } : {}),
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

  const post = statusPoster(octokit, request, id);
  try {
    await post('in_progress', request.description, request.logUrl);
  } catch (thrown) {
    // The deployment exists but would sit "pending" forever; say so rather than pretend.
    return skipped(
      describeDeploymentFailure(`GitHub deployment ${id} could not be marked in progress`, thrown),
    );
  }
  return handleFor(id, post, request.logUrl);
}

type StatusPoster = (
  state: 'in_progress' | FinalDeploymentState,
  description: string,
  logUrl: string | undefined,
) => Promise<void>;

function statusPoster(
  octokit: GitHubClient,
  target: Pick<DeploymentRequest, 'owner' | 'repo' | 'environment' | 'environmentUrl'>,
  id: number,
): StatusPoster {
  return async (state, description, logUrl) => {
    await octokit.rest.repos.createDeploymentStatus({
      owner: target.owner,
      repo: target.repo,
      deployment_id: id,
      state,
      description: fitStatusDescription(description),
      environment: target.environment,
      ...(logUrl ? { log_url: logUrl } : {}),
      ...(target.environmentUrl ? { environment_url: target.environmentUrl } : {}),
    });
  };
}

function handleFor(
  id: number,
  post: StatusPoster,
  defaultLogUrl: string | undefined,
): DeploymentHandle {
  return {
    id,
    skippedBecause: undefined,
    finish: async (state, description, logUrl) => {
      try {
        await post(state, description, logUrl ?? defaultLogUrl);
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

export interface DeploymentSearch {
  owner: string;
  repo: string;
  environment: string;
  environmentUrl?: string;
  logUrl?: string;
  /** Whether a deployment's stored payload marks it as the one to finish. */
  matches(payload: unknown): boolean;
}

/** How many of the environment's newest deployments are looked at; older ones are long finished. */
export const DEPLOYMENTS_SEARCHED = 30;
/** States in which a deployment still waits for its end. */
const UNFINISHED = new Set(['in_progress', 'queued', 'pending']);

/**
 * Finds the newest deployment of the environment that `matches` and is not finished yet, e.g. one
 * an earlier job started and left in progress for a later job to end. Resolves to a handle like
 * startDeployment's; when none is found or the API refuses, the handle says why and does nothing.
 */
export async function resumeDeployment(
  octokit: GitHubClient,
  search: DeploymentSearch,
): Promise<DeploymentHandle> {
  const repository = { owner: search.owner, repo: search.repo };
  try {
    const { data: deployments } = await octokit.rest.repos.listDeployments({
      ...repository,
      environment: search.environment,
      per_page: DEPLOYMENTS_SEARCHED,
    });
    for (const deployment of deployments) {
      if (!search.matches(parsePayload(deployment.payload))) continue;
      const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
        ...repository,
        deployment_id: deployment.id,
        per_page: 1,
      });
      // GitHub lists statuses newest first; a deployment without any is still pending.
      const latest = statuses[0]?.state ?? 'pending';
      if (!UNFINISHED.has(latest)) continue;
      return handleFor(deployment.id, statusPoster(octokit, search, deployment.id), search.logUrl);
    }
    return skipped(
      `No GitHub deployment was finished: no unfinished deployment of this workload was found in ${search.environment}.`,
    );
  } catch (thrown) {
    return skipped(
      describeDeploymentFailure('The started GitHub deployment could not be looked up', thrown),
    );
  }
}

/** GitHub stores the payload as given: an object, or a string that may hold JSON. */
function parsePayload(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

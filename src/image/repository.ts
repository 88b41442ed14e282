import * as core from '@actions/core';
import { describeThrown } from '../core/errors.js';
import { execute } from '../core/exec.js';
import { createOctokit, type GitHubContext } from '../core/github.js';
import { repositoryInfoFromPayload, type RepositoryInfo } from './metadata/index.js';

/**
 * Repository data for the OCI labels: the GitHub API when it answers quickly, the event payload
 * otherwise. metadata-action fails without network or token; a build must not.
 */
export async function repositoryInfo(
  github: GitHubContext,
  token: string | undefined,
): Promise<RepositoryInfo> {
  const fromPayload = repositoryInfoFromPayload(github.payload);
  if (!token) return fromPayload;
  try {
    const octokit = await createOctokit(token, { retries: 0 });
    const { data } = await octokit.rest.repos.get({
      owner: github.repository.owner,
      repo: github.repository.repo,
      request: { signal: AbortSignal.timeout(5_000) },
    });
    return {
      name: data.name,
      description: data.description ?? undefined,
      htmlUrl: data.html_url,
      license: data.license?.spdx_id ?? undefined,
      defaultBranch: data.default_branch,
    };
  } catch (error) {
    core.info(
      `Repository data comes from the event payload: the GitHub API did not answer (${describeThrown(error)}).`,
    );
    return fromPayload;
  }
}

/** The repository's git tags, for flavor latest=highest; empty when there is no checkout. */
export async function gitTags(workspace: string): Promise<string[]> {
  const listed = await execute('git', ['tag', '--list'], {
    cwd: workspace,
    okExitCodes: 'any',
    echo: false,
  }).catch(() => undefined);
  return listed?.exitCode === 0 ? listed.stdout.split('\n').filter(Boolean) : [];
}

import type { MetadataContext, RepositoryInfo } from './types.js';

/**
 * What the metadata rules read from the workflow run, after metadata-action's context rules:
 * pull_request_target builds from the PR ref, and the PR head commit may replace the merge commit.
 */
export interface RunFacts {
  eventName: string;
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
  now: Date;
  commitDate: Date;
}

export function resolveRunFacts(context: MetadataContext, prHeadSha: boolean): RunFacts {
  const { eventName, payload } = context;
  let { ref, sha } = context;
  // With `context: git` ref and sha are the checkout's, and metadata-action leaves them alone.
  const fromWorkflow = context.source !== 'git';
  // pull_request_target runs on the base branch; the PR ref keeps `type=ref,event=pr` working.
  if (fromWorkflow && /pull_request_target/.test(eventName)) {
    ref = `refs/pull/${String(payload.number)}/merge`;
  }
  if (fromWorkflow && prHeadSha && /pull_request/.test(eventName)) {
    const headSha = objectAt(objectAt(payload, 'pull_request'), 'head')?.sha;
    if (typeof headSha === 'string' && headSha !== '') sha = headSha;
  }
  const commitDate = context.commitDate ?? commitDateFromPayload(payload, sha) ?? context.now;
  return { eventName, ref, sha, payload, now: context.now, commitDate };
}

/** The commit's timestamp from a push payload (`commits[]` or `head_commit`) when it is that commit. */
export function commitDateFromPayload(
  payload: Record<string, unknown>,
  sha: string,
): Date | undefined {
  const commits = Array.isArray(payload.commits) ? payload.commits : [];
  const candidates = [...commits, payload.head_commit];
  for (const commit of candidates) {
    if (!isObject(commit) || commit.id !== sha || typeof commit.timestamp !== 'string') continue;
    const date = new Date(commit.timestamp);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return undefined;
}

/**
 * Repository data for the OCI labels from the event payload's `repository` object, so that the
 * labels can be made with no network and no token.
 */
export function repositoryInfoFromPayload(payload: Record<string, unknown>): RepositoryInfo {
  const repository = objectAt(payload, 'repository') ?? {};
  const license = objectAt(repository, 'license');
  return {
    name: stringAt(repository, 'name') ?? '',
    description: stringAt(repository, 'description'),
    htmlUrl: stringAt(repository, 'html_url') ?? '',
    license: license ? stringAt(license, 'spdx_id') : undefined,
    defaultBranch: stringAt(repository, 'default_branch'),
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(
  value: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const child = value?.[key];
  return isObject(child) ? child : undefined;
}

function stringAt(value: Record<string, unknown>, key: string): string | undefined {
  const child = value[key];
  return typeof child === 'string' ? child : undefined;
}

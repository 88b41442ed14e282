/**
 * The GitHub adapter: the run's context (from the runner's environment and event payload), an
 * authenticated Octokit that retries what is worth retrying, and sticky pull request comments.
 */
import { readFileSync } from 'node:fs';
import type { getOctokit } from '@actions/github';
import { ActionError, describeThrown } from './errors.js';
import { registerSecret } from './secrets.js';
import { groupDigits } from './numbers.js';

export interface RepositoryRef {
  owner: string;
  repo: string;
  /** owner/repo */
  fullName: string;
}

export interface PullRequestContext {
  number: number;
  headSha: string;
  headRef: string;
  baseRef: string;
  baseSha: string;
  /** The head branch lives in another repository: GitHub gives such runs a read-only token. */
  fromFork: boolean;
}

export interface GitHubContext {
  eventName: string;
  /** Fully formed ref (refs/heads/main, refs/tags/v1.2.3, refs/pull/7/merge); some events have none. */
  ref: string | undefined;
  /** Short name: main, v1.2.3, 7/merge. */
  refName: string | undefined;
  refType: 'branch' | 'tag' | undefined;
  /** The commit the workflow runs on; for pull requests the merge commit, not the head. */
  sha: string;
  repository: RepositoryRef;
  serverUrl: string;
  apiUrl: string;
  runId: number;
  runAttempt: number | undefined;
  actor: string;
  workflow: string;
  pullRequest: PullRequestContext | undefined;
  defaultBranch: string | undefined;
  /** The whole event payload, for what only one action needs. */
  payload: Record<string, unknown>;
}

const RUNNER_HINT =
  'This must run inside GitHub Actions, which sets it; for a local run, set it yourself.';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ActionError(`Environment variable ${name} is not set.`, RUNNER_HINT);
  return value;
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

function positiveInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new ActionError(
      `Environment variable ${name} must be a positive whole number, got '${value}'.`,
      RUNNER_HINT,
    );
  }
  return Number(value);
}

function shortRefName(ref: string): string {
  return ref.replace(/^refs\/(?:heads|tags|pull)\//, '');
}

function readPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (thrown) {
    throw new ActionError(
      `Cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${describeThrown(thrown)}`,
      'The runner writes this file; for a local run, point GITHUB_EVENT_PATH at a JSON file or unset it.',
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (thrown) {
    throw new ActionError(
      `The event payload at GITHUB_EVENT_PATH (${path}) is not valid JSON: ${describeThrown(thrown)}`,
      'Point GITHUB_EVENT_PATH at the JSON payload of a GitHub event.',
    );
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ActionError(
      `The event payload at GITHUB_EVENT_PATH (${path}) is not a JSON object.`,
      'Point GITHUB_EVENT_PATH at the JSON payload of a GitHub event.',
    );
  }
  return payload as Record<string, unknown>;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)
    : undefined;
}

function repoName(side: Record<string, unknown>): string | undefined {
  const name = asRecord(side.repo)?.full_name;
  return typeof name === 'string' ? name.toLowerCase() : undefined;
}

function pullRequestOf(payload: Record<string, unknown>): PullRequestContext | undefined {
  const pr = asRecord(payload.pull_request);
  const head = asRecord(pr?.head);
  const base = asRecord(pr?.base);
  if (!pr || typeof pr.number !== 'number' || !head || !base) return undefined;
  return {
    number: pr.number,
    headSha: String(head.sha),
    headRef: String(head.ref),
    baseRef: String(base.ref),
    baseSha: String(base.sha),
    fromFork: repoName(head) !== undefined && repoName(head) !== repoName(base),
  };
}

/**
 * Reads the run's context from the variables the runner sets and the event payload file. A pure
 * function of `env` and that file, so tests and local runs can pass their own.
 */
export function readGitHubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  const eventName = required(env, 'GITHUB_EVENT_NAME');
  const sha = required(env, 'GITHUB_SHA');
  const fullName = required(env, 'GITHUB_REPOSITORY');
  const [owner, repo, ...rest] = fullName.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new ActionError(
      `Environment variable GITHUB_REPOSITORY must look like owner/repo, got '${fullName}'.`,
      RUNNER_HINT,
    );
  }
  const runId = positiveInteger('GITHUB_RUN_ID', required(env, 'GITHUB_RUN_ID'));
  const attempt = optional(env, 'GITHUB_RUN_ATTEMPT');
  const runAttempt =
    attempt === undefined ? undefined : positiveInteger('GITHUB_RUN_ATTEMPT', attempt);
  const actor = required(env, 'GITHUB_ACTOR');
  const workflow = required(env, 'GITHUB_WORKFLOW');

  const ref = optional(env, 'GITHUB_REF');
  const declaredType = optional(env, 'GITHUB_REF_TYPE');
  const refType =
    declaredType === 'branch' || declaredType === 'tag'
      ? declaredType
      : ref?.startsWith('refs/tags/')
        ? 'tag'
        : ref
          ? 'branch'
          : undefined;

  const payload = readPayload(optional(env, 'GITHUB_EVENT_PATH'));
  const defaultBranch = asRecord(payload.repository)?.default_branch;
  return {
    eventName,
    ref,
    refName: optional(env, 'GITHUB_REF_NAME') ?? (ref ? shortRefName(ref) : undefined),
    refType,
    sha,
    repository: { owner, repo, fullName },
    serverUrl: (optional(env, 'GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (optional(env, 'GITHUB_API_URL') ?? 'https://api.github.com').replace(/\/+$/, ''),
    runId,
    runAttempt,
    actor,
    workflow,
    pullRequest: pullRequestOf(payload),
    defaultBranch: typeof defaultBranch === 'string' ? defaultBranch : undefined,
    payload,
  };
}

/** The workflow run's page (this attempt's, after a re-run): where a reader follows a deploy. */
export function workflowRunUrl(context: GitHubContext): string {
  const run = `${context.serverUrl}/${context.repository.fullName}/actions/runs/${context.runId}`;
  return context.runAttempt && context.runAttempt > 1
    ? `${run}/attempts/${context.runAttempt}`
    : run;
}

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface OctokitOptions {
  /** API root; defaults to GITHUB_API_URL (GitHub Enterprise Server sets it), then api.github.com. */
  baseUrl?: string;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Retry n waits n² × this many milliseconds (default 1000: 1 s, 4 s, 9 s). */
  retryBaseDelayMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Every 4xx is final. That includes 429 and rate-limit 403s: GitHub asks clients to wait for the
 * reset time or a minute before retrying secondary limits, which a few seconds of backoff would
 * not honour, and hammering then can get the token blocked. The error surfaces with GitHub's
 * message instead. 5xx answers and network failures are retried.
 */
const CLIENT_ERRORS = Array.from({ length: 100 }, (_, i) => 400 + i);

/**
 * An authenticated Octokit (REST methods and pagination) that retries 5xx and network errors.
 * Octokit is loaded here, on first use, not at start-up: most runs never call the API, and its
 * REST route table is one of the largest parts of every bundle.
 */
export async function createOctokit(
  token: string,
  options: OctokitOptions = {},
): Promise<GitHubClient> {
  if (!token.trim()) {
    throw new ActionError(
      'No GitHub token was given.',
      'Pass one, e.g. github-token: ${{ github.token }}, and give the job the permissions it needs.',
    );
  }
  registerSecret(token);
  const env = options.env ?? process.env;
  const baseUrl = (options.baseUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  const [{ getOctokit }, { retry }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
  ]);
  return getOctokit(
    token,
    {
      baseUrl,
      retry: {
        retries: options.retries ?? 3,
        retryAfterBaseValue: options.retryBaseDelayMs ?? 1000,
        doNotRetry: CLIENT_ERRORS,
      },
    },
    retry,
  );
}

export interface StickyCommentRequest {
  owner: string;
  repo: string;
  issueNumber: number;
  /** Names the comment among others this suite writes on the same pull request. */
  key: string;
  body: string;
}

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

/** GitHub refuses comment bodies longer than this many characters. */
export const MAX_COMMENT_LENGTH = 65536;

export function stickyMarker(key: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key)) {
    throw new ActionError(
      `Sticky comment key '${key}' may hold only letters, digits, '.', '_' and '-'.`,
      'Use a fixed key per kind of comment, e.g. coverage.',
    );
  }
  return `<!-- slipway:${key} -->`;
}

/**
 * Text copied into a comment (test names, failure messages, commit subjects) may name people or
 * teams; GitHub would notify each of them. A zero-width joiner after the `@` keeps the text as it
 * reads while GitHub no longer sees a mention. E-mail addresses (a word character before the `@`)
 * are left alone, as GitHub does not treat them as mentions either.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/(^|[^\w`@\u200d])@(?=[A-Za-z0-9])/g, '$1@\u200d');
}

/**
 * The full comment text: marker first, mentions neutralised, body trimmed visibly when GitHub
 * would refuse it.
 */
export function stickyCommentBody(key: string, body: string): string {
  const head = `${stickyMarker(key)}\n`;
  body = neutralizeMentions(body);
  const full = head + body;
  if (full.length <= MAX_COMMENT_LENGTH) return full;
  const note = (cut: number) =>
    `\n\n---\n_Trimmed ${groupDigits(cut)} characters: GitHub limits a comment to ` +
    `${groupDigits(MAX_COMMENT_LENGTH)} characters. The job summary and log have the rest._`;
  // The note's length depends on the number in it; reserve room for the longest it can be.
  let keep = MAX_COMMENT_LENGTH - head.length - note(body.length).length;
  // Do not split a surrogate pair: half a character would turn into a replacement sign.
  const code = body.charCodeAt(keep - 1);
  if (code >= 0xd800 && code <= 0xdbff) keep -= 1;
  return head + body.slice(0, keep) + note(body.length - keep);
}

const normalize = (text: string) => text.replace(/\r\n/g, '\n');

/**
 * Creates the comment that carries the marker for `key`, or updates it in place, so a pull request
 * keeps one current comment per key however often the workflow runs.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  request: StickyCommentRequest,
): Promise<StickyCommentResult> {
  const marker = stickyMarker(request.key);
  const body = stickyCommentBody(request.key, request.body);
  const where = { owner: request.owner, repo: request.repo, issue_number: request.issueNumber };

  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...where,
    per_page: 100,
  })) {
    // The marker leads the body; a comment that only quotes it somewhere else is not ours.
    const existing = page.data.find((comment) => comment.body?.startsWith(marker));
    if (!existing) continue;
    if (normalize(existing.body ?? '') === normalize(body)) {
      return { action: 'unchanged', id: existing.id, url: existing.html_url };
    }
    const { data } = await octokit.rest.issues.updateComment({
      owner: request.owner,
      repo: request.repo,
      comment_id: existing.id,
      body,
    });
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({ ...where, body });
  return { action: 'created', id: data.id, url: data.html_url };
}

/**
 * The pull request a run reports on when its event carries none: a `workflow_run` workflow that
 * comments for a fork's pull request is given the number (saved by the pull request's own
 * workflow as an artifact) and reads the rest from the API, so a forged artifact can at most
 * name another pull request of the same repository.
 */
export async function pullRequestByNumber(
  octokit: GitHubClient,
  repository: RepositoryRef,
  number: number,
): Promise<PullRequestContext> {
  const { data } = await octokit.rest.pulls.get({
    owner: repository.owner,
    repo: repository.repo,
    pull_number: number,
  });
  const headRepo = data.head.repo?.full_name?.toLowerCase();
  return {
    number: data.number,
    headSha: data.head.sha,
    headRef: data.head.ref,
    baseRef: data.base.ref,
    baseSha: data.base.sha,
    fromFork: headRepo !== undefined && headRepo !== data.base.repo.full_name.toLowerCase(),
  };
}

/** The run's context with the pull request named by an input, when one is given. */
export async function withPullRequest(
  github: GitHubContext,
  token: string,
  number: number | undefined,
): Promise<GitHubContext> {
  if (!number) return github;
  if (!token) {
    throw new ActionError(
      `pull-request is ${number} but github-token is empty.`,
      'Pass github-token: ${{ github.token }} with pull-requests: read.',
    );
  }
  const pullRequest = await pullRequestByNumber(
    await createOctokit(token),
    github.repository,
    number,
  );
  return { ...github, pullRequest };
}

/**
 * Uploads coverage reports to Codecov the way its CLI (`codecov upload-coverage`) does, without
 * downloading the CLI: one POST to the combined `upload-coverage` endpoint, which answers with a
 * presigned storage URL, then one PUT of a JSON payload holding each report zlib-compressed and
 * base64-encoded. The reports go up as the tools wrote them; Codecov parses them itself.
 */
import { deflateSync } from 'node:zlib';
import * as core from '@actions/core';
import { ActionError, describeThrown, InputError } from '../core/errors.js';
import type { GitHubContext } from '../core/github.js';
import { HttpError, httpRequest } from '../core/http.js';
import { PROXY_CREDENTIALS_HINT } from '../core/http-proxy.js';
import { requestOidcToken } from '../core/oidc-token.js';
import { formatRetry, type RetryOptions } from '../core/retry.js';
import { maskSecrets, registerSecret, registerSecretWithDerivations } from '../core/secrets.js';
import { escapeUntrusted } from '../core/log.js';

/** How long an upload may take in all; documented with the codecov input. */
export const UPLOAD_DEADLINE_MS = 60_000;

export const DEFAULT_CODECOV_URL = 'https://ingest.codecov.io';
export const CODECOV_CLIENT_NAME = 'slipway-coverage';
/** Sent in User-Agent and the body's `version`; the action passes its own release. */
export const CODECOV_CLIENT_VERSION = '0.1.0';

export interface CodecovFile {
  /** The name Codecov shows for the report, usually its repository-relative path. */
  name: string;
  bytes: Uint8Array;
}

export interface CodecovUploadRequest {
  files: CodecovFile[];
  /** Default https://ingest.codecov.io; a self-hosted Codecov's URL otherwise. */
  codecovUrl?: string;
  token?: string;
  /** Authenticate with a GitHub OIDC token instead of `token` (needs `id-token: write`). */
  useOidc?: boolean;
  flags?: string[];
  name?: string;
  context: GitHubContext;
  /** Repository files (`git ls-files`), which Codecov uses to map report paths onto the repository. */
  networkFiles?: string[];
  clientVersion?: string;
  /** For tests: a faster backoff. */
  retry?: RetryOptions;
  timeoutMs?: number;
  /** The whole upload, both requests and their retries; UPLOAD_DEADLINE_MS by default. */
  deadlineMs?: number;
}

export type CodecovAuthentication = 'token' | 'oidc' | 'tokenless';

export interface CodecovUploadResult {
  /** Codecov's page for the commit, where the results appear once processed. */
  url: string | undefined;
  commit: string;
  branch: string | null;
  pullRequest: number | null;
  authentication: CodecovAuthentication;
  files: number;
  /** Tries each request took, counting the first. */
  attempts: { upload: number; storage: number };
}

/** Where the upload goes and what it is about: a pure function of the run's context. */
export interface UploadTarget {
  service: string;
  slug: string;
  commit: string;
  branch: string | null;
  pullRequest: number | null;
  /** A pull request whose head lives in another repository (a fork). */
  fromFork: boolean;
  ciUrl: string;
  jobCode: string;
}

/** Codecov's rule for flag names: letters, digits, `_`, `-` and `.`, at most 45 characters. */
const FLAG_PATTERN = /^[\w.-]{1,45}$/;
const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

/**
 * `owner/repo` → `owner::::repo`; subgroups (`group/sub/repo`) are joined with `:::`, as in
 * codecov-cli's `helpers/encoder.py`.
 */
export function encodeSlug(slug: string): string {
  const parts = slug.split('/');
  if (parts.length < 2 || parts.some((part) => part === '' || /\s/.test(part))) {
    throw new ActionError(`'${slug}' is not a repository slug like owner/repo.`);
  }
  const repo = parts.pop()!;
  return `${parts.join(':::')}::::${repo}`;
}

/**
 * The audience Codecov accepts for an OIDC token is one of its own URLs (codecov.io or
 * api.codecov.io), not the ingest host we upload to; a self-hosted Codecov's is its URL, which is
 * what codecov-action passes as well.
 */
export function oidcAudience(codecovUrl: string): string {
  const url = new URL(codecovUrl);
  if (/^(?:ingest\.|api\.)?codecov\.io$/.test(url.hostname)) return 'https://codecov.io';
  return codecovUrl.replace(/\/+$/, '');
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)
    : undefined;
}

/** GitHub's merge queue runs on `gh-readonly-queue/<branch>/pr-…`; Codecov wants `<branch>`. */
function branchOfRef(name: string): string {
  return /^gh-readonly-queue\/(.+)\/pr-\d+-[0-9a-f]+$/.exec(name)?.[1] ?? name;
}

export function uploadTarget(context: GitHubContext): UploadTarget {
  const pr = PR_EVENTS.has(context.eventName) ? context.pullRequest : undefined;
  const head = record(record(context.payload.pull_request)?.head);
  const headRepo = record(head?.repo);
  const fromFork =
    pr !== undefined &&
    (typeof headRepo?.full_name !== 'string' || headRepo.full_name !== context.repository.fullName);
  let branch: string | null = null;
  if (pr) branch = pr.headRef;
  else if (context.refType === 'branch' && context.refName) branch = branchOfRef(context.refName);
  return {
    service: 'github',
    slug: context.repository.fullName,
    // On pull requests the workflow runs on a merge commit that Codecov never sees; the head is
    // the commit the pull request shows.
    commit: pr ? pr.headSha : context.sha,
    branch,
    pullRequest: pr ? pr.number : null,
    fromFork,
    ciUrl: `${context.serverUrl}/${context.repository.fullName}/actions/runs/${context.runId}`,
    jobCode: context.workflow,
  };
}

/**
 * Codecov accepts a tokenless upload only when the branch names its fork as `owner:branch` (the
 * pull request's head label).
 */
export function forkBranch(context: GitHubContext, headRef: string): string {
  const head = record(record(context.payload.pull_request)?.head);
  if (typeof head?.label === 'string' && head.label.includes(':')) return head.label;
  const owner = record(record(head?.repo)?.owner)?.login;
  return `${typeof owner === 'string' ? owner : 'fork'}:${headRef}`;
}

/** The JSON the storage PUT carries, as codecov-cli's UploadSender builds it. */
export function storagePayload(files: CodecovFile[], networkFiles: string[] = []): string {
  return JSON.stringify({
    report_fixes: { format: 'legacy', value: {} },
    network_files: networkFiles,
    coverage_files: files.map((file) => ({
      filename: file.name,
      format: 'base64+compressed',
      data: deflateSync(file.bytes).toString('base64'),
      labels: '',
    })),
    metadata: {},
  });
}

export async function uploadToCodecov(request: CodecovUploadRequest): Promise<CodecovUploadResult> {
  if (request.files.length === 0) {
    throw new ActionError('There is no coverage report to upload to Codecov.');
  }
  for (const flag of request.flags ?? []) {
    if (!FLAG_PATTERN.test(flag)) {
      throw new InputError(
        'flags',
        `holds '${flag}', but Codecov accepts only letters, digits, '_', '-' and '.' (at most 45 characters) in a flag.`,
        'unit,linux',
      );
    }
  }
  const codecovUrl = (request.codecovUrl ?? DEFAULT_CODECOV_URL).replace(/\/+$/, '');
  const target = uploadTarget(request.context);
  const { credential, authentication } = await chooseCredential(request, target, codecovUrl);
  const branch =
    authentication === 'tokenless' && target.fromFork && target.branch !== null
      ? forkBranch(request.context, target.branch)
      : target.branch;
  const version = request.clientVersion ?? CODECOV_CLIENT_VERSION;
  const headers: Record<string, string> = {
    'user-agent': `${CODECOV_CLIENT_NAME}/${version}`,
    accept: 'application/json',
  };
  if (credential) headers.authorization = `token ${credential}`;

  const endpoint = `${codecovUrl}/upload/${target.service}/${encodeSlug(target.slug)}/upload-coverage`;
  const body = {
    branch,
    code: 'default',
    commitid: target.commit,
    parent_commit_id: null,
    pullid: target.pullRequest,
    ci_service: 'github-actions',
    ci_url: target.ciUrl,
    // The CLI sends its parsed arguments here; ours never include the token.
    cli_args: {
      client: CODECOV_CLIENT_NAME,
      files: request.files.map((file) => file.name),
      flags: request.flags ?? [],
      name: request.name ?? null,
    },
    env: {},
    flags: request.flags ?? [],
    job_code: target.jobCode,
    name: request.name ?? null,
    version,
    file_not_found: false,
  };

  // One budget for the whole upload (both requests, retries included): a Codecov that does not
  // answer holds the step at most this long.
  const deadlineAt = Date.now() + (request.deadlineMs ?? UPLOAD_DEADLINE_MS);
  const uploadAttempts = { count: 1 };
  let answer: { raw_upload_location?: unknown; url?: unknown };
  try {
    const response = await httpRequest({
      method: 'POST',
      url: endpoint,
      headers,
      body,
      timeoutMs: request.timeoutMs,
      retry: retryOptions(request.retry, 'POST', endpoint, uploadAttempts, deadlineAt),
    });
    answer = response.json();
  } catch (error) {
    throw uploadError('Codecov refused the upload', error, authentication);
  }
  if (typeof answer?.raw_upload_location !== 'string') {
    throw new ActionError(
      `Codecov accepted the upload but its answer has no raw_upload_location to send the reports to: ${maskSecrets(JSON.stringify(answer)).slice(0, 300)}`,
      'Check codecov-url: it should point at Codecov itself, not a proxy that rewrites answers.',
    );
  }
  const storageUrl = answer.raw_upload_location;
  // The presigned URL grants write access to the upload for a short while.
  registerSecret(new URL(storageUrl).search);

  const storageAttempts = { count: 1 };
  try {
    await httpRequest({
      method: 'PUT',
      url: storageUrl,
      // No Authorization: the URL carries its own signature, and storage must never see the token.
      headers: { 'user-agent': headers['user-agent']!, 'content-type': 'application/json' },
      body: storagePayload(request.files, request.networkFiles),
      timeoutMs: request.timeoutMs,
      retry: retryOptions(request.retry, 'PUT', storageUrl, storageAttempts, deadlineAt),
    });
  } catch (error) {
    throw uploadError('Codecov accepted the upload, but storing the reports failed', error);
  }
  const url = typeof answer.url === 'string' ? answer.url : undefined;
  core.info(
    escapeUntrusted(
      `Uploaded ${request.files.length} report(s) to Codecov for ${target.commit.slice(0, 12)}` +
        `${branch ? ` on ${branch}` : ''} (${authentication})${url ? `: ${url}` : ''}`,
    ),
  );
  return {
    url,
    commit: target.commit,
    branch,
    pullRequest: target.pullRequest,
    authentication,
    files: request.files.length,
    attempts: { upload: uploadAttempts.count, storage: storageAttempts.count },
  };
}

async function chooseCredential(
  request: CodecovUploadRequest,
  target: UploadTarget,
  codecovUrl: string,
): Promise<{ credential: string | undefined; authentication: CodecovAuthentication }> {
  // GitHub gives pull requests from forks no OIDC token and no secrets; codecov-action skips
  // OIDC there too, and Codecov accepts those uploads without a token.
  if (request.useOidc && !target.fromFork) {
    const audience = oidcAudience(codecovUrl);
    let token: string;
    try {
      token = await requestOidcToken(audience);
    } catch (error) {
      throw new ActionError(
        `Could not get a GitHub OIDC token for Codecov (audience ${audience}): ${describeThrown(error)}`,
        'Give the job `permissions: id-token: write`, or pass codecov-token instead of use-oidc.',
      );
    }
    registerSecretWithDerivations(token);
    return { credential: token, authentication: 'oidc' };
  }
  const token = request.token?.trim();
  if (token) {
    registerSecretWithDerivations(token);
    return { credential: token, authentication: 'token' };
  }
  return { credential: undefined, authentication: 'tokenless' };
}

function retryOptions(
  overrides: RetryOptions | undefined,
  method: string,
  url: string,
  attempts: { count: number },
  deadlineAt: number,
): RetryOptions {
  const shown = `${method} ${new URL(url).origin}${new URL(url).pathname}`;
  return {
    ...overrides,
    deadlineMs: Math.max(1, Math.min(overrides?.deadlineMs ?? Infinity, deadlineAt - Date.now())),
    onRetry: (event) => {
      attempts.count = event.nextAttempt;
      const error = event.error instanceof HttpError ? event.error.problem : event.error;
      core.info(maskSecrets(`${shown}: ${formatRetry({ ...event, error })}`));
      overrides?.onRetry?.(event);
    },
  };
}

/** Codecov explains itself in `message` or `detail`, or per field as DRF validation errors. */
export function codecovMessage(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const fields = record(parsed);
    if (typeof fields?.message === 'string') return fields.message;
    if (typeof fields?.detail === 'string') return fields.detail;
    if (Array.isArray(parsed)) return parsed.map(String).join('; ');
    if (fields) {
      return Object.entries(fields)
        .map(([name, problems]) => `${name}: ${[problems].flat().map(String).join(' ')}`)
        .join('; ');
    }
  } catch {
    // Not JSON: storage answers in XML, proxies in HTML; the excerpt is the best there is.
  }
  return body;
}

function uploadError(
  what: string,
  error: unknown,
  authentication?: CodecovAuthentication,
): ActionError {
  if (!(error instanceof HttpError)) {
    return new ActionError(`${what}: ${describeThrown(error)}`, undefined, { cause: error });
  }
  if (error.status === 407 || error.proxyStatus === 407) {
    // The runner's proxy answered (to the request, or to CONNECT), not Codecov.
    const answered =
      error.status === 407 ? 'answered HTTP 407 Proxy Authentication Required' : error.problem;
    return new ActionError(
      maskSecrets(
        `The upload did not get past the runner's proxy: ${error.method} ${error.url} ${answered}`,
      ),
      PROXY_CREDENTIALS_HINT,
      { cause: error },
    );
  }
  const said = codecovMessage(error.bodyExcerpt);
  let message = `${what}: ${error.method} ${error.url} `;
  if (error.status === undefined) {
    message += error.problem;
  } else {
    message += `answered HTTP ${error.status}${said ? `: ${said}` : ''}`;
    const gaveUp = /gave up after .*$/.exec(error.problem)?.[0];
    if (gaveUp) message += ` (${gaveUp})`;
  }
  return new ActionError(maskSecrets(message), hintFor(error.status, said, authentication), {
    cause: error,
  });
}

function hintFor(
  status: number | undefined,
  said: string | undefined,
  authentication: CodecovAuthentication | undefined,
): string | undefined {
  if (/token required|tokenless/i.test(said ?? '') && authentication === 'tokenless') {
    return (
      'Codecov takes uploads without a token only from pull requests of forks. Pass ' +
      'codecov-token: ${{ secrets.CODECOV_TOKEN }}, or set use-oidc: true with permissions: id-token: write.'
    );
  }
  if (status === 401) {
    return authentication === 'oidc'
      ? "Codecov did not accept the OIDC token: check that the repository is activated in Codecov and that codecov-url is Codecov's."
      : "Codecov did not accept the token: copy the repository's upload token from Codecov's settings into the secret.";
  }
  if (status === 403) return 'The token belongs to another repository or organisation in Codecov.';
  if (status === 404) return 'Check codecov-url and that the repository exists in Codecov.';
  if (status === 429) {
    return 'Codecov rate-limits uploads without a token; pass codecov-token to avoid it, or re-run later.';
  }
  if (status !== undefined && status >= 500) {
    return 'Codecov is having trouble; re-run the job later, or set fail-on-upload-error: false to not fail on it.';
  }
  if (status === undefined) return 'Check that the runner can reach codecov-url.';
  return undefined;
}

/**
 * Shares the gate's findings with GitHub code scanning, so they appear in the Security tab and as
 * pull request alerts. The SARIF log (built in sarif-log.ts) is always written to RUNNER_TEMP
 * (output `sarif-file`, for github/codeql-action/upload-sarif); with `upload-sarif` it is also
 * uploaded (output `sarif-id`). Everything here only ever warns: the verdict is already made.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { describeThrown } from '../core/errors.js';
import {
  createOctokit,
  readGitHubContext,
  type GitHubClient,
  type GitHubContext,
} from '../core/github.js';
import { isPermissionRefusal, permissionWarning } from '../core/github-permissions.js';
import { escapeUntrusted } from '../core/log.js';
import { setOutputs } from '../core/outputs.js';
import { maskSecrets } from '../core/secrets.js';
import { commentKey } from '../core/step-name.js';
import {
  buildSarif,
  count,
  type BuiltSarif,
  type CheckFinding,
  type SarifCheck,
} from './sarif-log.js';

const UPLOAD = {
  what: 'upload the findings to code scanning',
  permission: 'security-events: write',
};

/** Where an upload goes: the commit and ref code scanning files the analysis under. */
export interface UploadTarget {
  owner: string;
  repo: string;
  commitSha: string;
  ref: string;
}

/**
 * As github/codeql-action does: the run's own ref and commit (on pull_request, the merge ref
 * refs/pull/N/merge and its merge commit). A pull request named by the `pull-request` input
 * (a workflow_run reporting for a fork) is the run's subject instead: its head ref and commit,
 * so its findings do not land on the default branch the workflow_run runs on.
 */
export function uploadTarget(
  github: GitHubContext,
  namedPullRequest: boolean,
): UploadTarget | { problem: string } {
  const { owner, repo } = github.repository;
  if (namedPullRequest && github.pullRequest) {
    const { number, headSha } = github.pullRequest;
    return { owner, repo, commitSha: headSha, ref: `refs/pull/${number}/head` };
  }
  if (!github.ref || !/^refs\/(heads|tags|pull)\//.test(github.ref)) {
    return {
      problem: `the ${github.eventName} event's ref (${github.ref ?? 'none'}) is not a branch, tag or pull request, which code scanning files analyses under`,
    };
  }
  return { owner, repo, commitSha: github.sha, ref: github.ref };
}

export type UploadOutcome =
  | { uploaded: true; id: string; url: string }
  /** `warning` says what went wrong and what to do; the gate's verdict does not change. */
  | { uploaded: false; warning: string };

/** Uploads the gzipped log; a refusal or an error becomes a warning, never a failure. */
export async function uploadSarif(
  octokit: GitHubClient,
  target: UploadTarget,
  gzipped: Buffer,
  github: Pick<GitHubContext, 'pullRequest'> | undefined,
): Promise<UploadOutcome> {
  try {
    const { data } = await octokit.rest.codeScanning.uploadSarif({
      owner: target.owner,
      repo: target.repo,
      commit_sha: target.commitSha,
      ref: target.ref,
      sarif: gzipped.toString('base64'),
      tool_name: 'quality-gate',
    });
    return { uploaded: true, id: data.id ?? '', url: data.url ?? '' };
  } catch (error) {
    return { uploaded: false, warning: maskSecrets(uploadWarning(error, github)) };
  }
}

function uploadWarning(error: unknown, github: Pick<GitHubContext, 'pullRequest'> | undefined) {
  const answer = describeThrown(error);
  const status = (error as { status?: unknown } | null)?.status;
  if (
    isPermissionRefusal(error) &&
    /advanced security|code security|code scanning is not enabled/i.test(answer)
  ) {
    return (
      `Could not ${UPLOAD.what}: code scanning is not enabled for this repository (GitHub answered ${String(status)}: ${answer}). ` +
      `Private repositories need GitHub Code Security (Advanced Security) turned on in the repository's settings; ` +
      `or set upload-sarif: false. The job summary has the full report.`
    );
  }
  if (isPermissionRefusal(error)) return permissionWarning(UPLOAD, error, github);
  return `Could not ${UPLOAD.what}: ${answer}. The gate's verdict does not depend on it; the SARIF file (output sarif-file) can be uploaded by a later step.`;
}

export interface CodeScanningOptions {
  name: string | undefined;
  upload: boolean;
  githubToken: string | undefined;
  /** The run's context with the pull request it reports on, when one was read already. */
  github: GitHubContext | undefined;
  /** The `pull-request` input named the pull request (the event carries none). */
  namedPullRequest: boolean;
  runnerTemp?: string;
}

/**
 * Writes the SARIF file (output `sarif-file`) and, when asked, uploads it (output `sarif-id`).
 * `checks` are the judged checks (the verdict's), `findings` all their findings, counted or not,
 * with their check's name: every evaluated check that measures findings gets a run, so an empty
 * one closes its fixed alerts.
 * Never throws: code scanning is an extra view on findings the gate has already judged.
 */
export async function shareWithCodeScanning(
  checks: readonly SarifCheck[],
  findings: readonly CheckFinding[],
  options: CodeScanningOptions,
): Promise<void> {
  try {
    const built = buildSarif(checks, findings, options.name);
    for (const note of built.notes) core.info(escapeUntrusted(`code scanning: ${note}`));
    const directory = options.runnerTemp ?? (process.env.RUNNER_TEMP || tmpdir());
    await mkdir(directory, { recursive: true });
    const file = join(directory, `${commentKey('quality-gate', options.name)}.sarif`);
    await writeFile(file, JSON.stringify(built.log, null, 1));
    setOutputs({ 'sarif-file': file });
    core.info(
      escapeUntrusted(
        `code scanning: wrote ${count(built.results, 'result')} in ${count(built.log.runs.length, 'run')} to ${file}`,
      ),
    );
    if (!options.upload) return;
    await upload(built, options);
  } catch (error) {
    core.warning(
      maskSecrets(
        `Could not write or upload the findings for code scanning: ${describeThrown(error)}`,
      ),
    );
  }
}

async function upload(built: BuiltSarif, options: CodeScanningOptions): Promise<void> {
  // A run without results is still uploaded: it is what closes the alerts its check fixed.
  if (built.log.runs.length === 0) {
    core.info(
      'code scanning: no check that measures lint findings could be evaluated, so nothing was uploaded.',
    );
    return;
  }
  if (!options.githubToken) {
    core.warning(
      'upload-sarif is true but github-token is empty. Pass github-token: ${{ github.token }} and give the job `permissions: security-events: write`.',
    );
    return;
  }
  const github = options.github ?? readGitHubContext();
  const target = uploadTarget(github, options.namedPullRequest);
  if ('problem' in target) {
    core.warning(`Could not ${UPLOAD.what}: ${target.problem}.`);
    return;
  }
  const outcome = await uploadSarif(
    await createOctokit(options.githubToken),
    target,
    built.gzipped,
    github,
  );
  if (!outcome.uploaded) {
    core.warning(outcome.warning);
    return;
  }
  setOutputs({ 'sarif-id': outcome.id });
  core.info(
    escapeUntrusted(
      `code scanning: uploaded as ${outcome.id} for ${target.ref} at ${target.commitSha}; GitHub processes it in the background (${outcome.url}).`,
    ),
  );
}

import { describe, expect, it } from 'vitest';
import { createOctokit, type GitHubContext } from '../../src/core/github.js';
import { uploadSarif, uploadTarget } from '../../src/quality-gate/code-scanning.js';
import { buildSarif, type CheckFinding } from '../../src/quality-gate/sarif-log.js';
import { CodeScanningStore, useFakeGitHub } from '../support/fake-github/index.js';

/** A log with one eslint finding, in the run of a check named lint. */
function logOfOneFinding(name?: string) {
  const finding: CheckFinding = {
    check: 'lint',
    source: 'eslint',
    rule: 'no-unused-vars',
    severity: 'warning',
    message: 'x is defined but never used',
    file: 'src/a.ts',
    line: 3,
  };
  return buildSarif(
    [{ name: 'lint', format: 'eslint', evaluated: true, measures: { findings: true } }],
    [finding],
    name,
  );
}

function context(overrides: Partial<GitHubContext>): GitHubContext {
  return {
    eventName: 'push',
    ref: 'refs/heads/main',
    refName: 'main',
    refType: 'branch',
    sha: 'a'.repeat(40),
    repository: { owner: 'octo-org', repo: 'octo-service', fullName: 'octo-org/octo-service' },
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: 1,
    runAttempt: 1,
    actor: 'octocat',
    workflow: 'ci',
    pullRequest: undefined,
    defaultBranch: 'main',
    payload: {},
    ...overrides,
  };
}

const pullRequest = {
  number: 7,
  headSha: 'b'.repeat(40),
  headRef: 'feature',
  baseRef: 'main',
  baseSha: 'c'.repeat(40),
  fromFork: true,
};

describe('uploadTarget', () => {
  it.each([
    {
      name: 'a push files the analysis under its branch and commit',
      github: context({}),
      named: false,
      target: { ref: 'refs/heads/main', commitSha: 'a'.repeat(40) },
    },
    {
      name: 'a pull_request files it under the merge ref and merge commit',
      github: context({ eventName: 'pull_request', ref: 'refs/pull/7/merge', pullRequest }),
      named: false,
      target: { ref: 'refs/pull/7/merge', commitSha: 'a'.repeat(40) },
    },
    {
      name: 'a pull request named by the input files it under its head, not the default branch',
      github: context({ eventName: 'workflow_run', pullRequest }),
      named: true,
      target: { ref: 'refs/pull/7/head', commitSha: 'b'.repeat(40) },
    },
  ])('$name', ({ github, named, target }) => {
    expect(uploadTarget(github, named)).toEqual({
      owner: 'octo-org',
      repo: 'octo-service',
      ...target,
    });
  });

  it('says why when the run has no ref code scanning accepts', () => {
    expect(
      uploadTarget(context({ eventName: 'repository_dispatch', ref: undefined }), false),
    ).toEqual({
      problem: expect.stringContaining('repository_dispatch'),
    });
  });
});

describe('uploadSarif', () => {
  const github = useFakeGitHub({ token: 'ghs_codeScanningTest01' });
  const target = {
    owner: 'octo-org',
    repo: 'octo-service',
    commitSha: 'a'.repeat(40),
    ref: 'refs/heads/main',
  };
  const octokit = () =>
    createOctokit('ghs_codeScanningTest01', {
      baseUrl: github().url,
      retries: 1,
      retryBaseDelayMs: 1,
    });
  /** Uploads a log with one finding; `run` holds the pull request the run was for, if any. */
  const uploadOne = async (run?: Pick<GitHubContext, 'pullRequest'>) =>
    uploadSarif(await octokit(), target, logOfOneFinding().gzipped, run);
  const refuse = (status: number, message: string) =>
    github().on('POST /repos/{owner}/{repo}/code-scanning/sarifs', () => ({
      status,
      body: {
        message,
        documentation_url: 'https://docs.github.com/rest/code-scanning/code-scanning',
      },
    }));

  it('uploads the gzipped log and returns the id GitHub gives', async () => {
    const store = new CodeScanningStore();
    store.register(github());
    const built = logOfOneFinding('backend');

    const outcome = await uploadSarif(await octokit(), target, built.gzipped, undefined);

    expect(outcome).toEqual({
      uploaded: true,
      id: store.uploads[0]!.id,
      url: expect.stringContaining(store.uploads[0]!.id),
    });
    expect(store.uploads[0]).toMatchObject({
      ref: 'refs/heads/main',
      commitSha: 'a'.repeat(40),
      sarif: built.log,
    });
  });

  it('turns a token without security-events: write into a warning saying so', async () => {
    refuse(403, 'Resource not accessible by integration');
    const outcome = await uploadOne();
    expect(outcome.uploaded).toBe(false);
    expect(!outcome.uploaded && outcome.warning).toMatch(
      /Could not upload the findings to code scanning: the token lacks `security-events: write`.*Resource not accessible by integration.*permissions: security-events: write/,
    );
  });

  it('tells a fork pull request why the permission cannot be had', async () => {
    refuse(403, 'Resource not accessible by integration');
    const outcome = await uploadOne({ pullRequest });
    expect(!outcome.uploaded && outcome.warning).toContain('comes from a fork');
  });

  it('says to turn on code scanning when the repository does not have it', async () => {
    refuse(403, 'Advanced Security must be enabled for this repository to use code scanning.');
    const outcome = await uploadOne();
    expect(!outcome.uploaded && outcome.warning).toMatch(
      /code scanning is not enabled for this repository .*Advanced Security must be enabled.*Code Security/,
    );
  });

  it('warns, without failing, when GitHub keeps failing', async () => {
    github().on('POST /repos/{owner}/{repo}/code-scanning/sarifs', () => ({
      status: 503,
      body: {
        code: 'unavailable',
        message: 'Service unavailable',
        documentation_url: 'https://docs.github.com/rest',
      },
    }));
    const outcome = await uploadOne();
    expect(!outcome.uploaded && outcome.warning).toContain('Service unavailable');
    expect(github().callsTo('code-scanning/upload-sarif')).toHaveLength(2);
  });
});

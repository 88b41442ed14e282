import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createOctokit, type GitHubContext } from '../../src/core/github.js';
import { forgetSecretsForTesting, registerSecret } from '../../src/core/secrets.js';
import {
  SARIF_LIMITS,
  buildSarif,
  uploadSarif,
  uploadTarget,
  type SarifResult,
} from '../../src/quality-gate/code-scanning.js';
import type { Finding } from '../../src/quality-gate/model.js';
import { CodeScanningStore, useFakeGitHub } from '../support/fake-github/index.js';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    source: 'eslint',
    rule: 'no-unused-vars',
    severity: 'warning',
    message: 'x is defined but never used',
    file: 'src/a.ts',
    line: 3,
    ...overrides,
  };
}

function region(result: SarifResult | undefined) {
  return result?.locations[0]?.physicalLocation.region;
}

describe('buildSarif', () => {
  afterEach(() => forgetSecretsForTesting());

  it('makes one run per tool, each with its rules, results and its own category', () => {
    const built = buildSarif(
      [
        finding({
          ruleUrl: 'https://eslint.org/docs/latest/rules/no-unused-vars',
          column: 7,
          endColumn: 8,
        }),
        finding({
          severity: 'error',
          rule: 'eqeqeq',
          message: 'Expected ===',
          line: 9,
          endLine: 10,
        }),
        finding({
          source: 'clippy',
          rule: 'clippy::needless_return',
          severity: 'notice',
          file: 'src/main.rs',
        }),
      ],
      'backend',
    );

    expect(built.log.version).toBe('2.1.0');
    expect(built.log.runs.map((run) => run.tool.driver.name)).toEqual(['eslint', 'clippy']);
    expect(built.log.runs.map((run) => run.automationDetails.id)).toEqual([
      'quality-gate/backend/eslint/',
      'quality-gate/backend/clippy/',
    ]);
    const [eslint] = built.log.runs;
    expect(eslint!.tool.driver.rules).toEqual([
      { id: 'eqeqeq', shortDescription: { text: 'eqeqeq' } },
      {
        id: 'no-unused-vars',
        shortDescription: { text: 'no-unused-vars' },
        helpUri: 'https://eslint.org/docs/latest/rules/no-unused-vars',
      },
    ]);
    // Errors first: GitHub keeps the most severe results of a run when it trims.
    expect(eslint!.results[0]).toEqual({
      ruleId: 'eqeqeq',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'Expected ===' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'src/a.ts', uriBaseId: '%SRCROOT%' },
            region: { startLine: 9, endLine: 10 },
          },
        },
      ],
    });
    expect(eslint!.results[1]).toMatchObject({
      ruleId: 'no-unused-vars',
      ruleIndex: 1,
      level: 'warning',
    });
    expect(region(eslint!.results[1])).toEqual({ startLine: 3, startColumn: 7, endColumn: 8 });
    expect(built.log.runs[1]!.results[0]!.level).toBe('note');
    expect(built.results).toBe(3);
    expect(built.notes).toEqual([]);
    expect(JSON.parse(gunzipSync(built.gzipped).toString('utf8'))).toEqual(built.log);
  });

  it('files runs under quality-gate/<tool>/ when the step has no name', () => {
    const built = buildSarif([finding()], undefined);
    expect(built.log.runs[0]!.automationDetails.id).toBe('quality-gate/eslint/');
  });

  it('leaves out findings code scanning could not place, and says how many', () => {
    const built = buildSarif(
      [
        finding(),
        finding({ file: undefined, line: undefined, message: 'eslint crashed' }),
        finding({ file: '../elsewhere/b.ts' }),
        finding({ file: '/home/runner/.cargo/registry/src/lib.rs' }),
      ],
      undefined,
    );
    expect(built.results).toBe(1);
    expect(built.notes).toEqual([
      '3 findings without a file in the repository are not in the SARIF: code scanning needs a location for every result.',
    ]);
  });

  it('makes no run at all when no finding has a location', () => {
    const built = buildSarif([finding({ file: undefined })], undefined);
    expect(built.log.runs).toEqual([]);
  });

  it.each([
    {
      name: 'a whole-file finding points at line 1',
      given: { line: undefined, column: undefined },
      region: { startLine: 1 },
    },
    {
      name: 'an end line before the start is dropped',
      given: { line: 5, endLine: 4 },
      region: { startLine: 5 },
    },
    {
      name: 'an end column before the start column on one line is dropped',
      given: { line: 5, column: 9, endColumn: 3 },
      region: { startLine: 5, startColumn: 9 },
    },
    {
      name: 'an end column on a later line is kept whatever its value',
      given: { line: 5, endLine: 6, column: 9, endColumn: 3 },
      region: { startLine: 5, endLine: 6, startColumn: 9, endColumn: 3 },
    },
  ])('$name', ({ given, region: expected }) => {
    const built = buildSarif([finding(given)], undefined);
    expect(region(built.log.runs[0]!.results[0])).toEqual(expected);
  });

  it('writes paths as URI references and tools without rule ids under the tool name', () => {
    const built = buildSarif(
      [finding({ source: 'rustfmt', rule: undefined, file: 'docs/my notes#1.rs', message: '' })],
      undefined,
    );
    const [result] = built.log.runs[0]!.results;
    expect(result!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      'docs/my%20notes%231.rs',
    );
    expect(result!.ruleId).toBe('rustfmt');
    expect(result!.message.text).toBe('rustfmt');
  });

  it('masks registered secrets in messages', () => {
    registerSecret('ghp_leakedTokenValue123');
    const built = buildSarif(
      [finding({ message: 'token ghp_leakedTokenValue123 in source' })],
      undefined,
    );
    expect(built.log.runs[0]!.results[0]!.message.text).toBe('token *** in source');
  });

  it('keeps the most severe results of a tool within the per-run limit', () => {
    const findings = [
      finding({ severity: 'notice', line: 1 }),
      finding({ severity: 'warning', line: 2 }),
      finding({ severity: 'error', line: 3 }),
    ];
    const built = buildSarif(findings, undefined, { ...SARIF_LIMITS, resultsPerRun: 2 });
    expect(built.log.runs[0]!.results.map((result) => result.level)).toEqual(['error', 'warning']);
    expect(built.notes).toEqual([
      '1 finding of eslint is not in the SARIF: code scanning keeps the 2 most severe results of a tool.',
    ]);
  });

  it('keeps the tools with the most errors within the run limit', () => {
    const built = buildSarif(
      [
        finding({ source: 'shellcheck', severity: 'notice' }),
        finding({ source: 'clippy', severity: 'error' }),
        finding({ source: 'eslint', severity: 'warning' }),
        finding({ source: 'eslint', severity: 'warning' }),
      ],
      undefined,
      { ...SARIF_LIMITS, runs: 2 },
    );
    expect(built.log.runs.map((run) => run.tool.driver.name)).toEqual(['clippy', 'eslint']);
    expect(built.notes).toEqual([
      '1 tool (shellcheck) with 1 finding is not in the SARIF: code scanning takes at most 2 runs per upload.',
    ]);
  });

  it('cuts the least severe results until the gzipped log fits', () => {
    // Distinct messages, so gzip cannot shrink them to nothing.
    const findings = Array.from({ length: 400 }, (_, index) =>
      finding({
        severity: index % 4 === 0 ? 'error' : 'warning',
        line: index + 1,
        message: `problem ${index} ${Math.sin(index).toString(36)} ${Math.cos(index).toString(36)}`,
      }),
    );
    const full = buildSarif(findings, undefined);
    const limit = Math.floor(full.gzipped.length / 2);

    const built = buildSarif(findings, undefined, { ...SARIF_LIMITS, gzippedBytes: limit });

    expect(built.gzipped.length).toBeLessThanOrEqual(limit);
    expect(built.results).toBeLessThan(400);
    expect(built.results).toBeGreaterThan(100);
    const levels = built.log.runs[0]!.results.map((result) => result.level);
    expect(levels.filter((level) => level === 'error')).toHaveLength(100);
    expect(built.notes).toEqual([
      `${400 - built.results} findings of the least severe are not in the SARIF: code scanning takes at most ${limit / 1024 / 1024} MB gzipped.`,
    ]);
  });
});

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
    const built = buildSarif([finding()], 'backend');

    const outcome = await uploadSarif(octokit(), target, built.gzipped, undefined);

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
    const outcome = await uploadSarif(
      octokit(),
      target,
      buildSarif([finding()], undefined).gzipped,
      undefined,
    );
    expect(outcome.uploaded).toBe(false);
    expect(!outcome.uploaded && outcome.warning).toMatch(
      /Could not upload the findings to code scanning: the token lacks `security-events: write`.*Resource not accessible by integration.*permissions: security-events: write/,
    );
  });

  it('tells a fork pull request why the permission cannot be had', async () => {
    refuse(403, 'Resource not accessible by integration');
    const outcome = await uploadSarif(
      octokit(),
      target,
      buildSarif([finding()], undefined).gzipped,
      { pullRequest },
    );
    expect(!outcome.uploaded && outcome.warning).toContain('comes from a fork');
  });

  it('says to turn on code scanning when the repository does not have it', async () => {
    refuse(403, 'Advanced Security must be enabled for this repository to use code scanning.');
    const outcome = await uploadSarif(
      octokit(),
      target,
      buildSarif([finding()], undefined).gzipped,
      undefined,
    );
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
    const outcome = await uploadSarif(
      octokit(),
      target,
      buildSarif([finding()], undefined).gzipped,
      undefined,
    );
    expect(!outcome.uploaded && outcome.warning).toContain('Service unavailable');
    expect(github().callsTo('code-scanning/upload-sarif')).toHaveLength(2);
  });
});

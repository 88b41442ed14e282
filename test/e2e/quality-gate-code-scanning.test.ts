import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SarifLog } from '../../src/quality-gate/sarif-log.js';
import { REPO_ROOT } from '../../tools/actions.js';
import { CodeScanningStore, useFakeGitHub } from '../support/fake-github/index.js';
import { runAction } from '../support/runner.js';
import { QUALITY_GATE, checkstyle, junit, makeWorkspace } from './quality-gate-support.js';

const TOKEN = 'ghs_qualityGateSarifToken01';
const MERGE_SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const pullRequest = {
  name: 'pull_request',
  ref: 'refs/pull/42/merge',
  sha: MERGE_SHA,
  payload: JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/events/pull_request-opened.json'), 'utf8'),
  ),
};

/** The category of the reports entry `checkstyle: lint.xml`: its name slugged, with its hash. */
const LINT_CATEGORY = 'quality-gate/checkstyle-lint.xml-474fdd9c/';

const lint = checkstyle([
  { file: 'src/payments/retry.ts', line: 12, severity: 'error', rule: 'no-floating-promises' },
  { file: 'src/payments/retry.ts', line: 30, severity: 'warning', rule: 'max-len' },
  { file: 'src/api/handler.ts', line: 7, severity: 'info', rule: 'prefer-const' },
]);

describe('quality-gate bundle: findings to GitHub code scanning', () => {
  const github = useFakeGitHub({ token: TOKEN });

  async function gate(
    inputs: Record<string, string>,
    files: Record<string, string> = { 'lint.xml': lint },
  ) {
    return runAction(QUALITY_GATE, {
      workspace: await makeWorkspace(files),
      githubToken: TOKEN,
      event: pullRequest,
      env: { GITHUB_API_URL: github().url },
      inputs: { reports: 'checkstyle: lint.xml', 'max-errors': '1', ...inputs },
    });
  }

  it('uploads one SARIF for the merge ref whose results are the checkstyle findings', async () => {
    const store = new CodeScanningStore();
    store.register(github());

    const run = await gate({ 'upload-sarif': 'true' });

    expect(run.main.exitCode).toBe(0);
    expect(store.uploads).toHaveLength(1);
    const [upload] = store.uploads;
    expect(upload).toMatchObject({
      owner: 'octo-org',
      repo: 'octo-service',
      ref: 'refs/pull/42/merge',
      commitSha: MERGE_SHA,
    });
    // Read as the log code scanning would parse, whatever produced it.
    const { version, runs } = upload!.sarif as unknown as SarifLog;
    expect(version).toBe('2.1.0');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.tool.driver.name).toBe('checkstyle');
    expect(runs[0]!.automationDetails).toEqual({ id: LINT_CATEGORY });
    const results = runs[0]!.results.map((result) => ({
      rule: result.ruleId,
      level: result.level,
      message: result.message.text,
      uri: result.locations[0]!.physicalLocation.artifactLocation.uri,
      line: result.locations[0]!.physicalLocation.region.startLine,
    }));
    expect(results).toEqual([
      {
        rule: 'no-floating-promises',
        level: 'error',
        message: 'problem at 12',
        uri: 'src/payments/retry.ts',
        line: 12,
      },
      {
        rule: 'max-len',
        level: 'warning',
        message: 'problem at 30',
        uri: 'src/payments/retry.ts',
        line: 30,
      },
      {
        rule: 'prefer-const',
        level: 'note',
        message: 'problem at 7',
        uri: 'src/api/handler.ts',
        line: 7,
      },
    ]);

    expect(run.main.outputs['sarif-id']).toBe(upload!.id);
    const file = run.main.outputs['sarif-file']!;
    expect(file.startsWith(run.runnerTemp)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(upload!.sarif);
    expect(run.main.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual(
      ['problem at 30'],
    );
  });

  it('closes fixed alerts: a run that finds nothing uploads an empty analysis in the same category', async () => {
    const store = new CodeScanningStore();
    store.register(github());
    const oneWarning = checkstyle([
      { file: 'src/payments/retry.ts', line: 30, severity: 'warning', rule: 'max-len' },
    ]);

    const first = await gate({ 'upload-sarif': 'true' }, { 'lint.xml': oneWarning });
    const fixed = await gate({ 'upload-sarif': 'true' }, { 'lint.xml': '<checkstyle/>' });

    expect([first.main.exitCode, fixed.main.exitCode]).toEqual([0, 0]);
    expect(store.uploads).toHaveLength(2);
    const analyses = store.uploads.map((upload) =>
      (upload.sarif as unknown as SarifLog).runs.map((run) => ({
        tool: run.tool.driver.name,
        category: run.automationDetails.id,
        results: run.results.length,
      })),
    );
    expect(analyses).toEqual([
      [{ tool: 'checkstyle', category: LINT_CATEGORY, results: 1 }],
      [{ tool: 'checkstyle', category: LINT_CATEGORY, results: 0 }],
    ]);
    expect(fixed.main.outputs['sarif-id']).toBe(store.uploads[1]!.id);
  });

  it('leaves a check whose report is missing out of the upload, so its alerts stay open', async () => {
    const store = new CodeScanningStore();
    store.register(github());

    const run = await gate(
      {
        'upload-sarif': 'true',
        reports: 'checkstyle: lint.xml\ncheckstyle: eslint.xml\njunit: tests.xml',
      },
      { 'lint.xml': lint, 'tests.xml': junit([{ name: 'retries' }]) },
    );

    // The missing report fails the gate, yet the evaluated check's analysis still goes up; the
    // test report measures no findings and has no run either.
    expect(run.main.exitCode).toBe(1);
    expect(store.uploads).toHaveLength(1);
    const { runs } = store.uploads[0]!.sarif as unknown as SarifLog;
    expect(runs.map((sarifRun) => sarifRun.automationDetails.id)).toEqual([LINT_CATEGORY]);
    expect(run.main.log).toContain(
      'checkstyle: eslint.xml) could not be evaluated and has no run in the SARIF',
    );
  });

  it('uploads nothing for a check whose tool crashed before checking, so its alerts stay open', async () => {
    const store = new CodeScanningStore();
    store.register(github());

    // The linter exits 2 and leaves an empty report: it checked nothing, it did not fix anything.
    const run = await gate({
      'upload-sarif': 'true',
      reports: '',
      checks: `- name: lint\n  run: "echo '<checkstyle/>'; exit 2"\n  shell: bash\n  format: checkstyle`,
    });

    expect(run.main.exitCode).toBe(1);
    expect(store.uploads).toEqual([]);
    expect(run.main.log).toContain(
      '1 check (lint) could not be evaluated and has no run in the SARIF',
    );
    const sarif = JSON.parse(readFileSync(run.main.outputs['sarif-file']!, 'utf8'));
    expect(sarif.runs).toEqual([]);
  });

  it('keeps the findings new-only does not count in the SARIF, so their alerts stay open', async () => {
    const workspace = await makeWorkspace({ 'deploy.sh': '#!/bin/sh\necho $1\n' });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=t@example.com', ...args], {
        cwd: workspace,
      });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'feature');
    writeFileSync(join(workspace, 'deploy.sh'), '#!/bin/sh\necho $1\ncd /tmp/work\n');
    git('commit', '-q', '-am', 'feature');
    // One old warning (line 2, unchanged) and one new (line 3); the report itself is not committed.
    writeFileSync(
      join(workspace, 'lint.xml'),
      checkstyle([
        { file: 'deploy.sh', line: 2, severity: 'warning', rule: 'SC2086' },
        { file: 'deploy.sh', line: 3, severity: 'warning', rule: 'SC2164' },
      ]),
    );

    const run = await runAction(QUALITY_GATE, {
      workspace,
      inputs: {
        checks: '- name: lint\n  run: cat lint.xml\n  format: checkstyle',
        'new-only': 'true',
        'base-ref': 'main',
        'max-warnings': '0',
      },
    });

    // Counted: the new one only. In the SARIF: both.
    expect(run.main.outputs).toMatchObject({ passed: 'false', warnings: '1' });
    const sarif = JSON.parse(readFileSync(run.main.outputs['sarif-file']!, 'utf8')) as SarifLog;
    expect(sarif.runs[0]!.results.map((result) => result.ruleId).sort()).toEqual([
      'SC2086',
      'SC2164',
    ]);
  });

  it('still writes and uploads the SARIF when the comment fails', async () => {
    const store = new CodeScanningStore();
    store.register(github());
    github().issueComments();
    github().on('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', () => ({
      status: 422,
      body: {
        message: 'Validation Failed',
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      },
    }));

    const run = await gate({ 'upload-sarif': 'true', comment: 'true' });

    // The comment's error fails the step; code scanning was done before it.
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toContain('Validation Failed');
    expect(store.uploads).toHaveLength(1);
    expect(run.main.outputs['sarif-id']).toBe(store.uploads[0]!.id);
    const file = run.main.outputs['sarif-file']!;
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(store.uploads[0]!.sarif);
  });

  it('warns with the permission to grant when the token may not upload, and still passes', async () => {
    github().on('POST /repos/{owner}/{repo}/code-scanning/sarifs', () => ({
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url:
          'https://docs.github.com/rest/code-scanning/code-scanning#upload-an-analysis-as-sarif-data',
      },
    }));

    const run = await gate({ 'upload-sarif': 'true' });

    expect(run.main.exitCode).toBe(0);
    const warning = run.main.annotations.find((a) => a.message.includes('code scanning'));
    expect(warning?.level).toBe('warning');
    expect(warning?.message).toContain('Resource not accessible by integration');
    expect(warning?.message).toContain('permissions: security-events: write');
    expect(run.main.outputs['sarif-id']).toBeUndefined();
    expect(run.main.outputs['sarif-file']).toBeTruthy();
  });

  it('makes no request with upload-sarif false, but still writes the file', async () => {
    const run = await gate({});

    expect(run.main.exitCode).toBe(0);
    expect(github().callsTo('code-scanning/upload-sarif')).toEqual([]);
    const sarif = JSON.parse(readFileSync(run.main.outputs['sarif-file']!, 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(3);
  });
});

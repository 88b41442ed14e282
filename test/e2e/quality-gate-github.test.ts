import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { CheckRunStore, useFakeGitHub } from '../support/fake-github/index.js';
import { runAction } from '../support/runner.js';
import { QUALITY_GATE, checkstyle, junit, makeWorkspace } from './quality-gate-support.js';

const TOKEN = 'ghs_qualityGateTestToken01';
const pullRequest = {
  name: 'pull_request',
  ref: 'refs/pull/42/merge',
  payload: JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/events/pull_request-opened.json'), 'utf8'),
  ),
};
const target = { owner: 'octo-org', repo: 'octo-service', issueNumber: 42 };

/** 25 warnings: more than the 10 a step may show. */
const manyWarnings = checkstyle(
  Array.from({ length: 25 }, (_, index) => ({
    file: `src/file${index}.ts`,
    line: index + 1,
    severity: 'warning',
  })),
);

describe('quality-gate bundle against the fake GitHub API', () => {
  const github = useFakeGitHub({ token: TOKEN });

  function gate(extra: Record<string, string> = {}) {
    return async () =>
      runAction(QUALITY_GATE, {
        workspace: await makeWorkspace({ 'lint.xml': manyWarnings }),
        githubToken: TOKEN,
        event: pullRequest,
        env: { GITHUB_API_URL: github().url },
        inputs: {
          reports: 'checkstyle: lint.xml',
          'max-warnings': '30',
          comment: 'true',
          ...extra,
        },
      });
  }

  it('annotates 10 warnings on the step, puts the other 15 in a check run, and comments once', async () => {
    const comments = github().issueComments();
    const checkRuns = new CheckRunStore();
    checkRuns.register(github());

    const run = await gate()();

    expect(run.main.exitCode).toBe(0);
    const stepWarnings = run.main.annotations.filter((a) => a.level === 'warning');
    expect(stepWarnings).toHaveLength(10);
    expect(run.main.annotations.find((a) => a.level === 'notice')?.message).toContain(
      '15 warnings not annotated',
    );

    expect(checkRuns.runs).toHaveLength(1);
    const [checkRun] = checkRuns.runs;
    expect(checkRun).toMatchObject({
      name: 'quality-gate',
      headSha: pullRequest.payload.pull_request.head.sha,
      conclusion: 'success',
    });
    expect(checkRun.annotations).toHaveLength(15);
    const onStep = new Set(stepWarnings.map((a) => a.file));
    expect(checkRun.annotations.every((a) => !onStep.has(a.path as string))).toBe(true);
    expect(run.main.summary).toContain('They go to the check run &#39;quality-gate&#39;');

    const [comment] = comments.list(target);
    expect(comment.body).toMatch(/^<!-- slipway:quality-gate -->\n<h3>✅ Quality gate passed/);
    await gate()();
    expect(comments.list(target)).toHaveLength(1);
  });

  it('keeps two matrix legs apart: one comment and one check run per name', async () => {
    const comments = github().issueComments();
    const checkRuns = new CheckRunStore();
    checkRuns.register(github());
    const failingLeg = checkstyle(
      Array.from({ length: 12 }, (_, index) => ({
        file: `src/win${index}.ts`,
        line: index + 1,
        severity: 'error',
      })),
    );

    const linux = await gate({ name: 'linux' })();
    const windows = await runAction(QUALITY_GATE, {
      workspace: await makeWorkspace({ 'lint.xml': failingLeg }),
      githubToken: TOKEN,
      event: pullRequest,
      env: { GITHUB_API_URL: github().url },
      inputs: { reports: 'checkstyle: lint.xml', comment: 'true', name: 'windows' },
    });
    // The passing leg runs again last, as a re-run would: it must not hide the failing leg.
    await gate({ name: 'linux' })();

    expect(linux.main.exitCode).toBe(0);
    expect(windows.main.exitCode).toBe(1);
    expect(
      windows.main.annotations.find((a) => a.message.startsWith('quality-gate (windows) failed')),
    ).toBeDefined();
    const bodies = comments.list(target).map((comment) => comment.body);
    expect(bodies).toHaveLength(2);
    expect(bodies.find((body) => body.includes('slipway:quality-gate-linux'))).toMatch(
      /✅ Quality gate \(linux\) passed/,
    );
    expect(bodies.find((body) => body.includes('slipway:quality-gate-windows'))).toMatch(
      /❌ Quality gate \(windows\) failed/,
    );
    const latest = new Map(checkRuns.runs.map((run) => [run.name, run.conclusion]));
    expect(Object.fromEntries(latest)).toEqual({
      'quality-gate (linux)': 'success',
      'quality-gate (windows)': 'failure',
    });
  });

  it('masks the token in the summary and the comment even when a test prints it', async () => {
    const comments = github().issueComments();
    const run = await runAction(QUALITY_GATE, {
      workspace: await makeWorkspace({
        'junit.xml': junit([{ name: 'leaks', failure: `Authorization: token ${TOKEN}` }]),
      }),
      githubToken: TOKEN,
      event: pullRequest,
      env: { GITHUB_API_URL: github().url },
      inputs: { reports: 'junit: junit.xml', comment: 'true' },
    });
    expect(run.main.exitCode).toBe(1);
    const [comment] = comments.list(target);
    expect(comment.body).toContain('Authorization: token ***');
    expect(comment.body).not.toContain(TOKEN);
    expect(run.main.summary).not.toContain(TOKEN);
  });

  it('warns when the token may not write check runs, and still passes', async () => {
    github().issueComments();
    github().on('POST /repos/{owner}/{repo}/check-runs', () => ({
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
      },
    }));

    const run = await gate()();

    expect(run.main.exitCode).toBe(0);
    const warnings = run.main.annotations.filter((a) => a.level === 'warning' && !a.file);
    expect(warnings.map((w) => w.message).join('\n')).toContain('checks: write');
  });
});

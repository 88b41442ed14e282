/**
 * A pull request from a fork runs with a read-only token: every write GitHub refuses. The gate's
 * verdict alone decides the step; the summary and `result` are complete; each refused write is
 * one warning that names the missing permission.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import {
  documentedExample,
  useFakeGitHub,
  type FakeGitHub,
  type FakeResponse,
} from '../support/fake-github/index.js';
import { runAction, type StepResult } from '../support/runner.js';
import { QUALITY_GATE, checkstyle, makeWorkspace } from './quality-gate-support.js';

const COVERAGE = join(REPO_ROOT, 'actions/coverage');
const TOKEN = 'ghs_readOnlyForkToken000000000000000';

function forkPullRequest() {
  const payload = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/events/pull_request-opened.json'), 'utf8'),
  );
  payload.pull_request.head.repo.full_name = 'contributor/octo-service';
  payload.pull_request.head.repo.name = 'octo-service';
  return { name: 'pull_request', ref: 'refs/pull/42/merge', payload };
}

const WRITES = [
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'POST /repos/{owner}/{repo}/check-runs',
  'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
];

function refuseEveryWrite(fake: FakeGitHub, status: 403 | 404): void {
  fake.issueComments();
  const refusal: FakeResponse =
    status === 403
      ? {
          status: 403,
          body: {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest',
            status: '403',
          },
        }
      : {
          status: 404,
          body: {
            message: 'Not Found',
            documentation_url: 'https://docs.github.com/rest',
            status: '404',
          },
        };
  for (const write of WRITES) fake.on(write, () => refusal);
}

function warnings(step: StepResult): string[] {
  return step.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
}

describe.each([403, 404] as const)('fork pull request, every write answered %i', (status) => {
  const github = useFakeGitHub({ token: TOKEN });

  it.each([
    ['passes', '30', 0],
    ['fails', '5', 1],
  ] as const)(
    'quality-gate %s on its verdict alone, with the summary and one warning per refused write',
    async (_case, maxWarnings, exitCode) => {
      refuseEveryWrite(github(), status);
      const lint = checkstyle(
        Array.from({ length: 12 }, (_, index) => ({
          file: `src/f${index}.ts`,
          line: 1,
          severity: 'warning',
        })),
      );
      const run = await runAction(QUALITY_GATE, {
        github: github(),
        githubToken: TOKEN,
        event: forkPullRequest(),
        workspace: await makeWorkspace({ 'lint.xml': lint }),
        inputs: { reports: 'checkstyle: lint.xml', 'max-warnings': maxWarnings, comment: 'true' },
      });
      expect(run.main.exitCode).toBe(exitCode);
      expect(run.main.summary).toMatch(/^<h3>(✅|❌) Quality gate/);
      expect(JSON.parse(run.main.outputs.result).passed).toBe(exitCode === 0);
      const refused = warnings(run.main).filter((message) => message.startsWith('Could not'));
      expect(refused).toEqual([
        expect.stringContaining('the token lacks `checks: write`'),
        expect.stringContaining('the token lacks `pull-requests: write`'),
      ]);
      for (const message of refused) expect(message).toContain('comes from a fork');
      expect(run.main.annotations.map((a) => a.message).join('\n')).not.toMatch(/maintainers/);
    },
  );

  it('coverage ends with its own verdict and a full summary', async () => {
    refuseEveryWrite(github(), status);
    // A checkout of the pull request: the base commit on main, the head on top of it.
    const workspace = await makeWorkspace({ 'src/a.js': 'a\n' });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], {
        cwd: workspace,
      });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'feature');
    await writeFile(join(workspace, 'src/a.js'), 'a\nb\n');
    git('commit', '-q', '-am', 'head');
    await mkdir(join(workspace, 'coverage'));
    await writeFile(
      join(workspace, 'coverage/lcov.info'),
      'TN:\nSF:src/a.js\nDA:1,1\nDA:2,1\nLF:2\nLH:2\nend_of_record\n',
    );
    const run = await runAction(COVERAGE, {
      github: github(),
      githubToken: TOKEN,
      event: forkPullRequest(),
      workspace,
      inputs: { comment: 'true', 'min-total': '50', 'base-ref': 'main' },
    });
    expect(run.main.exitCode, run.main.log).toBe(0);
    expect(run.main.summary).toMatch(/^<h3>✅ Coverage 100\.00%/);
    expect(run.main.outputs.result).toBeTruthy();
    expect(warnings(run.main)).toEqual([
      expect.stringMatching(
        /^Could not comment on the pull request: the token lacks `pull-requests: write`.*comes from a fork/s,
      ),
    ]);
  });
});

describe('a workflow_run workflow reporting for a fork pull request', () => {
  const github = useFakeGitHub({ token: TOKEN });

  it('comments on the pull request named by the pull-request input, reading it from the API', async () => {
    const comments = github().issueComments();
    github().on('GET /repos/{owner}/{repo}/pulls/{pull_number}', (request) => {
      const pull = documentedExample('pull-request');
      const base = pull.base as { repo: Record<string, unknown> };
      const head = pull.head as { repo: Record<string, unknown> };
      pull.number = request.params.pull_number;
      // GitHub's own example lacks the team `type` its schema requires.
      pull.requested_teams = [];
      base.repo.full_name = 'octo-org/octo-service';
      head.repo.full_name = 'contributor/octo-service';
      return { status: 200, body: pull };
    });
    const run = await runAction(QUALITY_GATE, {
      github: github(),
      githubToken: TOKEN,
      event: { name: 'workflow_run', ref: 'refs/heads/main', payload: {} },
      workspace: await makeWorkspace({ 'lint.xml': checkstyle([]) }),
      inputs: { reports: 'checkstyle: lint.xml', comment: 'true', 'pull-request': '42' },
    });
    expect(run.main.exitCode).toBe(0);
    const posted = comments.list({ owner: 'octo-org', repo: 'octo-service', issueNumber: 42 });
    expect(posted).toHaveLength(1);
    expect(posted[0].body).toMatch(/Quality gate passed/);
  });
});

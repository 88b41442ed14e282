import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { useFakeGitHub } from '../support/fake-github/index.js';
import { runAction } from '../support/runner.js';

const ECHO = join(REPO_ROOT, 'test/fixtures/actions/echo');
const TOKEN = 'ghs_fixtureTokenForTheFakeApi';
const pullRequestEvent = {
  name: 'pull_request',
  ref: 'refs/pull/42/merge',
  payload: JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/events/pull_request-opened.json'), 'utf8'),
  ),
};
const target = { owner: 'octo-org', repo: 'octo-service', issueNumber: 42 };

describe('bundled fixture action against the fake GitHub API', () => {
  const github = useFakeGitHub({ token: TOKEN });

  function runEcho(greeting: string) {
    return runAction(ECHO, {
      inputs: { greeting, comment: 'true' },
      githubToken: TOKEN,
      event: pullRequestEvent,
      env: { GITHUB_API_URL: github().url },
    });
  }

  it('creates one sticky comment on the pull request and updates it on the next run', async () => {
    const comments = github().issueComments();

    const first = await runEcho('hello');
    expect(first.main.exitCode).toBe(0);
    expect(first.main.outputs['comment-url']).toMatch(/\/pull\/42#issuecomment-\d+$/);
    expect(first.main.masks).toContain(TOKEN);

    const second = await runEcho('goodbye');
    expect(second.main.exitCode).toBe(0);
    expect(comments.list(target).map((comment) => comment.body)).toEqual([
      '<!-- slipway:echo -->\nEchoed goodbye',
    ]);
    expect(github().calls.map((call) => `${call.method} ${call.status}`)).toEqual([
      'GET 200',
      'POST 201',
      'GET 200',
      'PATCH 200',
    ]);
  });

  it('fails with an actionable message when the token is refused', async () => {
    github().issueComments();
    const run = await runAction(ECHO, {
      inputs: { greeting: 'hello', comment: 'true' },
      githubToken: 'ghs_wrongToken0000000000',
      event: pullRequestEvent,
      env: { GITHUB_API_URL: github().url },
    });
    github().takeViolations();

    expect(run.main.exitCode).toBe(1);
    const [error] = run.main.annotations.filter((a) => a.level === 'error');
    expect(error.message).toMatch(/^echo failed: /);
    expect(error.message).toContain('Bad credentials');
    expect(run.main.log).not.toContain('ghs_wrongToken0000000000');
  });
});

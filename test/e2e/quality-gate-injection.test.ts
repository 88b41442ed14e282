/**
 * What a pull request controls — tool output, test names, failure messages — must neither steer
 * the runner nor notify people.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction } from '../support/runner.js';
import { QUALITY_GATE, junit, makeWorkspace } from './quality-gate-support.js';

it('turns commands back on after tool output that does not end with a newline', async () => {
  const run = await runAction(QUALITY_GATE, {
    inputs: {
      checks: "- name: partial\n  run: printf 'no newline at the end'; exit 1\n  format: exit-code",
    },
  });
  expect(run.main.exitCode).toBe(1);
  expect(run.main.log).toContain('no newline at the end');
  // The gate's failure after the tool's output is still an annotation.
  expect(run.main.annotations.filter((a) => a.level === 'error')).not.toEqual([]);
});

it('neutralises @mentions that failure texts carry into the pull request comment', async () => {
  const pullRequest = {
    name: 'pull_request',
    ref: 'refs/pull/42/merge',
    payload: JSON.parse(
      readFileSync(join(REPO_ROOT, 'test/fixtures/events/pull_request-opened.json'), 'utf8'),
    ),
  };
  const run = await runAction(QUALITY_GATE, {
    workspace: await makeWorkspace({
      'junit.xml': junit([{ name: 'pays @octocat', failure: 'ask @octo-org/payments' }]),
    }),
    event: pullRequest,
    inputs: { reports: 'junit: junit.xml', comment: 'true' },
  });
  expect(run.main.exitCode).toBe(1);
  const comments = run.github!.issueComments().list({
    owner: 'octo-org',
    repo: 'octo-service',
    issueNumber: 42,
  });
  expect(comments).toHaveLength(1);
  const body = comments[0].body;
  expect(body).toContain('octocat');
  expect(body).not.toMatch(/@octocat|@octo-org\/payments/);
  expect(body).toContain('@\u200doctocat');
});

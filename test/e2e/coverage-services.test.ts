import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { useFakeCodecov } from '../support/fake-codecov.js';
import { ArtifactStore, useFakeGitHub } from '../support/fake-github/index.js';
import { runAction } from '../support/runner.js';

const COVERAGE = join(REPO_ROOT, 'actions/coverage');
const CODECOV_TOKEN = '0d2c1a3e-7f4b-4c55-9a61-2b8e9d6f0c11';
const GITHUB_TOKEN = 'ghs_coverageServicesToken1';
const LCOV = 'TN:\nSF:src/a.js\nDA:1,1\nDA:2,0\nDA:3,1\nend_of_record\n';
const pullRequest = {
  name: 'pull_request',
  ref: 'refs/pull/42/merge',
  payload: JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/events/pull_request-opened.json'), 'utf8'),
  ),
};

/** A checkout of the pull request: the base commit, then the head commit the event names. */
async function pullRequestCheckout(): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'coverage-pr-'));
  await mkdir(join(workspace, 'src'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@e', ...args], {
      cwd: workspace,
      encoding: 'utf8',
    });
  await writeFile(join(workspace, 'src/a.js'), 'a\n');
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  git('checkout', '-q', '-b', 'feature');
  await writeFile(join(workspace, 'src/a.js'), 'a\nb\nc\n');
  git('commit', '-q', '-am', 'head');
  await writeFile(join(workspace, 'lcov.info'), LCOV);
  return workspace;
}

describe('coverage bundle: Codecov upload through its protocol', () => {
  const codecov = useFakeCodecov({
    repositories: [{ slug: 'octo-org/octo-service', token: CODECOV_TOKEN }],
  });

  function upload(extra: Record<string, string> = {}) {
    return async () =>
      runAction(COVERAGE, {
        workspace: await pullRequestCheckout(),
        event: pullRequest,
        inputs: {
          files: 'lcov.info',
          'base-ref': 'main',
          codecov: 'true',
          'codecov-token': CODECOV_TOKEN,
          'codecov-url': codecov().url,
          flags: 'unit',
          ...extra,
        },
      });
  }

  it('uploads the original report byte for byte and never logs the token', async () => {
    const run = await upload()();
    expect(run.main.exitCode).toBe(0);
    expect(codecov().uploads).toHaveLength(1);
    const [received] = codecov().uploads;
    expect(received.files?.map((f) => [f.filename, f.bytes.toString('utf8')])).toEqual([
      ['lcov.info', LCOV],
    ]);
    expect(received.body).toMatchObject({ flags: ['unit'], pullid: 42 });
    expect(run.main.summary).toContain('Uploaded 1 report(s) to Codecov');
    expect(run.main.log).not.toContain(CODECOV_TOKEN);
    expect(run.main.masks).toContain(CODECOV_TOKEN);
  });

  it('retries a 5xx and then succeeds', async () => {
    codecov().failNext('upload-coverage', { status: 503, body: 'upstream unavailable' });
    const run = await upload()();
    expect(run.main.exitCode).toBe(0);
    expect(
      codecov()
        .callsTo('upload-coverage')
        .map((call) => call.status),
    ).toEqual([503, 201]);
  });

  it('does not retry a 4xx, and fails the step because fail-on-upload-error is true', async () => {
    const run = await upload({ 'codecov-token': 'ffffffff-ffff-4fff-8fff-ffffffffffff' })();
    expect(run.main.exitCode).toBe(1);
    expect(codecov().callsTo('upload-coverage')).toHaveLength(1);
    expect(run.main.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^coverage failed: .*401/s,
    );
    expect(run.main.outputs.passed).toBe('true');
  });

  it('only warns about a failed upload when fail-on-upload-error is false', async () => {
    const run = await upload({
      'codecov-token': 'ffffffff-ffff-4fff-8fff-ffffffffffff',
      'fail-on-upload-error': 'false',
    })();
    expect(run.main.exitCode).toBe(0);
    expect(run.main.annotations.find((a) => a.level === 'warning')?.message).toContain(
      'fail-on-upload-error is false',
    );
  });
});

describe('coverage bundle: pull request comment', () => {
  const github = useFakeGitHub({ token: GITHUB_TOKEN });

  it('posts the verdict and patch coverage as one sticky comment', async () => {
    const comments = github().issueComments();
    const workspace = await pullRequestCheckout();
    const run = await runAction(COVERAGE, {
      workspace,
      event: pullRequest,
      githubToken: GITHUB_TOKEN,
      env: { GITHUB_API_URL: github().url },
      inputs: { files: 'lcov.info', 'base-ref': 'main', comment: 'true' },
    });
    expect(run.main.exitCode).toBe(0);
    const [comment] = comments.list({ owner: 'octo-org', repo: 'octo-service', issueNumber: 42 });
    expect(comment.body).toMatch(
      /^<!-- slipway:coverage -->\n<h3>✅ Coverage 66\.66%, patch 50\.00%: gates passed<\/h3>/,
    );
  });

  it('keeps one comment per name, so two coverage steps never overwrite each other', async () => {
    const comments = github().issueComments();
    const workspace = await pullRequestCheckout();
    const step = (name: string, minTotal: string) =>
      runAction(COVERAGE, {
        workspace,
        event: pullRequest,
        githubToken: GITHUB_TOKEN,
        env: { GITHUB_API_URL: github().url },
        inputs: {
          files: 'lcov.info',
          'base-ref': 'main',
          comment: 'true',
          name,
          'min-total': minTotal,
        },
      });
    expect((await step('backend', '90')).main.exitCode).toBe(1);
    expect((await step('web app', '50')).main.exitCode).toBe(0);
    const rerun = await step('backend', '60');
    expect(rerun.main.exitCode).toBe(0);
    expect(rerun.main.summary).toMatch(/^<h3>✅ Coverage \(backend\) 66\.66%/);
    const bodies = comments
      .list({ owner: 'octo-org', repo: 'octo-service', issueNumber: 42 })
      .map((comment) => comment.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatch(
      /^<!-- slipway:coverage-backend -->\n<h3>✅ Coverage \(backend\) 66\.66%, patch 50\.00%: gates passed<\/h3>/,
    );
    expect(bodies[1]).toMatch(
      /^<!-- slipway:coverage-web-app-[0-9a-f]{8} -->\n<h3>✅ Coverage \(web app\)/,
    );
  });

  it('compares with the newest baseline artifact from the default branch and fails max-drop', async () => {
    const artifacts = await ArtifactStore.attach(github());
    const baseline = (covered: number) =>
      JSON.stringify({ schema: 'slipway.coverage/v1', totals: { lines: { covered, total: 3 } } });
    artifacts.add({
      name: 'coverage-baseline',
      branch: 'main',
      files: { 'coverage-result.json': baseline(2) },
    });
    artifacts.add({
      name: 'coverage-baseline',
      branch: 'main',
      files: { 'coverage-result.json': baseline(3) },
    });
    artifacts.add({
      name: 'coverage-baseline',
      branch: 'feature',
      files: { 'coverage-result.json': baseline(1) },
    });
    try {
      const run = await runAction(COVERAGE, {
        workspace: await pullRequestCheckout(),
        event: pullRequest,
        githubToken: GITHUB_TOKEN,
        env: { GITHUB_API_URL: github().url },
        inputs: {
          files: 'lcov.info',
          'base-ref': 'main',
          'baseline-artifact': 'coverage-baseline',
          'max-drop': '5',
        },
      });
      expect(run.main.exitCode).toBe(1);
      expect(run.main.annotations.find((a) => a.level === 'error')?.message).toContain(
        'line coverage dropped 33.33 points against the baseline (100.00% → 66.66%) exceeds max-drop 5',
      );
      expect(artifacts.blobRequests.length).toBe(1);
    } finally {
      await artifacts.close();
    }
  });
});

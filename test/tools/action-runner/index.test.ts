/**
 * The harness must behave as GitHub's runner does, or the end-to-end tests see a kinder world
 * than users do. Each test runs a small action written here (action.yml + a plain JS bundle).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { runAction, type StepResult } from '../../support/runner.js';

const ACTION_YML = `name: harness probe
description: prints what a test asks
inputs:
  github-token:
    description: token
    default: \${{ github.token }}
  version:
    description: a default YAML would read as a number
    default: 1.10
  flag:
    description: a default YAML would read as a boolean
    default: yes
  mode:
    description: given by tests
runs:
  using: node24
  main: main.js
  post: post.js
`;

/** Alive and not a zombie (a killed orphan may wait for PID 1 to reap it). */
function isRunning(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** An action whose main (and post) step run the given JavaScript module bodies. */
async function probe(main: string, post = ''): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-probe-'));
  await writeFile(join(dir, 'action.yml'), ACTION_YML);
  const prelude = "import { spawn } from 'node:child_process';\nimport fs from 'node:fs';\n";
  await writeFile(join(dir, 'main.js'), prelude + main);
  await writeFile(join(dir, 'post.js'), prelude + post);
  return dir;
}

/** Aborts once main says it is ready (or gave up waiting, so no main is left running). */
async function abortWhenReady(workspace: string, controller: AbortController): Promise<number> {
  try {
    const deadline = Date.now() + 10_000;
    while (!existsSync(join(workspace, 'ready'))) {
      if (Date.now() > deadline) throw new Error('main never said it was ready');
      await sleep(20);
    }
  } finally {
    controller.abort();
  }
  return Date.now();
}

describe('token', () => {
  it('gives every run a token and a fake GitHub API that accepts it', async () => {
    const action = await probe(`
      const token = process.env['INPUT_GITHUB-TOKEN'];
      const response = await fetch(process.env.GITHUB_API_URL + '/repos/octo-org/octo-service/issues/7/comments', {
        headers: { authorization: 'token ' + token, accept: 'application/vnd.github+json' },
      });
      console.log('status ' + response.status + ' token ' + token);
    `);
    const run = await runAction(action);
    expect(run.githubToken).toMatch(/^ghs_\w{30,}$/);
    expect(run.main.log).toContain('status 200 token ***');
    expect(run.main.log).not.toContain(run.githubToken);
    expect(run.github?.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /repos/octo-org/octo-service/issues/7/comments',
    ]);
  });

  it("runs without a token when the test says githubToken: ''", async () => {
    const action = await probe(`console.log('token=[' + process.env['INPUT_GITHUB-TOKEN'] + ']');`);
    const run = await runAction(action, { githubToken: '' });
    expect(run.main.log).toContain('token=[]');
  });
});

describe('masks', () => {
  it('hide a secret from the line that registered it on, in main and in post', async () => {
    const action = await probe(
      `console.log('early s3cret-value'); console.log('::add-mask::s3cret-value'); console.log('late s3cret-value');`,
      `console.log('post s3cret-value');`,
    );
    const run = await runAction(action);
    expect(run.main.log.split('\n')).toEqual(['early s3cret-value', 'late ***']);
    expect(run.main.masks).toEqual(['s3cret-value']);
    expect(run.post?.log).toBe('post ***');
  });

  it('apply to secrets the workflow passes from the start', async () => {
    const action = await probe(`console.log('value ' + process.env.API_KEY);`);
    const run = await runAction(action, { env: { API_KEY: 'k-123456' }, secrets: ['k-123456'] });
    expect(run.main.log).toBe('value ***');
  });
});

describe('commands', () => {
  it('are read after leading whitespace, from stderr too, and only when the runner knows them', async () => {
    const action = await probe(`
      console.log('   ::warning::indented');
      console.error('::error file=a.ts,line=2::from stderr');
      console.log('::not-a-command::shown as text');
      console.log('prefix ##[notice]legacy form');
    `);
    const run = await runAction(action);
    // stdout and stderr are two pipes: their lines interleave in no fixed order.
    expect(run.main.annotations).toHaveLength(3);
    expect(run.main.annotations).toEqual(
      expect.arrayContaining([
        { level: 'warning', message: 'indented' },
        { level: 'error', file: 'a.ts', line: 2, message: 'from stderr' },
        { level: 'notice', message: 'legacy form' },
      ]),
    );
    expect(run.main.log).toContain('::not-a-command::shown as text');
  });

  it('stop between stop-commands and the resume token', async () => {
    const action = await probe(`
      console.log('::stop-commands::resume-77');
      console.log('::add-mask::not-a-secret');
      console.log('::save-state name=path::/etc');
      console.log('::resume-77::');
      console.log('::save-state name=path::/tmp/mine');
      console.log('not-a-secret');
    `);
    const run = await runAction(action, { post: false });
    expect(run.main.masks).toEqual([]);
    expect(run.main.state).toEqual({ path: '/tmp/mine' });
    expect(run.main.log).toContain('not-a-secret');
  });

  it('fail the step when the runner refuses one (set-env)', async () => {
    const action = await probe(`console.log('::set-env name=NODE_OPTIONS::--require x');`);
    const run = await runAction(action);
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outcome).toBe('failure');
  });
});

describe('cancellation', () => {
  it('kills the whole process tree 10 s after SIGINT when clean-up takes longer', async () => {
    const action = await probe(`
      const child = spawn('sleep', ['60'], { stdio: 'ignore' });
      fs.writeFileSync('child.pid', String(child.pid));
      process.on('SIGINT', () => console.log('cleaning up slowly'));
      process.on('SIGTERM', () => console.log('still cleaning'));
      fs.writeFileSync('ready', 'yes');
      setTimeout(() => fs.writeFileSync('finished', 'yes'), 30_000);
    `);
    const workspace = await mkdtemp(join(tmpdir(), 'harness-slow-clean-up-'));
    const cancel = new AbortController();
    const running = runAction(action, { workspace, signal: cancel.signal, post: false });
    const started = await abortWhenReady(workspace, cancel);
    const run = await running;
    const elapsed = Date.now() - started;
    expect(run.main.cancelled).toBe(true);
    expect(run.main.killed).toBe(true);
    expect(run.main.signal).toBe('SIGKILL');
    expect(run.main.log.split('\n')).toEqual(['cleaning up slowly', 'still cleaning']);
    expect(elapsed).toBeGreaterThanOrEqual(10_000);
    expect(elapsed).toBeLessThan(20_000);
    const childPid = Number(await readFile(join(run.workspace, 'child.pid'), 'utf8'));
    expect(isRunning(childPid)).toBe(false);
    expect(existsSync(join(run.workspace, 'finished'))).toBe(false);
  }, 30_000);

  it('lets a clean-up that finishes within the grace period end the step itself', async () => {
    const action = await probe(`
      process.on('SIGINT', () => setTimeout(() => { console.log('cleaned'); process.exit(1); }, 500));
      fs.writeFileSync('ready', 'yes');
      setTimeout(() => {}, 60_000);
    `);
    // Cancelled once its handler is in place: a fixed delay races Node's start on a busy machine.
    const workspace = await mkdtemp(join(tmpdir(), 'harness-grace-'));
    const cancel = new AbortController();
    const running = runAction(action, { workspace, signal: cancel.signal, post: false });
    await abortWhenReady(workspace, cancel);
    const run = await running;
    expect(run.main).toMatchObject({ cancelled: true, killed: false, exitCode: 1 });
    expect(run.main.log).toBe('cleaned');
  });
});

describe('hard kills', () => {
  // Main starts a child, saves state (as @actions/core does, and with the old command), says it
  // is ready, then would run for 30 s. Post writes down the state it was given.
  const SAVES_STATE_THEN_WAITS = `
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    fs.writeFileSync('child.pid', String(child.pid));
    fs.appendFileSync(process.env.GITHUB_STATE, 'deploy-id<<ghadelimiter_1\\nd-42\\nghadelimiter_1\\n');
    console.log('::save-state name=phase::applying');
    process.on('SIGINT', () => console.log('got SIGINT'));
    process.on('SIGTERM', () => console.log('got SIGTERM'));
    fs.writeFileSync('ready', 'yes');
    setTimeout(() => fs.writeFileSync('finished', 'yes'), 30_000);
  `;
  const WRITES_WHAT_IT_SAW = `
    const state = Object.entries(process.env).filter(([name]) => name.startsWith('STATE_'));
    fs.writeFileSync('post-saw.json', JSON.stringify(Object.fromEntries(state)));
    console.log('post ran');
  `;

  async function expectTreeGone(workspace: string): Promise<void> {
    const childPid = Number(await readFile(join(workspace, 'child.pid'), 'utf8'));
    expect(childPid).toBeGreaterThan(0);
    // SIGKILL went to the whole tree in one go; give the kernel a moment to finish the child.
    await vi.waitFor(() => expect(isRunning(childPid)).toBe(false), { timeout: 1_000 });
    expect(existsSync(join(workspace, 'finished'))).toBe(false);
  }

  it('a lost runner kills main and its children at once, and runs no post step', async () => {
    const action = await probe(SAVES_STATE_THEN_WAITS, WRITES_WHAT_IT_SAW);
    const workspace = await mkdtemp(join(tmpdir(), 'harness-lost-'));
    const loseRunner = new AbortController();
    const beforePost = vi.fn();
    const running = runAction(action, { workspace, loseRunner: loseRunner.signal, beforePost });
    const abortedAt = await abortWhenReady(workspace, loseRunner);
    const run = await running;
    // No SIGINT and no 10 s grace: the machine is gone.
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    expect(run.main).toMatchObject({
      exitCode: null,
      signal: 'SIGKILL',
      outcome: 'failure',
      cancelled: false,
      killed: true,
      lost: true,
    });
    expect(run.main.log).not.toMatch(/got SIG/);
    expect(run.main.state).toEqual({ 'deploy-id': 'd-42', phase: 'applying' });
    await expectTreeGone(workspace);
    expect(run.post).toBeUndefined();
    expect(beforePost).not.toHaveBeenCalled();
    expect(existsSync(join(workspace, 'post-saw.json'))).toBe(false);
  });

  it('a runner already lost when main starts kills main as soon as it is spawned', async () => {
    const action = await probe(`setTimeout(() => fs.writeFileSync('finished', 'yes'), 30_000);`);
    const started = Date.now();
    const run = await runAction(action, { loseRunner: AbortSignal.abort() });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.main).toMatchObject({
      signal: 'SIGKILL',
      cancelled: false,
      killed: true,
      lost: true,
    });
    expect(run.post).toBeUndefined();
    expect(existsSync(join(run.workspace, 'finished'))).toBe(false);
  });

  it('killMain kills main and its children at once, then post runs with the state main saved', async () => {
    const action = await probe(SAVES_STATE_THEN_WAITS, WRITES_WHAT_IT_SAW);
    const workspace = await mkdtemp(join(tmpdir(), 'harness-killed-'));
    const killMain = new AbortController();
    const seenBeforePost: StepResult[] = [];
    const running = runAction(action, {
      workspace,
      killMain: killMain.signal,
      beforePost: (main) => void seenBeforePost.push(main),
    });
    const abortedAt = await abortWhenReady(workspace, killMain);
    const run = await running;
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    expect(run.main).toMatchObject({
      exitCode: null,
      signal: 'SIGKILL',
      outcome: 'failure',
      cancelled: false,
      killed: true,
      lost: false,
    });
    expect(run.main.log).not.toMatch(/got SIG/);
    await expectTreeGone(workspace);
    expect(seenBeforePost).toEqual([run.main]);
    expect(run.post).toMatchObject({ exitCode: 0, outcome: 'success', killed: false, lost: false });
    expect(run.post?.log).toBe('post ran');
    expect(JSON.parse(await readFile(join(workspace, 'post-saw.json'), 'utf8'))).toEqual({
      'STATE_deploy-id': 'd-42',
      STATE_phase: 'applying',
    });
  });
});

describe('inputs and environment', () => {
  it('warns about an undeclared input as the runner does, and still passes it', async () => {
    const action = await probe(`console.log('got ' + process.env.INPUT_TAGS);`);
    const run = await runAction(action, { inputs: { tags: 'latest', mode: 'fast' } });
    expect(run.main.annotations).toEqual([
      {
        level: 'warning',
        message:
          "Unexpected input(s) 'tags', valid inputs are ['github-token', 'version', 'flag', 'mode']",
      },
    ]);
    expect(run.main.log).toContain('got latest');
  });

  it('reads defaults as the strings action.yml holds', async () => {
    const action = await probe(
      `console.log(JSON.stringify([process.env.INPUT_VERSION, process.env.INPUT_FLAG]));`,
    );
    const run = await runAction(action);
    expect(run.main.log).toBe('["1.10","yes"]');
  });

  it('runs the bundle in a clean environment: nothing from the host unless passed', async () => {
    const saved = { ...process.env };
    process.env.KUBECONFIG = '/host/kubeconfig';
    process.env.DOCKER_CONFIG = '/host/docker';
    process.env.SLIPWAY_HOST_ONLY = 'leak';
    try {
      const action = await probe(`console.log(JSON.stringify(process.env));`);
      const run = await runAction(action, { env: { DOCKER_CONFIG: '/passed/docker' } });
      const env = JSON.parse(run.main.stdout) as Record<string, string>;
      expect(env.KUBECONFIG).toBeUndefined();
      expect(env.SLIPWAY_HOST_ONLY).toBeUndefined();
      expect(env.NODE_EXTRA_CA_CERTS).toBeUndefined();
      expect(env.DOCKER_CONFIG).toBe('/passed/docker');
      expect(env.HOME).not.toBe(saved.HOME);
      expect(env.HOME.startsWith(tmpdir())).toBe(true);
      expect(env.PATH).toBe(saved.PATH);
    } finally {
      process.env = saved;
    }
  });
});

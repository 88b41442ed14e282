/**
 * The runner harness (tools/action-runner) with TypeScript types: runs an action's bundled dist
 * in a child process the way the GitHub runner does, then the post step with the saved state.
 * Assigning the JS function to this declaration makes tsc fail when the two drift apart.
 *
 * Like every run on GitHub, a run here has a token: unless a test says otherwise, each run gets
 * a fresh token and its own fake GitHub API (test/support/fake-github) with the models of
 * issue comments, check runs, deployments and the job's repository, and fails on any request the real API would refuse.
 */
import { randomBytes } from 'node:crypto';
import * as runner from '../../tools/action-runner/index.js';
import {
  CheckRunStore,
  DeploymentStore,
  FakeGitHub,
  RepositoryStore,
} from './fake-github/index.js';
import type { Annotation, WorkflowCommand } from './workflow-commands.js';

export interface EventSpec {
  name: string;
  payload?: object;
  ref?: string;
  sha?: string;
}

export interface RunActionOptions {
  /** The step's `with:`. An input action.yml does not declare gets the runner's warning. */
  inputs?: Record<string, string>;
  /** The step's `env:`, and anything else the machine should have (nothing leaks from the host). */
  env?: Record<string, string>;
  event?: EventSpec;
  /** The job's GITHUB_WORKSPACE and working directory; a fresh temp folder when omitted. */
  workspace?: string;
  /** The job's RUNNER_TEMP; a fresh temp folder when omitted. Share it across steps of one job. */
  runnerTemp?: string;
  /**
   * `${{ github.token }}`. Omitted: a fresh token, and a fake GitHub API for the run unless
   * `github` or env.GITHUB_API_URL names one. '' : a run without a token (the test says so).
   */
  githubToken?: string;
  /** The fake GitHub API the run talks to; the test owns it (checks and closes it). */
  github?: FakeGitHub;
  /** Values the runner masks from the start, as it masks `${{ secrets.* }}`. */
  secrets?: string[];
  /** ACTIONS_STEP_DEBUG: debug lines appear in the log. */
  stepDebug?: boolean;
  /** The step's `timeout-minutes`: the runner cancels the step then (SIGINT, SIGTERM, kill). */
  timeoutMs?: number;
  /**
   * Cancels the main step after this long, as the runner does when a run is cancelled: SIGINT,
   * SIGTERM 7.5 s later, and the whole process tree killed at 10 s. The post step still runs.
   */
  cancelMainAfterMs?: number;
  /** Cancels the main step the same way when the signal is aborted. */
  signal?: AbortSignal;
  /**
   * Kills the main step when aborted while it runs, as the OOM killer does: SIGKILL to main's
   * whole process tree at once, no SIGINT first. The post step still runs, with the state main
   * saved before it died, as the runner runs post steps after a failed main (`post-if: always()`).
   * Already aborted: main is killed as soon as it is spawned.
   */
  killMain?: AbortSignal;
  /**
   * Loses the runner when aborted while main runs, as when the runner machine dies: SIGKILL to
   * main's whole process tree at once, no SIGINT first, and no post step (`post` is undefined,
   * `beforePost` is not called): GitHub runs no further steps of a job whose runner was lost.
   * Already aborted: main is killed as soon as it is spawned.
   */
  loseRunner?: AbortSignal;
  /** Runs the post step (when action.yml has one); the runner does so by default (`post-if: always()`). */
  post?: boolean;
  /** Called with the main step's result before post runs, e.g. to inspect files post removes. */
  beforePost?: (main: StepResult) => void | Promise<void>;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** failure when the exit code is not 0 or the runner could not process one of its commands. */
  outcome: 'success' | 'failure';
  /** The runner cancelled the step (SIGINT sent). */
  cancelled: boolean;
  /**
   * The process tree was killed: still alive 10 s after SIGINT, or at once by `killMain` or
   * `loseRunner`.
   */
  killed: boolean;
  /** The runner was lost while the step ran (`loseRunner`): the tree was killed and no post step runs. */
  lost: boolean;
  /** Raw stdout, for debugging: `log` is what a user sees. */
  stdout: string;
  stderr: string;
  /** The log as GitHub shows it: both streams, commands processed, masked from each mask's line on. */
  log: string;
  /** The commands the runner processed. */
  commands: WorkflowCommand[];
  /** The action's annotations and the runner's own warnings and errors. */
  annotations: Annotation[];
  /** Values this step registered with ::add-mask::. */
  masks: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  summary: string;
}

export interface ActionRun {
  main: StepResult;
  post?: StepResult;
  workspace: string;
  runnerTemp: string;
  /** The token the run had ('' when none). */
  githubToken: string;
  /** The fake GitHub API the run talked to, with what it recorded. */
  github?: FakeGitHub;
  /** The models of the default fake (absent when the test brought its own). */
  checkRuns?: CheckRunStore;
  deployments?: DeploymentStore;
}

const runInHarness: (
  actionDir: string,
  options?: runner.RunActionOptions,
) => Promise<runner.ActionRun> = runner.runAction;

export async function runAction(
  actionDir: string,
  options: RunActionOptions = {},
): Promise<ActionRun> {
  const { github, ...rest } = options;
  if (github || options.env?.GITHUB_API_URL) {
    const env = github ? { ...options.env, GITHUB_API_URL: github.url } : options.env;
    return { ...((await runInHarness(actionDir, { ...rest, env })) as ActionRun), github };
  }
  const token = options.githubToken ?? `ghs_${randomBytes(18).toString('hex')}`;
  const fake = await FakeGitHub.start(token === '' ? { allowAnonymous: true } : { token });
  const checkRuns = new CheckRunStore();
  const deployments = new DeploymentStore();
  checkRuns.register(fake);
  deployments.register(fake);
  new RepositoryStore([
    {
      owner: 'octo-org',
      repo: 'octo-service',
      description: 'The service the tests deploy',
      license: 'MIT',
    },
  ]).register(fake);
  fake.issueComments();
  try {
    const run = (await runInHarness(actionDir, {
      ...rest,
      githubToken: token,
      env: { ...options.env, GITHUB_API_URL: fake.url },
    })) as ActionRun;
    fake.assertNoViolations();
    return { ...run, github: fake, checkRuns, deployments };
  } finally {
    await fake.close();
  }
}

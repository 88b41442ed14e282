import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { bundleRuntime } from '../../tools/node-runtime.js';
import {
  annotationsFrom,
  applyMasks,
  parseKeyValueFile,
  parseWorkflowCommands,
  type Annotation,
  type WorkflowCommand,
} from './workflow-commands.js';

/**
 * Runs an action's bundled dist in a child process the way the GitHub runner does: inputs as
 * INPUT_* variables (with action.yml defaults), fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV /
 * GITHUB_STEP_SUMMARY files per step, an event payload at GITHUB_EVENT_PATH, then the post step
 * with the state main saved as STATE_* variables.
 */

export interface EventSpec {
  name: string;
  payload?: object;
  ref?: string;
  sha?: string;
}

export interface RunActionOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  event?: EventSpec;
  /** The job's GITHUB_WORKSPACE and working directory; a fresh temp folder when omitted. */
  workspace?: string;
  /** The job's RUNNER_TEMP; a fresh temp folder when omitted. Share it across steps of one job. */
  runnerTemp?: string;
  /** Stands in for `${{ github.token }}` in input defaults. */
  githubToken?: string;
  timeoutMs?: number;
  /**
   * Cancels the main step after this long, as the runner does when a run is cancelled: SIGINT,
   * then SIGTERM 7.5 s later. The post step still runs afterwards.
   */
  cancelMainAfterMs?: number;
  /** Runs the post step (when action.yml has one); the runner does so by default (`post-if: always()`). */
  post?: boolean;
  /** Called with the main step's result before post runs, e.g. to inspect files post removes. */
  beforePost?: (main: StepResult) => void | Promise<void>;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as the job log shows it: every ::add-mask:: value replaced by ***. */
  log: string;
  commands: WorkflowCommand[];
  annotations: Annotation[];
  masks: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  summary: string;
}

export interface ActionRun {
  main: StepResult;
  post?: StepResult;
  workspace: string;
  runnerTemp: string;
}

interface ActionMetadata {
  inputs?: Record<string, { default?: string }>;
  runs: { using: string; main: string; post?: string };
}

/** Variables of the test process that would confuse the action or leak between cases. */
const HOST_VARIABLES = /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/;

export async function runAction(
  actionDir: string,
  options: RunActionOptions = {},
): Promise<ActionRun> {
  const metadata = YAML.parse(
    readFileSync(join(actionDir, 'action.yml'), 'utf8'),
  ) as ActionMetadata;
  const jobRoot = await mkdtemp(join(tmpdir(), 'slipway-job-'));
  const workspace = options.workspace ?? join(jobRoot, 'workspace');
  const runnerTemp = options.runnerTemp ?? join(jobRoot, 'runner-temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });

  const baseEnv = {
    ...hostEnvironment(),
    ...(await githubEnvironment(options.event, jobRoot)),
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    ...inputEnvironment(metadata, options),
    ...options.env,
  };

  const main = await runStep(
    join(actionDir, metadata.runs.main),
    baseEnv,
    jobRoot,
    'main',
    options,
  );
  const result: ActionRun = { main, workspace, runnerTemp };
  if (metadata.runs.post && options.post !== false) {
    await options.beforePost?.(main);
    const stateEnv = Object.fromEntries(
      Object.entries(main.state).map(([key, value]) => [`STATE_${key}`, value]),
    );
    result.post = await runStep(
      join(actionDir, metadata.runs.post),
      { ...baseEnv, ...stateEnv },
      jobRoot,
      'post',
      options,
    );
  }
  return result;
}

function hostEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !HOST_VARIABLES.test(entry[0]),
    ),
  );
}

async function githubEnvironment(
  event: EventSpec | undefined,
  jobRoot: string,
): Promise<Record<string, string>> {
  const eventPath = join(jobRoot, 'event.json');
  await writeFile(eventPath, JSON.stringify(event?.payload ?? {}));
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event?.name ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: event?.ref ?? 'refs/heads/main',
    GITHUB_SHA: event?.sha ?? '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo-org/octo-service',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'test',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
  };
}

/** As the runner does: declared defaults first, then the step's `with:` values. */
function inputEnvironment(
  metadata: ActionMetadata,
  options: RunActionOptions,
): Record<string, string> {
  const declared = metadata.inputs ?? {};
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.default !== undefined) {
      env[inputVariable(name)] = String(spec.default).replace(
        /\$\{\{\s*github\.token\s*\}\}/g,
        options.githubToken ?? '',
      );
    }
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (!(name in declared)) throw new Error(`Input '${name}' is not declared in action.yml`);
    env[inputVariable(name)] = value;
  }
  return env;
}

function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

async function runStep(
  bundle: string,
  env: Record<string, string>,
  jobRoot: string,
  phase: 'main' | 'post',
  options: RunActionOptions,
): Promise<StepResult> {
  if (!existsSync(bundle)) throw new Error(`Bundle ${bundle} does not exist; run npm run bundle`);
  const stepDir = await mkdtemp(join(jobRoot, `${phase}-`));
  const files = {
    GITHUB_OUTPUT: join(stepDir, 'output'),
    GITHUB_STATE: join(stepDir, 'state'),
    GITHUB_ENV: join(stepDir, 'env'),
    GITHUB_STEP_SUMMARY: join(stepDir, 'summary.md'),
  };
  await Promise.all(Object.values(files).map((path) => writeFile(path, '')));

  const { exitCode, signal, stdout, stderr } = await spawnBundle(
    bundle,
    { ...env, ...files },
    env.GITHUB_WORKSPACE,
    {
      timeoutMs: options.timeoutMs ?? 120_000,
      cancelAfterMs: phase === 'main' ? options.cancelMainAfterMs : undefined,
    },
  );
  const commands = parseWorkflowCommands(stdout);
  const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    log: applyMasks(stdout, masks),
    commands,
    annotations: annotationsFrom(commands),
    masks,
    outputs: parseKeyValueFile(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    state: parseKeyValueFile(await readFile(files.GITHUB_STATE, 'utf8')),
    exportedEnv: parseKeyValueFile(await readFile(files.GITHUB_ENV, 'utf8')),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

const RUNNER_CANCEL_GRACE_MS = 7_500;
let runtimeNoticeShown = false;

function spawnBundle(
  bundle: string,
  env: Record<string, string>,
  cwd: string,
  timing: { timeoutMs: number; cancelAfterMs?: number },
) {
  const runtime = bundleRuntime();
  if (runtime.notice && !runtimeNoticeShown) {
    runtimeNoticeShown = true;
    console.warn(`NOTICE: ${runtime.notice}`);
  }
  return new Promise<{
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(runtime.path, [bundle], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timers = [setTimeout(() => child.kill('SIGKILL'), timing.timeoutMs)];
    if (timing.cancelAfterMs !== undefined) {
      timers.push(setTimeout(() => child.kill('SIGINT'), timing.cancelAfterMs));
      timers.push(
        setTimeout(() => child.kill('SIGTERM'), timing.cancelAfterMs + RUNNER_CANCEL_GRACE_MS),
      );
    }
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      timers.forEach(clearTimeout);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

// @ts-check
/**
 * Runs an action's bundled dist in a child process the way the GitHub runner does: inputs as
 * INPUT_* variables (with action.yml defaults), fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV /
 * GITHUB_STEP_SUMMARY files per step, an event payload at GITHUB_EVENT_PATH, then the post step
 * with the state main saved as STATE_* variables. The tests (test/support/runner.ts) and the demo
 * both run actions through it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { clearTimeout, setTimeout } from 'node:timers';
import { join } from 'node:path';
import YAML from 'yaml';
import { bundleRuntime } from '../node-runtime.js';
import {
  annotationsFrom,
  applyMasks,
  parseKeyValueFile,
  parseWorkflowCommands,
} from './workflow-commands.js';

export {
  annotationsFrom,
  applyMasks,
  parseKeyValueFile,
  parseWorkflowCommands,
} from './workflow-commands.js';

/** @typedef {{ name: string, payload?: object, ref?: string, sha?: string }} EventSpec */
/**
 * @typedef {object} RunActionOptions
 * @property {Record<string, string>} [inputs]
 * @property {Record<string, string>} [env]
 * @property {EventSpec} [event]
 * @property {string} [workspace] the job's GITHUB_WORKSPACE and working directory; a fresh temp folder when omitted
 * @property {string} [runnerTemp] the job's RUNNER_TEMP; a fresh temp folder when omitted
 * @property {string} [githubToken] stands in for `${{ github.token }}` in input defaults
 * @property {number} [timeoutMs]
 * @property {number} [cancelMainAfterMs] cancels main after this long as a cancelled run does: SIGINT, SIGTERM 7.5 s later
 * @property {AbortSignal} [signal] cancels main the same way when aborted
 * @property {boolean} [post] runs the post step (when action.yml has one); default true, as `post-if: always()`
 * @property {(main: StepResult) => void | Promise<void>} [beforePost]
 */
/**
 * @typedef {object} StepResult
 * @property {number | null} exitCode
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {string} log stdout as the job log shows it: every ::add-mask:: value replaced by ***
 * @property {import('./workflow-commands.js').WorkflowCommand[]} commands
 * @property {import('./workflow-commands.js').Annotation[]} annotations
 * @property {string[]} masks
 * @property {Record<string, string>} outputs
 * @property {Record<string, string>} state
 * @property {Record<string, string>} exportedEnv
 * @property {string} summary
 */
/** @typedef {{ main: StepResult, post?: StepResult, workspace: string, runnerTemp: string }} ActionRun */
/**
 * @typedef {object} ActionMetadata
 * @property {Record<string, { default?: string }>} [inputs]
 * @property {{ using: string, main: string, post?: string }} runs
 */

/** Variables of the calling process that would confuse the action or leak between runs. */
const HOST_VARIABLES = /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/;
const RUNNER_CANCEL_GRACE_MS = 7_500;

/**
 * @typedef {object} PreparedJob
 * @property {ActionMetadata} metadata
 * @property {string} jobRoot
 * @property {string} workspace
 * @property {string} runnerTemp
 * @property {Record<string, string>} env what every step of the job sees: the runner's variables and the inputs
 */

/**
 * The job a step runs in, as the runner sets it up: workspace and RUNNER_TEMP folders, an event
 * payload file, GITHUB_* variables, and INPUT_* from action.yml defaults overlaid by `with:`.
 * @param {string} actionDir
 * @param {RunActionOptions} [options]
 * @returns {Promise<PreparedJob>}
 */
export async function prepareJob(actionDir, options = {}) {
  const metadata = /** @type {ActionMetadata} */ (
    YAML.parse(readFileSync(join(actionDir, 'action.yml'), 'utf8'))
  );
  const jobRoot = await mkdtemp(join(tmpdir(), 'slipway-job-'));
  const workspace = options.workspace ?? join(jobRoot, 'workspace');
  const runnerTemp = options.runnerTemp ?? join(jobRoot, 'runner-temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  const env = {
    ...hostEnvironment(),
    ...(await githubEnvironment(options.event, jobRoot)),
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    ...inputEnvironment(metadata, options),
    ...options.env,
  };
  return { metadata, jobRoot, workspace, runnerTemp, env };
}

/**
 * A step's own files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_STEP_SUMMARY), empty.
 * @param {string} jobRoot
 * @param {string} phase
 * @returns {Promise<Record<'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_ENV' | 'GITHUB_STEP_SUMMARY', string>>}
 */
export async function stepFiles(jobRoot, phase) {
  const stepDir = await mkdtemp(join(jobRoot, `${phase}-`));
  const files = {
    GITHUB_OUTPUT: join(stepDir, 'output'),
    GITHUB_STATE: join(stepDir, 'state'),
    GITHUB_ENV: join(stepDir, 'env'),
    GITHUB_STEP_SUMMARY: join(stepDir, 'summary.md'),
  };
  await Promise.all(Object.values(files).map((path) => writeFile(path, '')));
  return files;
}

/**
 * @param {string} actionDir
 * @param {RunActionOptions} [options]
 * @returns {Promise<ActionRun>}
 */
export async function runAction(actionDir, options = {}) {
  const {
    metadata,
    jobRoot,
    workspace,
    runnerTemp,
    env: baseEnv,
  } = await prepareJob(actionDir, options);

  const main = await runStep(
    join(actionDir, metadata.runs.main),
    baseEnv,
    jobRoot,
    'main',
    options,
  );
  /** @type {ActionRun} */
  const result = { main, workspace, runnerTemp };
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

/** @returns {Record<string, string>} */
function hostEnvironment() {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !HOST_VARIABLES.test(key)) env[key] = value;
  }
  return env;
}

/**
 * @param {EventSpec | undefined} event
 * @param {string} jobRoot
 * @returns {Promise<Record<string, string>>}
 */
async function githubEnvironment(event, jobRoot) {
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

/**
 * As the runner does: declared defaults first, then the step's `with:` values.
 * @param {ActionMetadata} metadata
 * @param {RunActionOptions} options
 */
function inputEnvironment(metadata, options) {
  const declared = metadata.inputs ?? {};
  /** @type {Record<string, string>} */
  const env = {};
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

/** @param {string} name */
function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * @param {string} bundle
 * @param {Record<string, string>} env
 * @param {string} jobRoot
 * @param {'main' | 'post'} phase
 * @param {RunActionOptions} options
 * @returns {Promise<StepResult>}
 */
async function runStep(bundle, env, jobRoot, phase, options) {
  if (!existsSync(bundle)) throw new Error(`Bundle ${bundle} does not exist; run npm run bundle`);
  const files = await stepFiles(jobRoot, phase);
  const { exitCode, signal, stdout, stderr } = await spawnBundle(
    bundle,
    { ...env, ...files },
    env.GITHUB_WORKSPACE,
    {
      timeoutMs: options.timeoutMs ?? 120_000,
      cancelAfterMs: phase === 'main' ? options.cancelMainAfterMs : undefined,
      cancelSignal: phase === 'main' ? options.signal : undefined,
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

let runtimeNoticeShown = false;

/**
 * @param {string} bundle
 * @param {Record<string, string>} env
 * @param {string} cwd
 * @param {{ timeoutMs: number, cancelAfterMs?: number, cancelSignal?: AbortSignal }} timing
 * @returns {Promise<{ exitCode: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
function spawnBundle(bundle, env, cwd, timing) {
  const runtime = bundleRuntime();
  if (runtime.notice && !runtimeNoticeShown) {
    runtimeNoticeShown = true;
    console.warn(`NOTICE: ${runtime.notice}`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.path, [bundle], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const stdout = [];
    /** @type {Buffer[]} */
    const stderr = [];
    child.stdout.on('data', (/** @type {Buffer} */ chunk) => stdout.push(chunk));
    child.stderr.on('data', (/** @type {Buffer} */ chunk) => stderr.push(chunk));
    const timers = [setTimeout(() => child.kill('SIGKILL'), timing.timeoutMs)];
    const cancel = () => {
      child.kill('SIGINT');
      timers.push(setTimeout(() => child.kill('SIGTERM'), RUNNER_CANCEL_GRACE_MS));
    };
    if (timing.cancelAfterMs !== undefined) {
      timers.push(setTimeout(cancel, timing.cancelAfterMs));
    }
    if (timing.cancelSignal?.aborted) cancel();
    else timing.cancelSignal?.addEventListener('abort', cancel, { once: true });
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      timers.forEach(clearTimeout);
      timing.cancelSignal?.removeEventListener('abort', cancel);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

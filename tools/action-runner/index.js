// @ts-check
/**
 * Runs an action's bundled dist in a child process the way GitHub's runner does, and shows the
 * tests what a user would see on GitHub:
 * - inputs as INPUT_* variables: action.yml defaults read as strings, `${{ github.token }}`
 *   evaluated (every run has a token unless the caller says `githubToken: ''`), then `with:`;
 *   an input action.yml does not declare gets the runner's "Unexpected input(s)" warning;
 * - a clean environment: the runner's variables, PATH, a HOME of the job's own, and only what
 *   the caller passes (nothing else leaks from the host);
 * - fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY files per
 *   step and an event payload at GITHUB_EVENT_PATH;
 * - stdout and stderr processed line by line as the runner does (workflow-commands.js): masks
 *   from their line on, stop-commands, the runner's fixed set of commands;
 * - cancellation as the runner cancels: SIGINT, SIGTERM 7.5 s later, and 2.5 s after that the
 *   whole process tree is killed; then the post step with the state main saved;
 * - a main step killed outright (`killMain`, as the OOM killer does): its whole process tree gets
 *   SIGKILL at once, then the post step runs with the state main saved before it died;
 * - a lost runner (`loseRunner`, the machine dies): main's whole process tree gets SIGKILL at
 *   once and no further step runs, so there is no post step.
 * The tests (test/support/runner.ts), the demo and the benchmarks all run actions through it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { clearTimeout, setTimeout } from 'node:timers';
import { join } from 'node:path';
import { readActionMetadata } from '../action-metadata.js';
import { bundleRuntime } from '../node-runtime.js';
import {
  LineSplitter,
  SecretMasker,
  StepOutputProcessor,
  parseKeyValueFile,
} from './workflow-commands.js';

export {
  LineSplitter,
  RUNNER_COMMANDS,
  SecretMasker,
  StepOutputProcessor,
  annotationsFrom,
  parseCommandLine,
  parseKeyValueFile,
  parseWorkflowCommands,
} from './workflow-commands.js';

/** @typedef {{ name: string, payload?: object, ref?: string, sha?: string }} EventSpec */
/**
 * @typedef {object} RunActionOptions
 * @property {Record<string, string>} [inputs] the step's `with:`
 * @property {Record<string, string>} [env] the step's `env:` (and anything a test wants the machine to have, e.g. HOME)
 * @property {EventSpec} [event]
 * @property {string} [workspace] the job's GITHUB_WORKSPACE and working directory; a fresh temp folder when omitted
 * @property {string} [runnerTemp] the job's RUNNER_TEMP; a fresh temp folder when omitted
 * @property {string} [githubToken] `${{ github.token }}`: a fresh token when omitted, none when ''; a run with a token needs env.GITHUB_API_URL
 * @property {string[]} [secrets] values the runner masks from the start, as it masks `${{ secrets.* }}`
 * @property {boolean} [stepDebug] ACTIONS_STEP_DEBUG: debug lines are shown in the log
 * @property {number} [timeoutMs] the step's `timeout-minutes`: the runner cancels the step then
 * @property {number} [cancelMainAfterMs] cancels main after this long as a cancelled run does
 * @property {AbortSignal} [signal] cancels main the same way when aborted
 * @property {AbortSignal} [killMain] when aborted while main runs, main's whole process tree gets
 *   SIGKILL at once, with no SIGINT first (as the OOM killer kills); the post step still runs, with
 *   the state main saved before it died, as the runner runs post steps after a failed main
 * @property {AbortSignal} [loseRunner] when aborted while main runs, the runner machine is lost:
 *   main's whole process tree gets SIGKILL at once, with no SIGINT first, and no post step runs
 *   (nor beforePost), as GitHub runs no further steps of a job whose runner was lost
 * @property {boolean} [post] runs the post step (when action.yml has one); default true, as `post-if: always()`
 * @property {(main: StepResult) => void | Promise<void>} [beforePost] called with main's result before post runs
 */
/**
 * @typedef {object} StepResult
 * @property {number | null} exitCode
 * @property {NodeJS.Signals | null} signal
 * @property {'success' | 'failure'} outcome failure when the exit code is not 0 or the runner could not process a command
 * @property {boolean} cancelled the runner cancelled the step (SIGINT sent)
 * @property {boolean} killed the process tree was killed: still alive 10 s after SIGINT, or at once by killMain or loseRunner
 * @property {boolean} lost the runner was lost while the step ran (loseRunner): the tree was killed and no post step runs
 * @property {string} stdout raw, for debugging only: the log is what users see
 * @property {string} stderr raw, for debugging only
 * @property {string} log the step's log as GitHub shows it: both streams, commands processed, masked from each mask's line on
 * @property {import('./workflow-commands.js').WorkflowCommand[]} commands the commands the runner processed
 * @property {import('./workflow-commands.js').Annotation[]} annotations the action's and the runner's
 * @property {string[]} masks values the step registered with ::add-mask::
 * @property {Record<string, string>} outputs
 * @property {Record<string, string>} state
 * @property {Record<string, string>} exportedEnv
 * @property {string[]} addedPath
 * @property {string} summary
 */
/** @typedef {{ main: StepResult, post?: StepResult, workspace: string, runnerTemp: string, githubToken: string }} ActionRun */

/** The runner's cancellation: SIGINT, SIGTERM 7.5 s later, the process tree killed at 10 s. */
export const CANCEL_SIGTERM_AFTER_MS = 7_500;
export const CANCEL_KILL_AFTER_MS = 10_000;
/** Host variables a runner machine has too; everything else must be passed on purpose. */
const HOST_VARIABLES = ['PATH', 'LANG', 'TZ'];

/**
 * @typedef {object} PreparedJob
 * @property {import('../action-metadata.js').ActionMetadata} metadata
 * @property {string} jobRoot
 * @property {string} workspace
 * @property {string} runnerTemp
 * @property {string} githubToken
 * @property {Record<string, string>} env what every step of the job sees: the runner's variables and the inputs
 * @property {string[]} runnerWarnings what the runner says before the step starts
 */

/**
 * The job a step runs in, as the runner sets it up: workspace, RUNNER_TEMP and HOME folders, an
 * event payload file, GITHUB_* variables, and INPUT_* from action.yml defaults overlaid by `with:`.
 * @param {string} actionDir
 * @param {RunActionOptions} [options]
 * @returns {Promise<PreparedJob>}
 */
export async function prepareJob(actionDir, options = {}) {
  const metadata = readActionMetadata(actionDir);
  const githubToken = options.githubToken ?? `ghs_${randomBytes(18).toString('hex')}`;
  if (githubToken !== '' && !options.env?.GITHUB_API_URL) {
    throw new Error(
      'A run with a token needs a GitHub API to talk to: pass env.GITHUB_API_URL (test/support/' +
        "runner.ts starts a fake one), or githubToken: '' for a run without a token",
    );
  }
  const jobRoot = await mkdtemp(join(tmpdir(), 'slipway-job-'));
  const workspace = options.workspace ?? join(jobRoot, 'workspace');
  const runnerTemp = options.runnerTemp ?? join(jobRoot, 'runner-temp');
  const home = join(jobRoot, 'home');
  const toolCache = join(jobRoot, 'tool-cache');
  await Promise.all(
    [workspace, runnerTemp, home, toolCache].map((dir) => mkdir(dir, { recursive: true })),
  );
  const { env: inputs, warnings } = inputEnvironment(metadata, options.inputs ?? {}, githubToken);
  const env = {
    ...hostEnvironment(),
    HOME: home,
    ...(await githubEnvironment(options.event, jobRoot)),
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    ...(options.stepDebug ? { RUNNER_DEBUG: '1' } : {}),
    ...inputs,
    ...options.env,
  };
  return { metadata, jobRoot, workspace, runnerTemp, githubToken, env, runnerWarnings: warnings };
}

/**
 * A step's own files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY), empty.
 * @param {string} jobRoot
 * @param {string} phase
 */
export async function stepFiles(jobRoot, phase) {
  const stepDir = await mkdtemp(join(jobRoot, `${phase}-`));
  const files = {
    GITHUB_OUTPUT: join(stepDir, 'output'),
    GITHUB_STATE: join(stepDir, 'state'),
    GITHUB_ENV: join(stepDir, 'env'),
    GITHUB_PATH: join(stepDir, 'path'),
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
  const job = await prepareJob(actionDir, options);
  // One masker for the job: the runner masks the token and secrets from the start, and a value
  // masked in main stays masked in post.
  const masker = new SecretMasker();
  if (job.githubToken) masker.add(job.githubToken);
  for (const secret of options.secrets ?? []) masker.add(secret);

  const { runs } = job.metadata;
  if (!runs.main) throw new Error(`${actionDir}/action.yml has no runs.main`);
  const main = await runStep(join(actionDir, runs.main), job, job.env, 'main', masker, options);
  /** @type {ActionRun} */
  const result = {
    main,
    workspace: job.workspace,
    runnerTemp: job.runnerTemp,
    githubToken: job.githubToken,
  };
  // A lost runner runs no further step: there is no post step to run, whatever post-if says.
  if (runs.post && options.post !== false && !main.lost) {
    await options.beforePost?.(main);
    const stateEnv = Object.fromEntries(
      Object.entries(main.state).map(([key, value]) => [`STATE_${key}`, value]),
    );
    result.post = await runStep(
      join(actionDir, runs.post),
      job,
      { ...job.env, ...stateEnv },
      'post',
      masker,
      options,
    );
  }
  return result;
}

/** @returns {Record<string, string>} */
function hostEnvironment() {
  /** @type {Record<string, string>} */
  const env = { LANG: 'C.UTF-8' };
  for (const key of HOST_VARIABLES) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
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
  const ref = event?.ref ?? 'refs/heads/main';
  const refKind = /^refs\/(heads|tags|pull)\/(.*)$/.exec(ref);
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event?.name ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: refKind?.[2] ?? ref,
    GITHUB_REF_TYPE: refKind?.[1] === 'tags' ? 'tag' : 'branch',
    GITHUB_SHA: event?.sha ?? '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo-org/octo-service',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_TRIGGERING_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'test',
    GITHUB_ACTION: '__run',
    GITHUB_RETENTION_DAYS: '90',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 2',
    RUNNER_ENVIRONMENT: 'github-hosted',
  };
}

/**
 * As the runner does: declared defaults first (strings, with `${{ github.token }}` evaluated),
 * then the step's `with:` values. Undeclared inputs are passed on with the runner's warning.
 * @param {import('../action-metadata.js').ActionMetadata} metadata
 * @param {Record<string, string>} given
 * @param {string} githubToken
 */
function inputEnvironment(metadata, given, githubToken) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const input of metadata.inputs) {
    if (input.default !== undefined) {
      env[inputVariable(input.name)] = evaluateDefault(input.name, input.default, githubToken);
    }
  }
  const declared = new Set(metadata.inputs.map((input) => input.name.toLowerCase()));
  const unexpected = [];
  for (const [name, value] of Object.entries(given)) {
    if (!declared.has(name.toLowerCase())) unexpected.push(name);
    env[inputVariable(name)] = value;
  }
  const warnings =
    unexpected.length === 0
      ? []
      : [
          `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ` +
            `['${metadata.inputs.map((input) => input.name).join("', '")}']`,
        ];
  return { env, warnings };
}

/**
 * The runner evaluates expressions in defaults; the only one our actions use is the token.
 * @param {string} input
 * @param {string} value
 * @param {string} githubToken
 */
function evaluateDefault(input, value, githubToken) {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_match, expression) => {
    if (expression === 'github.token') return githubToken;
    throw new Error(
      `The harness cannot evaluate \${{ ${expression} }} in the default of input '${input}'`,
    );
  });
}

/** @param {string} name */
function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * @param {string} bundle
 * @param {PreparedJob} job
 * @param {Record<string, string>} env
 * @param {'main' | 'post'} phase
 * @param {SecretMasker} masker
 * @param {RunActionOptions} options
 * @returns {Promise<StepResult>}
 */
async function runStep(bundle, job, env, phase, masker, options) {
  if (!existsSync(bundle)) throw new Error(`Bundle ${bundle} does not exist; run npm run bundle`);
  const files = await stepFiles(job.jobRoot, phase);
  const output = new StepOutputProcessor(masker, {
    stepDebug: options.stepDebug,
    allowUnsecureCommands: env.ACTIONS_ALLOW_UNSECURE_COMMANDS === 'true',
  });
  if (phase === 'main') {
    for (const warning of job.runnerWarnings) output.runnerIssue('warning', warning);
  }
  const registeredBefore = masker.registered.length;
  const ran = await spawnBundle(bundle, { ...env, ...files }, job.workspace, output, {
    timeoutMs: options.timeoutMs ?? 120_000,
    cancelAfterMs: phase === 'main' ? options.cancelMainAfterMs : undefined,
    cancelSignal: phase === 'main' ? options.signal : undefined,
    killSignal: phase === 'main' ? options.killMain : undefined,
    loseSignal: phase === 'main' ? options.loseRunner : undefined,
  });
  // What main saved before a kill counts: the files are read after the process tree is gone,
  // as the runner reads them after the step, however it ended.
  const fileOutputs = parseKeyValueFile(await readFile(files.GITHUB_OUTPUT, 'utf8'));
  const fileState = parseKeyValueFile(await readFile(files.GITHUB_STATE, 'utf8'));
  const failed = ran.exitCode !== 0 || output.commandFailures.length > 0;
  return {
    ...ran,
    outcome: failed ? 'failure' : 'success',
    log: output.logLines.join('\n'),
    commands: output.commands,
    annotations: output.annotations,
    masks: masker.registered.slice(registeredBefore),
    // The runner reads the files after the step, so they win over the deprecated commands.
    outputs: { ...output.outputs, ...fileOutputs },
    state: { ...output.state, ...fileState },
    exportedEnv: parseKeyValueFile(await readFile(files.GITHUB_ENV, 'utf8')),
    addedPath: (await readFile(files.GITHUB_PATH, 'utf8')).split('\n').filter(Boolean),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

let runtimeNoticeShown = false;

/**
 * @typedef {object} ProcessResult
 * @property {number | null} exitCode
 * @property {NodeJS.Signals | null} signal
 * @property {boolean} cancelled
 * @property {boolean} killed
 * @property {boolean} lost
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * @param {string} bundle
 * @param {Record<string, string>} env
 * @param {string} cwd
 * @param {StepOutputProcessor} output
 * @param {{ timeoutMs: number, cancelAfterMs?: number, cancelSignal?: AbortSignal, killSignal?: AbortSignal, loseSignal?: AbortSignal }} timing
 * @returns {Promise<ProcessResult>}
 */
function spawnBundle(bundle, env, cwd, output, timing) {
  const runtime = bundleRuntime();
  if (runtime.notice && !runtimeNoticeShown) {
    runtimeNoticeShown = true;
    console.warn(`NOTICE: ${runtime.notice}`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.path, [bundle], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Record<'stdout' | 'stderr', Buffer[]>} */
    const raw = { stdout: [], stderr: [] };
    const splitters = {
      stdout: new LineSplitter((line) => output.processLine(line, 'stdout')),
      stderr: new LineSplitter((line) => output.processLine(line, 'stderr')),
    };
    for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
      child[stream].setEncoding('utf8');
      child[stream].on('data', (/** @type {string} */ chunk) => {
        raw[stream].push(Buffer.from(chunk));
        splitters[stream].push(chunk);
      });
    }
    /** @type {NodeJS.Timeout[]} */
    const timers = [];
    let cancelled = false;
    let killed = false;
    let lost = false;
    let exited = false;
    let spawned = false;
    /** A hard kill was asked for before the process was spawned: it happens at the spawn. */
    let killOnSpawn = false;
    const cancel = () => {
      if (cancelled || killed || exited) return;
      cancelled = true;
      child.kill('SIGINT');
      timers.push(setTimeout(() => child.kill('SIGTERM'), CANCEL_SIGTERM_AFTER_MS));
      timers.push(
        setTimeout(() => {
          killed = true;
          void killProcessTree(child.pid);
        }, CANCEL_KILL_AFTER_MS),
      );
    };
    /**
     * SIGKILL to the whole tree at once, no SIGINT first: the OOM killer ('kill') or the runner
     * machine dying ('lose'). A runner lost after main exited still runs no further step.
     * @param {'kill' | 'lose'} kind
     */
    const killNow = (kind) => {
      if (kind === 'lose') lost = true;
      if (killed || exited) return;
      if (!spawned) {
        killOnSpawn = true;
        return;
      }
      killed = true;
      timers.forEach(clearTimeout);
      void killProcessTree(child.pid);
    };
    const onKill = () => killNow('kill');
    const onLose = () => killNow('lose');
    timers.push(setTimeout(cancel, timing.timeoutMs));
    if (timing.cancelAfterMs !== undefined) timers.push(setTimeout(cancel, timing.cancelAfterMs));
    if (timing.cancelSignal?.aborted) cancel();
    else timing.cancelSignal?.addEventListener('abort', cancel, { once: true });
    for (const [signal, listener] of /** @type {const} */ ([
      [timing.killSignal, onKill],
      [timing.loseSignal, onLose],
    ])) {
      if (signal?.aborted) listener();
      else signal?.addEventListener('abort', listener, { once: true });
    }
    child.on('error', reject);
    child.on('spawn', () => {
      spawned = true;
      if (killOnSpawn) killNow('kill');
    });
    child.on('exit', () => {
      exited = true;
    });
    child.on('close', (exitCode, signal) => {
      timers.forEach(clearTimeout);
      timing.cancelSignal?.removeEventListener('abort', cancel);
      timing.killSignal?.removeEventListener('abort', onKill);
      timing.loseSignal?.removeEventListener('abort', onLose);
      splitters.stdout.flush();
      splitters.stderr.flush();
      resolve({
        exitCode,
        signal,
        cancelled,
        killed,
        lost,
        stdout: Buffer.concat(raw.stdout).toString('utf8'),
        stderr: Buffer.concat(raw.stderr).toString('utf8'),
      });
    });
  });
}

/**
 * SIGKILL to a process and every descendant, as the runner kills a cancelled step's tree.
 * @param {number | undefined} pid
 */
export async function killProcessTree(pid) {
  if (pid === undefined) return;
  const children = new Map();
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The parent pid is the second field after the command, which is in parentheses.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(Number(entry));
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) tree.push(...(children.get(tree[index]) ?? []));
  for (const member of tree) {
    try {
      process.kill(member, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

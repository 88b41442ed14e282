/**
 * Runs the `load-test` during each step, so that a service with little traffic of its own still
 * gives the canary the requests its steps need (Flagger's load tester, without a pod in the
 * cluster). The progression starts it once the step's weight is set and stops it as the step ends.
 *
 * - A URL is called by the action itself at `load-test-rate` requests per second (core's paced
 *   GET loop: no retries, no redirects followed, a timeout per request).
 * - A command runs from its argument array, never through a shell, for the whole step, in a
 *   process group of its own; as the step ends the whole group (the command and whatever it
 *   started) gets SIGTERM, then SIGKILL after a grace period. When it exits early it is started
 *   again, at most once every few seconds, and the log says so once. Its output is untrusted and
 *   is not streamed: only its last lines are shown, inside stop-commands, when it first ends early.
 */
import * as core from '@actions/core';
import { describeThrown } from '../core/errors.js';
import { execute, formatCommandLine, type ExecResult } from '../core/exec.js';
import { redactUrl } from '../core/url.js';
import { HTTP_LOAD_DEFAULTS, startHttpLoad, type HttpLoadCounts } from '../core/http-load.js';
import { escapeUntrusted, printUntrusted } from '../core/log.js';
import type { LoadTest } from './load-test-input.js';
import type { StepActivity } from './progression.js';

/** What the load test did during one step. */
export type LoadTestStepRecord =
  | ({ kind: 'url'; weight: number } & HttpLoadCounts)
  | {
      kind: 'command';
      weight: number;
      /** How long the step's load test lasted, from start to stop. */
      durationMs: number;
      /** How long the command was running, summed over its starts. */
      ranMs: number;
      starts: number;
      /** How it ended the last time it exited before the step ended. */
      lastEarlyExit: string | undefined;
      /** Why it could not be started at all. */
      problem: string | undefined;
    };

export interface LoadTestOptions {
  /** Least time between two starts of the command within a step. */
  restartGapMs?: number;
  /** Time the command gets to exit after SIGTERM before SIGKILL. */
  killGraceMs?: number;
  /** Per request, for a URL. */
  requestTimeoutMs?: number;
  /** Receives one line per step for the run's report (its notes). */
  note?(line: string): void;
}

export const LOAD_TEST_DEFAULTS = {
  restartGapMs: 5_000,
  killGraceMs: 3_000,
  requestTimeoutMs: HTTP_LOAD_DEFAULTS.timeoutMs,
} as const;

/** Output lines kept from the command, and the most of each kept. */
const TAIL_LINES = 20;
const TAIL_LINE_CHARS = 300;
/** Output exec keeps in memory per stream while the command runs; the tail is kept separately. */
const EXEC_OUTPUT_BYTES = 64 * 1024;
const USER_AGENT = 'slipway-canary-load-test';

export class LoadTestRunner {
  /** One record per step the load test ran in, in order. */
  readonly steps: LoadTestStepRecord[] = [];
  private announced = false;
  private saidRestart = false;
  private saidUnanswered = false;
  /** Set when the command could not be started; later steps do not try again. */
  private unusable: string | undefined;
  private readonly options: Required<Omit<LoadTestOptions, 'note'>> & Pick<LoadTestOptions, 'note'>;

  constructor(
    private readonly test: LoadTest,
    options: LoadTestOptions = {},
  ) {
    this.options = { ...LOAD_TEST_DEFAULTS, ...options };
  }

  /** Starts the load test for the step at `weight`; the step's end calls stop(). */
  duringStep(weight: number): StepActivity {
    this.announce();
    return this.test.kind === 'url'
      ? this.callUrl(weight, this.test.url, this.test.ratePerSecond)
      : this.runCommand(weight, this.test.program, this.test.args);
  }

  private announce(): void {
    if (this.announced) return;
    this.announced = true;
    core.info(
      this.test.kind === 'url'
        ? `Load test: GET ${escapeUntrusted(redactUrl(this.test.url))} at ${this.test.ratePerSecond} requests/s during each step (no redirects followed; ${this.options.requestTimeoutMs / 1000}s timeout per request).`
        : `Load test: running ${escapeUntrusted(formatCommandLine(this.test.program, this.test.args))} during each step, without a shell; it and what it starts are stopped (SIGTERM, SIGKILL after ${this.options.killGraceMs / 1000}s) as each step ends.`,
    );
  }

  private callUrl(weight: number, url: string, ratePerSecond: number): StepActivity {
    const load = startHttpLoad({
      url,
      ratePerSecond,
      timeoutMs: this.options.requestTimeoutMs,
      headers: { 'user-agent': USER_AGENT },
    });
    let stopping: Promise<void> | undefined;
    return {
      stop: () =>
        (stopping ??= (async () => {
          const counts = await load.stop();
          this.finish({ kind: 'url', weight, ...counts });
          const answered = Object.values(counts.answered).reduce((sum, n) => sum + n, 0);
          if (answered === 0 && counts.failed > 0 && !this.saidUnanswered) {
            this.saidUnanswered = true;
            core.warning(
              `Load test: none of the ${counts.sent} requests to ${escapeUntrusted(redactUrl(url))} at ${weight}% was answered (${escapeUntrusted(counts.firstFailure ?? 'no answer')}). Check that the runner can reach load-test.`,
            );
          }
        })()),
    };
  }

  private runCommand(weight: number, program: string, args: readonly string[]): StepActivity {
    const controller = new AbortController();
    const started = Date.now();
    const record: Extract<LoadTestStepRecord, { kind: 'command' }> = {
      kind: 'command',
      weight,
      durationMs: 0,
      ranMs: 0,
      starts: 0,
      lastEarlyExit: undefined,
      problem: undefined,
    };
    const loop = (async () => {
      while (!controller.signal.aborted && this.unusable === undefined) {
        const startedAt = Date.now();
        const tail = new OutputTail();
        record.starts += 1;
        let result: ExecResult;
        try {
          result = await execute(program, args, {
            echo: false,
            okExitCodes: 'any',
            signal: controller.signal,
            killGraceMs: this.options.killGraceMs,
            // What the command starts (a script's load tester, its workers) is stopped with it.
            processGroup: true,
            maxOutputBytes: EXEC_OUTPUT_BYTES,
            env: commandEnvironment(),
            onStdout: tail.add,
            onStderr: tail.add,
          });
        } catch (error) {
          this.unusable = describeThrown(error);
          record.problem = this.unusable;
          core.warning(
            `Load test: ${escapeUntrusted(this.unusable)} It is not started again in this run.`,
          );
          break;
        }
        record.ranMs += result.durationMs;
        if (result.stopped) break;
        record.lastEarlyExit = describeExit(result);
        if (!this.saidRestart) {
          this.saidRestart = true;
          const gap = this.options.restartGapMs / 1000;
          const say = result.exitCode === 0 ? core.info : core.warning;
          say(
            `Load test: the command ${record.lastEarlyExit} after ${seconds(result.durationMs)}, before the step ended; it is started again, at most once every ${gap}s (said only this once; each step's line counts the starts).`,
          );
          const lines = tail.text();
          if (lines) {
            core.info(`Its last ${Math.min(TAIL_LINES, tail.count)} lines of output:`);
            printUntrusted(lines);
          }
        }
        const wait = startedAt + this.options.restartGapMs - Date.now();
        if (wait > 0) await abortableSleep(wait, controller.signal);
      }
    })();
    let stopping: Promise<void> | undefined;
    return {
      stop: () =>
        (stopping ??= (async () => {
          controller.abort();
          await loop;
          record.durationMs = Date.now() - started;
          this.finish(record);
        })()),
    };
  }

  private finish(record: LoadTestStepRecord): void {
    this.steps.push(record);
    const line = describeLoadTestStep(record);
    core.info(escapeUntrusted(line));
    this.options.note?.(line);
  }
}

/** One line for the log and the report's notes. */
export function describeLoadTestStep(record: LoadTestStepRecord): string {
  if (record.kind === 'url') {
    const classes = Object.entries(record.answered)
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${count} ${name}`);
    const answered = Object.values(record.answered).reduce((sum, n) => sum + n, 0);
    const parts = [`${answered} answered${classes.length > 0 ? ` (${classes.join(', ')})` : ''}`];
    if (record.failed > 0) {
      parts.push(
        `${record.failed} failed${record.firstFailure ? ` (${record.firstFailure})` : ''}`,
      );
    }
    if (record.skipped > 0) parts.push(`${record.skipped} skipped while too many were unanswered`);
    if (record.unfinished > 0) parts.push(`${record.unfinished} unanswered when the step ended`);
    return `Load test at ${record.weight}%: ${record.sent} requests sent in ${seconds(record.durationMs)}: ${parts.join(', ')}.`;
  }
  if (record.problem !== undefined) {
    return `Load test at ${record.weight}%: the command could not be started (${record.problem}).`;
  }
  const restarts =
    record.starts > 1
      ? `; started ${record.starts} times, it last ${record.lastEarlyExit ?? 'exited'} early`
      : '';
  return `Load test at ${record.weight}%: the command ran ${seconds(record.ranMs)} of the step's ${seconds(record.durationMs)}${restarts}.`;
}

/**
 * The step's environment for the command, less what it has no business with: the action's own
 * inputs (the kubeconfig, Prometheus credentials), the runner's ACTIONS_* credentials and service
 * URLs (ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN and _URL, the cache and results
 * services) and the runner's files for outputs, state, environment, PATH and the summary.
 */
export function commandEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  const removed: Record<string, undefined> = {};
  for (const name of Object.keys(env)) {
    if (/^(INPUT|ACTIONS)_/i.test(name)) removed[name] = undefined;
  }
  for (const name of [
    'GITHUB_OUTPUT',
    'GITHUB_STATE',
    'GITHUB_ENV',
    'GITHUB_PATH',
    'GITHUB_STEP_SUMMARY',
  ]) {
    removed[name] = undefined;
  }
  return removed;
}

function describeExit(result: ExecResult): string {
  if (result.signal) return `was killed by ${result.signal}`;
  return `exited with code ${result.exitCode ?? 'unknown'}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The last lines of a program's output (stdout and stderr as they came), each cut short. */
class OutputTail {
  private lines: string[] = [];
  private partial = '';
  count = 0;

  add = (chunk: string): void => {
    const pieces = (this.partial + chunk).split('\n');
    this.partial = pieces.pop() ?? '';
    // One character over the limit is kept, so that push() still marks the line as cut.
    if (this.partial.length > TAIL_LINE_CHARS + 1) {
      this.partial = this.partial.slice(0, TAIL_LINE_CHARS + 1);
    }
    for (const line of pieces) this.push(line);
  };

  text(): string {
    if (this.partial !== '') {
      this.push(this.partial);
      this.partial = '';
    }
    return this.lines.join('\n');
  }

  private push(line: string): void {
    this.count += 1;
    this.lines.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line);
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }
}

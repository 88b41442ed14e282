import * as core from '@actions/core';
import { ActionError } from './errors.js';
import { formatDuration } from './duration.js';
import { maskSecrets } from './secrets.js';
import { escapeUntrusted } from './log.js';

/**
 * Runs programs with an argument array and never through a shell, so nothing a user typed
 * can become a command. Implemented on child_process rather than @actions/exec because
 * deploy steps need a timeout that kills the program, and @actions/exec has none.
 */

export interface ExecOptions {
  cwd?: string;
  /** Added to (or, with inheritEnv false, replacing) the current environment; undefined unsets. */
  env?: Record<string, string | undefined>;
  inheritEnv?: boolean;
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** How long a program may take to exit after SIGTERM before it gets SIGKILL. */
  killGraceMs?: number;
  /**
   * Runs the program in a process group of its own and signals the whole group, so that what it
   * started (a script's `sleep`, a load tester's workers) is stopped with it instead of holding
   * its output open. Whatever of the group outlives the program is stopped as it ends, and the
   * group is killed if this process exits first. Not on Windows, which has no process groups.
   */
  processGroup?: boolean;
  /**
   * Stops the program when aborted, as a timeout does (SIGTERM, then SIGKILL after killGraceMs);
   * the result then has `stopped` set and is not an error.
   */
  signal?: AbortSignal;
  /** Exit codes that count as success; 'any' returns every result to the caller. */
  okExitCodes?: number[] | 'any';
  /** Output kept per stream; more is cut from the middle so the start and the end survive. */
  maxOutputBytes?: number;
  /** Echo the (masked) command line to the log, as `[command]` lines like @actions/exec does. */
  echo?: boolean;
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
}

export interface ExecResult {
  commandLine: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when stdout outgrew maxOutputBytes and its middle was cut. */
  stdoutTruncated: boolean;
  timedOut: boolean;
  /** True when the caller's signal stopped the program. */
  stopped?: boolean;
  durationMs: number;
}

export class ExecError extends ActionError {
  constructor(
    readonly result: ExecResult,
    hint?: string,
  ) {
    const how = result.timedOut
      ? `timed out after ${formatDuration(result.durationMs)} and was stopped`
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with code ${result.exitCode}`;
    const detail = lastLines(result.stderr || result.stdout, 5);
    super(`${result.commandLine} ${how}${detail ? `:\n${detail}` : '.'}`, hint);
  }
}

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

export async function execute(
  program: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const commandLine = formatCommandLine(program, args);
  if (options.echo !== false) core.info(`[command]${escapeUntrusted(commandLine)}`);
  const env = buildEnv(options);
  const group = options.processGroup === true && process.platform !== 'win32';
  const killGraceMs = options.killGraceMs ?? 5_000;
  // Loaded on first use: child_process brings net and dgram with it, about 20 ms of start-up
  // that the many runs which start no program would pay for nothing.
  const { spawn } = await import('node:child_process');
  const started = Date.now();

  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], {
      cwd: options.cwd,
      env,
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group (and session): the group's id is the child's pid.
      detached: group,
    });
    const groupId = group ? child.pid : undefined;
    if (groupId !== undefined) {
      liveGroups.add(groupId);
      installExitHook();
    }
    const signalChild = (signal: NodeJS.Signals) => {
      if (groupId !== undefined) signalGroup(groupId, signal);
      else child.kill(signal);
    };
    const stdout = new OutputBuffer(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
    const stderr = new OutputBuffer(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
    let timedOut = false;
    let stopped = false;
    let killTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;
    const terminate = () => {
      if (killTimer !== undefined) return;
      signalChild('SIGTERM');
      killTimer = setTimeout(() => {
        signalChild('SIGKILL');
        // A process outside our reach (one that left the group, or any descendant without
        // processGroup) may still hold the pipes open; 'close' must not wait for it.
        closeTimer = setTimeout(
          () => {
            child.stdout.destroy();
            child.stderr.destroy();
          },
          Math.min(killGraceMs, STREAM_GRACE_MS),
        );
      }, killGraceMs);
    };
    const timeoutTimer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            terminate();
          }, options.timeoutMs);
    const onAbort = () => {
      if (timedOut) return;
      stopped = true;
      terminate();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      stdout.add(chunk);
      options.onStdout?.(maskSecrets(chunk.toString('utf8')));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.add(chunk);
      options.onStderr?.(maskSecrets(chunk.toString('utf8')));
    });
    // A program that exits without reading its input closes the pipe; that is not our failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');

    const settle = () => {
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      clearTimeout(closeTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (groupId !== undefined) endGroup(groupId, killGraceMs);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle();
      if (error.code === 'ENOENT') {
        reject(
          new ActionError(
            `Could not run '${program}': it was not found on PATH.`,
            `Install ${program} in an earlier step, or check the spelling of the program name.`,
          ),
        );
      } else {
        reject(new ActionError(`Could not run '${program}': ${error.message}`));
      }
    });
    child.on('close', (exitCode, signal) => {
      settle();
      const result: ExecResult = {
        commandLine,
        exitCode,
        signal,
        stdout: maskSecrets(stdout.text()),
        stderr: maskSecrets(stderr.text()),
        stdoutTruncated: stdout.truncated,
        timedOut,
        ...(stopped ? { stopped } : {}),
        durationMs: Date.now() - started,
      };
      const ok =
        stopped ||
        (!timedOut &&
          (options.okExitCodes === 'any' || (options.okExitCodes ?? [0]).includes(exitCode ?? -1)));
      if (ok) resolve(result);
      else reject(new ExecError(result));
    });
  });
}

/** After SIGKILL, how long the output pipes may stay open before they are closed from our side. */
const STREAM_GRACE_MS = 1_000;

/** Process groups started with processGroup that may still have members. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(groupId: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-groupId, signal);
    return true;
  } catch {
    // ESRCH: nothing is left in the group.
    return false;
  }
}

/**
 * The program has ended; what it left running in its group is stopped too (SIGTERM, then SIGKILL
 * after the grace), so nothing it started outlives it unseen.
 */
function endGroup(groupId: number, killGraceMs: number): void {
  if (!signalGroup(groupId, 'SIGTERM')) {
    liveGroups.delete(groupId);
    return;
  }
  const timer = setTimeout(() => {
    signalGroup(groupId, 'SIGKILL');
    liveGroups.delete(groupId);
  }, killGraceMs);
  timer.unref();
}

/**
 * A detached group does not die with us: when this process exits (a cancelled run ends with
 * process.exit) before a group was stopped, it is killed here. Only synchronous work runs on
 * 'exit', so there is no grace: SIGKILL. A SIGKILL of this process itself cannot be caught.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killLiveGroups);
}

/** Kills every process group started with processGroup that may still run; exported for tests. */
export function killLiveGroups(): void {
  for (const groupId of liveGroups) signalGroup(groupId, 'SIGKILL');
  liveGroups.clear();
}

function buildEnv(options: ExecOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = options.inheritEnv === false ? {} : { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Keeps the head and the tail of large output: errors usually sit at the end. */
class OutputBuffer {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    const half = Math.floor(this.limit / 2);
    if (this.headBytes < half) {
      const take = chunk.subarray(0, half - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    let excess = this.tailBytes - (this.limit - half);
    while (excess > 0) {
      const first = this.tail[0];
      const cut = Math.min(excess, first.length);
      if (cut === first.length) this.tail.shift();
      else this.tail[0] = first.subarray(cut);
      this.tailBytes -= cut;
      this.dropped += cut;
      excess -= cut;
    }
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    if (this.dropped === 0) return head + tail;
    return `${head}\n[... ${this.dropped} bytes of output omitted ...]\n${tail}`;
  }
}

/** The command line as the log shows it: quoted like a shell would need, secrets masked. */
export function formatCommandLine(program: string, args: readonly string[]): string {
  return maskSecrets([program, ...args].map(quoteForDisplay).join(' '));
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

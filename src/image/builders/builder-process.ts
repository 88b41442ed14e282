import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../../core/errors.js';
import { execute, ExecError, type ExecResult } from '../../core/exec.js';
import { formatDuration } from '../../core/duration.js';
import { UntrustedOutput } from '../../core/log.js';

/**
 * Runs builder programs under one time budget for the whole build (build plus every push), and
 * turns their failures into messages that end with the builder's own last words.
 */

const ERROR_TAIL_LINES = 12;

export class Deadline {
  private readonly endsAt: number;

  constructor(readonly budgetMs: number) {
    this.endsAt = Date.now() + budgetMs;
  }

  remainingMs(): number {
    return this.endsAt - Date.now();
  }
}

export interface BuilderStepOptions {
  deadline: Deadline;
  env?: Record<string, string>;
  stdin?: string;
  /** Stream the program's output into the job log while it runs. */
  streamOutput?: boolean;
  okExitCodes?: number[] | 'any';
}

export async function runBuilderStep(
  step: string,
  program: string,
  args: readonly string[],
  options: BuilderStepOptions,
): Promise<ExecResult> {
  const remaining = options.deadline.remainingMs();
  if (remaining <= 0) throw timedOut(step, options.deadline);
  // The builder prints what the Dockerfile makes it print: untrusted, so never read as commands.
  const output = options.streamOutput ? new UntrustedOutput() : undefined;
  try {
    return await execute(program, args, {
      env: options.env,
      stdin: options.stdin,
      timeoutMs: remaining,
      killGraceMs: 3_000,
      okExitCodes: options.okExitCodes,
      onStdout: output?.print,
      onStderr: output?.print,
    });
  } catch (error) {
    if (!(error instanceof ExecError)) throw error;
    if (error.result.timedOut) throw timedOut(step, options.deadline);
    const how = error.result.signal
      ? `was killed by ${error.result.signal}`
      : `failed with exit code ${error.result.exitCode}`;
    const tail = lastLines(error.result.stderr.trim() ? error.result.stderr : error.result.stdout);
    throw new ActionError(
      `${step} ${how}.${tail ? ` Last lines of its output:\n${tail}` : ''}`,
      `The command was: ${error.result.commandLine}`,
      { cause: error },
    );
  } finally {
    output?.close();
  }
}

function timedOut(step: string, deadline: Deadline): ActionError {
  return new ActionError(
    `${step} did not finish within the build timeout of ${formatDuration(deadline.budgetMs)} and was stopped.`,
    'Raise the build timeout, or look in the log above for the step that hangs (a network fetch, a pull).',
  );
}

export function lastLines(text: string, count = ERROR_TAIL_LINES): string {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}

/** A private scratch directory for id and digest files; RUNNER_TEMP when on a runner. */
export async function withScratchDirectory<T>(body: (directory: string) => Promise<T>) {
  const directory = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'slipway-build-'));
  try {
    return await body(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

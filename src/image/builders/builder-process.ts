import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../../core/errors.js';
import { execute, ExecError, type ExecResult } from '../../core/exec.js';
import { formatDuration } from '../../core/duration.js';
import { UntrustedOutput } from '../../core/log.js';
import { retry } from '../../core/retry.js';

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

/** What a builder prints when the registry answered a server error (5xx) or a gateway failed. */
const SERVER_ERROR =
  /\b5\d\d\b[^\n]*(?:error|unavailable|gateway|timeout)|(?:status|code)[: ]+5\d\d\b|internal server error|service unavailable|bad gateway|gateway time-?out/i;

/**
 * Runs a push like `runBuilderStep`, retried with backoff (core's policy) when the registry
 * answered 5xx, as promotion is; never on 4xx or other failures. Pushes are idempotent.
 */
export async function runPushStep(
  step: string,
  program: string,
  args: readonly string[],
  options: BuilderStepOptions,
  retryOptions: { baseDelayMs?: number; maxAttempts?: number } = {},
): Promise<ExecResult> {
  return retry(() => runBuilderStep(step, program, args, options), {
    maxAttempts: retryOptions.maxAttempts ?? 4,
    baseDelayMs: retryOptions.baseDelayMs,
    deadlineMs: Math.max(0, options.deadline.remainingMs()),
    shouldRetry: (error) => isServerErrorPush(error),
    onRetry: (event) =>
      process.stdout.write(
        `${step}: the registry answered a server error; retry ${event.nextAttempt - 1} of ${event.maxAttempts - 1} in ${Math.round(event.delayMs / 100) / 10}s\n`,
      ),
  });
}

function isServerErrorPush(error: unknown): boolean {
  const cause = error instanceof ActionError ? error.cause : undefined;
  if (!(cause instanceof ExecError) || cause.result.timedOut) return false;
  return SERVER_ERROR.test(`${cause.result.stderr}\n${cause.result.stdout}`);
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

export interface PushedTags {
  /** The digest the first tag got; absent when no push reported one. */
  digest?: string;
  pushed: string[];
  warnings: string[];
}

/**
 * Pushes the tags one after another with `pushOne`, which answers the digest the registry got.
 * Every tag should end at one digest; one that did not (or reported none) is warned about.
 */
export async function pushEachTag(
  tags: readonly string[],
  pushOne: (tag: string, index: number) => Promise<string | undefined>,
): Promise<PushedTags> {
  const result: PushedTags = { pushed: [], warnings: [] };
  for (const [index, tag] of tags.entries()) {
    const tagDigest = await pushOne(tag, index);
    if (tagDigest === undefined) result.warnings.push(`The push of ${tag} reported no digest.`);
    else if (result.digest === undefined) result.digest = tagDigest;
    else if (tagDigest !== result.digest) {
      result.warnings.push(
        `${tag} was pushed as ${tagDigest}, not ${result.digest} like ${result.pushed[0]}.`,
      );
    }
    result.pushed.push(tag);
  }
  return result;
}

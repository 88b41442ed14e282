/**
 * The `load-test` and `load-test-rate` inputs: what runs during each step so that a service with
 * little traffic of its own still gives the canary `min-requests` requests, as Flagger's load
 * tester does. The value is either an http(s) URL, which the action itself calls at
 * `load-test-rate` requests per second, or a command line, split into a program and arguments
 * with core's command-line grammar and run without a shell.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import * as core from '@actions/core';
import { splitCommandLine } from '../core/command-line.js';
import { InputError } from '../core/errors.js';
import { readNumber } from '../core/inputs.js';
import { registerSecret } from '../core/secrets.js';
import { checkUrlInput } from '../core/url.js';
import type { CanaryMode } from './types.js';

export type LoadTest =
  | {
      kind: 'url';
      /** An absolute http(s) URL; a password in it is registered as a secret. */
      url: string;
      ratePerSecond: number;
    }
  | {
      kind: 'command';
      program: string;
      args: string[];
    };

export const LOAD_TEST_URL_EXAMPLE = 'http://web.production.svc:8080/';
export const LOAD_TEST_COMMAND_EXAMPLE = 'hey -z 1h -q 5 -c 4 http://web.production.svc:8080/';
export const DEFAULT_LOAD_TEST_RATE = 20;
export const MAX_LOAD_TEST_RATE = 1000;

/**
 * Reads both inputs; undefined when `load-test` is empty, and with mode abort, which runs no step:
 * there a load tester missing on the runner must not stop a revert.
 */
export function readLoadTest(mode: CanaryMode): LoadTest | undefined {
  if (mode === 'abort') return undefined;
  const rate = readNumber('load-test-rate', { min: 0, max: MAX_LOAD_TEST_RATE, example: '20' });
  if (rate === 0) {
    throw new InputError(
      'load-test-rate',
      'must be above 0 requests per second; to send no load, leave load-test empty.',
      String(DEFAULT_LOAD_TEST_RATE),
    );
  }
  const loadTest = parseLoadTest(core.getInput('load-test'), rate);
  if (loadTest?.kind === 'command' && rate !== undefined) {
    core.warning(
      "Input 'load-test-rate' is used only when load-test is a URL; a load-test command sets its own rate.",
    );
  }
  if (loadTest === undefined && rate !== undefined) {
    core.warning("Input 'load-test-rate' does nothing without load-test.");
  }
  return loadTest;
}

/**
 * `text` as a load test: a URL when it starts with a scheme (`https://`), otherwise a command
 * line whose program must exist now, before any canary is created.
 */
export function parseLoadTest(
  text: string,
  ratePerSecond: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): LoadTest | undefined {
  const given = text.trim();
  if (given === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) {
    const url = checkUrlInput('load-test', given, { example: LOAD_TEST_URL_EXAMPLE });
    // Credentials in the URL become basic auth; they are as secret as any header.
    const { username, password } = new URL(url);
    registerSecret(password);
    // Basic auth sends them decoded; a % that does not decode would fail only at the first step.
    for (const [part, text] of [
      ['password', password],
      ['user name', username],
    ] as const) {
      if (decodes(text)) continue;
      throw new InputError(
        'load-test',
        `has a ${part} in its URL that cannot be decoded: it is sent as basic auth after decoding its %XX escapes, and a % there must begin one (two hex digits, UTF-8). Write a literal % as %25.`,
        'http://loadtest:pa%25ss@web.example.com/',
      );
    }
    registerSecret(decodeURIComponent(password));
    return { kind: 'url', url, ratePerSecond: ratePerSecond ?? DEFAULT_LOAD_TEST_RATE };
  }
  if (/^[a-z0-9.-]+:\d+(\/\S*)?$/i.test(given)) {
    throw new InputError(
      'load-test',
      `must be an http(s) URL or a command line; '${given}' looks like a URL without its scheme.`,
      `http://${given}`,
    );
  }
  const split = splitCommandLine(given, env);
  if ('problem' in split) {
    throw new InputError(
      'load-test',
      `must be an http(s) URL or a command line; '${given}' ${split.problem}. The command runs without a shell: give one program and its arguments, or put the pipeline in a script and run that.`,
      LOAD_TEST_COMMAND_EXAMPLE,
    );
  }
  if (!findProgram(split.program, env, cwd)) {
    const where = split.program.includes('/')
      ? `'${split.program}' is not an executable file`
      : `its program '${split.program}' is not on PATH`;
    throw new InputError(
      'load-test',
      `names a command that cannot run: ${where}. Install it in an earlier step, give its path, or give a URL for the action to call.`,
      LOAD_TEST_COMMAND_EXAMPLE,
    );
  }
  return { kind: 'command', program: split.program, args: split.args };
}

/** Whether `program` resolves to an executable file as spawn would find it. */
function findProgram(program: string, env: NodeJS.ProcessEnv, cwd: string): boolean {
  const candidates = program.includes('/')
    ? [isAbsolute(program) ? program : resolve(cwd, program)]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter((directory) => directory !== '')
        .map((directory) => join(resolve(cwd, directory), program));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

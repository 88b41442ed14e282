import { describeThrown } from '../../core/errors.js';
import { execute, type ExecResult } from '../../core/exec.js';
import { escapeUntrusted } from '../../core/log.js';
import { DOCKER_HUB, isRecord, maskCredentials } from './auth-files.js';

/**
 * Asking a docker credential helper (credHelpers, credsStore) for a registry's credentials. It
 * runs a program the workflow's files name, so it lives apart from the store: this is the one
 * place that decides how that program is run (no shell, a timeout, bounded output) and how its
 * answer is read, and every secret it returns is masked before anything else sees it.
 */

/** The server address docker itself gives credential helpers for Docker Hub. */
const DOCKER_HUB_HELPER_ADDRESS = 'https://index.docker.io/v1/';
const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
/** A helper's answer is a small JSON object; more is not credentials. */
const MAX_HELPER_OUTPUT = 64 * 1024;

/** The server address to ask a helper about `host`, as docker asks it. */
export function helperAddress(host: string): string {
  return host === DOCKER_HUB ? DOCKER_HUB_HELPER_ADDRESS : host;
}

export type HelperAnswer =
  | { kind: 'found'; username: string; secret: string; identityToken: boolean }
  | { kind: 'absent' | 'failed'; reason: string };

/**
 * `docker-credential-<helper> get` with the server address on stdin, as docker runs it: an
 * argument array, no shell, a timeout. "credentials not found" is a normal answer; anything else
 * going wrong is a warning, and the search goes on.
 */
export async function runHelper(
  helper: string,
  address: string,
  timeoutMs = DEFAULT_HELPER_TIMEOUT_MS,
  env?: NodeJS.ProcessEnv,
): Promise<HelperAnswer> {
  const program = `docker-credential-${helper}`;
  let result: ExecResult;
  try {
    result = await execute(program, ['get'], {
      stdin: address,
      timeoutMs,
      killGraceMs: 1_000,
      echo: false,
      okExitCodes: 'any',
      maxOutputBytes: MAX_HELPER_OUTPUT,
      ...(env && { env: env as Record<string, string | undefined>, inheritEnv: false }),
    });
  } catch (error) {
    const timedOut = (error as { result?: ExecResult }).result?.timedOut;
    return {
      kind: 'failed',
      reason: timedOut
        ? `it did not answer within ${timeoutMs / 1_000}s`
        : describeThrown(error).split('\n')[0],
    };
  }
  if (result.exitCode !== 0) {
    // The helper protocol's answer for an unknown server (docker-credential-helpers' message).
    const text = `${result.stderr}\n${result.stdout}`;
    if (/credentials not found/i.test(text)) return { kind: 'absent', reason: 'none stored' };
    // Only stderr: a helper's stdout might hold more than an error message.
    const last = result.stderr.trim().split('\n').slice(-1)[0] ?? '';
    return {
      kind: 'failed',
      reason: `it exited with code ${result.exitCode}${last ? `: ${escapeUntrusted(last)}` : ''}`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    return { kind: 'failed', reason: 'its answer is not JSON' };
  }
  if (!isRecord(parsed) || typeof parsed.Secret !== 'string' || parsed.Secret === '') {
    return { kind: 'failed', reason: 'its answer has no Secret' };
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  // A helper stores an identity token under the user name `<token>` (docker's convention).
  const identityToken = username === '<token>';
  maskCredentials(username, parsed.Secret);
  return { kind: 'found', username, secret: parsed.Secret, identityToken };
}

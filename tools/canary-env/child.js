// @ts-check
/**
 * Child processes for the canary environment: started from argument arrays (never a shell),
 * with the tail of their stderr kept for error messages, and stopped so that none outlives a test,
 * even one whose process is killed before it can stop them.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';

const TAIL_CHARS = 4000;

/**
 * The path of `program` as spawn would find it on the PATH, or undefined.
 * @param {string} program
 */
function findProgram(program) {
  const candidates = program.includes('/')
    ? [program]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir || '.', program));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** @type {string | undefined | null} null until looked up */
let setprivPath = null;

/**
 * How to start `program` so that the kernel kills it when the process that started it dies
 * without stopping it (a test worker killed or crashed, a run interrupted): util-linux's setpriv
 * sets the parent-death signal and then execs the program in place, keeping its pid. Without it
 * an orphaned Prometheus keeps scraping its targets' ports long after they are freed, and the
 * next server to get such a port (another test's fake API) receives its GET /metrics.
 * @param {string} program
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function tiedToParent(program, args) {
  if (setprivPath === null) {
    setprivPath = process.platform === 'linux' ? findProgram('setpriv') : undefined;
  }
  if (!setprivPath) return [program, args];
  return [setprivPath, ['--pdeathsig', 'SIGKILL', '--', program, ...args]];
}

/**
 * @typedef {object} Child
 * @property {import('node:child_process').ChildProcess} process
 * @property {number} pid
 * @property {() => string} stderrTail the last few thousand characters written to stderr
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {() => boolean} running
 * @property {(graceMs?: number) => Promise<void>} stop SIGTERM, then SIGKILL after graceMs
 */

/**
 * @param {string} program
 * @param {string[]} args
 * @param {{ cwd?: string, missingHint?: string }} [options]
 * @returns {Promise<Child>} once the process has been spawned (or rejects if it could not be)
 */
export function startChild(program, args, options = {}) {
  // Looked up here because, once setpriv runs, a missing program is only an exit code 127.
  if (!findProgram(program)) return Promise.reject(notFound(program, options.missingHint));
  const child = spawn(...tiedToParent(program, args), {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (/** @type {string} */ chunk) => {
    stderr = (stderr + chunk).slice(-TAIL_CHARS);
  });
  let exitedNow = false;
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitedNow = true;
      resolve({ code, signal });
    });
  });
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      const missing = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT';
      reject(
        missing
          ? notFound(program, options.missingHint)
          : new Error(`${program} could not be started: ${error.message}`),
      );
    });
    child.once('spawn', () => {
      const pid = /** @type {number} */ (child.pid);
      resolve({
        process: child,
        pid,
        stderrTail: () => stderr.trim(),
        exited,
        running: () => !exitedNow,
        async stop(graceMs = 3000) {
          if (exitedNow) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

/**
 * @param {string} program
 * @param {string | undefined} hint
 */
function notFound(program, hint) {
  return new Error(`${program} was not found.${hint ? ` ${hint}` : ''}`);
}

/**
 * Waits until `ready` resolves, failing early with the stderr tail if the child exits first.
 * @template T
 * @param {Child} child
 * @param {string} name what the child is, for messages
 * @param {Promise<T>} ready
 * @returns {Promise<T>}
 */
export function unlessExited(child, name, ready) {
  const exitedEarly = child.exited.then(({ code, signal }) => {
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const tail = child.stderrTail();
    throw new Error(`${name} exited early (${how})${tail ? `:\n${tail}` : ' without output'}`);
  });
  return Promise.race([ready, exitedEarly]);
}

/**
 * Resolves with the first capture group of the first stdout line matching `pattern`.
 * @param {Child} child
 * @param {RegExp} pattern
 * @returns {Promise<string>}
 */
export function stdoutLine(child, pattern) {
  const stdout = child.process.stdout;
  if (!stdout) return Promise.reject(new Error('the child has no stdout pipe'));
  stdout.setEncoding('utf8');
  let buffered = '';
  return new Promise((resolve) => {
    /** @param {string} chunk */
    const onData = (chunk) => {
      buffered += chunk;
      const match = pattern.exec(buffered);
      if (!match) return;
      stdout.off('data', onData);
      stdout.resume();
      resolve(match[1]);
    };
    stdout.on('data', onData);
  });
}

/**
 * Rejects after `ms` with a message saying what did not happen in time.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() =>
    clearTimeout(timer),
  );
}

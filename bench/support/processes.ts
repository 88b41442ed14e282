import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessRun {
  exitCode: number | null;
  /** From spawn to exit, as the runner waits for a step's process. */
  ms: number;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** The environment benchmarks give their processes: this one's, less NODE_EXTRA_CA_CERTS. */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export function runTimed(
  program: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? benchEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      resolve({
        exitCode,
        ms,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

const GNU_TIME = '/usr/bin/time';

/**
 * The peak resident set of a process, from the kernel's accounting as GNU time reports it (%M,
 * in KiB). Run apart from the timed runs, so that the wrapper adds nothing to those.
 */
export async function peakRssBytes(
  program: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<{ bytes: number; run: ProcessRun }> {
  if (!existsSync(GNU_TIME)) {
    throw new Error(
      `${GNU_TIME} is missing: install the Debian package 'time' (see .ci/packages.txt).`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-time-'));
  try {
    const report = join(dir, 'rss');
    const run = await runTimed(GNU_TIME, ['-f', '%M', '-o', report, program, ...args], options);
    const kib = Number((await readFile(report, 'utf8')).trim().split('\n').at(-1));
    if (!Number.isFinite(kib)) throw new Error(`GNU time gave no peak RSS for ${program}`);
    return { bytes: kib * 1024, run };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

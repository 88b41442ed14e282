import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  commandEnvironment,
  describeLoadTestStep,
  LoadTestRunner,
  type LoadTestStepRecord,
} from '../../src/canary/load-test.js';
import type { LoadTest } from '../../src/canary/load-test-input.js';
import { captureStdout } from '../support/capture-stdout.js';
import { processExists } from '../support/canary-env.js';

const NODE = process.execPath;
/** A script's way to write a file whole (a reader never sees it half-written). */
const WRITE =
  '((file, text) => { const fs = require("fs"); fs.writeFileSync(file + ".part", text); fs.renameSync(file + ".part", file); })';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const servers: Server[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-load-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_request, response) => {
    hits += 1;
    response.end('ok');
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, hits: () => hits };
}

/** Resolves once `file` exists (a started program wrote it), or fails after 10 s. */
async function fileWritten(file: string): Promise<string> {
  for (let waited = 0; ; waited += 50) {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if (waited > 10_000) throw error;
      await sleep(50);
    }
  }
}

/**
 * Resolves true once `pid` is gone (process.kill(pid, 0) throws ESRCH), false after 5 s. A killed
 * orphan stays a zombie where nothing reaps orphans (a container's PID 1); it runs no more.
 */
async function gone(pid: number): Promise<boolean> {
  for (const end = Date.now() + 5_000; Date.now() < end; await sleep(25)) {
    if (!processExists(pid)) return true;
    try {
      if (/^\d+ \(.*\) Z /.test(await readFile(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      // No /proc (macOS): process.kill alone answers.
    }
  }
  return false;
}

/** One step that lasts until `file` is written, capturing the log. */
async function stepUntilWritten(runner: LoadTestRunner, weight: number, file: string) {
  let content = '';
  const log = await captureStdout(async () => {
    const activity = runner.duringStep(weight);
    content = await fileWritten(file);
    await activity.stop();
  });
  return { ...log, content };
}

/** Runs the load test through steps of `ms` each, as the progression does, capturing the log. */
async function runSteps(runner: LoadTestRunner, weights: number[], ms: number) {
  return captureStdout(async () => {
    for (const weight of weights) {
      const activity = runner.duringStep(weight);
      await sleep(ms);
      await activity.stop();
    }
  });
}

describe('LoadTestRunner with a URL', () => {
  it('calls the URL during each step only, and records and notes each step', async () => {
    const target = await serve();
    const notes: string[] = [];
    const runner = new LoadTestRunner(
      { kind: 'url', url: target.url, ratePerSecond: 40 },
      { note: (line) => notes.push(line) },
    );
    const { commands, text } = await runSteps(runner, [20, 50], 500);
    const afterSteps = target.hits();
    await sleep(200);
    expect(target.hits()).toBe(afterSteps);
    expect(runner.steps.map((step) => [step.kind, step.weight])).toEqual([
      ['url', 20],
      ['url', 50],
    ]);
    for (const step of runner.steps) {
      if (step.kind !== 'url') throw new Error('expected URL steps');
      expect(step.sent).toBeGreaterThanOrEqual(10);
      expect(step.answered['2xx'] + step.unfinished).toBe(step.sent);
    }
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(
      /^Load test at 20%: \d+ requests sent in \d+\.\ds: \d+ answered \(\d+ 2xx\)/,
    );
    expect(text).toContain(`Load test: GET ${target.url} at 40 requests/s during each step`);
    expect(commands.filter((c) => c.command === 'warning')).toEqual([]);
  });

  it('warns once when nothing answers, and never shows the query values', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const runner = new LoadTestRunner({
      kind: 'url',
      url: `http://127.0.0.1:${port}/?token=abc123`,
      ratePerSecond: 20,
    });
    const { commands, text } = await runSteps(runner, [10, 20], 200);
    const warnings = commands.filter((c) => c.command === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(
      /none of the \d+ requests to http:\/\/127\.0\.0\.1:\d+\/\?token=\*\*\* at 10% was answered \(ECONNREFUSED\)/,
    );
    expect(text).not.toContain('abc123');
  });
});

describe('LoadTestRunner with a command', () => {
  it('runs the command for the step, without a shell, and stops it as the step ends', async () => {
    const pidFile = join(dir, 'pid');
    const script = `${WRITE}(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)`;
    const test: LoadTest = { kind: 'command', program: NODE, args: ['-e', script, pidFile] };
    const notes: string[] = [];
    const runner = new LoadTestRunner(test, { note: (line) => notes.push(line) });
    const { text, commands, content } = await stepUntilWritten(runner, 25, pidFile);
    const pid = Number(content);
    expect(processExists(pid)).toBe(false);
    expect(runner.steps).toEqual([
      expect.objectContaining({ kind: 'command', weight: 25, starts: 1, problem: undefined }),
    ]);
    expect(notes[0]).toMatch(
      /^Load test at 25%: the command ran \d+\.\ds of the step's \d+\.\ds\.$/,
    );
    expect(text).toMatch(/Load test: running \S+ -e .* during each step, without a shell/);
    expect(commands.filter((c) => c.command === 'warning')).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')(
    'stops what the command started with it, and the step does not wait for it',
    async () => {
      // A wrapper script that does not exec its load tester: the tester inherits the output.
      const pidFile = join(dir, 'grandchild');
      const script = `sleep 30 & echo $! > "$1.part" && mv "$1.part" "$1"; wait`;
      const runner = new LoadTestRunner(
        { kind: 'command', program: 'sh', args: ['-c', script, 'load.sh', pidFile] },
        { killGraceMs: 2_000 },
      );
      let stoppedIn = 0;
      let grandchild = 0;
      await captureStdout(async () => {
        const activity = runner.duringStep(10);
        grandchild = Number(await fileWritten(pidFile));
        const started = Date.now();
        await activity.stop();
        stoppedIn = Date.now() - started;
      });
      try {
        expect(grandchild).toBeGreaterThan(0);
        expect(stoppedIn).toBeLessThan(2_000);
        expect(await gone(grandchild)).toBe(true);
        expect(runner.steps).toEqual([expect.objectContaining({ starts: 1 })]);
      } finally {
        try {
          process.kill(grandchild, 'SIGKILL');
        } catch {
          // Gone, as it should be.
        }
      }
    },
  );

  it('kills a command that ignores SIGTERM once the grace period ends', async () => {
    const stubborn = 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)';
    const runner = new LoadTestRunner(
      { kind: 'command', program: NODE, args: ['-e', stubborn] },
      { killGraceMs: 300 },
    );
    const started = Date.now();
    await runSteps(runner, [10], 300);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(runner.steps).toHaveLength(1);
  });

  it('starts an early-exiting command again no more often than the gap, saying so once with its last lines kept inert', async () => {
    const script = [
      'for (let i = 1; i <= 30; i++) console.log("line " + i);',
      'process.stderr.write("::" + "error::from the load tester\\n" + "x".repeat(1000));',
      'process.exit(3);',
    ].join(' ');
    const runner = new LoadTestRunner(
      { kind: 'command', program: NODE, args: ['-e', script] },
      { restartGapMs: 250 },
    );
    const { commands, text } = await runSteps(runner, [10, 20], 1_500);
    const warnings = commands.filter((c) => c.command === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(
      /the command exited with code 3 after \d+\.\ds, before the step ended; it is started again, at most once every 0\.25s/,
    );
    // Only the last 20 lines, each cut short, inside stop-commands: the runner obeys none of them.
    expect(text).toContain('Its last 20 lines of output:');
    expect(text).toContain('line 30');
    expect(text).not.toContain('line 12\n');
    expect(text).toContain(`${'x'.repeat(300)}…`);
    expect(commands.some((c) => c.command === 'error')).toBe(false);
    expect(text.match(/line 30/g)).toHaveLength(1);
    for (const step of runner.steps) {
      if (step.kind !== 'command') throw new Error('expected command steps');
      // 1.5 s with a 250 ms gap: a few starts, never a tight loop.
      expect(step.starts).toBeGreaterThanOrEqual(2);
      expect(step.starts).toBeLessThanOrEqual(7);
      expect(step.lastEarlyExit).toBe('exited with code 3');
      expect(describeLoadTestStep(step)).toMatch(
        /started \d times, it last exited with code 3 early\.$/,
      );
    }
  });

  it('gives the command the environment without the action inputs or the runner files', async () => {
    vi.stubEnv('INPUT_KUBECONFIG', 'apiVersion: v1');
    vi.stubEnv('GITHUB_OUTPUT', join(dir, 'output'));
    vi.stubEnv('SLIPWAY_LOAD_VISIBLE', 'yes');
    vi.stubEnv('ACTIONS_RUNTIME_TOKEN', 'runtime-token');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'oidc-token');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', 'https://token.actions.example/');
    vi.stubEnv('ACTIONS_RUNTIME_URL', 'https://runtime.actions.example/');
    vi.stubEnv('ACTIONS_RESULTS_URL', 'https://results.actions.example/');
    vi.stubEnv('ACTIONS_CACHE_URL', 'https://cache.actions.example/');
    vi.stubEnv('GITHUB_SHA', 'abc123');
    const envFile = join(dir, 'env.json');
    const script = `${WRITE}(process.argv[1], JSON.stringify(process.env)); setInterval(() => {}, 1000)`;
    const runner = new LoadTestRunner({
      kind: 'command',
      program: NODE,
      args: ['-e', script, envFile],
    });
    const { content } = await stepUntilWritten(runner, 10, envFile);
    const seen = JSON.parse(content) as Record<string, string>;
    expect(seen.SLIPWAY_LOAD_VISIBLE).toBe('yes');
    expect(seen.INPUT_KUBECONFIG).toBeUndefined();
    expect(seen.GITHUB_OUTPUT).toBeUndefined();
    expect(Object.keys(seen).filter((name) => name.startsWith('ACTIONS_'))).toEqual([]);
    expect(seen.GITHUB_SHA).toBe('abc123');
    expect(commandEnvironment({ INPUT_X: 'a', PATH: '/bin' })).toMatchObject({
      INPUT_X: undefined,
      GITHUB_STATE: undefined,
    });
  });

  it('warns once when the command cannot be started and does not try again in later steps', async () => {
    const runner = new LoadTestRunner({ kind: 'command', program: join(dir, 'gone'), args: [] });
    const { commands } = await runSteps(runner, [10, 20], 100);
    const warnings = commands.filter((c) => c.command === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/Load test: Could not run .*gone.*It is not started again/);
    expect(runner.steps.map((step) => step.kind === 'command' && step.starts)).toEqual([1, 0]);
  });
});

describe('describeLoadTestStep', () => {
  const url = {
    kind: 'url' as const,
    weight: 10,
    sent: 120,
    answered: { '2xx': 100, '3xx': 0, '4xx': 0, '5xx': 5 },
    failed: 10,
    skipped: 3,
    unfinished: 2,
    firstFailure: 'ECONNRESET',
    durationMs: 6_040,
  };
  it.each<[LoadTestStepRecord, string]>([
    [
      url,
      'Load test at 10%: 120 requests sent in 6.0s: 105 answered (100 2xx, 5 5xx), 10 failed (ECONNRESET), 3 skipped while too many were unanswered, 2 unanswered when the step ended.',
    ],
    [
      {
        ...url,
        answered: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
        failed: 0,
        skipped: 0,
        unfinished: 0,
        sent: 0,
      },
      'Load test at 10%: 0 requests sent in 6.0s: 0 answered.',
    ],
    [
      {
        kind: 'command',
        weight: 50,
        durationMs: 30_000,
        ranMs: 29_500,
        starts: 1,
        lastEarlyExit: undefined,
        problem: undefined,
      },
      "Load test at 50%: the command ran 29.5s of the step's 30.0s.",
    ],
    [
      {
        kind: 'command',
        weight: 50,
        durationMs: 0,
        ranMs: 0,
        starts: 1,
        lastEarlyExit: undefined,
        problem: "Could not run 'hey': it was not found on PATH.",
      },
      "Load test at 50%: the command could not be started (Could not run 'hey': it was not found on PATH.).",
    ],
  ])('%#', (record, line) => {
    expect(describeLoadTestStep(record)).toBe(line);
  });
});

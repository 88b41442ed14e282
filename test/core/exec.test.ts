import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import { ExecError, execute, killLiveGroups } from '../../src/core/exec.js';
import { forgetSecretsForTesting, registerSecret } from '../../src/core/secrets.js';
import { captureStdout } from '../support/capture-stdout.js';

const NODE = process.execPath;
const quiet = { echo: false } as const;

afterEach(() => forgetSecretsForTesting());

/** Grandchildren a test started; killed after it whatever happened, so none outlives the run. */
const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/**
 * Whether `pid` still runs: process.kill(pid, 0) throws ESRCH once it is gone. A killed orphan
 * stays a zombie where nothing reaps orphans (a container whose PID 1 does not); it runs no more.
 */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ESRCH');
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function until(condition: () => boolean, ms = 5_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

/** A shell that starts `sleep 30` in the background, prints its pid and waits for it. */
const WITH_GRANDCHILD = ['-c', 'sleep 30 & echo $!; wait'];

async function rejection(promise: Promise<unknown>): Promise<ExecError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExecError) return error;
    throw error;
  }
  throw new Error('expected the program to fail');
}

describe('execute', () => {
  it('passes arguments verbatim: nothing is interpreted by a shell', async () => {
    const hostile = ['$(touch /tmp/pwned)', '; rm -rf /', '*', '`id`', "it's", 'a b'];
    const result = await execute(
      NODE,
      ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...hostile],
      quiet,
    );
    expect(JSON.parse(result.stdout)).toEqual(hostile);
  });

  it('feeds stdin and sets, replaces and unsets environment variables', async () => {
    process.env.SLIPWAY_TEST_INHERITED = 'yes';
    const script =
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify({s,a:process.env.A,i:process.env.SLIPWAY_TEST_INHERITED ?? null})))';
    const result = await execute(NODE, ['-e', script], {
      ...quiet,
      stdin: 'hello\n',
      env: { A: '1' },
    });
    expect(JSON.parse(result.stdout)).toEqual({ s: 'hello\n', a: '1', i: 'yes' });

    const unset = await execute(NODE, ['-e', script], {
      ...quiet,
      env: { SLIPWAY_TEST_INHERITED: undefined },
    });
    expect(JSON.parse(unset.stdout).i).toBeNull();
    delete process.env.SLIPWAY_TEST_INHERITED;
  });

  it('fails with the exit code and the last lines of stderr', async () => {
    const error = await rejection(
      execute(
        NODE,
        ['-e', 'console.error("line1\\nline2\\nError: image not found"); process.exit(3)'],
        quiet,
      ),
    );
    expect(error.result.exitCode).toBe(3);
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('Error: image not found');
  });

  it('returns any exit code when asked to', async () => {
    const result = await execute(NODE, ['-e', 'process.exit(2)'], { ...quiet, okExitCodes: 'any' });
    expect(result.exitCode).toBe(2);
  });

  it('stops a program that outlives its timeout', async () => {
    const error = await rejection(
      execute(NODE, ['-e', 'setTimeout(() => {}, 30000)'], { ...quiet, timeoutMs: 300 }),
    );
    expect(error.result.timedOut).toBe(true);
    expect(error.result.signal).toBe('SIGTERM');
    expect(error.message).toMatch(/timed out after \d+ms and was stopped/);
  });

  it('kills a program that ignores SIGTERM once the grace period ends', async () => {
    const stubborn =
      'process.on("SIGTERM", () => {}); console.log("ready"); setTimeout(() => {}, 30000)';
    const error = await rejection(
      execute(NODE, ['-e', stubborn], { ...quiet, timeoutMs: 500, killGraceMs: 300 }),
    );
    expect(error.result.signal).toBe('SIGKILL');
  });

  it('stops a program when the caller aborts, SIGTERM first, and that is no error', async () => {
    const controller = new AbortController();
    const running = execute(NODE, ['-e', 'console.log("up"); setTimeout(() => {}, 30000)'], {
      ...quiet,
      signal: controller.signal,
      onStdout: () => controller.abort(),
    });
    const result = await running;
    expect(result).toMatchObject({ stopped: true, timedOut: false, signal: 'SIGTERM' });
    expect(result.stdout).toBe('up\n');
  });

  it('kills an aborted program that ignores SIGTERM after the grace period', async () => {
    const stubborn =
      'process.on("SIGTERM", () => {}); console.log("ready"); setTimeout(() => {}, 30000)';
    const controller = new AbortController();
    const result = await execute(NODE, ['-e', stubborn], {
      ...quiet,
      signal: controller.signal,
      killGraceMs: 300,
      onStdout: () => controller.abort(),
    });
    expect(result).toMatchObject({ stopped: true, signal: 'SIGKILL' });
  });

  it('does not let an already aborted signal run the program on', async () => {
    const result = await execute(NODE, ['-e', 'setTimeout(() => {}, 30000)'], {
      ...quiet,
      signal: AbortSignal.abort(),
    });
    expect(result.stopped).toBe(true);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('says which program is missing from PATH', async () => {
    await expect(execute('slipway-no-such-program', [], quiet)).rejects.toThrow(ActionError);
    await expect(execute('slipway-no-such-program', [], quiet)).rejects.toThrow(
      "Could not run 'slipway-no-such-program': it was not found on PATH.",
    );
  });

  it('masks registered secrets in the echoed command line and in captured output', async () => {
    await captureStdout(() => registerSecret('tok-1234567890'));
    const { text } = await captureStdout(() =>
      execute(NODE, [
        '-e',
        'console.log("token is " + process.argv[1]); console.error(process.argv[1])',
        'tok-1234567890',
      ]),
    );
    expect(text).toContain('[command]');
    expect(text).not.toContain('tok-1234567890');
    const result = await execute(
      NODE,
      ['-e', 'console.log(process.argv[1])', 'tok-1234567890'],
      quiet,
    );
    expect(result.stdout.trim()).toBe('***');
    expect(result.commandLine).not.toContain('tok-1234567890');
  });

  it('keeps the start and the end of output larger than the limit', async () => {
    const script = 'process.stdout.write("START" + "x".repeat(200000) + "END")';
    const result = await execute(NODE, ['-e', script], { ...quiet, maxOutputBytes: 1_000 });
    expect(result.stdout.startsWith('START')).toBe(true);
    expect(result.stdout.endsWith('END')).toBe(true);
    expect(result.stdout).toMatch(/\[\.\.\. \d+ bytes of output omitted \.\.\.\]/);
    expect(result.stdout.length).toBeLessThan(1_200);
    expect(result.stdoutTruncated).toBe(true);
  });

  describe.skipIf(process.platform === 'win32')('with processGroup', () => {
    it('stops what the program started, within the grace, and the grandchild is gone', async () => {
      const controller = new AbortController();
      let grandchild = 0;
      const started = Date.now();
      const result = await execute('sh', WITH_GRANDCHILD, {
        ...quiet,
        processGroup: true,
        killGraceMs: 2_000,
        signal: controller.signal,
        onStdout: (text) => {
          grandchild = Number(text.trim());
          strays.push(grandchild);
          controller.abort();
        },
      });
      expect(result).toMatchObject({ stopped: true, signal: 'SIGTERM' });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(grandchild).toBeGreaterThan(0);
      expect(await until(() => !running(grandchild))).toBe(true);
    });

    it('kills the whole group with SIGKILL when a grandchild ignores SIGTERM', async () => {
      const controller = new AbortController();
      let grandchild = 0;
      const stubborn = `trap '' TERM; sleep 30 & echo $!; wait`;
      const started = Date.now();
      const result = await execute('sh', ['-c', stubborn], {
        ...quiet,
        processGroup: true,
        killGraceMs: 300,
        signal: controller.signal,
        onStdout: (text) => {
          grandchild = Number(text.trim());
          strays.push(grandchild);
          controller.abort();
        },
      });
      expect(result).toMatchObject({ stopped: true, signal: 'SIGKILL' });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await until(() => !running(grandchild))).toBe(true);
    });

    it('stops on a timeout the same way', async () => {
      let grandchild = 0;
      const error = await rejection(
        execute('sh', WITH_GRANDCHILD, {
          ...quiet,
          processGroup: true,
          timeoutMs: 300,
          onStdout: (text) => {
            grandchild = Number(text.trim());
            strays.push(grandchild);
          },
        }),
      );
      expect(error.result.timedOut).toBe(true);
      expect(error.result.durationMs).toBeLessThan(3_000);
      expect(await until(() => !running(grandchild))).toBe(true);
    });

    it('stops what the program left running in its group when it ends', async () => {
      const result = await execute('sh', ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], {
        ...quiet,
        processGroup: true,
        killGraceMs: 300,
      });
      const grandchild = Number(result.stdout.trim());
      strays.push(grandchild);
      expect(result.exitCode).toBe(0);
      expect(await until(() => !running(grandchild))).toBe(true);
    });

    it('kills a group still running when this process exits', async () => {
      let grandchild = 0;
      const running$ = execute('sh', WITH_GRANDCHILD, {
        ...quiet,
        processGroup: true,
        onStdout: (text) => {
          grandchild = Number(text.trim());
          strays.push(grandchild);
        },
      });
      expect(await until(() => grandchild > 0)).toBe(true);
      expect(process.listeners('exit')).toContain(killLiveGroups);
      // What process.on('exit') runs: synchronous, so SIGKILL at once.
      killLiveGroups();
      const result = await running$.catch((error: ExecError) => error.result);
      expect(result.signal).toBe('SIGKILL');
      expect(await until(() => !running(grandchild))).toBe(true);
    });
  });

  it('settles after SIGKILL even when a process it started still holds its output open', async () => {
    // Without processGroup only the program is signalled; its orphan keeps the pipes open.
    let grandchild = 0;
    const started = Date.now();
    const error = await rejection(
      execute('sh', WITH_GRANDCHILD, {
        ...quiet,
        timeoutMs: 200,
        killGraceMs: 300,
        onStdout: (text) => {
          grandchild = Number(text.trim());
          strays.push(grandchild);
        },
      }),
    );
    expect(error.result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(running(grandchild)).toBe(true);
  });
});

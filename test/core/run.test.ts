import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionError, InputError } from '../../src/core/errors.js';
import { setResultOutput } from '../../src/core/outputs.js';
import { runMain, runPost } from '../../src/core/run.js';
import { JobSummary } from '../../src/core/summary.js';
import { forgetSecretsForTesting, registerSecret } from '../../src/core/secrets.js';
import { captureStdout } from '../support/capture-stdout.js';

afterEach(() => {
  process.exitCode = undefined;
  forgetSecretsForTesting();
  vi.unstubAllEnvs();
});

describe('runMain', () => {
  it.each([
    {
      thrown: new InputError('timeout', "must be a duration such as 90s, got '90'.", '5m'),
      message:
        "rollout failed: Input 'timeout' must be a duration such as 90s, got '90'.\nFor example: timeout: 5m",
    },
    {
      thrown: new ActionError(
        'Deployment web did not become ready in 5m.',
        'Check the pod events with kubectl describe.',
      ),
      message:
        'rollout failed: Deployment web did not become ready in 5m.\nCheck the pod events with kubectl describe.',
    },
    { thrown: 'plain string', message: 'rollout failed: plain string\nThis is unexpected.' },
    { thrown: { code: 42 }, message: 'rollout failed: {"code":42}\nThis is unexpected.' },
    { thrown: undefined, message: 'rollout failed: undefined\nThis is unexpected.' },
    {
      thrown: new TypeError('x is not a function'),
      message: 'rollout failed: x is not a function\nThis is unexpected.',
    },
  ])('turns $thrown into one error annotation and exit code 1', async ({ thrown, message }) => {
    const { commands } = await captureStdout(() =>
      runMain('rollout', async () => {
        throw thrown;
      }),
    );
    const errors = commands.filter((c) => c.command === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message.startsWith(message)).toBe(true);
    expect(errors[0].message).not.toContain('    at ');
    expect(process.exitCode).toBe(1);
  });

  it('writes the stack trace only as a debug line', async () => {
    const { commands } = await captureStdout(() =>
      runMain('rollout', async () => {
        throw new Error('boom');
      }),
    );
    expect(commands.find((c) => c.command === 'debug')?.message).toContain('at ');
  });

  it('masks registered secrets in the failure message', async () => {
    await captureStdout(() => registerSecret('hunter2-password'));
    const { commands } = await captureStdout(() =>
      runMain('image', async () => {
        throw new Error('login failed for hunter2-password');
      }),
    );
    expect(commands.find((c) => c.command === 'error')?.message).toContain('login failed for ***');
  });

  it('leaves a successful step alone', async () => {
    const { commands } = await captureStdout(() => runMain('image', async () => undefined));
    expect(commands.filter((c) => c.command === 'error')).toEqual([]);
    expect(process.exitCode).toBeUndefined();
  });
});

describe('runMain: every failure reports', () => {
  async function stepFiles(): Promise<{ output: string; summary: string }> {
    const directory = await mkdtemp(join(tmpdir(), 'slipway-run-'));
    const output = join(directory, 'output');
    const summary = join(directory, 'summary');
    await writeFile(output, '');
    await writeFile(summary, '');
    vi.stubEnv('GITHUB_OUTPUT', output);
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    return { output, summary };
  }

  function resultIn(outputFile: string): unknown {
    return readFile(outputFile, 'utf8').then((text) => {
      const match = /^result<<(.+)\n([\s\S]*?)\n\1$/m.exec(text);
      return match ? JSON.parse(match[2]) : undefined;
    });
  }

  it('writes a verdict-first, escaped summary and a failed result when the action wrote neither', async () => {
    const files = await stepFiles();
    await captureStdout(() =>
      runMain(
        'rollout',
        async () => {
          throw new ActionError('API server <b>unreachable</b>', 'Check the kubeconfig.');
        },
        { failureResult: (error) => ({ status: 'failed', failure: error }) },
      ),
    );
    const summary = await readFile(files.summary, 'utf8');
    expect(summary.startsWith('<h3>')).toBe(true);
    expect(summary).toContain('rollout failed: API server &lt;b&gt;unreachable&lt;/b&gt;');
    expect(summary).toContain('Check the kubeconfig.');
    expect(await resultIn(files.output)).toEqual({
      status: 'failed',
      failure: 'API server <b>unreachable</b>',
      outcome: 'failed',
      error: 'API server <b>unreachable</b>',
    });
    expect(process.exitCode).toBe(1);
  });

  it('keeps the summary and result the action wrote itself', async () => {
    const files = await stepFiles();
    await captureStdout(() =>
      runMain('image', async () => {
        setResultOutput({ kind: 'built', refs: [] });
        await new JobSummary().verdict('failure', 'Push failed').write();
        throw new Error('push failed');
      }),
    );
    expect(await readFile(files.summary, 'utf8')).not.toContain('image failed');
    expect(await resultIn(files.output)).toEqual({ kind: 'built', refs: [] });
  });

  it('masks secrets in the failure summary and result', async () => {
    const files = await stepFiles();
    await captureStdout(() => registerSecret('hunter2-password'));
    await captureStdout(() =>
      runMain('image', async () => {
        throw new Error('login failed for hunter2-password');
      }),
    );
    const written =
      (await readFile(files.summary, 'utf8')) + (await readFile(files.output, 'utf8'));
    expect(written).not.toContain('hunter2');
    expect(await resultIn(files.output)).toEqual({
      outcome: 'failed',
      error: 'login failed for ***',
    });
  });
});

describe('runPost', () => {
  it('turns a failure into a warning and never fails the job', async () => {
    const { commands } = await captureStdout(() =>
      runPost('rollout', async () => {
        throw new Error('could not delete file');
      }),
    );
    expect(commands.filter((c) => c.command === 'error')).toEqual([]);
    expect(commands.find((c) => c.command === 'warning')?.message).toBe(
      'rollout cleanup did not finish: could not delete file',
    );
    expect(process.exitCode).toBeUndefined();
  });
});

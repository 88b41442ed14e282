import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction } from '../support/runner.js';

// The fixture action proves the bundles, the runner harness and the core library together.
const ECHO = join(REPO_ROOT, 'test/fixtures/actions/echo');

describe('bundled fixture action run as the runner runs it', () => {
  it('reads inputs, sets outputs and a summary, and its post step removes the credential file', async () => {
    let credentialFile = '';
    const run = await runAction(ECHO, {
      inputs: { greeting: 'hello', repeat: '3', token: 's3cr3t-token-value' },
      beforePost: (main) => {
        credentialFile = main.outputs['credential-file'];
        expect(existsSync(credentialFile)).toBe(true);
        expect(statSync(credentialFile).mode & 0o777).toBe(0o600);
      },
    });

    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs.message).toBe('hello hello hello');
    expect(JSON.parse(run.main.outputs.result)).toMatchObject({
      message: 'hello hello hello',
      repeat: 3,
    });
    expect(run.main.summary).toMatch(/^<h3>\S+ Echoed hello hello hello<\/h3>/);
    expect(run.main.summary).toContain('<tr><td>repeat</td><td>3</td></tr>');
    expect(run.main.annotations).toEqual([
      { level: 'notice', title: 'echo', message: 'Echoed hello hello hello' },
    ]);
    expect(credentialFile.startsWith(run.runnerTemp)).toBe(true);
    expect(run.post?.exitCode).toBe(0);
    expect(existsSync(credentialFile)).toBe(false);
  });

  it('masks the token and its base64 form and never writes it to outputs, state or summary', async () => {
    const token = 's3cr3t-token-value';
    const run = await runAction(ECHO, { inputs: { greeting: 'hi', token } });

    expect(run.main.masks).toEqual(
      expect.arrayContaining([token, Buffer.from(token).toString('base64')]),
    );
    const written = [
      run.main.log,
      run.main.summary,
      JSON.stringify(run.main.outputs),
      JSON.stringify(run.main.state),
    ];
    for (const text of written) expect(text).not.toContain(token);
  });

  it('escapes what the user typed before it reaches the job summary', async () => {
    const run = await runAction(ECHO, { inputs: { greeting: '<img src=x onerror=alert(1)>' } });
    expect(run.main.exitCode).toBe(0);
    expect(run.main.summary).not.toContain('<img');
    expect(run.main.summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it.each<{ inputs: Record<string, string>; message: string; example: string }>([
    {
      inputs: {},
      message: "Input 'greeting' is required but was not set.",
      example: 'greeting: hello',
    },
    {
      inputs: { greeting: 'x', repeat: 'many' },
      message: "Input 'repeat' must be a whole number, got 'many'.",
      example: 'repeat: 1',
    },
    {
      inputs: { greeting: 'x', repeat: '9' },
      message: "Input 'repeat' must be between 1 and 5, got 9.",
      example: 'repeat: 1',
    },
    {
      inputs: { greeting: 'x', wait: '5' },
      message: "write '5s' for seconds",
      example: 'wait: 0s',
    },
  ])('fails cleanly on bad input $inputs', async ({ inputs, message, example }) => {
    const run = await runAction(ECHO, { inputs });

    expect(run.main.exitCode).toBe(1);
    expect(run.main.stderr).toBe('');
    const errors = run.main.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain(message);
    expect(errors[0].message).toContain(`For example: ${example}`);
    // The stack trace is for maintainers: it appears only as a debug line, never in the error.
    expect(errors[0].message).not.toMatch(/\n\s+at /);
    expect(run.post?.exitCode).toBe(0);
  });

  it('runs the post step after a cancelled main step, so cleanup still happens', async () => {
    let credentialDirectories: string[] = [];
    const run = await runAction(ECHO, {
      inputs: { greeting: 'hi', token: 'another-secret', wait: '30s' },
      cancelMainAfterMs: 1_500,
      beforePost: (main) => {
        credentialDirectories = JSON.parse(main.state['slipway-credential-files']);
        expect(credentialDirectories.every((dir) => existsSync(dir))).toBe(true);
      },
    });

    expect(run.main.signal).toBe('SIGINT');
    expect(run.main.outputs.message).toBeUndefined();
    expect(credentialDirectories).toHaveLength(1);
    expect(run.post?.exitCode).toBe(0);
    expect(credentialDirectories.some((dir) => existsSync(dir))).toBe(false);
  });
});

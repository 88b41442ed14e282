import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { removeCredentialFiles, writeCredentialFile } from '../../src/core/credentials.js';
import { ActionError } from '../../src/core/errors.js';
import { parseKeyValueFile } from '../support/workflow-commands.js';

let runnerTemp: string;
let stateFile: string;

beforeEach(async () => {
  runnerTemp = await mkdtemp(join(tmpdir(), 'runner-temp-'));
  stateFile = join(runnerTemp, 'state');
  await writeFile(stateFile, '');
  vi.stubEnv('RUNNER_TEMP', runnerTemp);
  vi.stubEnv('GITHUB_STATE', stateFile);
});

afterEach(() => vi.unstubAllEnvs());

describe('credential files', () => {
  it('writes under RUNNER_TEMP, readable only by the runner user, and records it for post', async () => {
    const path = await writeCredentialFile('kubeconfig', 'apiVersion: v1\n');
    expect(path.startsWith(runnerTemp)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(readFileSync(path, 'utf8')).toBe('apiVersion: v1\n');

    const state = parseKeyValueFile(readFileSync(stateFile, 'utf8'));
    vi.stubEnv('STATE_slipway-credential-files', state['slipway-credential-files']);
    expect(await removeCredentialFiles()).toEqual([dirname(path)]);
    expect(existsSync(path)).toBe(false);
  });

  it('removes nothing and does not throw when main recorded nothing or garbage', async () => {
    expect(await removeCredentialFiles()).toEqual([]);
    vi.stubEnv('STATE_slipway-credential-files', '{not json');
    expect(await removeCredentialFiles()).toEqual([]);
  });

  it.each(['../escape', '.hidden', 'a/b'])('refuses the file name %j', async (name) => {
    await expect(writeCredentialFile(name, 'x')).rejects.toThrow(ActionError);
  });

  it('says what to do when RUNNER_TEMP is missing', async () => {
    vi.stubEnv('RUNNER_TEMP', '');
    await expect(writeCredentialFile('token', 'x')).rejects.toThrow(/RUNNER_TEMP is not set/);
  });
});

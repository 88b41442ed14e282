import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  isOwnedTempDirectory,
  removeCredentialFiles,
  writeCredentialFile,
} from '../../src/core/credentials.js';
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

  it('deletes only slipway directories directly under RUNNER_TEMP, whatever the state names', async () => {
    const victims = [
      await mkdtemp(join(tmpdir(), 'precious-')),
      await mkdtemp(join(runnerTemp, 'not-ours-')),
      await mkdtemp(join(tmpdir(), 'slipway-elsewhere-')),
    ];
    const sneaky = join(runnerTemp, 'slipway-x', '..', '..', 'etc');
    const state = JSON.stringify([...victims, sneaky, 'relative/slipway-y', runnerTemp]);
    vi.stubEnv('STATE_slipway-credential-files', state);
    const warn = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await removeCredentialFiles()).toEqual([]);
    } finally {
      warn.mockRestore();
    }
    for (const victim of victims) expect(existsSync(victim)).toBe(true);
  });

  it.each([
    [
      'a slipway directory under RUNNER_TEMP',
      (temp: string) => join(temp, 'slipway-build-1'),
      true,
    ],
    ['RUNNER_TEMP itself', (temp: string) => temp, false],
    ['a nested slipway directory', (temp: string) => join(temp, 'x', 'slipway-a'), false],
    ['a path that climbs out', (temp: string) => join(temp, 'slipway-a', '..', '..'), false],
    ['a relative path', () => 'slipway-a', false],
  ])('isOwnedTempDirectory: %s -> %s', (_case, path, expected) => {
    expect(isOwnedTempDirectory(path(runnerTemp), runnerTemp)).toBe(expected);
  });

  it.each(['../escape', '.hidden', 'a/b'])('refuses the file name %j', async (name) => {
    await expect(writeCredentialFile(name, 'x')).rejects.toThrow(ActionError);
  });

  it('says what to do when RUNNER_TEMP is missing', async () => {
    vi.stubEnv('RUNNER_TEMP', '');
    await expect(writeCredentialFile('token', 'x')).rejects.toThrow(/RUNNER_TEMP is not set/);
  });
});

import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fieldProblem, stepState } from '../../src/core/step-state.js';
import { captureStdout } from '../support/capture-stdout.js';
import { parseKeyValueFile } from '../support/workflow-commands.js';

interface DeployState {
  deployment: string;
  revision?: number;
  images: string[];
}

const deployProblem = (value: unknown) =>
  fieldProblem(value, { deployment: 'string', revision: 'number?', images: 'array' });

let runnerTemp: string;
let stateFile: string;

beforeEach(async () => {
  runnerTemp = await mkdtemp(join(tmpdir(), 'step-state-test-'));
  stateFile = join(runnerTemp, 'state');
  await writeFile(stateFile, '');
  vi.stubEnv('GITHUB_STATE', stateFile);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(runnerTemp, { recursive: true, force: true });
});

/** What the runner hands the post step: every saved key as STATE_<key>. */
function startPostStep(): void {
  for (const [key, value] of Object.entries(parseKeyValueFile(readFileSync(stateFile, 'utf8')))) {
    vi.stubEnv(`STATE_${key}`, value);
  }
}

async function readWithWarnings<T>(read: () => T) {
  let value: T | undefined;
  const { commands } = await captureStdout(() => {
    value = read();
  });
  const warnings = commands
    .filter((command) => command.command === 'warning')
    .map((command) => command.message);
  return { value, warnings };
}

describe('stepState', () => {
  it.each<[string, DeployState]>([
    ['all fields', { deployment: 'web', revision: 7, images: ['registry/web:v2'] }],
    ['without the optional field', { deployment: 'web', images: [] }],
    [
      'text that needs escaping',
      { deployment: 'web\nnext=line', images: ['a "quoted" image', 'ü'] },
    ],
  ])('gives post what main saved (%s)', async (_case, saved) => {
    const state = stepState<DeployState>('rollout', deployProblem);
    state.save(saved);
    startPostStep();
    const { value, warnings } = await readWithWarnings(() => state.read());
    expect(value).toEqual(saved);
    expect(warnings).toEqual([]);
  });

  it('keeps states saved under different keys apart', () => {
    const first = stepState<DeployState>('first', deployProblem);
    const second = stepState<DeployState>('second', deployProblem);
    first.save({ deployment: 'api', images: [] });
    second.save({ deployment: 'web', images: [] });
    startPostStep();
    expect(first.read()?.deployment).toBe('api');
    expect(second.read()?.deployment).toBe('web');
  });

  it('reads nothing, without a warning, when main saved nothing', async () => {
    const state = stepState<DeployState>('rollout', deployProblem);
    const { value, warnings } = await readWithWarnings(() => state.read());
    expect(value).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('ignores a state that is not JSON and warns naming its key', async () => {
    vi.stubEnv('STATE_rollout', '{"deployment": "web"');
    const { value, warnings } = await readWithWarnings(() =>
      stepState<DeployState>('rollout', deployProblem).read(),
    );
    expect(value).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(rollout)');
    expect(warnings[0]).toContain('not JSON');
  });

  it.each([
    ['a list', '["web"]', 'it is not a JSON object'],
    ['null', 'null', 'it is not a JSON object'],
    ['a number', '42', 'it is not a JSON object'],
    ['text', '"web"', 'it is not a JSON object'],
    ['an object without a required field', '{"images": []}', "'deployment' is not a string"],
    [
      'an object with a field of the wrong type',
      '{"deployment": "web", "revision": "7", "images": []}',
      "'revision' is not a number",
    ],
  ])('ignores %s and warns with the problem', async (_case, saved, problem) => {
    vi.stubEnv('STATE_rollout', saved);
    const { value, warnings } = await readWithWarnings(() =>
      stepState<DeployState>('rollout', deployProblem).read(),
    );
    expect(value).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(rollout)');
    expect(warnings[0]).toContain(problem);
  });

  it('asks problemOf only about objects', async () => {
    const problemOf = vi.fn(() => undefined);
    vi.stubEnv('STATE_rollout', '[1, 2]');
    await readWithWarnings(() => stepState('rollout', problemOf).read());
    expect(problemOf).not.toHaveBeenCalled();
  });
});

describe('fieldProblem', () => {
  const fields = {
    name: 'string',
    replicas: 'number',
    paused: 'boolean',
    images: 'array',
    context: 'string?',
    revision: 'number?',
  } as const;
  const valid = { name: 'web', replicas: 3, paused: false, images: ['a'] };

  it.each<[string, Record<string, unknown>]>([
    ['required fields only', valid],
    ['optional fields present', { ...valid, context: 'prod', revision: 0 }],
    ['an empty list', { ...valid, images: [] }],
    ['extra fields', { ...valid, surprise: true }],
  ])('accepts %s', (_case, value) => {
    expect(fieldProblem(value, fields)).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing required text', { ...valid, name: undefined }, "'name' is not a string"],
    ['a number given as text', { ...valid, replicas: '3' }, "'replicas' is not a number"],
    ['a boolean given as text', { ...valid, paused: 'false' }, "'paused' is not a boolean"],
    ['an object instead of a list', { ...valid, images: { 0: 'a' } }, "'images' is not a list"],
    ['text instead of a list', { ...valid, images: 'a' }, "'images' is not a list"],
    ['an optional text of the wrong type', { ...valid, context: 1 }, "'context' is not a string"],
    [
      'an optional number given as null',
      { ...valid, revision: null },
      "'revision' is not a number",
    ],
  ])('names the field for %s', (_case, value, problem) => {
    expect(fieldProblem(value, fields)).toBe(problem);
  });

  it.each([
    ['a list', []],
    ['null', null],
    ['text', 'web'],
  ])('refuses %s as a whole', (_case, value) => {
    expect(fieldProblem(value, fields)).toBe('it is not a JSON object');
  });
});

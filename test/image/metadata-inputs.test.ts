import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readMetadataInputs } from '../../src/image/metadata-inputs.js';

/** Sets inputs the way the runner does: INPUT_<NAME> with the name upper-cased. */
function inputs(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    vi.stubEnv(`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value);
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('readMetadataInputs', () => {
  it("defaults: metadata-action's context workflow and bake target docker-metadata-action", () => {
    inputs({ 'metadata-context': '', 'bake-target': '' });
    expect(readMetadataInputs()).toMatchObject({
      contextSource: 'workflow',
      bakeTarget: 'docker-metadata-action',
    });
  });

  it.each<[string, 'workflow' | 'git']>([
    ['workflow', 'workflow'],
    ['git', 'git'],
    ['Git', 'git'],
    ['  git  ', 'git'],
  ])('metadata-context: %s', (value, expected) => {
    inputs({ 'metadata-context': value });
    expect(readMetadataInputs().contextSource).toBe(expected);
  });

  it('metadata-context: anything else names the input and the choices', () => {
    inputs({ 'metadata-context': 'checkout' });
    expect(() => readMetadataInputs()).toThrow(InputError);
    expect(() => readMetadataInputs()).toThrow(/metadata-context.*workflow, git.*'checkout'/);
  });

  it('bake-target is taken as given (trimmed)', () => {
    inputs({ 'bake-target': ' meta-helper ' });
    expect(readMetadataInputs().bakeTarget).toBe('meta-helper');
  });

  it('the metadata-action list inputs keep their lines', () => {
    inputs({
      images: 'ghcr.io/octo-org/app\n# comment\ndocker.io/octo/app',
      tags: 'type=ref,event=branch\nuser/app:latest,user/app:1.0',
    });
    expect(readMetadataInputs()).toMatchObject({
      images: ['ghcr.io/octo-org/app', 'docker.io/octo/app'],
      tags: ['type=ref,event=branch', 'user/app:latest,user/app:1.0'],
    });
  });
});

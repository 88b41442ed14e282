import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readCanarySource } from '../../src/canary/source-input.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

type Inputs = Record<string, string>;

function read(inputs: Inputs, required = true) {
  for (const name of ['image', 'manifests', 'kustomize', 'images']) {
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, inputs[name] ?? '');
  }
  return readCanarySource(required);
}

function failure(inputs: Inputs, required = true): InputError {
  try {
    read(inputs, required);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected an InputError for ${JSON.stringify(inputs)}`);
}

describe('readCanarySource', () => {
  it('takes image as the one-line shortcut', () => {
    expect(read({ image: 'ghcr.io/acme/web:1.2.3' })).toEqual({
      image: 'ghcr.io/acme/web:1.2.3',
      source: undefined,
    });
  });

  it('reads manifests with images lines, as rollout does', () => {
    const { image, source } = read({
      manifests: 'k8s/app.yaml\nk8s/config/',
      images: 'ghcr.io/acme/web=ghcr.io/acme/web:1.2.3\nghcr.io/acme/proxy=ghcr.io/acme/proxy:2',
    });
    expect(image).toBeUndefined();
    expect(source?.manifests).toEqual(['k8s/app.yaml', 'k8s/config/']);
    expect(source?.kustomize).toBeUndefined();
    expect([...(source?.images ?? [])]).toEqual([
      ['ghcr.io/acme/web', 'ghcr.io/acme/web:1.2.3'],
      ['ghcr.io/acme/proxy', 'ghcr.io/acme/proxy:2'],
    ]);
  });

  it('reads a kustomize directory', () => {
    expect(read({ kustomize: 'k8s/overlays/prod' }).source).toMatchObject({
      manifests: [],
      kustomize: 'k8s/overlays/prod',
    });
  });

  it.each<[string, Inputs, string, RegExp]>([
    [
      'image with manifests',
      { image: 'a/b:1', manifests: 'k8s/' },
      'manifests',
      /cannot be combined with image/,
    ],
    [
      'manifests with kustomize',
      { manifests: 'k8s/', kustomize: 'k8s/prod' },
      'kustomize',
      /and manifests are both set/,
    ],
    [
      'images without manifests',
      { images: 'a/b=a/b:2' },
      'images',
      /no manifests were given and kustomize is not set/,
    ],
    [
      'images with image',
      { image: 'a/b:1', images: 'a/b=a/b:2' },
      'images',
      /no manifests were given and kustomize is not set/,
    ],
    ['nothing at all', {}, 'image', /is required \(or manifests, or kustomize\)/],
    [
      'an images line that is no name=ref',
      { manifests: 'k8s/', images: 'a/b' },
      'images',
      /not a name=ref line/,
    ],
  ])('refuses %s', (_, inputs, input, problem) => {
    const error = failure(inputs);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(problem);
  });

  it('needs nothing in abort mode', () => {
    expect(read({}, false)).toEqual({ image: undefined, source: undefined });
  });
});

import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  checkKubernetesNameInput,
  kubernetesNameProblem,
  type KubernetesNameKind,
} from '../../src/core/kubernetes-name.js';

describe('kubernetesNameProblem', () => {
  it.each<[string, KubernetesNameKind, number | undefined, string | undefined]>([
    ['web', 'label', undefined, undefined],
    ['web-1', 'label', undefined, undefined],
    ['1web', 'label', undefined, undefined],
    ['a'.repeat(63), 'label', undefined, undefined],
    ['a'.repeat(64), 'label', undefined, 'it is 64 characters long, the limit is 63'],
    ['', 'label', undefined, 'it is empty'],
    ['Web', 'label', undefined, "it has uppercase letters ('web' would do)"],
    ['a.b', 'label', undefined, "it contains '.'"],
    ['a..b', 'label', undefined, "it contains '.'"],
    ['a_b', 'label', undefined, "it contains '_'"],
    ['-web', 'label', undefined, 'it must start and end with a letter or digit'],
    ['web-', 'label', undefined, 'it must start and end with a letter or digit'],
    ['web.example', 'subdomain', undefined, undefined],
    ['a'.repeat(253), 'subdomain', undefined, undefined],
    ['a'.repeat(254), 'subdomain', undefined, 'it is 254 characters long, the limit is 253'],
    ['a'.repeat(60), 'subdomain', 56, 'it is 60 characters long, the limit is 56'],
    [
      'a..b',
      'subdomain',
      undefined,
      'it has an empty part between dots, or starts or ends with a dot',
    ],
    [
      '.a',
      'subdomain',
      undefined,
      'it has an empty part between dots, or starts or ends with a dot',
    ],
    ['a.-b', 'subdomain', undefined, "its part '-b' must start and end with a letter or digit"],
    ['UPPER/Case', 'subdomain', undefined, "it contains 'U'"],
    ['web', 'label-1035', undefined, undefined],
    ['1web', 'label-1035', undefined, 'it must start with a letter'],
  ])('%s as %s (max %s): %s', (name, kind, maxLength, problem) => {
    expect(kubernetesNameProblem(name, { kind, maxLength })).toBe(problem);
  });
});

describe('checkKubernetesNameInput', () => {
  it('names the input, the grammar and the reason, and shows a right value', () => {
    const thrown = (() => {
      try {
        checkKubernetesNameInput('deployment', 'a..b', {
          kind: 'subdomain',
          what: 'a Deployment name',
          example: 'web',
        });
      } catch (error) {
        return error;
      }
    })() as InputError;
    expect(thrown).toBeInstanceOf(InputError);
    expect(thrown.message).toBe(
      "Input 'deployment' must be a Deployment name, a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit), at most 253 characters; 'a..b' is not: it has an empty part between dots, or starts or ends with a dot.",
    );
    expect(thrown.hint).toBe('For example: deployment: web');
  });

  it('returns a valid name', () => {
    expect(
      checkKubernetesNameInput('namespace', 'prod', { kind: 'label', what: 'x', example: 'y' }),
    ).toBe('prod');
  });
});

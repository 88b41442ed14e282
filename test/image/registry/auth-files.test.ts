import { describe, expect, it } from 'vitest';
import { canonicalRegistry, normaliseRegistryKey } from '../../../src/image/registry/auth-files.js';

describe('registry keys', () => {
  it.each([
    ['ghcr.io', 'ghcr.io', false],
    ['GHCR.io', 'ghcr.io', false],
    ['127.0.0.1:5000', '127.0.0.1:5000', false],
    ['https://127.0.0.1:5000', '127.0.0.1:5000', true],
    ['https://index.docker.io/v1/', 'docker.io', true],
    ['index.docker.io', 'docker.io', false],
    ['registry-1.docker.io', 'docker.io', false],
    ['docker.io/library/nginx', 'docker.io/library/nginx', false],
    ['quay.io/team/app/', 'quay.io/team/app', false],
    ['http://quay.io/team/app', 'quay.io', true],
  ])('%s is %s', (key, normalised, legacy) => {
    expect(normaliseRegistryKey(key)).toEqual({ key: normalised, legacy });
  });

  it('has no registry for an empty key', () => {
    expect(normaliseRegistryKey('https://')).toBeUndefined();
  });

  it.each(['docker.io', 'index.docker.io', 'registry-1.docker.io'])(
    'names Docker Hub docker.io when written %s',
    (host) => expect(canonicalRegistry(host)).toBe('docker.io'),
  );
});

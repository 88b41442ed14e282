import { describe, expect, it } from 'vitest';
import {
  formatReference,
  InvalidReferenceError,
  isLoopbackRegistry,
  parseImageReferenceInput,
  parseReference,
  type ImageReference,
} from '../../src/core/image-reference.js';

const SHA = `sha256:${'a'.repeat(64)}`;
const SHA512 = `sha512:${'b'.repeat(128)}`;
const HUB = 'registry-1.docker.io';

describe('parseReference: valid references', () => {
  it.each<[string, ImageReference]>([
    ['nginx', { registry: HUB, repository: 'library/nginx' }],
    ['nginx:1.27', { registry: HUB, repository: 'library/nginx', tag: '1.27' }],
    ['library/nginx:latest', { registry: HUB, repository: 'library/nginx', tag: 'latest' }],
    ['docker.io/nginx', { registry: HUB, repository: 'library/nginx' }],
    ['docker.io/library/nginx:1', { registry: HUB, repository: 'library/nginx', tag: '1' }],
    ['index.docker.io/bitnami/redis:7', { registry: HUB, repository: 'bitnami/redis', tag: '7' }],
    ['registry-1.docker.io/alpine', { registry: HUB, repository: 'library/alpine' }],
    ['bitnami/redis', { registry: HUB, repository: 'bitnami/redis' }],
    ['DOCKER.IO/nginx', { registry: HUB, repository: 'library/nginx' }],
    [
      'ghcr.io/org/app:sha-1a2b3c4',
      { registry: 'ghcr.io', repository: 'org/app', tag: 'sha-1a2b3c4' },
    ],
    ['ghcr.io/app', { registry: 'ghcr.io', repository: 'app' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    [
      'localhost:5000/team/app:v1.2.3',
      { registry: 'localhost:5000', repository: 'team/app', tag: 'v1.2.3' },
    ],
    ['127.0.0.1:34567/app:1', { registry: '127.0.0.1:34567', repository: 'app', tag: '1' }],
    ['[::1]:5000/app:1', { registry: '[::1]:5000', repository: 'app', tag: '1' }],
    ['Registry.Example.com/app', { registry: 'registry.example.com', repository: 'app' }],
    ['Myhost/app', { registry: 'myhost', repository: 'app' }],
    ['quay.io/a/b/c/d:tag', { registry: 'quay.io', repository: 'a/b/c/d', tag: 'tag' }],
    ['ghcr.io/my_org/my__app.x-y--z', { registry: 'ghcr.io', repository: 'my_org/my__app.x-y--z' }],
    [`ghcr.io/org/app@${SHA}`, { registry: 'ghcr.io', repository: 'org/app', digest: SHA }],
    [
      `ghcr.io/org/app:1.2@${SHA}`,
      { registry: 'ghcr.io', repository: 'org/app', tag: '1.2', digest: SHA },
    ],
    [`ghcr.io/org/app@${SHA512}`, { registry: 'ghcr.io', repository: 'org/app', digest: SHA512 }],
    [
      `localhost:5000/app:1@${SHA}`,
      { registry: 'localhost:5000', repository: 'app', tag: '1', digest: SHA },
    ],
    [
      'ghcr.io/org/app:_under.Score-1',
      { registry: 'ghcr.io', repository: 'org/app', tag: '_under.Score-1' },
    ],
    [
      `ghcr.io/org/app:${'t'.repeat(128)}`,
      { registry: 'ghcr.io', repository: 'org/app', tag: 't'.repeat(128) },
    ],
    ['  ghcr.io/org/app:1  ', { registry: 'ghcr.io', repository: 'org/app', tag: '1' }],
  ])('%s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected);
  });
});

describe('parseReference: invalid references', () => {
  it.each<[string, string]>([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['ghcr.io/Org/app', "repository names must be lowercase ('org/app')"],
    ['MyApp', "repository names must be lowercase ('myapp')"],
    ['https://ghcr.io/org/app', 'without a URL scheme'],
    ['ghcr.io/org/app:', 'the tag after ":" is empty'],
    ['ghcr.io/org/app:-dash', 'tag \'-dash\' must start with a letter, digit or "_"'],
    ['ghcr.io/org/app:.dot', "tag '.dot' must start"],
    [`ghcr.io/org/app:${'t'.repeat(129)}`, 'at most 128 characters'],
    ['ghcr.io/org/app:a+b', "tag 'a+b'"],
    ['ghcr.io/org/app@sha256:abc', 'a sha256 digest has exactly 64 lowercase hex digits'],
    [`ghcr.io/org/app@sha256:${'A'.repeat(64)}`, 'lowercase hex digits'],
    [`ghcr.io/org/app@md5:${'a'.repeat(32)}`, "digest algorithm 'md5' is not supported"],
    ['ghcr.io/org/app@latest', 'must look like sha256:<64 hex digits>'],
    ['ghcr.io/', 'the repository name after the registry is missing'],
    ['ghcr.io/org//app', 'empty path component'],
    ['ghcr.io/org/app/', 'empty path component'],
    ['ghcr.io/-app', "'-app' is not a valid repository path component"],
    ['ghcr.io/app-', "'app-' is not a valid repository path component"],
    ['ghcr.io/a___b', "'a___b' is not a valid repository path component"],
    ['ghcr.io/a..b', "'a..b' is not a valid repository path component"],
    ['-host.io/app', "'-host.io' is not a valid registry host[:port]"],
    ['host.io:port/app', "'host.io:port' is not a valid registry host[:port]"],
    ['ghcr.io/org/my app', 'it contains whitespace'],
    [`ghcr.io/${'a'.repeat(250)}`, 'longer than 255 characters'],
  ])('%j', (text, problem) => {
    let thrown: unknown;
    try {
      parseReference(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidReferenceError);
    const error = thrown as InvalidReferenceError;
    expect(error.message).toContain(problem);
    // Written to follow "Input 'promote-from' " in an InputError.
    expect(error.problem).toMatch(/^has an invalid image reference '.*': .+\.$/s);
    expect(() => parseReference(error.example)).not.toThrow();
  });
});

describe('formatReference', () => {
  it.each<[string, string]>([
    ['nginx', 'docker.io/library/nginx'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['ghcr.io/org/app:1.2.3', 'ghcr.io/org/app:1.2.3'],
    [`localhost:5000/app:1@${SHA}`, `localhost:5000/app:1@${SHA}`],
  ])('%s -> %s', (text, shown) => {
    expect(formatReference(parseReference(text))).toBe(shown);
    expect(parseReference(shown)).toEqual(parseReference(text));
  });
});

describe('isLoopbackRegistry: hosts reached over plain HTTP without insecure', () => {
  it.each<[string, boolean]>([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:34567', true],
    ['127.1.2.3', true],
    ['[::1]:5000', true],
    ['[::1]', true],
    ['ghcr.io', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io:5000', false],
    ['10.0.0.1:5000', false],
    [HUB, false],
  ])('%s -> %s', (registry, loopback) => {
    expect(isLoopbackRegistry(registry)).toBe(loopback);
  });
});

describe('parseImageReferenceInput', () => {
  it('turns a bad reference into an InputError naming the input', () => {
    expect(() =>
      parseImageReferenceInput('image', 'UPPER/Case::bad@@', 'ghcr.io/acme/web:v2'),
    ).toThrow(
      "Input 'image' has an invalid image reference 'UPPER/Case::bad@@': digest '@' must look like sha256:<64 hex digits>.",
    );
  });

  it('returns the parsed reference', () => {
    expect(parseImageReferenceInput('image', 'ghcr.io/acme/web:1').tag).toBe('1');
  });
});

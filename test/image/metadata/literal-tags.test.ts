import { describe, expect, it } from 'vitest';
import {
  computeMetadata,
  isReferenceShaped,
  MetadataError,
  splitLiteralTags,
} from '../../../src/image/metadata/index.js';
import { IMAGE, imageTags, inputsOf, loadEvent } from './events.js';

describe('which tags lines are literal references', () => {
  // [line, literal references it gives (empty: the line is a metadata-action rule)]
  it.each<[string, Array<[reference: string, tag: string]>]>([
    // build-push-action's references: a '/' and a tag, nothing of the rule grammar.
    ['user/app:latest', [['user/app:latest', 'latest']]],
    ['ghcr.io/o/app:1.0', [['ghcr.io/o/app:1.0', '1.0']]],
    [
      'docker.io/library/nginx:1.27-alpine',
      [['docker.io/library/nginx:1.27-alpine', '1.27-alpine']],
    ],
    ['localhost:5000/name/app:edge', [['localhost:5000/name/app:edge', 'edge']]],
    ['  ghcr.io/o/app:Release_1  ', [['ghcr.io/o/app:Release_1', 'Release_1']]],
    [
      'ghcr.io/o/app:1.0,ghcr.io/o/app:latest',
      [
        ['ghcr.io/o/app:1.0', '1.0'],
        ['ghcr.io/o/app:latest', 'latest'],
      ],
    ],
    [
      'ghcr.io/o/app:1.0, user/app:1.0,',
      [
        ['ghcr.io/o/app:1.0', '1.0'],
        ['user/app:1.0', '1.0'],
      ],
    ],
    // metadata-action's grammar: bare values are raw tags, key=value lines are rules.
    ['latest', []],
    ['1.0', []],
    ['v1.2.3-rc.1', []],
    ['app:1.0', []], // no '/': a raw value, sanitised to app-1.0 as metadata-action does
    ['feature/login', []], // a '/' but no tag: raw, sanitised to feature-login
    ['localhost:5000/app', []], // the ':' is the port's, there is no tag
    ['type=raw,value=ghcr.io/o/app:1.0', []],
    ['type=semver,pattern={{version}}', []],
    ['value=user/app:1.0', []],
    ['user/app:{{branch}}', []], // templates belong to the grammar: type=raw,value=...
    ['"user/app:1.0"', []],
    ['user/app:1.0,latest', []], // not every field is a reference: raw 'latest' as metadata-action reads it
    ['user/app:1.0 user/app:2.0', []],
  ])('%s', (line, expected) => {
    const { rules, literals } = splitLiteralTags([line]);
    expect(literals).toEqual(expected.map(([reference, tag]) => ({ reference, tag })));
    expect(rules).toEqual(expected.length === 0 ? [line] : []);
  });

  it('skips blank and comment lines, keeping the order of the rules', () => {
    expect(
      splitLiteralTags(['# pushed by hand', 'user/app:dev', '', 'type=sha', 'latest']),
    ).toEqual({
      rules: ['type=sha', 'latest'],
      literals: [{ reference: 'user/app:dev', tag: 'dev' }],
    });
  });

  it.each<[string, RegExp]>([
    ['ghcr.io/Octo-Org/app:latest', /repository names must be lowercase/],
    ['ghcr.io/o/app:.hidden', /tag '\.hidden' must start with/],
    ['ghcr.io/o/app:', /the tag after ":" is empty/],
    [`ghcr.io/o/app@sha256:${'a'.repeat(64)}`, /a reference with a digest/],
    [`ghcr.io/o/app:1.0@sha256:${'a'.repeat(64)}`, /a reference with a digest/],
    ['ghcr.io/o/app@latest', /must look like sha256/],
  ])('%s is an error, not a raw tag', (line, message) => {
    expect(() => splitLiteralTags([line])).toThrow(MetadataError);
    expect(() => splitLiteralTags([line])).toThrow(message);
    expect(() => splitLiteralTags([line])).toThrow(`line "${line}"`);
  });

  it.each<[string, boolean]>([
    ['a/b:c', true],
    ['a/b@sha256:x', true],
    ['a:b', false],
    ['a/b', false],
    ['a:1/b', false],
    ['a/b:c=d', false],
    ['a/b:{{tag}}', false],
  ])('isReferenceShaped(%s) is %s', (field, shaped) => {
    expect(isReferenceShaped(field)).toBe(shaped);
  });
});

describe('literal references in the outputs', () => {
  it('come after the computed tags, in input order; tag-names gets their tags', () => {
    const metadata = computeMetadata(
      inputsOf({
        images: [IMAGE],
        tags: ['docker.io/octo/app:stable', 'type=semver,pattern={{version}}', 'type=sha'],
      }),
      loadEvent('push-tag-v1.2.3'),
    );
    expect(metadata.version).toEqual({ main: '1.2.3', partial: ['sha-90dd603'], latest: true });
    expect(metadata.tags).toEqual([
      ...imageTags('1.2.3', 'sha-90dd603', 'latest'),
      'docker.io/octo/app:stable',
    ]);
    expect(metadata.tagNames).toEqual(['1.2.3', 'sha-90dd603', 'latest', 'stable']);
    expect(metadata.json.tags).toEqual(metadata.tags);
    expect(metadata.json['tag-names']).toEqual(metadata.tagNames);
    // The images input stays what it was: DOCKER_META_IMAGES lists images, not references.
    expect(metadata.images).toEqual([IMAGE]);
  });

  it('only literal references: exactly those, not the default rules, and no images needed', () => {
    const metadata = computeMetadata(
      inputsOf({ tags: ['user/app:latest', 'ghcr.io/user/app:latest,ghcr.io/user/app:1.0.0'] }),
      loadEvent('push-main'),
    );
    expect(metadata.tags).toEqual([
      'user/app:latest',
      'ghcr.io/user/app:latest',
      'ghcr.io/user/app:1.0.0',
    ]);
    expect(metadata.tagNames).toEqual(['latest', '1.0.0']);
    // No rule produced a version: no version output and an empty version label.
    expect(metadata.version).toEqual({ main: undefined, partial: [], latest: false });
    expect(metadata.labels).toContain('org.opencontainers.image.version=');
    expect(metadata.warnings).toEqual([]);
  });

  it('only literal references with images: the images get no tags of their own', () => {
    const metadata = computeMetadata(
      inputsOf({ images: [IMAGE], tags: ['ghcr.io/octo-org/app:hotfix'] }),
      loadEvent('push-main'),
    );
    expect(metadata.tags).toEqual(['ghcr.io/octo-org/app:hotfix']);
  });

  it('a reference the rules already produced is listed once', () => {
    const metadata = computeMetadata(
      inputsOf({ images: [IMAGE], tags: ['type=ref,event=branch', `${IMAGE}:main`] }),
      loadEvent('push-main'),
    );
    expect(metadata.tags).toEqual(imageTags('main'));
    expect(metadata.tagNames).toEqual(['main']);
  });

  it('flavor prefix, suffix and latest do not touch literal references', () => {
    const metadata = computeMetadata(
      inputsOf({
        images: [IMAGE],
        tags: ['type=ref,event=tag', 'user/app:pinned'],
        flavor: ['prefix=app-,onlatest=true', 'suffix=-slim'],
      }),
      loadEvent('push-tag-v1.2.3'),
    );
    expect(metadata.tags).toEqual([
      ...imageTags('app-v1.2.3-slim', 'app-latest'),
      'user/app:pinned',
    ]);
  });

  it('bare values stay raw tags, as in metadata-action', () => {
    const metadata = computeMetadata(
      inputsOf({ images: [IMAGE], tags: ['latest', '1.0', 'app:1.0'] }),
      loadEvent('push-main'),
    );
    expect(metadata.tags).toEqual(imageTags('latest', '1.0', 'app-1.0'));
  });
});

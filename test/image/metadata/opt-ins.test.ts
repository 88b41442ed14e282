import { describe, expect, it } from 'vitest';
import {
  computeMetadata,
  flavorNeedsGitTags,
  type MetadataContext,
  type MetadataInputs,
} from '../../../src/image/metadata/index.js';
import { imageTags, IMAGE, inputsOf, loadEvent } from './events.js';

type Row = [
  name: string,
  fixture: string,
  inputs: Partial<MetadataInputs>,
  context: Partial<MetadataContext>,
  tags: string[],
];

function tagsFor(
  fixture: string,
  inputs: Partial<MetadataInputs>,
  context: Partial<MetadataContext>,
) {
  return computeMetadata(inputsOf({ images: [IMAGE], ...inputs }), loadEvent(fixture, context))
    .tags;
}

// raw (priority 200) comes before sha (100).
const SHA_TAGS = ['type=sha', 'type=raw,value=build-{{sha}}'];

describe('sha length (sha-length input or DOCKER_METADATA_SHORT_SHA_LENGTH)', () => {
  it.each<Row>([
    [
      'default is 7',
      'push-main',
      { tags: SHA_TAGS },
      {},
      imageTags('build-c4f3d2a', 'sha-c4f3d2a'),
    ],
    [
      'input',
      'push-main',
      { tags: SHA_TAGS, shaLength: 12 },
      {},
      imageTags('build-c4f3d2a1b0e9', 'sha-c4f3d2a1b0e9'),
    ],
    [
      'environment variable',
      'push-main',
      { tags: SHA_TAGS },
      { env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '10' } },
      imageTags('build-c4f3d2a1b0', 'sha-c4f3d2a1b0'),
    ],
    [
      'the input wins over the variable',
      'push-main',
      { tags: SHA_TAGS, shaLength: 12 },
      { env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '10' } },
      imageTags('build-c4f3d2a1b0e9', 'sha-c4f3d2a1b0e9'),
    ],
    [
      'longer than the sha gives the whole sha',
      'push-main',
      { tags: ['type=sha'], shaLength: 64 },
      {},
      imageTags('sha-c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5'),
    ],
    [
      'format=long is not shortened',
      'push-main',
      { tags: ['type=sha,format=long'], shaLength: 8 },
      {},
      imageTags('sha-c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5'),
    ],
  ])('%s', (_name, fixture, inputs, context, tags) => {
    expect(tagsFor(fixture, inputs, context)).toEqual(tags);
  });
});

describe('PR head sha (pr-head-sha input or DOCKER_METADATA_PR_HEAD_SHA)', () => {
  it.each<Row>([
    [
      'off: the merge commit',
      'pull_request',
      { tags: SHA_TAGS },
      {},
      imageTags('build-5f3c2b1', 'sha-5f3c2b1'),
    ],
    [
      'input: the head commit',
      'pull_request',
      { tags: SHA_TAGS, prHeadSha: true },
      {},
      imageTags('build-8f14e45', 'sha-8f14e45'),
    ],
    [
      'environment variable: the head commit',
      'pull_request',
      { tags: SHA_TAGS, prHeadSha: false },
      { env: { DOCKER_METADATA_PR_HEAD_SHA: 'true' } },
      imageTags('build-8f14e45', 'sha-8f14e45'),
    ],
    [
      'environment variable false: the merge commit',
      'pull_request',
      { tags: SHA_TAGS },
      { env: { DOCKER_METADATA_PR_HEAD_SHA: 'false' } },
      imageTags('build-5f3c2b1', 'sha-5f3c2b1'),
    ],
    [
      'pull_request_target: PR ref and head commit',
      'pull_request_target',
      { tags: ['type=ref,event=pr', 'type=sha'], prHeadSha: true },
      {},
      imageTags('pr-43', 'sha-8f14e45'),
    ],
    [
      'no effect on a push',
      'push-main',
      { tags: SHA_TAGS, prHeadSha: true },
      {},
      imageTags('build-c4f3d2a', 'sha-c4f3d2a'),
    ],
  ])('%s', (_name, fixture, inputs, context, tags) => {
    expect(tagsFor(fixture, inputs, context)).toEqual(tags);
  });
});

const LONG_VALUE = `release-${'x'.repeat(150)}`;

describe('OCI-valid tags (ociTags)', () => {
  it.each<Row>([
    [
      'off: a leading dash stays, as in metadata-action',
      'push-tag-v1.2.3',
      { tags: ['type=sha,prefix={{branch}}-'] },
      {},
      imageTags('-90dd603'),
    ],
    [
      'on: a leading dash is dropped',
      'push-tag-v1.2.3',
      { tags: ['type=sha,prefix={{branch}}-'], ociTags: true },
      {},
      imageTags('90dd603'),
    ],
    [
      'off: a leading dot stays',
      'push-main',
      { tags: ['type=raw,value=.hidden'] },
      {},
      imageTags('.hidden'),
    ],
    [
      'on: leading dots and dashes are dropped',
      'push-main',
      { tags: ['type=raw,value=.-.hidden'], ociTags: true },
      {},
      imageTags('hidden'),
    ],
    [
      'off: longer than 128 characters stays',
      'push-main',
      { tags: [`type=raw,value=${LONG_VALUE}`] },
      {},
      imageTags(LONG_VALUE),
    ],
    [
      'on: cut at 128 characters',
      'push-main',
      { tags: [`type=raw,value=${LONG_VALUE}`], ociTags: true },
      {},
      imageTags(LONG_VALUE.slice(0, 128)),
    ],
    [
      'on: a tag with nothing left is dropped',
      'push-main',
      { tags: ['type=raw,value=--', 'type=ref,event=branch'], ociTags: true },
      {},
      imageTags('main'),
    ],
    [
      'on: valid tags are unchanged',
      'push-tag-v1.2.3',
      { tags: ['type=semver,pattern={{version}}', 'type=sha'], ociTags: true },
      {},
      imageTags('1.2.3', 'sha-90dd603', 'latest'),
    ],
  ])('%s', (_name, fixture, inputs, context, tags) => {
    expect(tagsFor(fixture, inputs, context)).toEqual(tags);
  });

  it('the version output is the OCI-valid tag', () => {
    const metadata = computeMetadata(
      inputsOf({ tags: ['type=sha,prefix={{branch}}-'], ociTags: true }),
      loadEvent('push-tag-v1.2.3'),
    );
    expect(metadata.version.main).toBe('90dd603');
    expect(metadata.labels).toContain('org.opencontainers.image.version=90dd603');
  });
});

const SEMVER_TAGS = ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}'];

describe('flavor latest=highest', () => {
  it.each<Row>([
    [
      'highest release gets latest',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS, flavor: ['latest=highest'] },
      { gitTags: ['v1.0.0', 'v1.2.2', 'v1.2.3'] },
      imageTags('1.2.3', '1.2', 'latest'),
    ],
    [
      'a backport does not move latest',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS, flavor: ['latest=highest'] },
      { gitTags: ['v1.2.3', 'v2.0.0'] },
      imageTags('1.2.3', '1.2'),
    ],
    [
      'versions compare as semver, not as text',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS, flavor: ['latest=highest'] },
      { gitTags: ['v1.2.3', 'v1.10.0'] },
      imageTags('1.2.3', '1.2'),
    ],
    [
      'prereleases and non-semver tags do not hold latest back',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS, flavor: ['latest=highest'] },
      { gitTags: ['v1.2.3', 'v2.0.0-rc.1', 'nightly', 'deploy-2026'] },
      imageTags('1.2.3', '1.2', 'latest'),
    ],
    [
      'no git tags at all: this is the highest',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS, flavor: ['latest=highest'] },
      { gitTags: [] },
      imageTags('1.2.3', '1.2', 'latest'),
    ],
    [
      'a prerelease never gets latest, not even with type=ref,event=tag',
      'push-tag-prerelease',
      { flavor: ['latest=highest'] },
      { gitTags: ['v1.0.0'] },
      imageTags('v2.0.8-beta.67'),
    ],
    [
      'type=ref,event=tag: highest',
      'push-tag-v1.2.3',
      { flavor: ['latest=highest'] },
      { gitTags: ['v1.1.0', 'v1.2.3'] },
      imageTags('v1.2.3', 'latest'),
    ],
    [
      'type=ref,event=tag: backport',
      'push-tag-v1.2.3',
      { flavor: ['latest=highest'] },
      { gitTags: ['v1.2.3', 'v1.3.0'] },
      imageTags('v1.2.3'),
    ],
    [
      'pep440: highest, with a later rc ignored',
      'push-tag-v1.2.3',
      { tags: ['type=pep440,pattern={{version}}'], flavor: ['latest=highest'] },
      { gitTags: ['1.2.2', '1.3.0rc1'] },
      imageTags('1.2.3', 'latest'),
    ],
    [
      'pep440: backport',
      'push-tag-v1.2.3',
      { tags: ['type=pep440,pattern={{version}}'], flavor: ['latest=highest'] },
      { gitTags: ['1.2.10'] },
      imageTags('1.2.3'),
    ],
    [
      'type=match compares only tags the pattern matches',
      'push-tag-monorepo',
      { tags: ['type=match,pattern=app/v(\\d.\\d.\\d),group=1'], flavor: ['latest=highest'] },
      { gitTags: ['app/v1.3.0', 'lib/v9.0.0'] },
      imageTags('1.4.0', 'latest'),
    ],
    [
      'type=match backport',
      'push-tag-monorepo',
      { tags: ['type=match,pattern=app/v(\\d.\\d.\\d),group=1'], flavor: ['latest=highest'] },
      { gitTags: ['app/v1.5.0'] },
      imageTags('1.4.0'),
    ],
    [
      'semver match= compares only matching tags',
      'push-tag-monorepo',
      {
        tags: ['type=semver,pattern={{version}},match=app/v(\\d.\\d.\\d)'],
        flavor: ['latest=highest'],
      },
      { gitTags: ['app/v1.3.0', 'lib/v9.0.0'] },
      imageTags('1.4.0', 'latest'),
    ],
    [
      'a branch never gets latest',
      'push-main',
      { tags: ['type=ref,event=branch'], flavor: ['latest=highest'] },
      { gitTags: [] },
      imageTags('main'),
    ],
    [
      'with a prefix on latest',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS.slice(0, 1), flavor: ['latest=highest', 'prefix=app-,onlatest=true'] },
      { gitTags: ['v1.2.3'] },
      imageTags('app-1.2.3', 'app-latest'),
    ],
  ])('%s', (_name, fixture, inputs, context, tags) => {
    expect(tagsFor(fixture, inputs, context)).toEqual(tags);
  });

  it('needs the git tags from the caller', () => {
    expect(() =>
      tagsFor('push-tag-v1.2.3', { tags: SEMVER_TAGS, flavor: ['latest=highest'] }, {}),
    ).toThrow(/gitTags/);
  });

  it.each<[string[], boolean]>([
    [['latest=highest'], true],
    [['prefix=app-', 'latest=highest'], true],
    [['latest=auto'], false],
    [[], false],
  ])('flavorNeedsGitTags(%j) is %s', (flavor, expected) => {
    expect(flavorNeedsGitTags(flavor)).toBe(expected);
  });
});

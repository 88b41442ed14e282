import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/core/errors.js';
import { digestOf, MEDIA_TYPES } from '../../../src/image/registry/manifest.js';
import {
  composeIndex,
  formatPlatform,
  type IndexCandidate,
  type Platform,
} from '../../../src/image/registry/merge-index.js';

const OCI = MEDIA_TYPES.ociManifest;
const DOCKER = MEDIA_TYPES.dockerManifest;

/** A digest that reads as its name in failures: sha256:aaaa... for 'a'. */
const d = (char: string) => `sha256:${char.repeat(64)}`;

function image(
  digest: string,
  platform: string,
  extra: { mediaType?: string; osVersion?: string; source?: string } = {},
): IndexCandidate {
  const [os, architecture, variant] = platform.split('/');
  const parsed: Platform = {
    architecture,
    os,
    ...(extra.osVersion && { 'os.version': extra.osVersion }),
    ...(variant && { variant }),
  };
  return {
    descriptor: { mediaType: extra.mediaType ?? OCI, digest, size: 500, platform: parsed },
    source: extra.source ?? `app@${digest.slice(7, 11)}`,
    repository: 'app',
  };
}

function attestation(digest: string, subject: string, source?: string): IndexCandidate {
  return {
    descriptor: {
      mediaType: OCI,
      digest,
      size: 300,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: {
        'vnd.docker.reference.type': 'attestation-manifest',
        'vnd.docker.reference.digest': subject,
      },
    },
    source: source ?? `app@${digest.slice(7, 11)}`,
    repository: 'app',
  };
}

/** The entries of the composed index, as `platform digest-letter` lines. */
function shape(candidates: IndexCandidate[]): string[] {
  const composed = composeIndex(candidates);
  const parsed = JSON.parse(composed.bytes.toString('utf8')) as {
    manifests: Array<{ digest: string; platform?: Platform; annotations?: object }>;
  };
  return parsed.manifests.map(
    (entry) =>
      `${entry.platform ? formatPlatform(entry.platform) : '-'} ${entry.digest.slice(7, 8)}${entry.annotations ? ' attestation' : ''}`,
  );
}

describe('composeIndex', () => {
  it.each<[name: string, candidates: IndexCandidate[], expected: string[]]>([
    [
      'two platforms, sorted by platform whatever the input order',
      [image(d('a'), 'linux/arm64'), image(d('b'), 'linux/amd64')],
      ['linux/amd64 b', 'linux/arm64 a'],
    ],
    [
      'variants of one architecture are different platforms, ordered by variant',
      [image(d('c'), 'linux/arm/v7'), image(d('a'), 'linux/arm/v6'), image(d('b'), 'linux/arm64')],
      ['linux/arm/v6 a', 'linux/arm/v7 c', 'linux/arm64 b'],
    ],
    [
      'Windows builds of one architecture differ by os.version',
      [
        image(d('b'), 'windows/amd64', { osVersion: '10.0.20348.2113' }),
        image(d('a'), 'windows/amd64', { osVersion: '10.0.17763.5122' }),
        image(d('c'), 'linux/amd64'),
      ],
      ['linux/amd64 c', 'windows(10.0.17763.5122)/amd64 a', 'windows(10.0.20348.2113)/amd64 b'],
    ],
    [
      'attestations follow the images, in the order of the image each describes',
      [
        image(d('a'), 'linux/arm64'),
        attestation(d('1'), d('a')),
        image(d('b'), 'linux/amd64'),
        attestation(d('2'), d('b')),
      ],
      [
        'linux/amd64 b',
        'linux/arm64 a',
        'unknown/unknown 2 attestation',
        'unknown/unknown 1 attestation',
      ],
    ],
    [
      'an attestation whose image is not merged is left out',
      [image(d('a'), 'linux/amd64'), attestation(d('1'), d('f'))],
      ['linux/amd64 a'],
    ],
    [
      'an entry without a real platform that is no attestation is left out',
      [
        image(d('a'), 'linux/amd64'),
        {
          descriptor: {
            mediaType: OCI,
            digest: d('9'),
            size: 1,
            platform: { architecture: 'unknown', os: 'unknown' },
          },
          source: 'app@9999',
        },
      ],
      ['linux/amd64 a'],
    ],
    [
      'the same digest named twice counts once',
      [image(d('a'), 'linux/amd64'), image(d('a'), 'linux/amd64', { source: 'again' })],
      ['linux/amd64 a'],
    ],
  ])('%s', (_name, candidates, expected) => {
    expect(shape(candidates)).toEqual(expected);
  });

  it('notes what it leaves out and why', () => {
    const composed = composeIndex([
      image(d('a'), 'linux/amd64'),
      image(d('a'), 'linux/amd64', { source: 'digest file digests/aaa' }),
      attestation(d('1'), d('f'), 'leg-x'),
    ]);
    expect(composed.notes).toEqual([
      `${d('a')} is named twice (app@aaaa and digest file digests/aaa); it is listed once.`,
      `Left out attestation ${d('1')} from leg-x: the image it describes (${d('f')}) is not in the merged index.`,
    ]);
    expect(composed.attestations).toEqual([]);
  });

  it.each<[name: string, candidates: IndexCandidate[], message: string]>([
    [
      'the same platform twice',
      [
        image(d('a'), 'linux/amd64', { source: 'leg A' }),
        image(d('b'), 'linux/amd64', { source: 'leg B' }),
      ],
      `- linux/amd64: ${d('a')} (leg A) and ${d('b')} (leg B)`,
    ],
    [
      'arm64 and arm64/v8, which run the same images',
      [
        image(d('a'), 'linux/arm64', { source: 'leg A' }),
        image(d('b'), 'linux/arm64/v8', { source: 'leg B' }),
      ],
      `- linux/arm64: ${d('a')} (leg A) and ${d('b')} (leg B)`,
    ],
    [
      'arm and arm/v7 (arm means v7)',
      [image(d('a'), 'linux/arm'), image(d('b'), 'linux/arm/v7')],
      `- linux/arm: ${d('a')}`,
    ],
    [
      'an architecture alias (aarch64 is arm64)',
      [image(d('a'), 'linux/aarch64'), image(d('b'), 'linux/arm64')],
      `- linux/aarch64: ${d('a')}`,
    ],
  ])('refuses %s, naming both digests', (_name, candidates, message) => {
    const error = (() => {
      try {
        composeIndex(candidates);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toMatch(
      /^Several images are for the same platform; a multi-platform image holds one per platform:\n/,
    );
    expect((error as ActionError).message).toContain(message);
    expect((error as ActionError).hint).toContain('different platform');
  });

  it('refuses an index nested in a source index', () => {
    const nested = image(d('a'), 'linux/amd64', { mediaType: MEDIA_TYPES.ociIndex });
    expect(() => composeIndex([nested])).toThrow(/contains a nested index/);
  });

  it.each<[name: string, candidates: IndexCandidate[], mediaType: string]>([
    [
      'all Docker v2 manifests: a Docker manifest list',
      [
        image(d('a'), 'linux/amd64', { mediaType: DOCKER }),
        image(d('b'), 'linux/arm64', { mediaType: DOCKER }),
      ],
      MEDIA_TYPES.dockerList,
    ],
    [
      'all OCI manifests: an OCI index',
      [image(d('a'), 'linux/amd64'), image(d('b'), 'linux/arm64')],
      MEDIA_TYPES.ociIndex,
    ],
    [
      'Docker and OCI manifests mixed: an OCI index',
      [image(d('a'), 'linux/amd64', { mediaType: DOCKER }), image(d('b'), 'linux/arm64')],
      MEDIA_TYPES.ociIndex,
    ],
    [
      'Docker manifests with an attestation: an OCI index, which can hold annotations',
      [image(d('a'), 'linux/amd64', { mediaType: DOCKER }), attestation(d('1'), d('a'))],
      MEDIA_TYPES.ociIndex,
    ],
  ])('media type for %s', (_name, candidates, mediaType) => {
    const composed = composeIndex(candidates);
    expect(composed.mediaType).toBe(mediaType);
    expect(JSON.parse(composed.bytes.toString('utf8'))).toMatchObject({
      schemaVersion: 2,
      mediaType,
    });
  });

  it('writes the same bytes for the same images in any order, and says what it merged', () => {
    const entries = [
      image(d('c'), 'linux/arm/v7'),
      attestation(d('1'), d('a')),
      image(d('a'), 'linux/amd64'),
      attestation(d('3'), d('c')),
      image(d('b'), 'linux/arm64'),
    ];
    const forward = composeIndex(entries);
    const backward = composeIndex([...entries].reverse());
    expect(backward.bytes.equals(forward.bytes)).toBe(true);
    expect(forward.digest).toBe(digestOf(forward.bytes));
    expect(forward.platforms).toEqual([
      { platform: 'linux/amd64', digest: d('a'), source: 'app@aaaa' },
      { platform: 'linux/arm/v7', digest: d('c'), source: 'app@cccc' },
      { platform: 'linux/arm64', digest: d('b'), source: 'app@bbbb' },
    ]);
    expect(forward.attestations).toEqual([
      { digest: d('1'), subject: d('a') },
      { digest: d('3'), subject: d('c') },
    ]);
  });

  it('serialises descriptors in the OCI field order, annotations sorted, no whitespace', () => {
    const composed = composeIndex([
      {
        descriptor: {
          mediaType: OCI,
          digest: d('a'),
          size: 7,
          platform: {
            variant: 'v8',
            'os.features': ['win32k'],
            'os.version': '10.0',
            os: 'windows',
            architecture: 'arm64',
          },
          annotations: { 'z.last': '2', 'a.first': '1' },
        },
        source: 's',
      },
    ]);
    expect(composed.bytes.toString('utf8')).toBe(
      `{"schemaVersion":2,"mediaType":"${MEDIA_TYPES.ociIndex}","manifests":[{"mediaType":"${OCI}","digest":"${d('a')}","size":7,"platform":{"architecture":"arm64","os":"windows","os.version":"10.0","os.features":["win32k"],"variant":"v8"},"annotations":{"a.first":"1","z.last":"2"}}]}`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  computeMetadata,
  type MetadataContext,
  type MetadataInputs,
} from '../../../src/image/metadata/index.js';
import { inputsOf, loadEvent } from './events.js';

const REPO_URL = 'https://github.com/octo-org/octo-service';

/** The generated OCI labels, sorted by key, for a run with the given version and revision. */
function ociLabels(version: string, revision: string): string[] {
  return [
    'org.opencontainers.image.created=2026-01-09T23:45:00.000Z',
    'org.opencontainers.image.description=Checkout and payment service',
    'org.opencontainers.image.licenses=MIT',
    `org.opencontainers.image.revision=${revision}`,
    `org.opencontainers.image.source=${REPO_URL}`,
    'org.opencontainers.image.title=octo-service',
    `org.opencontainers.image.url=${REPO_URL}`,
    `org.opencontainers.image.version=${version}`,
  ];
}

const TAG_SHA = '90dd6032fac8bda1b6c4436a2e65de27961ed071';
const MAIN_SHA = 'c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5';

type Row = [
  name: string,
  fixture: string,
  inputs: Partial<MetadataInputs>,
  context: Partial<MetadataContext>,
  labels: string[],
];

describe('labels', () => {
  it.each<Row>([
    ['generated OCI labels on a tag push', 'push-tag-v1.2.3', {}, {}, ociLabels('v1.2.3', TAG_SHA)],
    [
      'the version label follows the computed version',
      'push-tag-v1.2.3',
      { tags: ['type=semver,pattern={{version}}'] },
      {},
      ociLabels('1.2.3', TAG_SHA),
    ],
    [
      'no version when no tag was computed',
      'push-main',
      { tags: ['type=semver,pattern={{version}}'] },
      {},
      ociLabels('', MAIN_SHA),
    ],
    [
      'custom labels override by key and are sorted in',
      'push-main',
      {
        labels: [
          'org.opencontainers.image.title=Checkout',
          'maintainer=Octo Team',
          'org.opencontainers.image.vendor=Octo Org',
        ],
      },
      {},
      [
        'maintainer=Octo Team',
        'org.opencontainers.image.created=2026-01-09T23:45:00.000Z',
        'org.opencontainers.image.description=Checkout and payment service',
        'org.opencontainers.image.licenses=MIT',
        `org.opencontainers.image.revision=${MAIN_SHA}`,
        `org.opencontainers.image.source=${REPO_URL}`,
        'org.opencontainers.image.title=Checkout',
        `org.opencontainers.image.url=${REPO_URL}`,
        'org.opencontainers.image.vendor=Octo Org',
        'org.opencontainers.image.version=main',
      ],
    ],
    [
      'custom label rendered with commit_date',
      'push-main',
      { labels: ["org.opencontainers.image.created={{commit_date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}"] },
      {},
      ociLabels('main', MAIN_SHA).map((label) =>
        label.startsWith('org.opencontainers.image.created=')
          ? 'org.opencontainers.image.created=2026-01-09T23:04:05.000Z'
          : label,
      ),
    ],
    [
      'a line without = is dropped and key= keeps an empty value',
      'push-main',
      {
        labels: [
          'just-a-word',
          'org.opencontainers.image.description=',
          'com.example.channel={{branch}}',
        ],
      },
      {},
      [
        'com.example.channel=main',
        ...ociLabels('main', MAIN_SHA).map((label) =>
          label.startsWith('org.opencontainers.image.description=')
            ? 'org.opencontainers.image.description='
            : label,
        ),
      ],
    ],
    [
      'a value may hold =',
      'push-main',
      { labels: ['com.example.query=a=b'] },
      {},
      ['com.example.query=a=b', ...ociLabels('main', MAIN_SHA)],
    ],
    [
      'repository data from the API when it differs from the payload',
      'push-main',
      {},
      {
        repository: {
          name: 'renamed',
          htmlUrl: 'https://github.com/octo-org/renamed',
          description: undefined,
          license: undefined,
        },
      },
      [
        'org.opencontainers.image.created=2026-01-09T23:45:00.000Z',
        'org.opencontainers.image.description=',
        'org.opencontainers.image.licenses=',
        `org.opencontainers.image.revision=${MAIN_SHA}`,
        'org.opencontainers.image.source=https://github.com/octo-org/renamed',
        'org.opencontainers.image.title=renamed',
        'org.opencontainers.image.url=https://github.com/octo-org/renamed',
        'org.opencontainers.image.version=main',
      ],
    ],
    [
      'revision of a pull request is the merge commit',
      'pull_request',
      {},
      {},
      ociLabels('pr-42', '5f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b'),
    ],
    [
      'pr-head-sha makes the revision the head commit',
      'pull_request',
      { prHeadSha: true },
      {},
      ociLabels('pr-42', '8f14e45fceea167a5a36dedd4bea2543b2c3d4e5'),
    ],
  ])('%s', (_name, fixture, inputs, context, labels) => {
    const metadata = computeMetadata(inputsOf(inputs), loadEvent(fixture, context));
    expect(metadata.labels).toEqual(labels);
  });
});

describe('annotations', () => {
  type AnnotationRow = [
    name: string,
    inputs: Partial<MetadataInputs>,
    env: Record<string, string>,
    annotations: string[],
  ];
  const base = ociLabels('v1.2.3', TAG_SHA);
  it.each<AnnotationRow>([
    ['manifest level by default', {}, {}, base.map((entry) => `manifest:${entry}`)],
    [
      'levels from the input',
      { annotationLevels: ['manifest', 'index'] },
      {},
      [...base.map((entry) => `manifest:${entry}`), ...base.map((entry) => `index:${entry}`)],
    ],
    [
      'levels from DOCKER_METADATA_ANNOTATIONS_LEVELS',
      {},
      { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'index' },
      base.map((entry) => `index:${entry}`),
    ],
    [
      'the input wins over the variable',
      { annotationLevels: ['index-descriptor'] },
      { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'index' },
      base.map((entry) => `index-descriptor:${entry}`),
    ],
    [
      'a platform-qualified level',
      { annotationLevels: ['manifest[linux/amd64]'] },
      {},
      base.map((entry) => `manifest[linux/amd64]:${entry}`),
    ],
    [
      'custom annotations override by key',
      { annotations: ['org.opencontainers.image.description=Payments for {{tag}}'] },
      {},
      base.map((entry) =>
        entry.startsWith('org.opencontainers.image.description=')
          ? 'manifest:org.opencontainers.image.description=Payments for v1.2.3'
          : `manifest:${entry}`,
      ),
    ],
  ])('%s', (_name, inputs, env, annotations) => {
    const metadata = computeMetadata(inputsOf(inputs), loadEvent('push-tag-v1.2.3', { env }));
    expect(metadata.annotations).toEqual(annotations);
  });

  it('custom labels do not leak into annotations', () => {
    const metadata = computeMetadata(
      inputsOf({ labels: ['maintainer=Octo Team'] }),
      loadEvent('push-tag-v1.2.3'),
    );
    expect(metadata.annotations).toEqual(base.map((entry) => `manifest:${entry}`));
  });
});

describe('json output', () => {
  it('holds tags, tag-names, labels as an object and annotations with levels', () => {
    const metadata = computeMetadata(
      inputsOf({
        images: ['ghcr.io/octo-org/app'],
        tags: ['type=semver,pattern={{version}}', 'type=sha'],
        labels: ['maintainer=Octo Team'],
        annotationLevels: ['manifest', 'index'],
      }),
      loadEvent('push-tag-v1.2.3'),
    );
    expect(JSON.parse(JSON.stringify(metadata.json))).toEqual({
      tags: [
        'ghcr.io/octo-org/app:1.2.3',
        'ghcr.io/octo-org/app:sha-90dd603',
        'ghcr.io/octo-org/app:latest',
      ],
      'tag-names': ['1.2.3', 'sha-90dd603', 'latest'],
      labels: {
        maintainer: 'Octo Team',
        'org.opencontainers.image.created': '2026-01-09T23:45:00.000Z',
        'org.opencontainers.image.description': 'Checkout and payment service',
        'org.opencontainers.image.licenses': 'MIT',
        'org.opencontainers.image.revision': TAG_SHA,
        'org.opencontainers.image.source': REPO_URL,
        'org.opencontainers.image.title': 'octo-service',
        'org.opencontainers.image.url': REPO_URL,
        'org.opencontainers.image.version': '1.2.3',
      },
      annotations: [
        ...ociLabels('1.2.3', TAG_SHA).map((entry) => `manifest:${entry}`),
        ...ociLabels('1.2.3', TAG_SHA).map((entry) => `index:${entry}`),
      ],
    });
    expect(Object.keys(metadata.json)).toEqual(['tags', 'tag-names', 'labels', 'annotations']);
  });
});

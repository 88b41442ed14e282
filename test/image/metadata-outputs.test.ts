import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import {
  outputEnvEnabled,
  outputEnvName,
  setMetadataOutputs,
  type MetadataOutputs,
  type MetadataOutputSettings,
} from '../../src/image/metadata-outputs.js';
import {
  computeMetadata,
  type Metadata,
  type MetadataInputs,
} from '../../src/image/metadata/index.js';
import { parseKeyValueFile } from '../support/workflow-commands.js';
import { IMAGE, inputsOf, loadEvent } from './metadata/events.js';

/** Every output metadata-action sets, in its order, with the variable it exports it as. */
const EXPORTED: Array<[output: keyof MetadataOutputs, variable: string]> = [
  ['version', 'DOCKER_METADATA_OUTPUT_VERSION'],
  ['tags', 'DOCKER_METADATA_OUTPUT_TAGS'],
  ['tag-names', 'DOCKER_METADATA_OUTPUT_TAG_NAMES'],
  ['labels', 'DOCKER_METADATA_OUTPUT_LABELS'],
  ['annotations', 'DOCKER_METADATA_OUTPUT_ANNOTATIONS'],
  ['json', 'DOCKER_METADATA_OUTPUT_JSON'],
  ['bake-file-tags', 'DOCKER_METADATA_OUTPUT_BAKE_FILE_TAGS'],
  ['bake-file-labels', 'DOCKER_METADATA_OUTPUT_BAKE_FILE_LABELS'],
  ['bake-file-annotations', 'DOCKER_METADATA_OUTPUT_BAKE_FILE_ANNOTATIONS'],
  ['bake-file', 'DOCKER_METADATA_OUTPUT_BAKE_FILE'],
];

const NEWLINES: MetadataOutputSettings = {
  separators: { tags: '\n', labels: '\n', annotations: '\n' },
  metadata: {},
};

const REPO_URL = 'https://github.com/octo-org/octo-service';

/** metadata-action's generated labels for octo-service at the frozen run time, as an object. */
function ociLabels(version: string, revision: string): Record<string, string> {
  return {
    'org.opencontainers.image.created': '2026-01-09T23:45:00.000Z',
    'org.opencontainers.image.description': 'Checkout and payment service',
    'org.opencontainers.image.licenses': 'MIT',
    'org.opencontainers.image.revision': revision,
    'org.opencontainers.image.source': REPO_URL,
    'org.opencontainers.image.title': 'octo-service',
    'org.opencontainers.image.url': REPO_URL,
    'org.opencontainers.image.version': version,
  };
}

const TAG_SHA = '90dd6032fac8bda1b6c4436a2e65de27961ed071';
const MAIN_SHA = 'c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5';

/** The tags block of metadata-action's README bake recipe. */
const README_TAGS = [
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=sha',
];

let runner: string;
let outputFile: string;
let envFile: string;

beforeEach(() => {
  runner = mkdtempSync(join(tmpdir(), 'image-metadata-outputs-'));
  outputFile = join(runner, 'output');
  envFile = join(runner, 'env');
  writeFileSync(outputFile, '');
  writeFileSync(envFile, '');
  vi.stubEnv('GITHUB_OUTPUT', outputFile);
  vi.stubEnv('GITHUB_ENV', envFile);
  vi.stubEnv('RUNNER_TEMP', join(runner, 'temp'));
  vi.stubEnv('DOCKER_METADATA_SET_OUTPUT_ENV', undefined);
  // exportVariable also sets process.env; stubbing first makes unstubAllEnvs put it back.
  for (const [, variable] of EXPORTED) vi.stubEnv(variable, undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(runner, { recursive: true, force: true });
});

function metadataFor(fixture: string, inputs: Partial<MetadataInputs>): Metadata {
  return computeMetadata(inputsOf(inputs), loadEvent(fixture));
}

function outputs(): Record<string, string> {
  return parseKeyValueFile(readFileSync(outputFile, 'utf8'));
}

function exported(): Record<string, string> {
  return parseKeyValueFile(readFileSync(envFile, 'utf8'));
}

function bakeFile(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('DOCKER_METADATA_OUTPUT_* environment variables', () => {
  it.each<[fixture: string, inputs: Partial<MetadataInputs>]>([
    ['push-tag-v1.2.3', { images: [IMAGE], tags: README_TAGS }],
    ['push-main', { images: [IMAGE] }],
    ['pull_request', { images: [IMAGE, 'docker.io/octo/app'], tags: README_TAGS }],
    ['schedule', { tags: ['type=schedule,pattern={{date "YYYYMMDD"}}'] }],
    ['release', { images: [IMAGE], annotationLevels: ['manifest', 'index'] }],
    ['push-main', { images: [IMAGE], tags: ['type=semver,pattern={{version}}'] }],
  ])('%s %o: every output, under its name, with the same value', (fixture, inputs) => {
    setMetadataOutputs(metadataFor(fixture, inputs), NEWLINES);
    const set = outputs();
    const env = exported();
    expect(Object.keys(set)).toEqual(EXPORTED.map(([output]) => output));
    expect(Object.keys(env)).toEqual(EXPORTED.map(([, variable]) => variable));
    for (const [output, variable] of EXPORTED) {
      expect(env[variable]).toBe(set[output]);
      expect(process.env[variable]).toBe(set[output]);
    }
  });

  it('values on a tag push, joined with the separators as the outputs are', () => {
    const metadata = metadataFor('push-tag-v1.2.3', {
      images: [IMAGE],
      tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}'],
    });
    setMetadataOutputs(metadata, {
      separators: { tags: ',', labels: ';', annotations: ' ' },
      metadata: {},
    });
    const env = exported();
    expect(env.DOCKER_METADATA_OUTPUT_VERSION).toBe('1.2.3');
    expect(env.DOCKER_METADATA_OUTPUT_TAGS).toBe(`${IMAGE}:1.2.3,${IMAGE}:1.2,${IMAGE}:latest`);
    expect(env.DOCKER_METADATA_OUTPUT_TAG_NAMES).toBe('1.2.3,1.2,latest');
    const labels = Object.entries(ociLabels('1.2.3', TAG_SHA)).map(([k, v]) => `${k}=${v}`);
    expect(env.DOCKER_METADATA_OUTPUT_LABELS).toBe(labels.join(';'));
    expect(env.DOCKER_METADATA_OUTPUT_ANNOTATIONS).toBe(
      labels.map((label) => `manifest:${label}`).join(' '),
    );
    expect(JSON.parse(env.DOCKER_METADATA_OUTPUT_JSON)).toEqual({
      tags: [`${IMAGE}:1.2.3`, `${IMAGE}:1.2`, `${IMAGE}:latest`],
      'tag-names': ['1.2.3', '1.2', 'latest'],
      labels: ociLabels('1.2.3', TAG_SHA),
      annotations: labels.map((label) => `manifest:${label}`),
    });
    // The JSON keys in metadata-action's order.
    expect(Object.keys(JSON.parse(env.DOCKER_METADATA_OUTPUT_JSON))).toEqual([
      'tags',
      'tag-names',
      'labels',
      'annotations',
    ]);
  });

  it('no version: the version variable is set, empty', () => {
    setMetadataOutputs(
      metadataFor('push-main', { images: [IMAGE], tags: ['type=semver,pattern={{version}}'] }),
      NEWLINES,
    );
    expect(exported()).toMatchObject({
      DOCKER_METADATA_OUTPUT_VERSION: '',
      DOCKER_METADATA_OUTPUT_TAGS: '',
      DOCKER_METADATA_OUTPUT_TAG_NAMES: '',
    });
  });

  it.each(['false', 'FALSE', 'False', 'f', 'F', '0'])(
    'DOCKER_METADATA_SET_OUTPUT_ENV=%s: outputs only',
    (value) => {
      vi.stubEnv('DOCKER_METADATA_SET_OUTPUT_ENV', value);
      setMetadataOutputs(metadataFor('push-main', { images: [IMAGE] }), NEWLINES);
      expect(Object.keys(outputs())).toHaveLength(EXPORTED.length);
      expect(exported()).toEqual({});
      expect(process.env.DOCKER_METADATA_OUTPUT_TAGS).toBeUndefined();
    },
  );

  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['', true],
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['t', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('DOCKER_METADATA_SET_OUTPUT_ENV=%s is %s', (value, enabled) => {
    expect(outputEnvEnabled({ DOCKER_METADATA_SET_OUTPUT_ENV: value })).toBe(enabled);
  });

  it.each(['yes', 'no', 'tRuE', ' false'])(
    'DOCKER_METADATA_SET_OUTPUT_ENV=%s fails, as metadata-action does',
    (value) => {
      expect(() => outputEnvEnabled({ DOCKER_METADATA_SET_OUTPUT_ENV: value })).toThrow(
        ActionError,
      );
    },
  );

  it('names: non-word characters become _, upper-cased', () => {
    expect(outputEnvName('tag-names')).toBe('DOCKER_METADATA_OUTPUT_TAG_NAMES');
    expect(outputEnvName('bake-file-annotations')).toBe(
      'DOCKER_METADATA_OUTPUT_BAKE_FILE_ANNOTATIONS',
    );
  });
});

const RECORDED_EVENTS = readdirSync(
  fileURLToPath(new URL('../fixtures/image/events/', import.meta.url)),
)
  .filter((name) => name.endsWith('.env'))
  .map((name) => name.slice(0, -'.env'.length));

describe('on every recorded event', () => {
  it.each(RECORDED_EVENTS)(
    "%s: metadata-action's variables and bake files for its README recipe",
    (fixture) => {
      const metadata = metadataFor(fixture, { images: [IMAGE], tags: README_TAGS });
      const set = setMetadataOutputs(metadata, NEWLINES);
      const env = exported();
      expect(Object.keys(env)).toEqual(EXPORTED.map(([, variable]) => variable));
      for (const [output, variable] of EXPORTED) expect(env[variable]).toBe(set[output]);
      expect(env.DOCKER_METADATA_OUTPUT_TAGS.split('\n')).toEqual(metadata.tags);
      const args = {
        DOCKER_META_IMAGES: IMAGE,
        ...(metadata.version.main !== undefined && {
          DOCKER_META_VERSION: metadata.version.main,
        }),
      };
      const labels = Object.fromEntries(
        metadata.labels.map((label) => [
          label.slice(0, label.indexOf('=')),
          label.slice(label.indexOf('=') + 1),
        ]),
      );
      expect(bakeFile(set['bake-file'])).toEqual({
        target: { 'docker-metadata-action': { tags: metadata.tags, labels, args } },
      });
      expect(bakeFile(set['bake-file-tags'])).toEqual({
        target: { 'docker-metadata-action': { tags: metadata.tags, args } },
      });
      expect(bakeFile(set['bake-file-labels'])).toEqual({
        target: { 'docker-metadata-action': { labels } },
      });
      expect(bakeFile(set['bake-file-annotations'])).toEqual({
        target: {
          'docker-metadata-action': {
            annotations: metadata.labels.map((label) => `manifest:${label}`),
          },
        },
      });
    },
  );
});

describe('bake files', () => {
  it("metadata-action README's recipe on a tag push: its bake-file content", () => {
    const metadata = metadataFor('push-tag-v1.2.3', { images: [IMAGE], tags: README_TAGS });
    const set = setMetadataOutputs(metadata, NEWLINES);
    const tags = [`${IMAGE}:1.2.3`, `${IMAGE}:1.2`, `${IMAGE}:sha-90dd603`, `${IMAGE}:latest`];
    const args = { DOCKER_META_IMAGES: IMAGE, DOCKER_META_VERSION: '1.2.3' };
    const labels = ociLabels('1.2.3', TAG_SHA);
    expect(bakeFile(set['bake-file'])).toEqual({
      target: { 'docker-metadata-action': { tags, labels, args } },
    });
    expect(bakeFile(set['bake-file-tags'])).toEqual({
      target: { 'docker-metadata-action': { tags, args } },
    });
    expect(bakeFile(set['bake-file-labels'])).toEqual({
      target: { 'docker-metadata-action': { labels } },
    });
    expect(bakeFile(set['bake-file-annotations'])).toEqual({
      target: {
        'docker-metadata-action': {
          annotations: Object.entries(labels).map(([k, v]) => `manifest:${k}=${v}`),
        },
      },
    });
  });

  it('are written exactly as metadata-action writes them: two-space JSON, keys in its order', () => {
    const metadata = metadataFor('push-main', { images: [IMAGE] });
    const set = setMetadataOutputs(metadata, NEWLINES);
    const text = readFileSync(set['bake-file'], 'utf8');
    const labels = ociLabels('main', MAIN_SHA);
    expect(text).toBe(
      [
        '{',
        '  "target": {',
        '    "docker-metadata-action": {',
        '      "tags": [',
        `        "${IMAGE}:main"`,
        '      ],',
        '      "labels": {',
        ...Object.entries(labels).map(
          ([k, v], index, all) => `        "${k}": "${v}"${index < all.length - 1 ? ',' : ''}`,
        ),
        '      },',
        '      "args": {',
        `        "DOCKER_META_IMAGES": "${IMAGE}",`,
        '        "DOCKER_META_VERSION": "main"',
        '      }',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it("are files named as metadata-action's, in a directory of their own under RUNNER_TEMP", () => {
    const first = setMetadataOutputs(metadataFor('push-main', { images: [IMAGE] }), NEWLINES);
    const second = setMetadataOutputs(metadataFor('push-dev', { images: [IMAGE] }), NEWLINES);
    expect(basename(first['bake-file-tags'])).toBe('docker-metadata-action-bake-tags.json');
    expect(basename(first['bake-file-labels'])).toBe('docker-metadata-action-bake-labels.json');
    expect(basename(first['bake-file-annotations'])).toBe(
      'docker-metadata-action-bake-annotations.json',
    );
    expect(basename(first['bake-file'])).toBe('docker-metadata-action-bake.json');
    expect(dirname(dirname(first['bake-file']))).toBe(join(runner, 'temp'));
    // A second image step in the job does not overwrite the first one's files.
    expect(dirname(second['bake-file'])).not.toBe(dirname(first['bake-file']));
    expect(bakeFile(first['bake-file-tags'])).toMatchObject({
      target: { 'docker-metadata-action': { tags: [`${IMAGE}:main`] } },
    });
  });

  it('bake-target names the target', () => {
    const set = setMetadataOutputs(metadataFor('push-main', { images: [IMAGE] }), {
      ...NEWLINES,
      metadata: { bakeTarget: 'meta-helper' },
    });
    for (const output of ['bake-file', 'bake-file-tags', 'bake-file-labels'] as const) {
      expect(Object.keys((bakeFile(set[output]) as { target: object }).target)).toEqual([
        'meta-helper',
      ]);
    }
  });

  it('args: the enabled images joined with commas; no version, no DOCKER_META_VERSION', () => {
    const metadata = metadataFor('push-main', {
      images: [IMAGE, 'name=docker.io/octo/app,enable=false', 'Quay.io/Octo/App'],
      tags: ['type=semver,pattern={{version}}'],
    });
    const set = setMetadataOutputs(metadata, NEWLINES);
    expect(bakeFile(set['bake-file-tags'])).toEqual({
      target: {
        'docker-metadata-action': {
          tags: [],
          args: { DOCKER_META_IMAGES: `${IMAGE},quay.io/octo/app` },
        },
      },
    });
  });

  it('no images: DOCKER_META_IMAGES is empty and the tags are bare', () => {
    const set = setMetadataOutputs(metadataFor('push-dev', {}), NEWLINES);
    expect(bakeFile(set['bake-file-tags'])).toEqual({
      target: {
        'docker-metadata-action': {
          tags: ['dev'],
          args: { DOCKER_META_IMAGES: '', DOCKER_META_VERSION: 'dev' },
        },
      },
    });
  });

  it('annotations carry every level, as the annotations output does', () => {
    const metadata = metadataFor('push-main', {
      images: [IMAGE],
      annotationLevels: ['manifest', 'index'],
      annotations: ['org.opencontainers.image.vendor=Octo Org'],
    });
    const set = setMetadataOutputs(metadata, NEWLINES);
    const annotations = (
      bakeFile(set['bake-file-annotations']) as {
        target: Record<string, { annotations: string[] }>;
      }
    ).target['docker-metadata-action'].annotations;
    expect(annotations).toEqual(metadata.annotations);
    expect(annotations).toHaveLength(18);
    expect(annotations[0]).toBe(
      'manifest:org.opencontainers.image.created=2026-01-09T23:45:00.000Z',
    );
    expect(annotations[9]).toBe('index:org.opencontainers.image.created=2026-01-09T23:45:00.000Z');
    expect(annotations).toContain('index:org.opencontainers.image.vendor=Octo Org');
  });

  it('literal references in tags are in the bake tags too', () => {
    const metadata = metadataFor('push-main', {
      images: [IMAGE],
      tags: ['type=ref,event=branch', 'docker.io/octo/app:main'],
    });
    const set = setMetadataOutputs(metadata, NEWLINES);
    expect(bakeFile(set['bake-file-tags'])).toEqual({
      target: {
        'docker-metadata-action': {
          tags: [`${IMAGE}:main`, 'docker.io/octo/app:main'],
          args: { DOCKER_META_IMAGES: IMAGE, DOCKER_META_VERSION: 'main' },
        },
      },
    });
    expect(exported().DOCKER_METADATA_OUTPUT_TAG_NAMES).toBe('main');
  });

  it('without RUNNER_TEMP the system temporary directory is used', () => {
    vi.stubEnv('RUNNER_TEMP', '');
    const set = setMetadataOutputs(metadataFor('push-main', { images: [IMAGE] }), NEWLINES);
    expect(dirname(dirname(set['bake-file']))).toBe(tmpdir());
    rmSync(dirname(set['bake-file']), { recursive: true, force: true });
  });
});

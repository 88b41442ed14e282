import * as core from '@actions/core';
import { InputError } from '../core/errors.js';
import {
  readBoolean,
  readEnum,
  readInteger,
  readList,
  readMap,
  readString,
} from '../core/inputs.js';
import { registerSecretWithDerivations } from '../core/secrets.js';
import { parseTagPattern } from './registry/immutable.js';

/** Everything the action was asked to do, read and validated once. */
export interface Settings {
  metadata: {
    images: string[];
    tags: string[];
    flavor: string[];
    labels: string[];
    annotations: string[];
    shaLength?: number;
    prHeadSha: boolean;
    ociTags: boolean;
    annotationLevels?: string[];
  };
  separators: { tags: string; labels: string; annotations: string };
  build: boolean;
  push: boolean;
  builder: 'docker' | 'buildah';
  context: string;
  file?: string;
  target?: string;
  platforms: string[];
  buildArgs: Map<string, string>;
  secrets: Map<string, string>;
  cacheFrom: string[];
  cacheTo: string[];
  provenance?: string;
  sbom?: string;
  login?: { registry: string; username: string; password: string };
  promoteFrom?: string;
  skipExisting: boolean;
  /** Tags that may be created but never moved; undefined means the default (full versions). */
  immutableTags?: RegExp[];
  insecureRegistries: string[];
  githubToken?: string;
  workspace: string;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const secrets = readMap('secrets', { example: 'npm_token=${{ secrets.NPM_TOKEN }}' });
  for (const value of secrets.values()) registerSecretWithDerivations(value);
  const promoteFrom = readString('promote-from');
  const build = readBoolean('build', true);
  return {
    metadata: {
      images: readList('images', { commas: false }),
      tags: readList('tags', { commas: false }),
      flavor: readList('flavor', { commas: false }),
      labels: readList('labels', { commas: false }),
      annotations: readList('annotations', { commas: false }),
      shaLength:
        readString('sha-length') === undefined
          ? undefined
          : readInteger('sha-length', { default: 7, min: 7, max: 40 }),
      prHeadSha: readBoolean('pr-head-sha', false),
      ociTags: readBoolean('oci-tags', false),
      annotationLevels: optionalList('annotation-levels'),
    },
    separators: {
      tags: separator('sep-tags'),
      labels: separator('sep-labels'),
      annotations: separator('sep-annotations'),
    },
    build: build && promoteFrom === undefined,
    push: readBoolean('push', false),
    builder: readEnum('builder', ['docker', 'buildah'], 'docker'),
    context: readString('context', { default: '.' }) as string,
    file: readString('file'),
    target: readString('target'),
    platforms: readList('platforms'),
    buildArgs: readMap('build-args', { example: 'VERSION=1.2.3' }),
    secrets,
    cacheFrom: readList('cache-from', { commas: false }),
    cacheTo: readList('cache-to', { commas: false }),
    provenance: readString('provenance'),
    sbom: readString('sbom'),
    login: readLogin(),
    promoteFrom,
    skipExisting: readBoolean('skip-existing', false),
    immutableTags: readImmutable(),
    insecureRegistries: readList('insecure-registries'),
    githubToken: readString('github-token'),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
  };
}

function optionalList(name: string): string[] | undefined {
  const items = readList(name);
  return items.length > 0 ? items : undefined;
}

/** Separators keep their whitespace: a newline or a space is the whole point. */
function separator(name: string): string {
  const value = core.getInput(name, { trimWhitespace: false });
  return value === '' ? '\n' : value.replace(/\\n/g, '\n');
}

function readLogin(): Settings['login'] {
  const registry = readString('registry');
  const username = readString('username');
  const password = core.getInput('password');
  if (password) registerSecretWithDerivations(password);
  if (!username && !password) return undefined;
  if (!username)
    throw new InputError('username', 'is required when password is set.', '${{ github.actor }}');
  if (!password)
    throw new InputError(
      'password',
      'is required when username is set.',
      '${{ secrets.GITHUB_TOKEN }}',
    );
  if (!registry)
    throw new InputError(
      'registry',
      'is required to log in with username and password.',
      'ghcr.io',
    );
  registerSecretWithDerivations(`${username}:${password}`);
  return { registry, username, password };
}

function readImmutable(): RegExp[] | undefined {
  const patterns = readList('immutable-tags', { commas: false });
  if (patterns.length === 0) return undefined;
  return patterns.map((pattern) => {
    try {
      return parseTagPattern(pattern);
    } catch (error) {
      throw new InputError('immutable-tags', (error as Error).message, "'v*' or /^release-\\d+$/");
    }
  });
}

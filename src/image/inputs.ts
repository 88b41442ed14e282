import * as core from '@actions/core';
import { InputError } from '../core/errors.js';
import { readBoolean, readList, readMap, readString } from '../core/inputs.js';
import { registerSecretWithDerivations } from '../core/secrets.js';
import { parseTagPattern } from './registry/immutable.js';
import { readBuildInputs, type BuildInputs } from './build-inputs.js';
import { readMetadataInputs, type MetadataSettings } from './metadata-inputs.js';

/** Everything the action was asked to do, read and validated once. */
export interface Settings {
  metadata: MetadataSettings;
  separators: { tags: string; labels: string; annotations: string };
  /** Build an image (not only metadata, and no promote-from). */
  buildImage: boolean;
  push: boolean;
  build: BuildInputs;
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
    metadata: readMetadataInputs(),
    separators: {
      tags: separator('sep-tags'),
      labels: separator('sep-labels'),
      annotations: separator('sep-annotations'),
    },
    buildImage: build && promoteFrom === undefined,
    push: readBoolean('push', false),
    build: readBuildInputs(secrets),
    login: readLogin(),
    promoteFrom,
    skipExisting: readBoolean('skip-existing', false),
    immutableTags: readImmutable(),
    insecureRegistries: readList('insecure-registries'),
    githubToken: readString('github-token'),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
  };
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

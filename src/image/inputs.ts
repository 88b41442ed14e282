import * as core from '@actions/core';
import { InputError } from '../core/errors.js';
import { readBoolean, readList, readString, readSecret } from '../core/inputs.js';
import { registerSecretWithDerivations } from '../core/secrets.js';
import { parseTagPattern } from './registry/immutable.js';
import { readBuildInputs, type BuildInputs } from './build-inputs.js';
import { readMetadataInputs, type MetadataSettings } from './metadata-inputs.js';

/** Everything the action was asked to do, read and validated once. */
export interface Settings {
  metadata: MetadataSettings;
  separators: { tags: string; labels: string; annotations: string };
  /** What the action does with the metadata it computed; see readTask. */
  task: ImageTask;
  push: boolean;
  /** Push the build by digest only, to each image's repository, for a later merge-digests. */
  pushByDigest: boolean;
  build: BuildInputs;
  login?: { registry: string; username: string; password: string };
  promoteFrom?: string;
  /** merge-digests: the per-platform images to merge under the computed tags. */
  mergeDigests?: string;
  skipExisting: boolean;
  /** Tags that may be created but never moved; undefined means the default (full versions). */
  immutableTags?: RegExp[];
  insecureRegistries: string[];
  githubToken?: string;
  /** Write the job summary on success (failures always report). */
  summary: boolean;
  workspace: string;
}

/**
 * promote: copy promote-from to the tags; merge: join merge-digests into one multi-platform
 * image; build: build (and push); push-built: push what an earlier step built (build: false,
 * push: true); metadata: only compute tags and labels (build: false).
 */
export type ImageTask = 'promote' | 'merge' | 'build' | 'push-built' | 'metadata';

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const promoteFrom = readString('promote-from');
  const mergeDigests = readString('merge-digests');
  const push = readBoolean('push', false);
  return {
    metadata: readMetadataInputs(),
    separators: {
      tags: separator('sep-tags'),
      labels: separator('sep-labels'),
      annotations: separator('sep-annotations'),
    },
    task: readTask(promoteFrom, mergeDigests, push),
    push,
    pushByDigest: readBoolean('push-by-digest', false),
    build: readBuildInputs(),
    login: readLogin(),
    promoteFrom,
    mergeDigests,
    skipExisting: readBoolean('skip-existing', false),
    immutableTags: readImmutable(),
    insecureRegistries: readList('insecure-registries'),
    githubToken: readSecret('github-token'),
    // build-push-action's switch (DOCKER_BUILD_SUMMARY=false) means the same here.
    summary: readBoolean('summary', !/^false$/i.test(env.DOCKER_BUILD_SUMMARY ?? '')),
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

function readTask(
  promoteFrom: string | undefined,
  mergeDigests: string | undefined,
  push: boolean,
): ImageTask {
  if (promoteFrom !== undefined && mergeDigests !== undefined) {
    throw new InputError(
      'merge-digests',
      'cannot be used with promote-from: a step either copies one image or merges several.',
      'merge-digests: ${{ runner.temp }}/digests (in a job of its own)',
    );
  }
  if (promoteFrom !== undefined) return 'promote';
  if (mergeDigests !== undefined) return 'merge';
  if (readBoolean('build', true)) return 'build';
  return push ? 'push-built' : 'metadata';
}

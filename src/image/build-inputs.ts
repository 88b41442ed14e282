import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ActionError, InputError } from '../core/errors.js';
import { readBoolean, readEnum, readString } from '../core/inputs.js';
import { registerSecretWithDerivations } from '../core/secrets.js';
import { refuseUnsupportedByBuildah } from './builders/buildah.js';
import { csvPairs, readCsvList } from './builders/csv-list.js';
import type { BuildInputs, EngineName } from './builders/index.js';
import { parseBool } from './builders/references.js';

export type { BuildInputs };

/**
 * Reads every build input. `secrets` is read as CSV like build-push-action (a quoted value may
 * span lines), and every value is masked.
 */
export function readBuildInputs(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): BuildInputs {
  const engine = readEnum('engine', ['docker', 'buildah'], 'docker');
  const inputs: BuildInputs = {
    engine,
    context: readContext(cwd),
    file: readString('file'),
    target: readString('target'),
    platforms: readCsvList('platforms', { commas: 'split', example: 'linux/amd64,linux/arm64' }),
    buildArgs: csvPairs(
      'build-args',
      readCsvList('build-args', { commas: 'keep', example: 'VERSION=1.2.3' }),
      { what: 'NAME=value', example: 'VERSION=1.2.3', emptyValues: true },
    ),
    secrets: readSecrets(),
    secretFiles: csvPairs(
      'secret-files',
      readCsvList('secret-files', { commas: 'keep', example: SECRET_FILE_EXAMPLE }),
      { what: 'id=path', example: SECRET_FILE_EXAMPLE },
    ),
    secretEnvs: csvPairs(
      'secret-envs',
      readCsvList('secret-envs', { commas: 'split', example: SECRET_ENV_EXAMPLE }),
      { what: 'id=ENVIRONMENT_VARIABLE', example: SECRET_ENV_EXAMPLE },
    ),
    cacheFrom: readCsvList('cache-from', { commas: 'keep', example: 'type=gha' }),
    cacheTo: readCsvList('cache-to', { commas: 'keep', example: 'type=gha,mode=max' }),
    provenance: readString('provenance'),
    sbom: readString('sbom'),
    attests: readCsvList('attests', { commas: 'keep', example: 'type=sbom,generator=image' }),
    provenanceBuilderId: workflowRunUrl(env),
    defaultAttestations: !noDefaultAttestations(env),
    builder: readBuilder(engine),
    load: readBoolean('load', false),
    outputs: readCsvList('outputs', {
      commas: 'keep',
      quotes: false,
      example: 'type=local,dest=out',
    }),
    noCache: readBoolean('no-cache', false),
    noCacheFilters: readCsvList('no-cache-filters', { commas: 'split', example: 'test,lint' }),
    pull: readBoolean('pull', false),
    buildContexts: readBuildContexts(),
    ssh: readCsvList('ssh', { commas: 'split', example: 'default' }),
    shmSize: readString('shm-size', { example: '2g' }),
    ulimits: readCsvList('ulimit', { commas: 'keep', example: 'nofile=1024:1024' }),
    network: readString('network', { example: 'host' }),
    addHosts: readCsvList('add-hosts', { commas: 'split', example: 'docker:10.180.0.1' }),
  };
  if (engine === 'buildah') refuseUnsupportedByBuildah(inputs);
  return inputs;
}

const SECRET_FILE_EXAMPLE = 'npmrc=${{ runner.temp }}/.npmrc';
const SECRET_ENV_EXAMPLE = 'github_token=GITHUB_TOKEN';

/** metadata-action's `context` values; here `context` is the build context. */
const METADATA_CONTEXTS = ['git', 'workflow'];

function readContext(cwd: string): string {
  const context = readString('context', { default: '.' }) as string;
  // A directory of that name is a build context like any other (builders run in cwd).
  const directory = resolve(cwd, context);
  const isDirectory = existsSync(directory) && statSync(directory).isDirectory();
  if (METADATA_CONTEXTS.includes(context.trim()) && !isDirectory) {
    throw withExample(
      new InputError(
        'context',
        `is '${context.trim()}', which is docker/metadata-action's context input. Here context is the build context (a directory or a Git URL); metadata-action's context is the input metadata-context.`,
        `metadata-context: ${context.trim()}`,
      ),
      `metadata-context: ${context.trim()}`,
    );
  }
  return context;
}

/** `builder` names a buildx builder; it no longer chooses between docker and buildah. */
function readBuilder(engine: EngineName): string | undefined {
  const builder = readString('builder')?.trim() || undefined;
  if (builder === undefined) return undefined;
  const lower = builder.toLowerCase();
  if (lower === 'docker' || lower === 'buildah') {
    throw withExample(
      new InputError(
        'builder',
        `is '${builder}', but builder names a buildx builder instance now (docker buildx build --builder NAME); the engine input chooses docker or buildah.`,
        `engine: ${lower}`,
      ),
      `engine: ${lower}`,
    );
  }
  if (engine === 'buildah') {
    throw new ActionError(
      `Input 'builder' names the buildx builder '${builder}', which engine: buildah does not use; builder needs engine: docker with buildx.`,
      'Remove builder, or use engine: docker.',
    );
  }
  return builder;
}

function readSecrets(): Map<string, string> {
  const example = '"github_token=${{ secrets.GITHUB_TOKEN }}"';
  // Values keep their whitespace (a key file's final newline matters); ids are trimmed.
  const items = readCsvList('secrets', { commas: 'keep', trim: false, example });
  const secrets = csvPairs('secrets', items, { what: 'id=value', example, secret: true });
  for (const value of secrets.values()) registerSecretWithDerivations(value);
  return secrets;
}

/** `name=value`, where value is a directory, a URL, `docker-image://...` or `oci-layout://...`. */
function readBuildContexts(): string[] {
  const example = 'alpine=docker-image://alpine:3.20';
  const contexts = readCsvList('build-contexts', { commas: 'keep', example });
  csvPairs('build-contexts', contexts, { what: 'name=value', example });
  return contexts;
}

/** The run's URL as build-push-action records it: `<server>/<repo>/actions/runs/<id>/attempts/<n>`. */
export function workflowRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!repository || !runId) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return `${server}/${repository}/actions/runs/${runId}/attempts/${env.GITHUB_RUN_ATTEMPT || '1'}`;
}

/** buildx's own switch for its default provenance; build-push-action honours it too. */
function noDefaultAttestations(env: NodeJS.ProcessEnv): boolean {
  const value = env.BUILDX_NO_DEFAULT_ATTESTATIONS;
  if (value === undefined || value === '') return false;
  const parsed = parseBool(value);
  if (parsed === undefined) {
    throw new ActionError(
      `The environment variable BUILDX_NO_DEFAULT_ATTESTATIONS is '${value}', which is not a boolean.`,
      'Set it to 1 or true to build without the default provenance attestation, or 0/false.',
    );
  }
  return parsed;
}

/** An InputError whose hint shows another input's line (the one that should be used instead). */
function withExample(error: InputError, example: string): InputError {
  Object.defineProperty(error, 'hint', { value: `For example: ${example}` });
  return error;
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../../core/errors.js';
import { execute } from '../../core/exec.js';
import type { BuildRequest, BuildResult } from './build-request.js';
import {
  Deadline,
  pushEachTag,
  runBuilderStep,
  runPushStep,
  withScratchDirectory,
} from './builder-process.js';
import { asksForAnyAttestation, buildxAttestArgs } from './attestations.js';
import { buildMetadata, buildxMetadataText, readOptionalFile } from './build-metadata.js';
import {
  asksForAttestation,
  exporterType,
  isInsecureReference,
  registryCacheReference,
} from './references.js';
import {
  removeSecretFiles,
  secretArgs,
  secretEnvArgs,
  secretFileArgs,
  writeSecretFiles,
  type SecretFile,
} from './secret-files.js';

/**
 * Builds with the docker CLI: `docker buildx build` when buildx is installed (it pushes
 * itself), otherwise the classic `docker build` followed by one `docker push` per tag.
 */

export interface DockerPlan {
  secretFiles: readonly SecretFile[];
  /** `--secret` arguments of secret-envs (checked and masked beforehand). */
  secretEnvArgs?: readonly string[];
  iidFile: string;
  metadataFile: string;
}

/** Exporters that write files, not an image: buildx writes no image id for them. */
export function exportsFilesOnly(request: Pick<BuildRequest, 'outputs'>): boolean {
  return request.outputs.some((output) => ['local', 'tar'].includes(exporterType(output)));
}

export function buildxArgs(request: BuildRequest, plan: DockerPlan): string[] {
  const args = ['buildx', 'build'];
  if (request.builder) args.push('--builder', request.builder);
  if (!exportsFilesOnly(request)) args.push('--iidfile', plan.iidFile);
  args.push('--metadata-file', plan.metadataFile);
  args.push(...commonBuildArgs(request));
  if (request.platforms.length > 0) args.push('--platform', request.platforms.join(','));
  args.push(...secretArgs(plan.secretFiles));
  args.push(...secretFileArgs(request.secretFiles), ...(plan.secretEnvArgs ?? []));
  for (const annotation of request.annotations) args.push('--annotation', annotation);
  for (const spec of request.cacheFrom) args.push('--cache-from', spec);
  for (const spec of request.cacheTo) args.push('--cache-to', spec);
  for (const filter of request.noCacheFilters) args.push('--no-cache-filter', filter);
  for (const context of request.buildContexts) args.push('--build-context', context);
  for (const ssh of request.ssh) args.push('--ssh', ssh);
  args.push(...buildxAttestArgs(request));
  for (const output of request.outputs) args.push('--output', output);
  if (request.load) args.push('--load');
  if (request.push) {
    const insecure = request.tags.some((tag) =>
      isInsecureReference(tag, request.insecureRegistries),
    );
    // --push cannot reach a plain-HTTP registry; the image exporter can, and names the image from -t.
    if (insecure) args.push('--output', 'type=image,push=true,registry.insecure=true');
    else args.push('--push');
  }
  args.push(request.context);
  return args;
}

/** What the classic builder cannot do; each needs BuildKit, which comes with buildx. */
export function inputsNeedingBuildx(request: BuildRequest, classicHasSecrets: boolean): string[] {
  const needs: string[] = [];
  if (request.builder) needs.push(`builder (${request.builder})`);
  if (request.platforms.length > 1) needs.push(`platforms (${request.platforms.join(',')})`);
  if (request.cacheTo.length > 0) needs.push('cache-to');
  if (asksForAttestation(request.provenance)) needs.push('provenance');
  if (asksForAttestation(request.sbom)) needs.push('sbom');
  if (asksForAnyAttestation(request).length > 0) needs.push('attests');
  if (!classicHasSecrets) {
    if (request.secrets.size > 0) needs.push('secrets');
    if (request.secretFiles.size > 0) needs.push('secret-files');
    if (request.secretEnvs.size > 0) needs.push('secret-envs');
  }
  if (request.outputs.length > 0) needs.push('outputs');
  if (request.noCacheFilters.length > 0) needs.push('no-cache-filters');
  if (request.buildContexts.length > 0) needs.push('build-contexts');
  if (request.ssh.length > 0) needs.push('ssh');
  return needs;
}

export function classicBuildArgs(
  request: BuildRequest,
  plan: Omit<DockerPlan, 'metadataFile'>,
): { args: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const args = ['build', '--iidfile', plan.iidFile, ...commonBuildArgs(request)];
  if (request.platforms.length === 1) args.push('--platform', request.platforms[0]);
  args.push(...secretArgs(plan.secretFiles));
  args.push(...secretFileArgs(request.secretFiles), ...(plan.secretEnvArgs ?? []));
  for (const spec of request.cacheFrom) {
    const reference = registryCacheReference(spec);
    if (reference === undefined) {
      warnings.push(
        `The classic docker builder only reads cache from images; cache-from ${spec} is ignored.`,
      );
    } else args.push('--cache-from', reference);
  }
  if (request.annotations.length > 0) {
    warnings.push(
      `The classic docker builder cannot set annotations; ${request.annotations.length} ignored (install buildx to keep them).`,
    );
  }
  args.push(request.context);
  return { args, warnings };
}

/** Options the classic builder and buildx spell alike. */
function commonBuildArgs(request: BuildRequest): string[] {
  const args: string[] = [];
  const file = request.file ?? containerfileWithoutDockerfile(request.context);
  if (file) args.push('-f', file);
  if (request.target) args.push('--target', request.target);
  for (const [name, value] of request.buildArgs) args.push('--build-arg', `${name}=${value}`);
  for (const label of request.labels) args.push('--label', label);
  for (const tag of request.tags) args.push('-t', tag);
  if (request.noCache) args.push('--no-cache');
  if (request.pull) args.push('--pull');
  if (request.network) args.push('--network', request.network);
  for (const host of request.addHosts) args.push('--add-host', host);
  if (request.shmSize) args.push('--shm-size', request.shmSize);
  for (const ulimit of request.ulimits) args.push('--ulimit', ulimit);
  return args;
}

/** docker only looks for `Dockerfile`; podman and buildah users often have a `Containerfile`. */
function containerfileWithoutDockerfile(context: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(context) || existsSync(join(context, 'Dockerfile'))) return undefined;
  const containerfile = join(context, 'Containerfile');
  return existsSync(containerfile) ? containerfile : undefined;
}

/** `docker push` ends with `<tag>: digest: sha256:<hex> size: <n>`. */
export function digestFromPushOutput(output: string): string | undefined {
  const matches = [...output.matchAll(/digest: (sha256:[0-9a-f]{64})/g)];
  return matches.at(-1)?.[1];
}

/** The RepoDigests entry for the tag's repository, from `docker image inspect`. */
export function digestFromRepoDigests(repoDigestsJson: string, tag: string): string | undefined {
  let repoDigests: unknown;
  try {
    repoDigests = JSON.parse(repoDigestsJson);
  } catch {
    return undefined;
  }
  if (!Array.isArray(repoDigests)) return undefined;
  const repository = repositoryOf(tag);
  for (const entry of repoDigests) {
    if (typeof entry !== 'string') continue;
    const at = entry.lastIndexOf('@');
    if (at !== -1 && entry.slice(0, at) === repository) return entry.slice(at + 1);
  }
  return undefined;
}

function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

export function digestFromBuildxMetadata(metadataJson: string): string | undefined {
  try {
    const metadata = JSON.parse(metadataJson) as Record<string, unknown>;
    const digest = metadata['containerimage.digest'];
    return typeof digest === 'string' && digest.startsWith('sha256:') ? digest : undefined;
  } catch {
    return undefined;
  }
}

export async function hasBuildx(env?: Record<string, string>): Promise<boolean> {
  const result = await execute('docker', ['buildx', 'version'], {
    env,
    okExitCodes: 'any',
    timeoutMs: 30_000,
    echo: false,
  });
  return result.exitCode === 0;
}

async function classicBuildTakesSecrets(env?: Record<string, string>): Promise<boolean> {
  const help = await execute('docker', ['build', '--help'], {
    env,
    okExitCodes: 'any',
    timeoutMs: 30_000,
    echo: false,
  });
  return /--secret\b/.test(help.stdout);
}

export async function buildWithDocker(request: BuildRequest): Promise<BuildResult> {
  const started = Date.now();
  const deadline = new Deadline(request.timeoutMs);
  const buildx = await hasBuildx(request.env);
  if (!buildx) {
    const needs = inputsNeedingBuildx(request, await classicBuildTakesSecrets(request.env));
    if (needs.length > 0) {
      throw new ActionError(
        `Docker buildx is not installed, and the classic docker builder cannot handle ${needs.join(', ')}.`,
        'Install buildx before this step (docker/setup-buildx-action), remove those inputs, or use engine: buildah.',
      );
    }
  }
  const envSecrets = secretEnvArgs(request.secretEnvs, { ...process.env, ...request.env });
  // Checked before any secret is written, so a bad path fails fast and leaves nothing behind.
  secretFileArgs(request.secretFiles);

  return withScratchDirectory(async (scratch) => {
    const secretFiles = await writeSecretFiles(request.secrets);
    const plan: DockerPlan = {
      secretFiles,
      secretEnvArgs: envSecrets.args,
      iidFile: join(scratch, 'image-id'),
      metadataFile: join(scratch, 'metadata.json'),
    };
    const step = { deadline, env: request.env };
    const warnings: string[] = [...envSecrets.warnings];
    try {
      if (buildx) {
        await runBuilderStep('docker buildx build', 'docker', buildxArgs(request, plan), {
          ...step,
          streamOutput: true,
        });
      } else {
        const classic = classicBuildArgs(request, plan);
        warnings.push(...classic.warnings);
        await runBuilderStep('docker build', 'docker', classic.args, {
          ...step,
          streamOutput: true,
        });
      }
    } finally {
      await removeSecretFiles(secretFiles);
    }
    const imageId = (await readOptionalFile(plan.iidFile)) ?? '';

    if (buildx) {
      const metadata = buildxMetadataText(await readOptionalFile(plan.metadataFile));
      return {
        builder: 'docker buildx',
        imageId,
        // buildx reports the manifest digest whenever it made an image, pushed or not.
        digest: digestFromBuildxMetadata(metadata),
        metadata,
        pushed: request.push ? [...request.tags] : [],
        durationMs: Date.now() - started,
        warnings,
      };
    }

    // The classic image store has no manifest until a push makes one.
    const { digest, pushed, ...pushing } = request.push
      ? await pushEachTag(request.tags, (tag) => pushWithDocker(tag, step))
      : { digest: undefined, pushed: [], warnings: [] };
    warnings.push(...pushing.warnings);
    return {
      builder: 'docker',
      imageId,
      digest,
      metadata: buildMetadata({ imageId, digest, names: request.tags }),
      pushed,
      durationMs: Date.now() - started,
      warnings,
    };
  });
}

/** `docker push` of one local tag; the digest from its output, else from the image's RepoDigests. */
export async function pushWithDocker(
  tag: string,
  step: { deadline: Deadline; env?: Record<string, string> },
): Promise<string | undefined> {
  const output = await runPushStep(`docker push ${tag}`, 'docker', ['push', tag], {
    ...step,
    streamOutput: true,
  });
  return digestFromPushOutput(output.stdout) ?? (await digestFromInspect(tag, step));
}

async function digestFromInspect(
  tag: string,
  step: { deadline: Deadline; env?: Record<string, string> },
): Promise<string | undefined> {
  const result = await runBuilderStep(
    'docker image inspect',
    'docker',
    ['image', 'inspect', '--format', '{{json .RepoDigests}}', tag],
    step,
  );
  return digestFromRepoDigests(result.stdout.trim(), tag);
}

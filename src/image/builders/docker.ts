import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionError } from '../../core/errors.js';
import { execute } from '../../core/exec.js';
import type { BuildRequest, BuildResult } from './build-request.js';
import { Deadline, runBuilderStep, runPushStep, withScratchDirectory } from './builder-process.js';
import { asksForAttestation, isInsecureReference, registryCacheReference } from './references.js';
import {
  removeSecretFiles,
  secretArgs,
  writeSecretFiles,
  type SecretFile,
} from './secret-files.js';

/**
 * Builds with the docker CLI: `docker buildx build` when buildx is installed (it pushes
 * itself), otherwise the classic `docker build` followed by one `docker push` per tag.
 */

export interface DockerPlan {
  secretFiles: readonly SecretFile[];
  iidFile: string;
  metadataFile: string;
}

export function buildxArgs(request: BuildRequest, plan: DockerPlan): string[] {
  const args = ['buildx', 'build', '--iidfile', plan.iidFile, '--metadata-file', plan.metadataFile];
  args.push(...commonBuildArgs(request));
  if (request.platforms.length > 0) args.push('--platform', request.platforms.join(','));
  args.push(...secretArgs(plan.secretFiles));
  for (const annotation of request.annotations) args.push('--annotation', annotation);
  for (const spec of request.cacheFrom) args.push('--cache-from', spec);
  for (const spec of request.cacheTo) args.push('--cache-to', spec);
  if (request.provenance !== undefined) args.push(`--provenance=${request.provenance}`);
  if (request.sbom !== undefined) args.push(`--sbom=${request.sbom}`);
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
  if (request.platforms.length > 1) needs.push(`platforms (${request.platforms.join(',')})`);
  if (request.cacheTo.length > 0) needs.push('cache-to');
  if (asksForAttestation(request.provenance)) needs.push('provenance');
  if (asksForAttestation(request.sbom)) needs.push('sbom');
  if (request.secrets.size > 0 && !classicHasSecrets) needs.push('secrets');
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

function commonBuildArgs(request: BuildRequest): string[] {
  const args: string[] = [];
  const file = request.file ?? containerfileWithoutDockerfile(request.context);
  if (file) args.push('-f', file);
  if (request.target) args.push('--target', request.target);
  for (const [name, value] of request.buildArgs) args.push('--build-arg', `${name}=${value}`);
  for (const label of request.labels) args.push('--label', label);
  for (const tag of request.tags) args.push('-t', tag);
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

  return withScratchDirectory(async (scratch) => {
    const secretFiles = await writeSecretFiles(request.secrets);
    const plan: DockerPlan = {
      secretFiles,
      iidFile: join(scratch, 'image-id'),
      metadataFile: join(scratch, 'metadata.json'),
    };
    const step = { deadline, env: request.env };
    const warnings: string[] = [];
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
    const imageId = (await readFile(plan.iidFile, 'utf8')).trim();

    let digest: string | undefined;
    const pushed: string[] = [];
    if (request.push && buildx) {
      digest = digestFromBuildxMetadata(await readFile(plan.metadataFile, 'utf8'));
      pushed.push(...request.tags);
    } else if (request.push) {
      for (const tag of request.tags) {
        const output = await runPushStep(`docker push ${tag}`, 'docker', ['push', tag], {
          ...step,
          streamOutput: true,
        });
        const tagDigest =
          digestFromPushOutput(output.stdout) ?? (await digestFromInspect(tag, step));
        if (tagDigest === undefined) warnings.push(`docker push ${tag} did not report a digest.`);
        else if (digest === undefined) digest = tagDigest;
        else if (tagDigest !== digest) {
          warnings.push(`${tag} was pushed as ${tagDigest}, not ${digest} like ${pushed[0]}.`);
        }
        pushed.push(tag);
      }
    }
    return {
      builder: buildx ? 'docker buildx' : 'docker',
      imageId,
      digest,
      pushed,
      durationMs: Date.now() - started,
      warnings,
    };
  });
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

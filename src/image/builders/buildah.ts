import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionError } from '../../core/errors.js';
import type { BuildRequest, BuildResult } from './build-request.js';
import { Deadline, runBuilderStep, runPushStep, withScratchDirectory } from './builder-process.js';
import {
  asksForAttestation,
  isInsecureReference,
  registryCacheReference,
  splitAnnotationLevels,
} from './references.js';
import {
  removeSecretFiles,
  secretArgs,
  writeSecretFiles,
  type SecretFile,
} from './secret-files.js';

/**
 * Builds with `buildah build` and pushes each tag with `buildah push` (or `buildah manifest push
 * --all` for several platforms). Storage driver and isolation come from buildah's own
 * environment (STORAGE_DRIVER, BUILDAH_ISOLATION), so runners configure them once.
 */

export interface BuildahPlan {
  secretFiles: readonly SecretFile[];
  iidFile: string;
  /** Local manifest list that collects the per-platform images of a multi-platform build. */
  manifestList?: string;
}

export function refuseUnsupportedByBuildah(request: BuildRequest): void {
  const refused: string[] = [];
  if (asksForAttestation(request.provenance)) refused.push(`provenance (${request.provenance})`);
  if (asksForAttestation(request.sbom)) refused.push(`sbom (${request.sbom})`);
  if (refused.length === 0) return;
  throw new ActionError(
    `buildah cannot attach attestations, but the inputs ask for ${refused.join(' and ')}.`,
    "Use engine: docker with buildx for attestations, or set them to 'false' for buildah.",
  );
}

export function buildahBuildArgs(
  request: BuildRequest,
  plan: BuildahPlan,
): { args: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const multiPlatform = request.platforms.length > 1;
  const args = ['build'];
  // buildah 1.28 reuses a cached layer of another platform under --layers, so a list would get
  // the host's image twice; multi-platform builds run without the layer cache.
  if (!multiPlatform) args.push('--layers');
  if (request.file) args.push('-f', request.file);
  if (request.target) args.push('--target', request.target);
  if (request.platforms.length > 0) args.push('--platform', request.platforms.join(','));
  if (multiPlatform && plan.manifestList) args.push('--manifest', plan.manifestList);
  else args.push('--iidfile', plan.iidFile);
  for (const [name, value] of request.buildArgs) args.push('--build-arg', `${name}=${value}`);
  args.push(...secretArgs(plan.secretFiles));
  for (const label of request.labels) args.push('--label', label);

  const skippedAnnotations: string[] = [];
  for (const annotation of request.annotations) {
    const { levels, entry } = splitAnnotationLevels(annotation);
    const forManifest = levels.length === 0 || levels.some(isManifestLevel);
    if (forManifest) args.push('--annotation', entry);
    else skippedAnnotations.push(annotation);
  }
  if (skippedAnnotations.length > 0) {
    warnings.push(
      `buildah sets annotations on the image manifest only; ignored: ${skippedAnnotations.join(', ')}.`,
    );
  }

  if (!multiPlatform) for (const tag of request.tags) args.push('-t', tag);

  const cacheSpecs = [
    ...request.cacheFrom.map((spec) => ({ flag: '--cache-from', spec })),
    ...request.cacheTo.map((spec) => ({ flag: '--cache-to', spec })),
  ];
  let insecureCache = false;
  for (const { flag, spec } of cacheSpecs) {
    const reference = multiPlatform ? undefined : registryCacheReference(spec);
    if (reference === undefined) {
      warnings.push(
        multiPlatform
          ? `buildah builds several platforms without a layer cache; ${flag} ${spec} is ignored.`
          : `buildah can only cache in a registry repository; ${flag} ${spec} is ignored.`,
      );
      continue;
    }
    args.push(flag, reference);
    insecureCache ||= isInsecureReference(reference, request.insecureRegistries);
  }
  if (insecureCache) args.push('--tls-verify=false');

  args.push(request.context);
  return { args, warnings };
}

function isManifestLevel(level: string): boolean {
  return level === 'manifest' || level.startsWith('manifest[');
}

export function buildahPushArgs(
  request: BuildRequest,
  source: { imageId: string; manifestList?: string },
  tag: string,
  digestFile: string,
): string[] {
  const tls = isInsecureReference(tag, request.insecureRegistries) ? ['--tls-verify=false'] : [];
  return source.manifestList
    ? [
        'manifest',
        'push',
        '--all',
        ...tls,
        '--digestfile',
        digestFile,
        source.manifestList,
        `docker://${tag}`,
      ]
    : ['push', ...tls, '--digestfile', digestFile, source.imageId, `docker://${tag}`];
}

export async function buildWithBuildah(request: BuildRequest): Promise<BuildResult> {
  const started = Date.now();
  const deadline = new Deadline(request.timeoutMs);
  refuseUnsupportedByBuildah(request);
  const step = { deadline, env: request.env };

  return withScratchDirectory(async (scratch) => {
    const multiPlatform = request.platforms.length > 1;
    const plan: BuildahPlan = {
      secretFiles: await writeSecretFiles(request.secrets),
      iidFile: join(scratch, 'image-id'),
      // A fresh name each time: --manifest adds to an existing list instead of replacing it.
      manifestList: multiPlatform ? `localhost/slipway-build-${randomUUID()}` : undefined,
    };
    const { args, warnings } = buildahBuildArgs(request, plan);
    try {
      await runBuilderStep('buildah build', 'buildah', args, { ...step, streamOutput: true });
    } finally {
      await removeSecretFiles(plan.secretFiles);
    }

    // buildah 1.28 can fail to list images when another list in the same storage lost an
    // instance; the list's name then stands in for its id (pushes use the name anyway).
    const imageId = plan.manifestList
      ? await manifestListId(plan.manifestList, step).catch(() => plan.manifestList as string)
      : (await readFile(plan.iidFile, 'utf8')).trim();

    const pushed: string[] = [];
    let digest: string | undefined;
    if (request.push) {
      for (const [index, tag] of request.tags.entries()) {
        const digestFile = join(scratch, `digest-${index}`);
        const source = { imageId, manifestList: plan.manifestList };
        await runPushStep(
          `buildah push ${tag}`,
          'buildah',
          buildahPushArgs(request, source, tag, digestFile),
          { ...step, streamOutput: true },
        );
        const tagDigest = (await readFile(digestFile, 'utf8')).trim();
        if (digest === undefined) digest = tagDigest;
        else if (tagDigest !== digest) {
          warnings.push(`${tag} was pushed as ${tagDigest}, not ${digest} like ${pushed[0]}.`);
        }
        pushed.push(tag);
      }
    }
    return {
      builder: 'buildah',
      imageId,
      digest,
      pushed,
      durationMs: Date.now() - started,
      warnings,
    };
  });
}

/**
 * The id of the list itself. Asked for by reference filter: a plain `buildah images <list>`
 * answers with the host platform's image, and listing everything fails when another list in
 * the same storage has lost an instance.
 */
async function manifestListId(
  name: string,
  step: { deadline: Deadline; env?: Record<string, string> },
): Promise<string> {
  const result = await runBuilderStep(
    'buildah images',
    'buildah',
    ['images', '--no-trunc', '--filter', `reference=${name}`, '--format', '{{.ID}}'],
    step,
  );
  const id = result.stdout.trim().split('\n')[0];
  if (id) return id;
  throw new ActionError(`buildah build finished but the manifest list ${name} is not in storage.`);
}

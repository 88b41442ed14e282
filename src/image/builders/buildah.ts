import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionError } from '../../core/errors.js';
import { asksForAnyAttestation } from './attestations.js';
import { buildMetadata } from './build-metadata.js';
import type { BuildRequest, BuildResult } from './build-request.js';
import {
  Deadline,
  pushEachTag,
  runBuilderStep,
  runPushStep,
  withScratchDirectory,
} from './builder-process.js';
import {
  asksForAttestation,
  exporterType,
  isInsecureReference,
  registryCacheReference,
  splitAnnotationLevels,
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
 * Builds with `buildah build` and pushes each tag with `buildah push` (or `buildah manifest push
 * --all` for several platforms). Storage driver and isolation come from buildah's own
 * environment (STORAGE_DRIVER, BUILDAH_ISOLATION), so runners configure them once.
 *
 * build-push-action's inputs map to buildah's options where buildah has one (no-cache, pull,
 * network, add-hosts, shm-size, ulimit, build-contexts, ssh, secret-files, secret-envs, outputs of
 * type local or tar); the rest (builder, attestations, no-cache-filters, other exporters) are
 * refused with the engine that has them. `load` changes nothing: buildah's images stay in its
 * local containers storage anyway, where podman sees them.
 */

export interface BuildahPlan {
  secretFiles: readonly SecretFile[];
  /** `--secret` arguments of secret-envs (checked and masked beforehand). */
  secretEnvArgs?: readonly string[];
  iidFile: string;
  /** Local manifest list that collects the per-platform images of a multi-platform build. */
  manifestList?: string;
}

/** The exporters buildah 1.28's `--output` has. */
const BUILDAH_EXPORTERS = ['local', 'tar'];

type BuildahChecked = Pick<
  BuildRequest,
  'provenance' | 'sbom' | 'attests' | 'builder' | 'noCacheFilters' | 'outputs'
>;

/** Inputs buildah has no option for fail before anything runs, naming the engine that has one. */
export function refuseUnsupportedByBuildah(request: BuildahChecked): void {
  if (request.builder) {
    throw new ActionError(
      `Input 'builder' names the buildx builder '${request.builder}', which engine: buildah does not use; builder needs engine: docker with buildx.`,
      'Remove builder, or use engine: docker.',
    );
  }
  const refused: string[] = [];
  if (asksForAttestation(request.provenance)) refused.push(`provenance (${request.provenance})`);
  if (asksForAttestation(request.sbom)) refused.push(`sbom (${request.sbom})`);
  const attests = asksForAnyAttestation(request);
  if (attests.length > 0) refused.push(`attests (${attests.join('; ')})`);
  if (refused.length > 0) {
    throw new ActionError(
      `buildah cannot attach attestations, but the inputs ask for ${refused.join(' and ')}.`,
      "Use engine: docker with buildx for attestations, or set them to 'false' for buildah.",
    );
  }
  if (request.noCacheFilters.length > 0) {
    throw new ActionError(
      `Input 'no-cache-filters' (${request.noCacheFilters.join(',')}) needs engine: docker with buildx; buildah has no such option.`,
      'Use no-cache: true to rebuild every stage with buildah, or engine: docker.',
    );
  }
  const unsupported = request.outputs.filter(
    (output) => !BUILDAH_EXPORTERS.includes(exporterType(output)),
  );
  if (unsupported.length > 0) {
    throw new ActionError(
      `Input 'outputs' asks for ${unsupported.join('; ')}, but buildah's --output writes only type=local and type=tar; other exporters need engine: docker with buildx.`,
      'With buildah use push: true to push the image, or outputs: type=local,dest=<dir> / type=tar,dest=<file>.',
    );
  }
  if (request.outputs.length > 1) {
    throw new ActionError(
      `Input 'outputs' lists ${request.outputs.length} exporters, but buildah writes one --output; several need engine: docker with buildx.`,
      'Keep one output for buildah.',
    );
  }
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
  args.push(...secretFileArgs(request.secretFiles), ...(plan.secretEnvArgs ?? []));
  for (const label of request.labels) args.push('--label', label);
  if (request.noCache) args.push('--no-cache');
  // buildah's plain --pull only pulls what is missing or older; build-push-action's means always.
  if (request.pull) args.push('--pull=always');
  // buildx's `default` network is buildah's default (private) too.
  if (request.network && request.network !== 'default') args.push('--network', request.network);
  for (const host of request.addHosts) args.push('--add-host', buildahHost(host));
  if (request.shmSize) args.push('--shm-size', request.shmSize);
  for (const ulimit of request.ulimits) args.push('--ulimit', ulimit);
  for (const context of request.buildContexts) args.push('--build-context', context);
  for (const ssh of request.ssh) args.push('--ssh', ssh);
  for (const output of request.outputs) args.push('--output', output);

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

/** buildx also takes `host=ip`; buildah only `host:ip`. */
function buildahHost(entry: string): string {
  const equals = entry.indexOf('=');
  return equals > 0 ? `${entry.slice(0, equals)}:${entry.slice(equals + 1)}` : entry;
}

function isManifestLevel(level: string): boolean {
  return level === 'manifest' || level.startsWith('manifest[');
}

export function buildahPushArgs(
  request: Pick<BuildRequest, 'insecureRegistries'>,
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

/**
 * Where to copy a built image to learn, without a registry, the digest a push will give. Local
 * storage keeps layers uncompressed, so the stored manifest's digest is not the pushed one; a
 * copy compresses the layers as a push does. A single image goes to a `dir:` copy with gzip, which
 * keeps the manifest type (OCI or Docker, whatever BUILDAH_FORMAT made); a manifest list to an
 * OCI layout, which `manifest push --all` fills as it fills a registry.
 */
export function buildahLocalDigestArgs(
  source: { imageId: string; manifestList?: string },
  directory: string,
  digestFile: string,
): string[] {
  return source.manifestList
    ? [
        'manifest',
        'push',
        '--all',
        '--quiet',
        '--digestfile',
        digestFile,
        source.manifestList,
        `oci:${directory}:latest`,
      ]
    : [
        'push',
        '--quiet',
        '--compression-format',
        'gzip',
        '--digestfile',
        digestFile,
        source.imageId,
        `dir:${directory}`,
      ];
}

/** `buildah push` of the image (or list) to one tag; the digest the registry got. */
export async function pushWithBuildah(
  request: Pick<BuildRequest, 'insecureRegistries'>,
  source: { imageId: string; manifestList?: string },
  tag: string,
  digestFile: string,
  step: { deadline: Deadline; env?: Record<string, string> },
): Promise<string> {
  await runPushStep(
    `buildah push ${tag}`,
    'buildah',
    buildahPushArgs(request, source, tag, digestFile),
    { ...step, streamOutput: true },
  );
  return (await readFile(digestFile, 'utf8')).trim();
}

export async function buildWithBuildah(request: BuildRequest): Promise<BuildResult> {
  const started = Date.now();
  const deadline = new Deadline(request.timeoutMs);
  refuseUnsupportedByBuildah(request);
  const step = { deadline, env: request.env };
  const envSecrets = secretEnvArgs(request.secretEnvs, { ...process.env, ...request.env });
  // Checked before any secret is written, so a bad path fails fast and leaves nothing behind.
  secretFileArgs(request.secretFiles);

  return withScratchDirectory(async (scratch) => {
    const multiPlatform = request.platforms.length > 1;
    const plan: BuildahPlan = {
      secretFiles: await writeSecretFiles(request.secrets),
      secretEnvArgs: envSecrets.args,
      iidFile: join(scratch, 'image-id'),
      // A fresh name each time: --manifest adds to an existing list instead of replacing it.
      manifestList: multiPlatform ? `localhost/slipway-build-${randomUUID()}` : undefined,
    };
    const { args, warnings } = buildahBuildArgs(request, plan);
    warnings.unshift(...envSecrets.warnings);
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
    const source = { imageId, manifestList: plan.manifestList };

    const pushed: string[] = [];
    let digest: string | undefined;
    if (request.push) {
      const pushing = await pushEachTag(request.tags, (tag, index) =>
        pushWithBuildah(request, source, tag, join(scratch, `digest-${index}`), step),
      );
      digest = pushing.digest;
      pushed.push(...pushing.pushed);
      warnings.push(...pushing.warnings);
    } else {
      const copy = request.layoutDirectory ?? join(scratch, 'local-copy');
      digest = await localDigest(source, copy, scratch, step).catch((error: unknown) => {
        if (request.layoutDirectory) throw error;
        warnings.push(
          `buildah could not tell the image's digest without a push: ${(error as Error).message.split('\n')[0]}`,
        );
        return undefined;
      });
    }
    return {
      builder: 'buildah',
      imageId,
      digest,
      metadata: buildMetadata({
        imageId: plan.manifestList ? undefined : imageId,
        digest,
        names: request.tags,
      }),
      pushed,
      durationMs: Date.now() - started,
      warnings,
    };
  });
}

async function localDigest(
  source: { imageId: string; manifestList?: string },
  copy: string,
  scratch: string,
  step: { deadline: Deadline; env?: Record<string, string> },
): Promise<string | undefined> {
  const digestFile = join(scratch, 'local-digest');
  await runBuilderStep(
    'buildah push (to learn the digest)',
    'buildah',
    buildahLocalDigestArgs(source, copy, digestFile),
    step,
  );
  const digest = (await readFile(digestFile, 'utf8').catch(() => '')).trim();
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new ActionError(`it wrote '${digest}' instead of a digest.`);
  }
  return digest;
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

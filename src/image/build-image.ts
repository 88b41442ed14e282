import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { ActionError, InputError } from '../core/errors.js';
import { formatReference } from '../core/image-reference.js';
import { build } from './builders/index.js';
import { pushLocalImage } from './builders/push-local.js';
import type { Settings } from './inputs.js';
import type { Metadata } from './metadata/index.js';
import { prepareBuilder, type RegistryAccess, type RegistryClients } from './registries.js';
import { checkImmutable, DEFAULT_IMMUTABLE } from './registry/immutable.js';
import { pushLayoutByDigest } from './registry/push-layout.js';
import { planPush } from './registry/push-plan.js';
import type { ImageOutcome } from './summary.js';
import { parseTarget } from './targets.js';

/** A build may take long (a cold cache, several platforms); a hung builder may not take forever. */
const BUILD_TIMEOUT_MS = 60 * 60_000;

/** One build step's inputs, metadata and registry access, shared by the ways to build. */
export interface BuildRun {
  settings: Settings;
  metadata: Metadata;
  registries: RegistryClients;
  access: RegistryAccess;
  /** The outcome so far (the metadata), completed by the build. */
  base: ImageOutcome;
  /** The event's word on visibility; build-push-action's default provenance depends on it. */
  repositoryPrivate?: boolean;
}

/**
 * Builds the image and, with `push`, writes it to every computed tag. Before building, the tags
 * are read from the registry: skip-existing stops at an existing first tag, and a push that would
 * move an immutable tag is refused while nothing has been built or pushed yet.
 */
export async function buildImage(run: BuildRun): Promise<ImageOutcome> {
  const { settings, metadata, base, access, repositoryPrivate } = run;
  if (settings.pushByDigest) {
    return buildAndPushByDigest(run);
  }
  if (settings.push) {
    const skipped = await checkBeforePush(run);
    if (skipped) return skipped;
  }
  const env = await prepareBuilder(settings, access);
  const result = await build({
    ...settings.build,
    env,
    labels: metadata.labels,
    annotations: metadata.annotations,
    tags: metadata.tags,
    push: settings.push,
    timeoutMs: BUILD_TIMEOUT_MS,
    insecureRegistries: settings.insecureRegistries,
    repositoryPrivate,
  });
  for (const warning of result.warnings) core.warning(warning);
  return {
    ...base,
    kind: settings.push ? 'pushed' : 'built',
    digest: result.digest,
    imageId: result.imageId,
    buildMetadata: result.metadata,
    refs: result.pushed,
    builder: result.builder,
    durationMs: result.durationMs,
  };
}

/**
 * Reads the tags from the registry before anything is built or pushed: skip-existing stops at
 * an existing first tag (the skipped outcome), and moving an immutable tag is refused.
 */
async function checkBeforePush(run: BuildRun): Promise<ImageOutcome | undefined> {
  const { settings, metadata, registries, base } = run;
  if (metadata.tags.length === 0) {
    throw new ActionError(
      'There is no tag to push: the tags rules produced none for this event.',
      'Check the tags input.',
    );
  }
  const plan = await planPush(
    registries,
    metadata.tags.map((tag) => parseTarget(tag)),
  );
  const first = plan[0];
  if (settings.skipExisting && first.current) {
    return {
      ...base,
      kind: 'skipped',
      digest: first.current,
      notes: [
        `skip-existing: ${formatReference(first.reference)} already exists, so nothing was built.`,
      ],
    };
  }
  const problems = checkImmutable({ targets: plan }, settings.immutableTags ?? [DEFAULT_IMMUTABLE]);
  if (problems.length > 0) {
    throw new ActionError(
      `Refusing to build and push: immutable tag(s) already exist and a new build would move them to another digest. Nothing was built or pushed.\n${problems.map((problem) => `- ${problem}`).join('\n')}`,
      'Release a new version, or use promote-from to copy an existing image to these tags (same digest).',
    );
  }
  return undefined;
}

/**
 * build: false with push: true — the image an earlier step of this job built and loaded is
 * pushed under the computed tags without rebuilding (build → test → push).
 */
export async function pushBuiltImage(run: BuildRun): Promise<ImageOutcome> {
  const { settings, metadata, base, access } = run;
  const skipped = await checkBeforePush(run);
  if (skipped) return skipped;
  const env = await prepareBuilder(settings, access);
  const started = Date.now();
  const result = await pushLocalImage({
    engine: settings.build.engine,
    env,
    tags: metadata.tags,
    insecureRegistries: settings.insecureRegistries,
    timeoutMs: BUILD_TIMEOUT_MS,
  });
  for (const warning of result.warnings) core.warning(warning);
  return {
    ...base,
    kind: 'pushed',
    digest: result.digest,
    imageId: result.imageId,
    refs: result.pushed,
    builder: settings.build.engine,
    durationMs: Date.now() - started,
    notes: [`Pushed the image an earlier step built (${result.imageId}) without rebuilding it.`],
  };
}

/**
 * A matrix leg of a multi-platform build: the image goes to each image's repository by digest,
 * with no tag, and the merge job (merge-digests) tags the joined index. buildx pushes it itself;
 * buildah leaves the image as it would push it on disk, and the registry client pushes that.
 */
async function buildAndPushByDigest(run: BuildRun): Promise<ImageOutcome> {
  const { settings, metadata, registries, base, access, repositoryPrivate } = run;
  if (metadata.images.length === 0) {
    throw new InputError(
      'images',
      'is required with push-by-digest: it names the repositories the image is pushed to.',
      'ghcr.io/octo-org/app',
    );
  }
  const repositories = metadata.images.map((image) => parseTarget(image));
  const env = await prepareBuilder(settings, access);
  const buildah = settings.build.engine === 'buildah';
  const layout = buildah ? await mkdtemp(join(scratchRoot(), 'slipway-layout-')) : undefined;
  try {
    const byDigest = `type=image,"name=${metadata.images.join(',')}",push-by-digest=true,name-canonical=true,push=true`;
    const result = await build({
      ...settings.build,
      env,
      outputs: buildah ? settings.build.outputs : [...settings.build.outputs, byDigest],
      labels: metadata.labels,
      annotations: metadata.annotations,
      tags: buildah ? metadata.tags : [],
      push: false,
      layoutDirectory: layout,
      timeoutMs: BUILD_TIMEOUT_MS,
      insecureRegistries: settings.insecureRegistries,
      repositoryPrivate,
    });
    for (const warning of result.warnings) core.warning(warning);
    if (!result.digest) {
      throw new ActionError(`${result.builder} pushed by digest but did not report the digest.`);
    }
    if (layout) {
      for (const { registry, repository } of repositories) {
        const pushed = await pushLayoutByDigest(registries(registry), repository, {
          directory: layout,
          format: settings.build.platforms.length > 1 ? 'oci' : 'dir',
        });
        if (pushed !== result.digest) {
          throw new ActionError(
            `buildah reported ${result.digest}, but the copy pushed to ${registry}/${repository} is ${pushed}.`,
          );
        }
      }
    }
    const refs = repositories.map(
      ({ registry, repository }) => `${registry}/${repository}@${result.digest}`,
    );
    return {
      ...base,
      kind: 'pushed',
      digest: result.digest,
      imageId: result.imageId,
      buildMetadata: result.metadata,
      refs,
      builder: result.builder,
      durationMs: result.durationMs,
      notes: [
        'Pushed by digest without tags (push-by-digest): list this digest in merge-digests of the merge job.',
      ],
    };
  } finally {
    if (layout) await rm(layout, { recursive: true, force: true });
  }
}

/** RUNNER_TEMP on a runner (cleaned after the job), else the system's temporary directory. */
function scratchRoot(): string {
  return process.env.RUNNER_TEMP || tmpdir();
}

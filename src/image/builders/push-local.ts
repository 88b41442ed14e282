import { join } from 'node:path';
import { ActionError } from '../../core/errors.js';
import type { EngineName } from './build-request.js';
import { pushWithBuildah } from './buildah.js';
import { Deadline, pushEachTag, runBuilderStep, withScratchDirectory } from './builder-process.js';
import { pushWithDocker } from './docker.js';

/**
 * Build → test → push: an earlier step built the image into the engine's local store (load:
 * true) and the job tested it; this pushes that very image under the computed tags instead of
 * building again, so what is released is byte for byte what was tested.
 */

export interface LocalPushRequest {
  engine: EngineName;
  /** Full references; the first names the local image (the build tagged it with all of them). */
  tags: string[];
  insecureRegistries?: string[];
  env?: Record<string, string>;
  timeoutMs: number;
}

export interface LocalPushResult {
  /** The local image's id (its config digest), as the build step's imageid output gave it. */
  imageId: string;
  digest: string;
  pushed: string[];
  warnings: string[];
}

export async function pushLocalImage(request: LocalPushRequest): Promise<LocalPushResult> {
  const step = { deadline: new Deadline(request.timeoutMs), env: request.env };
  const [first] = request.tags;
  if (first === undefined) {
    throw new ActionError('There is no tag to push: the tags rules produced none for this event.');
  }
  const imageId = await localImageId(request.engine, first, step);
  return withScratchDirectory(async (scratch) => {
    const { digest, pushed, warnings } = await pushEachTag(request.tags, (tag, index) =>
      request.engine === 'buildah'
        ? pushWithBuildah(request, { imageId: first }, tag, join(scratch, `digest-${index}`), step)
        : pushWithDocker(tag, step),
    );
    if (digest === undefined) {
      throw new ActionError(`${request.engine} pushed ${first} but reported no digest.`);
    }
    return { imageId, digest, pushed, warnings };
  });
}

/** The image's id, or the error a user needs when no earlier step left the image here. */
async function localImageId(
  engine: EngineName,
  reference: string,
  step: { deadline: Deadline; env?: Record<string, string> },
): Promise<string> {
  const args =
    engine === 'buildah'
      ? ['inspect', '--type', 'image', '--format', '{{.FromImageID}}', reference]
      : ['image', 'inspect', '--format', '{{.Id}}', reference];
  const result = await runBuilderStep(`${engine} inspect ${reference}`, engine, args, {
    ...step,
    okExitCodes: 'any',
  });
  const id = result.stdout.trim();
  if (result.exitCode !== 0 || id === '') {
    throw new ActionError(
      `build is false and push is true, so the image an earlier step built is pushed, but ${engine} has no local image ${reference}.`,
      `Build it earlier in this job with the same images and tags and load: true (engine: ${engine}), or set build: true.`,
    );
  }
  return id.startsWith('sha256:') ? id : `sha256:${id}`;
}

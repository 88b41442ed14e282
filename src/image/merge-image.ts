import * as core from '@actions/core';
import { InputError } from '../core/errors.js';
import { InvalidReferenceError } from '../core/image-reference.js';
import type { Settings } from './inputs.js';
import { reportPartialWrite } from './partial-write.js';
import type { RegistryClients } from './registries.js';
import { DEFAULT_IMMUTABLE } from './registry/immutable.js';
import { mergePlatformImages } from './registry/merge.js';
import { readMergeInput } from './registry/merge-sources.js';
import { PartialPushError } from './registry/push-plan.js';
import type { ImageOutcome } from './summary.js';
import { parseTarget } from './targets.js';

const EXAMPLE = '${{ runner.temp }}/digests';

/**
 * The last job of a multi-platform build on matrix runners: each leg pushed its platform's image
 * by digest; this joins them into one image index under the computed tags, through the registry
 * API (nothing is pulled or rebuilt).
 */
export async function mergeImages(
  settings: Settings,
  registries: RegistryClients,
  base: ImageOutcome,
): Promise<ImageOutcome> {
  const sources = await readMergeInput(
    'merge-digests',
    settings.mergeDigests as string,
    settings.workspace,
  ).catch((error: unknown) => {
    if (error instanceof InvalidReferenceError) {
      throw new InputError(
        'merge-digests',
        `has '${error.text}', which is not a valid image reference: ${error.reason}.`,
        EXAMPLE,
      );
    }
    throw new InputError('merge-digests', (error as Error).message, EXAMPLE);
  });
  const started = Date.now();
  const result = await mergePlatformImages(
    registries,
    sources,
    base.tags.map((tag) => parseTarget(tag)),
    { immutable: settings.immutableTags ?? [DEFAULT_IMMUTABLE] },
  ).catch(async (error: unknown) => {
    if (error instanceof PartialPushError) await reportPartialWrite(error);
    throw error;
  });
  if (result.notes.length > 0) core.notice(result.notes.join('\n'));
  const unchanged = result.refs.length - result.written.length;
  return {
    ...base,
    kind: 'merged',
    digest: result.digest,
    refs: result.refs,
    platforms: result.platforms,
    durationMs: Date.now() - started,
    notes: [
      ...result.notes,
      ...(unchanged > 0
        ? [`${unchanged} tag(s) already pointed at this index and were left alone.`]
        : []),
    ],
  };
}

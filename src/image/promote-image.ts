import { InputError } from '../core/errors.js';
import { formatReference, parseReference, type ImageReference } from '../core/image-reference.js';
import type { Settings } from './inputs.js';
import type { RegistryClients } from './registries.js';
import { DEFAULT_IMMUTABLE } from './registry/immutable.js';
import { planPromotion, promote, type PromotionPlan } from './registry/promote.js';
import { reportPartialWrite } from './partial-write.js';
import { PartialPushError } from './registry/push-plan.js';
import type { ImageOutcome } from './summary.js';
import { parseTarget } from './targets.js';

/**
 * Copies the manifest `promote-from` names to every computed tag, then reads each tag back: the
 * release is the very image that was built and tested, under a new name.
 */
export async function promoteImage(
  settings: Settings,
  sourceText: string,
  registries: RegistryClients,
  base: ImageOutcome,
): Promise<ImageOutcome> {
  let source: ImageReference;
  try {
    source = parseReference(sourceText);
  } catch (error) {
    const invalid = error as { problem?: string; example?: string };
    throw new InputError(
      'promote-from',
      invalid.problem ?? (error as Error).message,
      invalid.example ?? 'ghcr.io/octo-org/app:sha-{{sha}}',
    );
  }
  const started = Date.now();
  const plan = await planPromotion(
    registries,
    source,
    base.tags.map((tag) => parseTarget(tag)),
  );
  const result = await promote(plan, registries, {
    immutable: settings.immutableTags ?? [DEFAULT_IMMUTABLE],
  }).catch(async (error: unknown) => {
    if (error instanceof PartialPushError) await reportPartialWrite(error);
    throw error;
  });
  // promote() read every tag back and failed unless it held the digest.
  const verified = result.refs.map((ref) => ({ ref, digest: result.digest }));
  return {
    ...base,
    kind: 'promoted',
    digest: result.digest,
    refs: result.refs,
    source: formatReference({ ...plan.source, digest: undefined }),
    verified,
    durationMs: Date.now() - started,
    notes: describeWrites(plan, result.written),
  };
}

function describeWrites(plan: PromotionPlan, written: string[]): string[] {
  const unchanged = plan.targets.filter((target) => target.action === 'unchanged').length;
  return unchanged > 0
    ? [
        `${unchanged} tag(s) already pointed at this digest and were left alone; ${written.length} written.`,
      ]
    : [];
}

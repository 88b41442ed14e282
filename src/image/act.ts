import { buildImage, pushBuiltImage } from './build-image.js';
import type { Settings } from './inputs.js';
import type { Metadata, MetadataContext } from './metadata/index.js';
import { mergeImages } from './merge-image.js';
import { promoteImage } from './promote-image.js';
import { registryClients } from './registries.js';
import type { RegistryAccess } from './registry-access.js';
import type { ImageOutcome } from './summary.js';

/**
 * What a run does besides computing metadata: build (and push), push a built image, merge or
 * promote. main.ts imports this module only for those tasks, so a metadata-only run (`build:
 * false`) never loads the builders or the registry client.
 */
export async function act(
  settings: Settings,
  context: MetadataContext,
  metadata: Metadata,
  promoteSource: string | undefined,
  access: RegistryAccess,
  base: ImageOutcome,
): Promise<ImageOutcome> {
  const registries = registryClients(settings, access);
  switch (settings.task) {
    case 'promote':
      return promoteImage(settings, promoteSource as string, registries, base);
    case 'merge':
      return mergeImages(settings, registries, base);
    case 'build':
      return buildImage({
        settings,
        metadata,
        registries,
        access,
        base,
        repositoryPrivate: repositoryPrivate(context),
      });
    case 'push-built':
      return pushBuiltImage({ settings, metadata, registries, access, base });
    case 'metadata':
      return base;
  }
}

/** The event's word on visibility; build-push-action's default provenance depends on it. */
function repositoryPrivate(context: MetadataContext): boolean | undefined {
  const repository = (context.payload as { repository?: { private?: unknown } }).repository;
  return typeof repository?.private === 'boolean' ? repository.private : undefined;
}

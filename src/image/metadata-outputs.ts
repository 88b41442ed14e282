import { setOutputs } from '../core/outputs.js';
import type { Settings } from './inputs.js';
import type { Metadata } from './metadata/index.js';

/** metadata-action's outputs, joined with the separators the settings ask for. */
export function setMetadataOutputs(metadata: Metadata, settings: Settings): void {
  setOutputs({
    version: metadata.version.main ?? '',
    tags: metadata.tags.join(settings.separators.tags),
    'tag-names': metadata.tagNames.join(settings.separators.tags),
    labels: metadata.labels.join(settings.separators.labels),
    annotations: metadata.annotations.join(settings.separators.annotations),
    json: JSON.stringify(metadata.json),
  });
}

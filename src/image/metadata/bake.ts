import type { Metadata } from './types.js';

/** metadata-action's target name in its bake files when `bake-target` is empty. */
export const DEFAULT_BAKE_TARGET = 'docker-metadata-action';

/** One bake definition: `{"target": {"<bake-target>": {...}}}`. */
export interface BakeDefinition {
  target: Record<string, BakeTarget>;
}

export interface BakeTarget {
  tags?: string[];
  labels?: Record<string, string>;
  annotations?: string[];
  /** DOCKER_META_VERSION is left out when no version was computed (JSON drops undefined). */
  args?: { DOCKER_META_IMAGES: string; DOCKER_META_VERSION?: string };
}

/** The four bake files metadata-action writes, by the output that names each file. */
export interface BakeDefinitions {
  'bake-file-tags': BakeDefinition;
  'bake-file-labels': BakeDefinition;
  'bake-file-annotations': BakeDefinition;
  /** Deprecated in metadata-action but still written: tags, labels and args together. */
  'bake-file': BakeDefinition;
}

/** The file name metadata-action gives each bake file in its temporary directory. */
export const BAKE_FILE_NAMES: Record<keyof BakeDefinitions, string> = {
  'bake-file-tags': 'docker-metadata-action-bake-tags.json',
  'bake-file-labels': 'docker-metadata-action-bake-labels.json',
  'bake-file-annotations': 'docker-metadata-action-bake-annotations.json',
  'bake-file': 'docker-metadata-action-bake.json',
};

/**
 * The bake definitions metadata-action writes, with the same keys in the same order: tags with
 * the args DOCKER_META_IMAGES (enabled images, comma-separated) and DOCKER_META_VERSION; labels
 * as an object; annotations with their levels, as in the annotations output.
 */
export function bakeDefinitions(metadata: Metadata, target = DEFAULT_BAKE_TARGET): BakeDefinitions {
  const name = target === '' ? DEFAULT_BAKE_TARGET : target;
  const wrap = (body: BakeTarget): BakeDefinition => ({ target: { [name]: body } });
  const args = {
    DOCKER_META_IMAGES: metadata.images.join(','),
    DOCKER_META_VERSION: metadata.version.main,
  };
  const labels = metadata.json.labels;
  return {
    'bake-file-tags': wrap({ tags: metadata.tags, args }),
    'bake-file-labels': wrap({ labels }),
    'bake-file-annotations': wrap({ annotations: metadata.annotations }),
    'bake-file': wrap({ tags: metadata.tags, labels, args }),
  };
}

/** A bake file's text exactly as metadata-action writes it: two-space JSON, no final newline. */
export function bakeFileText(definition: BakeDefinition): string {
  return JSON.stringify(definition, null, 2);
}

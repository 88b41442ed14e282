import { readBoolean, readEnum, readInteger, readList, readString } from '../core/inputs.js';
import { DEFAULT_BAKE_TARGET, type ContextSource } from './metadata/index.js';

/** The inputs metadata-action has: which images, which tag rules, flavor, labels, annotations. */
export interface MetadataSettings {
  images: string[];
  tags: string[];
  flavor: string[];
  labels: string[];
  annotations: string[];
  shaLength?: number;
  prHeadSha: boolean;
  ociTags: boolean;
  annotationLevels?: string[];
  /**
   * metadata-action's `context` input, here `metadata-context` (`context` is the build context):
   * `workflow` takes ref and sha from the event, `git` from the checkout. Default workflow.
   */
  contextSource?: ContextSource;
  /** metadata-action's `bake-target`: the target name in the bake files. Default docker-metadata-action. */
  bakeTarget?: string;
}

export function readMetadataInputs(): MetadataSettings {
  return {
    images: readList('images', { commas: false }),
    tags: readList('tags', { commas: false }),
    flavor: readList('flavor', { commas: false }),
    labels: readList('labels', { commas: false }),
    annotations: readList('annotations', { commas: false }),
    shaLength:
      readString('sha-length') === undefined
        ? undefined
        : readInteger('sha-length', { default: 7, min: 7, max: 40 }),
    prHeadSha: readBoolean('pr-head-sha', false),
    ociTags: readBoolean('oci-tags', false),
    annotationLevels: optionalList('annotation-levels'),
    contextSource: readEnum<ContextSource>('metadata-context', ['workflow', 'git'], 'workflow'),
    bakeTarget: readString('bake-target', { default: DEFAULT_BAKE_TARGET }),
  };
}

function optionalList(name: string): string[] | undefined {
  const items = readList(name);
  return items.length > 0 ? items : undefined;
}

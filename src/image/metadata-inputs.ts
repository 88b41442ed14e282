import { readBoolean, readInteger, readList, readString } from '../core/inputs.js';

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
  };
}

function optionalList(name: string): string[] | undefined {
  const items = readList(name);
  return items.length > 0 ? items : undefined;
}

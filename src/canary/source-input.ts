/**
 * What the canary runs: one new image (`image`, the shortcut), or a whole release rendered from
 * `manifests` or a `kustomize` directory with `images` substituted, as rollout reads them. Exactly
 * one is given, so it is never unclear which of them the canary and the promotion follow.
 */
import { InputError } from '../core/errors.js';
import { parseImageReferenceInput } from '../core/image-reference.js';
import { readImageReference, readList, readString } from '../core/inputs.js';
import { parseImageOverrides } from '../core/manifests.js';

/** The release the canary runs and the promotion applies, as the inputs name it. */
export interface ReleaseSource {
  /** Files, directories and globs (rollout's `manifests`); empty with `kustomize`. */
  manifests: string[];
  /** A kustomization directory, rendered with kubectl's built-in kustomize. */
  kustomize: string | undefined;
  /** Repository → image, from `images` lines. */
  images: Map<string, string>;
}

const IMAGES_EXAMPLE = 'ghcr.io/acme/web=ghcr.io/acme/web:1.2.3';

/**
 * `required`: the mode needs a canary source (every mode but abort). The result holds `image` or
 * `source`, never both.
 */
export function readCanarySource(required: boolean): {
  image: string | undefined;
  source: ReleaseSource | undefined;
} {
  const image = readImageReference('image', { example: 'ghcr.io/acme/web:1.2.3' });
  const manifests = readList('manifests', { commas: false });
  const kustomize = readString('kustomize', { example: 'k8s/overlays/production' })?.trim();
  const images = parseImageOverrides(readList('images', { commas: false }));
  for (const ref of images.values()) parseImageReferenceInput('images', ref, IMAGES_EXAMPLE);
  const given = [
    image !== undefined && 'image',
    manifests.length > 0 && 'manifests',
    kustomize && 'kustomize',
  ].filter((name): name is string => typeof name === 'string');
  if (given.length > 1) {
    throw new InputError(
      given[1],
      `cannot be combined with ${given[0]}: the canary runs either one new image (image) or a whole release (manifests or kustomize, with images substituted). Set exactly one of them.`,
      given.includes('image') ? 'k8s/' : 'k8s/overlays/production',
    );
  }
  if (images.size > 0 && (image !== undefined || given.length === 0)) {
    throw new InputError(
      'images',
      'substitutes images in manifests or a kustomization, but neither manifests nor kustomize is set; for one new image use the image input alone.',
      IMAGES_EXAMPLE,
    );
  }
  if (given.length === 0) {
    if (!required) return { image: undefined, source: undefined };
    throw new InputError(
      'image',
      'is required (or manifests, or kustomize): it is what the canary runs. image is one new image for the container; manifests or kustomize give the whole release (env, config, sidecars).',
      'ghcr.io/acme/web:1.2.3',
    );
  }
  if (image !== undefined) return { image, source: undefined };
  return { image: undefined, source: { manifests, kustomize: kustomize || undefined, images } };
}

/**
 * What the canary runs: one new image (`image`, the shortcut), or a whole release rendered from
 * `manifests` or a `kustomize` directory with `images` substituted, read as rollout reads them
 * (src/core/release-source.ts). Exactly one is given, so it is never unclear which of them the
 * canary and the promotion follow.
 */
import { InputError } from '../core/errors.js';
import { readImageReference } from '../core/inputs.js';
import { hasRelease, readReleaseSource, type ReleaseSource } from '../core/release-source.js';

export type { ReleaseSource };

/**
 * `required`: the mode needs a canary source (every mode but abort). The result holds `image` or
 * `source`, never both.
 */
export function readCanarySource(required: boolean): {
  image: string | undefined;
  source: ReleaseSource | undefined;
} {
  const image = readImageReference('image', { example: 'ghcr.io/acme/web:1.2.3' });
  const source = readReleaseSource({ instead: 'for one new image use the image input alone.' });
  if (image !== undefined && hasRelease(source)) {
    throw new InputError(
      source.kustomize ? 'kustomize' : 'manifests',
      'cannot be combined with image: the canary runs either one new image (image) or a whole release (manifests or kustomize, with images substituted). Set exactly one of them.',
      'k8s/',
    );
  }
  if (image !== undefined) return { image, source: undefined };
  if (hasRelease(source)) return { image: undefined, source };
  if (!required) return { image: undefined, source: undefined };
  throw new InputError(
    'image',
    'is required (or manifests, or kustomize): it is what the canary runs. image is one new image for the container; manifests or kustomize give the whole release (env, config, sidecars).',
    'ghcr.io/acme/web:1.2.3',
  );
}

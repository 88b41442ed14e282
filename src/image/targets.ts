import { InputError } from '../core/errors.js';
import { parseReference, type ImageReference } from '../core/image-reference.js';

/** A computed tag as the registry reference it is written to; a bad one blames `images`. */
export function parseTarget(tag: string): ImageReference {
  try {
    return parseReference(tag);
  } catch (error) {
    throw new InputError(
      'images',
      `gives the tag '${tag}', which is not a valid image reference: ${(error as { problem?: string }).problem ?? (error as Error).message}`,
      'ghcr.io/octo-org/app',
    );
  }
}

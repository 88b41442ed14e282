/** Runs of characters a tag cannot hold become one '-', as metadata-action does. */
export function sanitizeTag(tag: string): string {
  return tag.replace(/[^a-zA-Z0-9._-]+/g, '-');
}

const OCI_TAG_MAX_LENGTH = 128;

/**
 * Opt-in: also satisfies the OCI tag grammar `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`, which
 * metadata-action does not enforce: leading '.' and '-' are dropped and the tag is cut at 128
 * characters. A tag left empty is dropped by the caller.
 */
export function ociTag(sanitized: string): string {
  return sanitized.replace(/^[.-]+/, '').slice(0, OCI_TAG_MAX_LENGTH);
}

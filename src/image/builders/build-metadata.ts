import { readFile } from 'node:fs/promises';

/**
 * The `metadata` of a build result for engines without buildx's metadata file: the keys buildx
 * uses for what the engine can tell, so a workflow reads `containerimage.digest` either way.
 */
export function buildMetadata(facts: {
  imageId?: string;
  digest?: string;
  names: readonly string[];
}): string {
  const metadata: Record<string, string> = {};
  if (facts.imageId) metadata['containerimage.config.digest'] = facts.imageId;
  if (facts.digest) metadata['containerimage.digest'] = facts.digest;
  if (facts.names.length > 0) metadata['image.name'] = facts.names.join(',');
  return JSON.stringify(metadata, null, 2);
}

/** buildx's metadata file, pretty-printed as build-push-action outputs it; `{}` when absent. */
export function buildxMetadataText(fileText: string | undefined): string {
  const text = fileText?.trim();
  if (!text || text === 'null') return '{}';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A file's text, trimmed, or undefined when the builder did not write it. */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

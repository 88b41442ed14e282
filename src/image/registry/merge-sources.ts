import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  DIGEST_HEX_LENGTH,
  InvalidReferenceError,
  parseReference,
} from '../../core/image-reference.js';
import type { MergeSource } from './merge.js';

/**
 * The sources of a merge as users write them, one per line of an input or one per digest file:
 *
 * - `sha256:<hex>`: that digest in the first target's repository;
 * - `<64 hex digits>`: the same, as Docker's recipe names its digest files (`${digest#sha256:}`);
 * - `registry/repository@sha256:<hex>` (or `...:tag`): that image, copied into the targets'
 *   repositories when it lives elsewhere in the same registry.
 *
 * A directory holds one file per leg: a file named by a digest (hex, `sha256:<hex>` or
 * `sha256-<hex>`, usually empty, as Docker's recipe uploads them) names that digest; any other
 * file names the digest or reference in its content (`echo "$digest" > digests/linux-arm64`).
 * Errors about a source quote where it came from (`line 2 of merge-digests`,
 * `digest file digests/linux-arm64`), which tells the user which leg should have pushed it.
 */

const BARE_DIGEST = /^(sha256|sha512)[:-]([a-f0-9]+)$/;
const HEX = /^[a-f0-9]+$/;

/** A bare digest, or undefined when `text` is not one. */
export function parseBareDigest(text: string): string | undefined {
  const trimmed = text.trim();
  const prefixed = BARE_DIGEST.exec(trimmed);
  if (prefixed && prefixed[2].length === DIGEST_HEX_LENGTH[prefixed[1]]) {
    return `${prefixed[1]}:${prefixed[2]}`;
  }
  if (HEX.test(trimmed) && trimmed.length === DIGEST_HEX_LENGTH.sha256) return `sha256:${trimmed}`;
  return undefined;
}

/**
 * One source. Throws InvalidReferenceError (from parseReference) for a malformed reference,
 * which the caller turns into an InputError naming its input.
 */
export function parseMergeSource(text: string, from?: string): MergeSource {
  const digest = parseBareDigest(text);
  if (digest) return { digest, ...(from && { from }) };
  // Without this, `sha256:abc` would read as the Docker Hub image library/sha256, tag abc.
  const algorithm = /^(sha256|sha512)[:-]/.exec(text.trim());
  if (algorithm) {
    throw new InvalidReferenceError(
      text.trim(),
      `a ${algorithm[1]} digest has exactly ${DIGEST_HEX_LENGTH[algorithm[1]]} lowercase hex digits`,
    );
  }
  return { ...parseReference(text), ...(from && { from }) };
}

/** The sources of a multi-line input: blank lines and `#` comments are skipped. */
export function parseMergeSourceLines(input: string, text: string): MergeSource[] {
  const sources: MergeSource[] = [];
  for (const [position, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    sources.push(parseMergeSource(trimmed, `line ${position + 1} of ${input}`));
  }
  return sources;
}

/**
 * The sources in a directory of digest files, in file name order (the merged index does not
 * depend on it). Subdirectories are read too, so `actions/download-artifact` without
 * `merge-multiple` (one directory per leg's artifact) works as well.
 */
export async function readDigestDirectory(directory: string): Promise<MergeSource[]> {
  const sources: MergeSource[] = [];
  const visit = async (dir: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const file = path.join(dir, name);
      const shown = `digest file ${path.relative(path.dirname(directory), file)}`;
      if ((await stat(file)).isDirectory()) {
        await visit(file);
        continue;
      }
      const named = parseBareDigest(name);
      if (named) {
        sources.push({ digest: named, from: shown });
        continue;
      }
      const content = (await readFile(file, 'utf8')).trim();
      if (content === '') {
        throw new Error(
          `${shown} is empty and its name is not a digest; name it by the digest or write the digest into it`,
        );
      }
      sources.push(parseMergeSource(content, shown));
    }
  };
  await visit(directory);
  return sources;
}

/**
 * The value of a merge input: each line a source (as parseMergeSource reads it) or the path of
 * a directory of digest files (as readDigestDirectory reads it), relative to `cwd`. A path is
 * recognised by existing; a line that is neither a digest nor an existing path must be an image
 * reference. Throws InvalidReferenceError for a malformed reference and a plain Error whose
 * message completes "Input 'x' " for an unusable directory, for the caller to wrap.
 */
export async function readMergeInput(
  input: string,
  text: string,
  cwd: string = process.cwd(),
): Promise<MergeSource[]> {
  const sources: MergeSource[] = [];
  for (const [position, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const from = `line ${position + 1} of ${input}`;
    if (!parseBareDigest(trimmed)) {
      const location = path.resolve(cwd, trimmed);
      const found = await stat(location).catch(() => undefined);
      if (found?.isDirectory()) {
        const inDirectory = await readDigestDirectory(location).catch((error: unknown) => {
          throw new Error(`names directory ${trimmed}, where ${(error as Error).message}`, {
            cause: error,
          });
        });
        if (inDirectory.length === 0) {
          throw new Error(
            `names directory ${trimmed}, which holds no digest files: did the build legs upload them and this job download them?`,
          );
        }
        sources.push(...inDirectory);
        continue;
      }
      if (found) throw new Error(`names ${trimmed}, which is a file; name the directory it is in`);
    }
    sources.push(parseMergeSource(trimmed, from));
  }
  return sources;
}

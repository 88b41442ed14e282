import { InvalidReferenceError, parseReference } from '../../core/image-reference.js';
import { MetadataError } from './errors.js';
import { meaningfulLines, parseFields } from './fields.js';

export interface ImageEntry {
  /** Lower-cased, as metadata-action does. */
  name: string;
  enable: boolean;
}

const EXAMPLE = 'ghcr.io/octo-org/app';

/**
 * Parses the `images` input: one image per line, bare or `name=<image>,enable=<bool>`; a single
 * line of bare names separated by commas is a list (metadata-action's older format).
 */
export function parseImages(lines: string[]): ImageEntry[] {
  const given = meaningfulLines(lines);
  if (given.length === 1) {
    const fields = parseFields(given[0], 'images', EXAMPLE);
    if (fields.every((field) => field.key === undefined)) {
      return fields.map((field) => ({ name: checkedName(field.value, given[0]), enable: true }));
    }
  }
  return given.map((line) => parseImageLine(line));
}

function parseImageLine(line: string): ImageEntry {
  let name: string | undefined;
  let enable = true;
  for (const { key, value } of parseFields(line, 'images', EXAMPLE)) {
    if (key === undefined || key === 'name') {
      if (name !== undefined) {
        throw new MetadataError(
          'images',
          'names more than one image; write one image per line.',
          EXAMPLE,
          line,
        );
      }
      name = value;
    } else if (key === 'enable') {
      if (value !== 'true' && value !== 'false') {
        throw new MetadataError(
          'images',
          `has enable=${value}; use true or false.`,
          `name=${EXAMPLE},enable=false`,
          line,
        );
      }
      enable = value === 'true';
    } else {
      throw new MetadataError(
        'images',
        `has the unknown attribute '${key}'; images take name and enable.`,
        `name=${EXAMPLE},enable=true`,
        line,
      );
    }
  }
  if (name === undefined || name === '') {
    throw new MetadataError('images', 'has no image name.', `name=${EXAMPLE},enable=true`, line);
  }
  return { name: checkedName(name, line), enable };
}

/** Lower-cases the name and checks it against core's image-reference grammar. */
function checkedName(raw: string, line: string): string {
  const name = raw.toLowerCase();
  const problem = imageNameProblem(name);
  if (problem !== undefined) {
    throw new MetadataError(
      'images',
      `has the invalid image name '${raw}': ${problem}.`,
      EXAMPLE,
      line,
    );
  }
  return name;
}

/**
 * Why `name` is not an image name, by core's image-reference grammar (the one rollout and canary
 * use), so the same text gets the same answer in every action; a name carries no tag or digest.
 */
export function imageNameProblem(name: string): string | undefined {
  const noTag = 'an image name carries no tag or digest; the tags come from the tags input';
  // Any digest is wrong here, a well-formed one or not: say that rather than what is wrong with it.
  if (name.includes('@')) return noTag;
  let reference;
  try {
    reference = parseReference(name);
  } catch (error) {
    if (error instanceof InvalidReferenceError) return error.reason;
    throw error;
  }
  if (reference.tag !== undefined || reference.digest !== undefined) return noTag;
  return undefined;
}

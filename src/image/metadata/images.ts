import { MetadataError } from './errors.js';
import { meaningfulLines, parseFields } from './fields.js';

export interface ImageEntry {
  /** Lower-cased, as metadata-action does. */
  name: string;
  enable: boolean;
}

const EXAMPLE = 'ghcr.io/octo-org/app';

// OCI distribution spec: repository path components; a registry host may come first.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const HOST_COMPONENT = '(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])';
const HOST = `(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*|\\[[0-9a-f:]+\\])(?::[0-9]+)?`;
const PATH_PATTERN = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const HOST_PATTERN = new RegExp(`^${HOST}$`);
const MAX_NAME_LENGTH = 255;

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

/** Lower-cases the name and checks it against the OCI repository name grammar. */
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

export function imageNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  const slash = name.indexOf('/');
  const first = slash < 0 ? name : name.slice(0, slash);
  const hasHost =
    slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost && !HOST_PATTERN.test(first)) return `'${first}' is not a registry host[:port]`;
  const path = hasHost ? name.slice(slash + 1) : name;
  if (PATH_PATTERN.test(path)) return undefined;
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (last.includes(':') || last.includes('@')) {
    return 'an image name carries no tag or digest; the tags come from the tags input';
  }
  return (
    'a repository name is lower-case letters and digits in components separated by /, ' +
    "with '.', '_', '__' or dashes only between letters or digits"
  );
}

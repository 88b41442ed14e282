import { InvalidReferenceError, parseReference } from '../../core/image-reference.js';
import { MetadataError } from './errors.js';
import { meaningfulLines } from './fields.js';

/** A full image reference written in the `tags` input, used as it is. */
export interface LiteralTag {
  /** The reference as written (trimmed), e.g. `ghcr.io/octo-org/app:1.0`. */
  reference: string;
  /** Its tag, for the tag-names output. */
  tag: string;
}

export interface SplitTags {
  /** Lines in metadata-action's rule grammar (`type=...`, or a bare value = raw tag). */
  rules: string[];
  literals: LiteralTag[];
}

const EXAMPLE = 'ghcr.io/octo-org/app:1.0';

/**
 * Separates docker/build-push-action style references from metadata-action rules in the `tags`
 * input. A line is a list of literal references when every comma-separated field of it is
 * reference-shaped (see isReferenceShaped); anything else is a rule, read as metadata-action
 * reads it. So `latest`, `1.0` or `type=raw,value=1.0` stay raw tags, while
 * `user/app:latest` and `ghcr.io/o/app:1.0,ghcr.io/o/app:latest` are references.
 * A reference-shaped field that is not a valid reference with a tag is an error, not a raw tag.
 */
export function splitLiteralTags(lines: string[]): SplitTags {
  const rules: string[] = [];
  const literals: LiteralTag[] = [];
  for (const line of meaningfulLines(lines)) {
    const fields = line
      .split(',')
      .map((field) => field.trim())
      .filter((field) => field !== '');
    if (fields.length > 0 && fields.every(isReferenceShaped)) {
      literals.push(...fields.map((field) => literalTag(field, line)));
    } else {
      rules.push(line);
    }
  }
  return { rules, literals };
}

/**
 * Whether a field reads as an image reference rather than metadata-action's grammar: no '='
 * (key=value), no '"' (CSV quoting), no '{{' (a template), no whitespace, a '/' (a repository
 * path or registry), and after the last '/' a ':' or '@' (a tag or a digest).
 */
export function isReferenceShaped(field: string): boolean {
  if (/[="\s]/.test(field) || field.includes('{{')) return false;
  const slash = field.lastIndexOf('/');
  if (slash < 0) return false;
  return /[:@]/.test(field.slice(slash + 1));
}

function literalTag(field: string, line: string): LiteralTag {
  let reference;
  try {
    reference = parseReference(field);
  } catch (error) {
    if (!(error instanceof InvalidReferenceError)) throw error;
    throw new MetadataError(
      'tags',
      `reads as an image reference (it has '/' and a ':' tag but no '='), and '${field}' is not a valid one: ${error.reason}. Write a full reference such as ${EXAMPLE}, or a tag rule such as type=raw,value=1.0.`,
      EXAMPLE,
      line,
    );
  }
  if (reference.digest !== undefined || reference.tag === undefined) {
    throw new MetadataError(
      'tags',
      `has '${field}', a reference with a digest; a reference in tags names a tag to push, e.g. ${EXAMPLE}.`,
      EXAMPLE,
      line,
    );
  }
  return { reference: field, tag: reference.tag };
}

import { MetadataError } from './errors.js';
import type { LatestMode } from './flavor.js';
import { produce, renderGlobal, type Evaluation, type Produced } from './producers.js';
import { ociTag, sanitizeTag } from './sanitize.js';
import type { TagSpec } from './tag-spec.js';
import type { Version } from './types.js';

export interface VersionOptions {
  ociTags: boolean;
  gitTags?: string[];
}

/**
 * Runs the entries in priority order. The first value becomes the version, later distinct values
 * are partial versions, and `latest` is decided by the first entry that produced a value.
 */
export function computeVersion(
  specs: TagSpec[],
  evaluation: Evaluation,
  options: VersionOptions,
): Version {
  let main: string | undefined;
  const partial: string[] = [];
  let latest: boolean | undefined;
  for (const spec of specs) {
    if (!isEnabled(spec, evaluation)) continue;
    const produced = produce(spec, evaluation);
    if (produced === undefined || produced.value === '') continue;
    const tag = finishTag(produced.value, options.ociTags);
    if (tag === '') continue;
    if (main === undefined) main = tag;
    else if (tag !== main && !partial.includes(tag)) partial.push(tag);
    latest ??= decideLatest(produced, evaluation.flavor.latest, options.gitTags);
  }
  return { main, partial, latest: latest ?? false };
}

export function finishTag(value: string, ociTags: boolean): string {
  const sanitized = sanitizeTag(value);
  return ociTags ? ociTag(sanitized) : sanitized;
}

function isEnabled(spec: TagSpec, evaluation: Evaluation): boolean {
  const enabled = renderGlobal(spec.enable, spec, evaluation);
  if (enabled === 'true') return true;
  if (enabled === 'false') return false;
  throw new MetadataError(
    'tags',
    `has enable=${spec.enable}, which gave '${enabled}'; enable must come out as true or false.`,
    'type=raw,value=latest,enable={{is_default_branch}}',
    spec.line,
  );
}

function decideLatest(
  produced: Produced,
  mode: LatestMode,
  gitTags: string[] | undefined,
): boolean {
  switch (mode) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'auto':
      return produced.autoLatest;
    case 'highest':
      if (gitTags === undefined) {
        throw new Error('flavor latest=highest needs the git tags in MetadataContext.gitTags');
      }
      return produced.autoLatest && (produced.isHighest?.(gitTags) ?? false);
  }
}

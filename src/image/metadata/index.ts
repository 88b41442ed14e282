import { ActionError } from '../../core/errors.js';
import { MetadataError } from './errors.js';
import { objectAt, resolveRunFacts } from './event.js';
import { parseFlavor, type Flavor } from './flavor.js';
import { globalHelpers } from './globals.js';
import { parseImages } from './images.js';
import { splitLiteralTags } from './literal-tags.js';
import { annotationLevelProblem, labelsObject, ociEntries, withLevels } from './labels.js';
import { flavorSite, type Evaluation } from './producers.js';
import { parseTagSpecs } from './tag-spec.js';
import { renderTemplate } from './templates.js';
import type { Metadata, MetadataContext, MetadataInputs, Version } from './types.js';
import { computeVersion, finishTag } from './version.js';

export { MetadataError } from './errors.js';
export { commitDateFromPayload, repositoryInfoFromPayload } from './event.js';
export { flavorNeedsGitTags } from './flavor.js';
export { applyContextSource, readGitContext, type GitContext } from './git-context.js';
export { isReferenceShaped, splitLiteralTags, type LiteralTag } from './literal-tags.js';
export {
  BAKE_FILE_NAMES,
  bakeDefinitions,
  bakeFileText,
  DEFAULT_BAKE_TARGET,
  type BakeDefinition,
  type BakeDefinitions,
} from './bake.js';
export type * from './types.js';

const DEFAULT_SHA_LENGTH = 7;

/**
 * Computes tags, labels and annotations from the inputs and the run, as docker/metadata-action
 * v6 does, plus Slipway's opt-ins (latest=highest, sha length, PR head SHA, OCI-valid tags).
 * Pure: everything it reads is in its arguments.
 */
export function computeMetadata(inputs: MetadataInputs, context: MetadataContext): Metadata {
  const env = context.env ?? {};
  const images = parseImages(inputs.images);
  // Full references (`user/app:latest`) are used as written; the rest is metadata-action's grammar,
  // with its default rules only when the input has no line at all.
  const { rules, literals } = splitLiteralTags(inputs.tags);
  const specs = rules.length === 0 && literals.length > 0 ? [] : parseTagSpecs(rules);
  const flavor = parseFlavor(inputs.flavor);
  const levels = annotationLevels(inputs.annotationLevels, env);
  const prHeadSha =
    inputs.prHeadSha === true || /true/i.test(env.DOCKER_METADATA_PR_HEAD_SHA ?? '');
  const facts = resolveRunFacts(context, prHeadSha);
  const shortSha = facts.sha.slice(0, shaLength(inputs.shaLength, env));
  const defaultBranch = context.repository.defaultBranch;
  const globals = globalHelpers(facts, shortSha, defaultBranch);
  const evaluation: Evaluation = {
    facts,
    flavor,
    globals,
    shortSha,
    defaultBranch: defaultBranch ?? defaultBranchOfPayload(context.payload),
    warnings: [],
  };
  const ociTags = inputs.ociTags === true;
  const version = computeVersion(specs, evaluation, { ociTags, gitTags: context.gitTags });

  const latestTag = finishTag(latestName(flavor, evaluation), ociTags);
  const computedNames = namesFor(version, latestTag);
  const imageNames = images.filter((image) => image.enable).map((image) => image.name);
  const computedTags =
    imageNames.length === 0
      ? computedNames
      : imageNames.flatMap((image) => computedNames.map((name) => `${image}:${name}`));
  const tags = appendNew(
    computedTags,
    literals.map((literal) => literal.reference),
  );
  const tagNames = appendNew(
    computedNames,
    literals.map((literal) => literal.tag),
  );
  if (tags.length === 0) {
    evaluation.warnings.push('No Docker tag has been generated. Check tags input.');
  }

  const ociFacts = {
    repository: context.repository,
    version: version.main,
    created: facts.now,
    revision: facts.sha,
  };
  const labels = ociEntries(ociFacts, inputs.labels, 'labels', globals);
  const annotations = withLevels(
    ociEntries(ociFacts, inputs.annotations, 'annotations', globals),
    levels,
  );
  return {
    version,
    tags,
    tagNames,
    labels,
    annotations,
    json: { tags, 'tag-names': tagNames, labels: labelsObject(labels), annotations },
    images: imageNames,
    warnings: evaluation.warnings,
  };
}

/** `base` as metadata-action makes it, then each of `extra` that is not in the list yet. */
function appendNew(base: string[], extra: string[]): string[] {
  const result = [...base];
  for (const value of extra) if (!result.includes(value)) result.push(value);
  return result;
}

function namesFor(version: Version, latestTag: string): string[] {
  if (version.main === undefined) return [];
  const names = [version.main, ...version.partial];
  if (version.latest && latestTag !== '') names.push(latestTag);
  return names;
}

/** `latest`, with the flavor's prefix/suffix only when `onlatest=true`. */
function latestName(flavor: Flavor, evaluation: Evaluation): string {
  const { globals } = evaluation;
  const prefix = flavor.prefixOnLatest
    ? renderTemplate(flavor.prefix, globals, flavorSite(`prefix=${flavor.prefix}`))
    : '';
  const suffix = flavor.suffixOnLatest
    ? renderTemplate(flavor.suffix, globals, flavorSite(`suffix=${flavor.suffix}`))
    : '';
  return `${prefix}latest${suffix}`;
}

function shaLength(fromInput: number | undefined, env: Record<string, string | undefined>): number {
  if (fromInput !== undefined) {
    if (!Number.isInteger(fromInput) || fromInput < 1 || fromInput > 64) {
      throw new MetadataError(
        'sha-length',
        `must be a whole number from 1 to 64, got ${fromInput}.`,
        '12',
      );
    }
    return fromInput;
  }
  const fromEnv = env.DOCKER_METADATA_SHORT_SHA_LENGTH;
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_SHA_LENGTH;
  if (!/^\d+$/.test(fromEnv.trim()) || Number(fromEnv) < 1) {
    throw new ActionError(
      `DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${fromEnv}`,
      'Set it to the length of short commit SHAs, e.g. 12, or use the sha-length input.',
    );
  }
  return Number(fromEnv);
}

function annotationLevels(
  fromInput: string[] | undefined,
  env: Record<string, string | undefined>,
): string[] {
  const given =
    fromInput && fromInput.length > 0
      ? fromInput
      : (env.DOCKER_METADATA_ANNOTATIONS_LEVELS || 'manifest').split(',');
  const levels = given.map((level) => level.trim()).filter((level) => level !== '');
  for (const level of levels) {
    const problem = annotationLevelProblem(level);
    if (problem !== undefined) {
      throw new MetadataError('annotation-levels', `has ${problem}.`, 'manifest,index');
    }
  }
  return levels;
}

function defaultBranchOfPayload(payload: Record<string, unknown>): string | undefined {
  const branch = objectAt(payload, 'repository')?.default_branch;
  return typeof branch === 'string' ? branch : undefined;
}

import * as core from '@actions/core';
import { ActionError, InputError } from '../core/errors.js';
import { readGitHubContext, type GitHubContext } from '../core/github.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { setMetadataOutputs } from './metadata-outputs.js';
import { loginIfAsked, registryClients, type RegistryClients } from './registries.js';
import { runMain } from '../core/run.js';
import { JobSummary, markup } from '../core/summary.js';
import { build } from './builders/index.js';
import { readSettings, type Settings } from './inputs.js';
import { computeMetadata, flavorNeedsGitTags, type Metadata } from './metadata/index.js';
import { renderPromoteSource } from './promote-source.js';

import { DEFAULT_IMMUTABLE } from './registry/immutable.js';
import {
  PartialPromotionError,
  planPromotion,
  promote,
  type PromotionPlan,
} from './registry/promote.js';
import { formatReference, parseReference, type ImageReference } from '../core/image-reference.js';
import { gitTags, repositoryInfo } from './repository.js';
import { buildSummary, verdictLine, type ImageOutcome } from './summary.js';

const BUILD_TIMEOUT_MS = 60 * 60_000;

export async function run(): Promise<void> {
  await runMain('image', async () => {
    const settings = readSettings();
    const github = readGitHubContext();
    const metadata = computeMetadata(settings.metadata, {
      eventName: github.eventName,
      ref: github.ref ?? '',
      sha: github.sha,
      payload: github.payload,
      repository: await repositoryInfo(github, settings.githubToken),
      now: new Date(),
      gitTags: flavorNeedsGitTags(settings.metadata.flavor)
        ? await gitTags(settings.workspace)
        : undefined,
      env: process.env,
    });
    for (const warning of metadata.warnings) core.warning(warning);
    setMetadataOutputs(metadata, settings);

    const outcome = await act(settings, github, metadata);
    setOutputs({
      digest: outcome.digest ?? '',
      image: outcome.digest && metadata.images[0] ? `${metadata.images[0]}@${outcome.digest}` : '',
      refs: outcome.refs.join('\n'),
      promoted: String(outcome.kind === 'promoted'),
    });
    setResultOutput({ ...outcome, version: metadata.version, tagNames: metadata.tagNames });
    await buildSummary(outcome).write();
    core.info(verdictLine(outcome));
  });
}

async function act(
  settings: Settings,
  github: GitHubContext,
  metadata: Metadata,
): Promise<ImageOutcome> {
  const base: ImageOutcome = {
    kind: 'metadata',
    refs: [],
    tags: metadata.tags,
    labels: metadata.labels,
    version: metadata.version.main,
    notes: [],
  };
  if (settings.promoteFrom) return promoteExisting(settings, github, metadata, base);
  if (!settings.buildImage) return base;
  if (metadata.tags.length === 0 && settings.push) {
    throw new ActionError(
      'There is no tag to push: the tags rules produced none for this event.',
      'Check the tags input.',
    );
  }
  const targets = metadata.tags.map((tag) => parseTarget(tag));
  const registries = registryClients(settings);

  if (settings.push && targets.length > 0) {
    const plan = await planTargets(registries, targets);
    if (settings.skipExisting && plan[0].current) {
      return {
        ...base,
        kind: 'skipped',
        digest: plan[0].current,
        notes: [`skip-existing: ${metadata.tags[0]} already exists, so nothing was built.`],
      };
    }
    refuseImmutableMoves(plan, settings.immutableTags ?? [DEFAULT_IMMUTABLE]);
  }

  await loginIfAsked(settings);
  const result = await build({
    ...settings.build,
    labels: metadata.labels,
    annotations: metadata.annotations,
    tags: metadata.tags,
    push: settings.push,
    timeoutMs: BUILD_TIMEOUT_MS,
    insecureRegistries: settings.insecureRegistries,
  });
  for (const warning of result.warnings) core.warning(warning);
  return {
    ...base,
    kind: settings.push ? 'pushed' : 'built',
    digest: result.digest,
    refs: result.pushed,
    builder: result.builder,
    durationMs: result.durationMs,
  };
}

async function promoteExisting(
  settings: Settings,
  github: GitHubContext,
  metadata: Metadata,
  base: ImageOutcome,
): Promise<ImageOutcome> {
  const sourceText = renderPromoteSource(settings.promoteFrom as string, settings.metadata, github);
  let source: ImageReference;
  try {
    source = parseReference(sourceText);
  } catch (error) {
    const invalid = error as { problem?: string; example?: string };
    throw new InputError(
      'promote-from',
      invalid.problem ?? (error as Error).message,
      invalid.example ?? 'ghcr.io/octo-org/app:sha-{{sha}}',
    );
  }
  const started = Date.now();
  const registries = registryClients(settings);
  const plan = await planPromotion(
    registries,
    source,
    metadata.tags.map((tag) => parseTarget(tag)),
  );
  const result = await promote(plan, registries, {
    immutable: settings.immutableTags ?? [DEFAULT_IMMUTABLE],
  }).catch(async (error: unknown) => {
    if (error instanceof PartialPromotionError) await reportPartialPromotion(error);
    throw error;
  });
  const verified = await Promise.all(
    plan.targets.map(async ({ reference }) => {
      const head = await registries(reference.registry).headManifest(
        reference.repository,
        reference.tag as string,
      );
      return { ref: formatReference(reference), digest: head?.digest ?? 'missing' };
    }),
  );
  return {
    ...base,
    kind: 'promoted',
    digest: result.digest,
    refs: result.refs,
    source: formatReference({ ...plan.source, digest: undefined }),
    verified,
    durationMs: Date.now() - started,
    notes: describeWrites(plan, result.written),
  };
}

/** Which tags moved and which did not, in `refs`, `result` and the summary, before failing. */
async function reportPartialPromotion(error: PartialPromotionError): Promise<void> {
  setOutputs({ digest: error.digest, refs: error.moved.join('\n'), promoted: 'false' });
  setResultOutput({
    kind: 'promoted',
    outcome: 'failed',
    error: error.message,
    digest: error.digest,
    refs: error.moved,
    moved: error.moved,
    notMoved: error.notMoved,
  });
  await new JobSummary()
    .verdict(
      'failure',
      `Promotion failed: ${error.moved.length} of ${error.moved.length + error.notMoved.length} tag(s) moved to ${error.digest}`,
    )
    .table(
      ['tag', 'moved'],
      [
        ...error.moved.map((ref) => [markup.code(ref), '✅ moved']),
        ...error.notMoved.map((ref) => [markup.code(ref), '❌ not moved']),
      ],
    )
    .paragraph(error.message)
    .write();
}

/** A fresh build never has the digest an existing tag points at, so pushing would move every existing tag. */
function refuseImmutableMoves(
  plan: Array<{ reference: ImageReference; current?: string }>,
  immutable: RegExp[],
): void {
  const frozen = plan.filter(
    ({ reference, current }) =>
      current !== undefined &&
      immutable.some((pattern) => {
        pattern.lastIndex = 0;
        return pattern.test(reference.tag ?? '');
      }),
  );
  if (frozen.length === 0) return;
  const listed = frozen
    .map(({ reference, current }) => `${formatReference(reference)} (now ${current})`)
    .join(', ');
  throw new ActionError(
    `Refusing to build and push: immutable tag(s) already exist and a new build would move them to another digest: ${listed}. Nothing was built or pushed.`,
    'Release a new version, or use promote-from to copy an existing image to these tags (same digest).',
  );
}

function describeWrites(plan: PromotionPlan, written: string[]): string[] {
  const unchanged = plan.targets.filter((target) => target.action === 'unchanged').length;
  return unchanged > 0
    ? [
        `${unchanged} tag(s) already pointed at this digest and were left alone; ${written.length} written.`,
      ]
    : [];
}

async function planTargets(registries: RegistryClients, targets: ImageReference[]) {
  return Promise.all(
    targets.map(async (reference) => {
      const current = await registries(reference.registry).headManifest(
        reference.repository,
        reference.tag as string,
        { forPush: true },
      );
      return { reference, current: current?.digest, action: current ? 'move' : 'create' };
    }),
  );
}

function parseTarget(tag: string): ImageReference {
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

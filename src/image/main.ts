import * as core from '@actions/core';
import { readGitHubContext, type GitHubContext } from '../core/github.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { readSettings, type Settings } from './inputs.js';
import {
  applyContextSource,
  computeMetadata,
  flavorNeedsGitTags,
  type Metadata,
  type MetadataContext,
} from './metadata/index.js';
import { setMetadataOutputs } from './metadata-outputs.js';
import { findRegistryCredentials, type RegistryAccess } from './registry-access.js';
import { renderPromoteSource } from './promote-source.js';
import { gitTags, repositoryInfo } from './repository.js';
import { buildSummary, verdictLine, type ImageOutcome } from './summary.js';

/**
 * The image action: read the settings, compute metadata-action's tags and labels, then build
 * (and push) the image or promote one already built, and report what the registry now holds.
 */
export async function run(): Promise<void> {
  await runMain('image', async () => {
    const settings = readSettings();
    const github = readGitHubContext();
    const context = await runContext(settings, github);
    const metadata = computeMetadata(settings.metadata, context);
    for (const warning of metadata.warnings) core.warning(warning);
    setMetadataOutputs(metadata, settings);

    // promote-from's {{sha}} names the commit the tags were computed for.
    const promoteSource =
      settings.task === 'promote'
        ? renderPromoteSource(settings.promoteFrom as string, settings.metadata, {
            ...github,
            ref: context.ref,
            sha: context.sha,
          })
        : undefined;
    // Every registry the run names, so that credential helpers run once, before any request.
    const access = await findRegistryCredentials(settings, [
      ...metadata.tags,
      ...(promoteSource ? [promoteSource] : []),
    ]);
    const base: ImageOutcome = {
      kind: 'metadata',
      refs: [],
      tags: metadata.tags,
      labels: metadata.labels,
      version: metadata.version.main,
      notes: [],
    };
    const outcome = await runTask(settings, context, metadata, promoteSource, access, base);

    setOutputs({
      digest: outcome.digest ?? '',
      image: outcome.digest ? imageAt(metadata, outcome.digest) : '',
      refs: outcome.refs.join('\n'),
      promoted: String(outcome.kind === 'promoted'),
      imageid: outcome.imageId ?? '',
      metadata: outcome.buildMetadata ?? '',
    });
    const reported = { ...outcome, buildMetadata: undefined };
    setResultOutput({ ...reported, version: metadata.version, tagNames: metadata.tagNames });
    if (settings.summary) await buildSummary(outcome).write();
    core.info(verdictLine(outcome));
  });
}

/** name@digest: the first image, or with only literal tags the first tag's repository. */
function imageAt(metadata: Metadata, digest: string): string {
  const first = metadata.images[0] ?? metadata.tags[0]?.replace(/:[^:/]+$/, '');
  return first ? `${first}@${digest}` : '';
}

/** Builders and the registry client load only when this run builds, pushes, merges or promotes. */
async function runTask(
  settings: Settings,
  context: MetadataContext,
  metadata: Metadata,
  promoteSource: string | undefined,
  access: RegistryAccess,
  base: ImageOutcome,
): Promise<ImageOutcome> {
  if (settings.task === 'metadata') return base;
  const { act } = await import('./act.js');
  return act(settings, context, metadata, promoteSource, access, base);
}

/** What the tag rules read: the event, or with metadata-context: git the checkout. */
async function runContext(settings: Settings, github: GitHubContext): Promise<MetadataContext> {
  return applyContextSource(
    settings.metadata.contextSource,
    {
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
    },
    settings.workspace,
  );
}

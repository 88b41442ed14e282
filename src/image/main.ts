import * as core from '@actions/core';
import { readGitHubContext, type GitHubContext } from '../core/github.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { buildImage } from './build-image.js';
import { readSettings, type Settings } from './inputs.js';
import { computeMetadata, flavorNeedsGitTags, type Metadata } from './metadata/index.js';
import { setMetadataOutputs } from './metadata-outputs.js';
import { promoteImage } from './promote-image.js';
import { registryClients } from './registries.js';
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
    const metadata = await computeRunMetadata(settings, github);
    for (const warning of metadata.warnings) core.warning(warning);
    setMetadataOutputs(metadata, settings);

    const registries = registryClients(settings);
    const base: ImageOutcome = {
      kind: 'metadata',
      refs: [],
      tags: metadata.tags,
      labels: metadata.labels,
      version: metadata.version.main,
      notes: [],
    };
    const outcome = settings.promoteFrom
      ? await promoteImage(settings, github, registries, base)
      : settings.buildImage
        ? await buildImage(settings, metadata, registries, base)
        : base;

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

async function computeRunMetadata(settings: Settings, github: GitHubContext): Promise<Metadata> {
  return computeMetadata(settings.metadata, {
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
}

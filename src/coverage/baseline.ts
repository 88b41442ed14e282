import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ActionError, describeThrown } from '../core/errors.js';
import { createOctokit, type GitHubContext } from '../core/github.js';
import { compareWithBaseline, type BaselineComparison } from './gate.js';
import type { Settings } from './inputs.js';
import type { Headline } from './headline.js';
import { parseBaselineRate } from './result.js';

/** The baseline to compare with: a file, or the newest artifact the default branch uploaded. */
export async function readBaseline(
  settings: Settings,
  github: GitHubContext | undefined,
  headline: Headline,
  notes: string[],
): Promise<BaselineComparison | undefined> {
  if (settings.baselineFile) {
    const path = resolve(settings.workspace, settings.baselineFile);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new ActionError(
        `Input 'baseline-file' (${settings.baselineFile}) could not be read: ${describeThrown(error)}`,
      );
    }
    return compare(headline, settings.baselineFile, text, 'baseline-file', notes);
  }
  if (settings.baselineArtifact && github) {
    const octokit = await createOctokit(requireToken(settings, 'baseline-artifact'));
    // Loaded only here: the zip reader is needed by runs that compare with an artifact.
    const { downloadBaselineArtifact } = await import('./baseline-artifact.js');
    const found = await downloadBaselineArtifact(octokit, {
      owner: github.repository.owner,
      repo: github.repository.repo,
      name: settings.baselineArtifact,
      branch: github.defaultBranch,
    });
    if (!found.text) {
      notes.push(`No baseline: ${found.reason}`);
      return undefined;
    }
    const origin = `artifact ${settings.baselineArtifact}`;
    return compare(headline, origin, found.text, 'baseline-artifact', notes);
  }
  return undefined;
}

function compare(
  headline: Headline,
  origin: string,
  text: string,
  input: string,
  notes: string[],
): BaselineComparison | undefined {
  const before = parseBaselineRate(text, origin, input, headline.definition);
  if (before.note) notes.push(before.note);
  return compareWithBaseline(headline, origin, before.ratio);
}

export function requireToken(settings: Settings, purpose: string): string {
  if (!settings.githubToken) {
    throw new ActionError(
      `${purpose} needs github-token, which is empty.`,
      'Pass github-token: ${{ github.token }}.',
    );
  }
  return settings.githubToken;
}

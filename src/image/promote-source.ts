import type { GitHubContext } from '../core/github.js';
import type { Settings } from './inputs.js';
import { repositoryInfoFromPayload } from './metadata/index.js';
import { resolveRunFacts } from './metadata/event.js';
import { globalHelpers } from './metadata/globals.js';
import { checkTemplate, GLOBAL_EXPRESSIONS, renderTemplate } from './metadata/templates.js';

const SHA_LENGTH = 7;

/**
 * `promote-from` may use the global expressions of the tags grammar, so a release workflow can
 * name the image main built for this commit: ghcr.io/octo-org/app:sha-{{sha}}.
 */
export function renderPromoteSource(
  template: string,
  metadata: Settings['metadata'],
  github: GitHubContext,
): string {
  const site = {
    input: 'promote-from',
    line: template,
    example: 'ghcr.io/octo-org/app:sha-{{sha}}',
  };
  checkTemplate(template, GLOBAL_EXPRESSIONS, site);
  const facts = resolveRunFacts(
    {
      eventName: github.eventName,
      ref: github.ref ?? '',
      sha: github.sha,
      payload: github.payload,
      repository: repositoryInfoFromPayload(github.payload),
      now: new Date(),
    },
    metadata.prHeadSha,
  );
  const shortSha = facts.sha.slice(0, metadata.shaLength ?? shaLengthFromEnv());
  const helpers = globalHelpers(facts, shortSha, github.defaultBranch);
  return lowercaseRepository(renderTemplate(template, helpers, site));
}

/**
 * Registries refuse uppercase repository names, and `images` is lowercased as metadata-action
 * does; so is the source, or ghcr.io/${{ github.repository }} breaks for an owner like Octo-Org.
 * The tag after the last `/` keeps its case: tags are case-sensitive.
 */
export function lowercaseRepository(reference: string): string {
  const digestAt = reference.indexOf('@');
  const name = digestAt >= 0 ? reference.slice(0, digestAt) : reference;
  const rest = digestAt >= 0 ? reference.slice(digestAt) : '';
  const tagAt = name.lastIndexOf(':');
  if (tagAt > name.lastIndexOf('/')) {
    return `${name.slice(0, tagAt).toLowerCase()}${name.slice(tagAt)}${rest}`;
  }
  return `${name.toLowerCase()}${rest}`;
}

function shaLengthFromEnv(): number {
  const fromEnv = Number(process.env.DOCKER_METADATA_SHORT_SHA_LENGTH);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : SHA_LENGTH;
}

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
  return renderTemplate(template, helpers, site);
}

function shaLengthFromEnv(): number {
  const fromEnv = Number(process.env.DOCKER_METADATA_SHORT_SHA_LENGTH);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : SHA_LENGTH;
}

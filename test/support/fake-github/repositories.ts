/**
 * Repositories the fake knows: `GET /repos/{owner}/{repo}` answers with GitHub's own documented
 * example of a full repository, renamed to the one asked for; any other repository is 404, as
 * GitHub answers for a repository the token cannot see.
 */
import { documentedExample } from './openapi-spec.js';
import type { FakeGitHub } from './server.js';

export interface RepositorySpec {
  owner: string;
  repo: string;
  description?: string | null;
  /** SPDX id, or null for no license. */
  license?: string | null;
  defaultBranch?: string;
}

export class RepositoryStore {
  constructor(private readonly repositories: RepositorySpec[]) {}

  register(fake: FakeGitHub): void {
    fake.on('GET /repos/{owner}/{repo}', (request) => {
      const spec = this.repositories.find(
        (candidate) =>
          candidate.owner.toLowerCase() === String(request.params.owner).toLowerCase() &&
          candidate.repo.toLowerCase() === String(request.params.repo).toLowerCase(),
      );
      if (!spec) {
        return {
          status: 404,
          body: {
            message: 'Not Found',
            documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository',
            status: '404',
          },
        };
      }
      return { status: 200, body: repositoryBody(spec, fake.url) };
    });
  }
}

function repositoryBody(spec: RepositorySpec, apiUrl: string): Record<string, unknown> {
  const body = documentedExample('full-repository-default-response');
  const fullName = `${spec.owner}/${spec.repo}`;
  const owner = body.owner as Record<string, unknown>;
  owner.login = spec.owner;
  owner.html_url = `https://github.com/${spec.owner}`;
  // The documented example is a fork and omits `language`, which the schema requires.
  delete body.parent;
  delete body.source;
  Object.assign(body, {
    fork: false,
    language: 'TypeScript',
    name: spec.repo,
    full_name: fullName,
    html_url: `https://github.com/${fullName}`,
    url: `${apiUrl}/repos/${fullName}`,
    description: spec.description ?? null,
    default_branch: spec.defaultBranch ?? 'main',
  });
  if (spec.license === null) body.license = null;
  else if (spec.license) (body.license as Record<string, unknown>).spdx_id = spec.license;
  return body;
}

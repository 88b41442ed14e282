/** A small faithful model of deployments and their statuses, as an environment page shows them. */
import { githubUser } from './github-user.js';
import type { FakeGitHub } from './server.js';
import type { FakeRequest, FakeResponse } from './types.js';

export interface StoredDeploymentStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  logUrl: string;
  environmentUrl: string;
}

export interface StoredDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string | null;
  autoMerge: boolean;
  requiredContexts: string[] | undefined;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  /** What the client attached (an object, or a JSON string, as GitHub accepts both). */
  payload: unknown;
  statuses: StoredDeploymentStatus[];
}

const NOW = '2026-11-22T00:00:00Z';
const NOT_FOUND: FakeResponse = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
};

/** GitHub's paging: `per_page` (default 30, at most 100) items of page `page` (from 1). */
function page<T>(items: T[], query: Record<string, unknown>): T[] {
  const perPage = Math.min(Number(query.per_page ?? 30), 100);
  const start = (Number(query.page ?? 1) - 1) * perPage;
  return items.slice(start, start + perPage);
}

export class DeploymentStore {
  readonly deployments: StoredDeployment[] = [];
  private nextId = 1_900_000_001;
  private nextStatusId = 2_700_000_001;

  register(fake: FakeGitHub): void {
    fake.on('POST /repos/{owner}/{repo}/deployments', (request) => {
      const body = request.body as Record<string, unknown>;
      const ref = String(body.ref);
      const environment = (body.environment as string | undefined) ?? 'production';
      const deployment: StoredDeployment = {
        id: this.nextId++,
        ref,
        // The fake has no git history: a 40-hex ref is taken as the commit, anything else is not.
        sha: /^[0-9a-f]{40}$/.test(ref) ? ref : 'f'.repeat(40),
        task: (body.task as string | undefined) ?? 'deploy',
        environment,
        description: (body.description as string | null | undefined) ?? '',
        autoMerge: (body.auto_merge as boolean | undefined) ?? true,
        requiredContexts: body.required_contexts as string[] | undefined,
        transientEnvironment: (body.transient_environment as boolean | undefined) ?? false,
        productionEnvironment:
          (body.production_environment as boolean | undefined) ?? environment === 'production',
        payload: body.payload ?? {},
        statuses: [],
      };
      this.deployments.push(deployment);
      return { status: 201, body: this.renderDeployment(deployment, request) };
    });
    // Newest first, filtered as GitHub filters: sha, ref, task and environment must all match.
    fake.on('GET /repos/{owner}/{repo}/deployments', (request) => {
      const query = request.query as Record<string, unknown>;
      const matching = this.deployments
        .filter(
          (d) =>
            (query.sha === undefined || d.sha === query.sha) &&
            (query.ref === undefined || d.ref === query.ref) &&
            (query.task === undefined || d.task === query.task) &&
            (query.environment === undefined || d.environment === query.environment),
        )
        .reverse();
      return {
        status: 200,
        body: page(matching, query).map((d) => this.renderDeployment(d, request)),
      };
    });
    fake.on('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', (request) => {
      const deployment = this.deployments.find((d) => d.id === request.params.deployment_id);
      if (!deployment) return NOT_FOUND;
      const newestFirst = [...deployment.statuses].reverse();
      return {
        status: 200,
        body: page(newestFirst, request.query as Record<string, unknown>).map((status) =>
          this.renderStatus(deployment, status, request),
        ),
      };
    });
    fake.on('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', (request) => {
      const deployment = this.deployments.find((d) => d.id === request.params.deployment_id);
      if (!deployment) return NOT_FOUND;
      const body = request.body as Record<string, unknown>;
      const previous = deployment.statuses.at(-1);
      const logUrl = String(body.log_url ?? body.target_url ?? '');
      const status: StoredDeploymentStatus = {
        id: this.nextStatusId++,
        state: String(body.state),
        description: String(body.description ?? ''),
        // GitHub keeps the previous status's environment when a status names none.
        environment: String(body.environment ?? previous?.environment ?? deployment.environment),
        logUrl,
        environmentUrl: String(body.environment_url ?? ''),
      };
      if (Array.from(status.description).length > 140) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'DeploymentStatus', code: 'custom', field: 'description' }],
            documentation_url: 'https://docs.github.com/rest',
          },
        };
      }
      deployment.statuses.push(status);
      return { status: 201, body: this.renderStatus(deployment, status, request) };
    });
  }

  private api(request: FakeRequest): string {
    const { owner, repo } = request.params as { owner: string; repo: string };
    return `https://api.github.com/repos/${owner}/${repo}`;
  }

  private renderDeployment(deployment: StoredDeployment, request: FakeRequest) {
    const api = this.api(request);
    return {
      url: `${api}/deployments/${deployment.id}`,
      id: deployment.id,
      node_id: `DE_${deployment.id}`,
      sha: deployment.sha,
      ref: deployment.ref,
      task: deployment.task,
      payload: deployment.payload,
      original_environment: deployment.environment,
      environment: deployment.environment,
      description: deployment.description,
      creator: githubUser(),
      created_at: NOW,
      updated_at: NOW,
      statuses_url: `${api}/deployments/${deployment.id}/statuses`,
      repository_url: api,
      transient_environment: deployment.transientEnvironment,
      production_environment: deployment.productionEnvironment,
    };
  }

  private renderStatus(
    deployment: StoredDeployment,
    status: StoredDeploymentStatus,
    request: FakeRequest,
  ) {
    const api = this.api(request);
    return {
      url: `${api}/deployments/${deployment.id}/statuses/${status.id}`,
      id: status.id,
      node_id: `DES_${status.id}`,
      state: status.state,
      creator: githubUser(),
      description: status.description,
      environment: status.environment,
      // The description types these as URIs, so an unset one is left out rather than sent as ''.
      target_url: status.logUrl,
      ...(status.logUrl ? { log_url: status.logUrl } : {}),
      ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
      created_at: NOW,
      updated_at: NOW,
      deployment_url: `${api}/deployments/${deployment.id}`,
      repository_url: api,
    };
  }
}

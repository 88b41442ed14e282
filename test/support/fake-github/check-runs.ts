/** A small faithful model of check runs: create, then updates that append annotations. */
import type { FakeGitHub } from './server.js';
import type { FakeRequest } from './types.js';

export interface StoredCheckRun {
  id: number;
  name: string;
  headSha: string;
  conclusion: string | null;
  title: string;
  summary: string;
  annotations: Array<Record<string, unknown>>;
}

export class CheckRunStore {
  readonly runs: StoredCheckRun[] = [];
  private nextId = 4_100_000_001;

  register(fake: FakeGitHub): void {
    fake.on('POST /repos/{owner}/{repo}/check-runs', (request) => {
      const body = request.body as Record<string, unknown>;
      const output = (body.output ?? {}) as Record<string, unknown>;
      const run: StoredCheckRun = {
        id: this.nextId++,
        name: String(body.name),
        headSha: String(body.head_sha),
        conclusion: (body.conclusion as string | undefined) ?? null,
        title: String(output.title ?? ''),
        summary: String(output.summary ?? ''),
        annotations: [...((output.annotations as Array<Record<string, unknown>>) ?? [])],
      };
      this.runs.push(run);
      return { status: 201, body: this.render(run, request) };
    });
    fake.on('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', (request) => {
      const run = this.runs.find((candidate) => candidate.id === request.params.check_run_id);
      if (!run)
        return {
          status: 404,
          body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
        };
      const output = ((request.body as Record<string, unknown>).output ?? {}) as Record<
        string,
        unknown
      >;
      // The Checks API appends annotations on update rather than replacing them.
      run.annotations.push(...((output.annotations as Array<Record<string, unknown>>) ?? []));
      return { status: 200, body: this.render(run, request) };
    });
  }

  private render(run: StoredCheckRun, request: FakeRequest) {
    const { owner, repo } = request.params as { owner: string; repo: string };
    const api = `https://api.github.com/repos/${owner}/${repo}`;
    const now = '2026-11-22T00:00:00Z';
    return {
      id: run.id,
      head_sha: run.headSha,
      node_id: `CR_${run.id}`,
      external_id: '',
      url: `${api}/check-runs/${run.id}`,
      html_url: `https://github.com/${owner}/${repo}/runs/${run.id}`,
      details_url: `https://github.com/${owner}/${repo}/runs/${run.id}`,
      status: 'completed',
      conclusion: run.conclusion,
      started_at: now,
      completed_at: now,
      output: {
        title: run.title,
        summary: run.summary,
        text: null,
        annotations_count: run.annotations.length,
        annotations_url: `${api}/check-runs/${run.id}/annotations`,
      },
      name: run.name,
      check_suite: { id: 5_500_000_001 },
      app: null,
      pull_requests: [],
    };
  }
}

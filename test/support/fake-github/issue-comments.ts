/**
 * An in-memory model of issue comments (PR comments are issue comments) that answers the comment
 * operations, with GitHub's pagination and Link header.
 */
import { githubUser } from './github-user.js';
import { GENERIC_DOCS } from './openapi-spec.js';
import type { FakeGitHub } from './server.js';
import type { FakeRequest, FakeResponse } from './types.js';

export interface IssueTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface IssueComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: ReturnType<typeof githubUser>;
  created_at: string;
  updated_at: string;
  author_association: string;
}

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

export class IssueCommentStore {
  private readonly comments: Array<IssueComment & { target: string }> = [];
  private nextId = 2_000_000_001;
  private clock = Date.parse('2025-01-15T09:30:00Z');

  constructor(private readonly apiUrl: string) {}

  /** Adds a comment as if someone had posted it before the test. */
  add(target: IssueTarget, body: string, user = githubUser()): IssueComment {
    const id = this.nextId++;
    const now = this.tick();
    const issueUrl = `${this.apiUrl}/repos/${target.owner}/${target.repo}/issues/${target.issueNumber}`;
    const comment = {
      target: key(target),
      id,
      node_id: `IC_kwDO${Buffer.from(String(id)).toString('base64url')}`,
      url: `${this.apiUrl}/repos/${target.owner}/${target.repo}/issues/comments/${id}`,
      html_url: `https://github.com/${target.owner}/${target.repo}/pull/${target.issueNumber}#issuecomment-${id}`,
      issue_url: issueUrl,
      body,
      user,
      created_at: now,
      updated_at: now,
      author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
    this.comments.push(comment);
    return present(comment);
  }

  list(target: IssueTarget): IssueComment[] {
    return this.comments.filter((c) => c.target === key(target)).map(present);
  }

  register(fake: FakeGitHub): void {
    fake.on('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', (request) =>
      this.listPage(request),
    );
    fake.on('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', (request) => {
      const comment = this.add(targetOf(request), (request.body as { body: string }).body);
      return { status: 201, body: comment, headers: { location: comment.url } };
    });
    fake.on('GET /repos/{owner}/{repo}/issues/comments/{comment_id}', (request) => {
      const comment = this.find(request);
      return comment ? { status: 200, body: present(comment) } : notFound();
    });
    fake.on('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', (request) => {
      const comment = this.find(request);
      if (!comment) return notFound();
      comment.body = (request.body as { body: string }).body;
      comment.updated_at = this.tick();
      return { status: 200, body: present(comment) };
    });
    fake.on('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', (request) => {
      const comment = this.find(request);
      if (!comment) return notFound();
      this.comments.splice(this.comments.indexOf(comment), 1);
      return { status: 204 };
    });
  }

  private listPage(request: FakeRequest): FakeResponse {
    const since = request.query.since as string | undefined;
    const all = this.list(targetOf(request)).filter((c) => !since || c.updated_at >= since);
    const requested = request.query.per_page as number | undefined;
    const perPage = Math.min(Math.max(requested ?? DEFAULT_PER_PAGE, 1), MAX_PER_PAGE);
    const page = Math.max((request.query.page as number | undefined) ?? 1, 1);
    const lastPage = Math.max(Math.ceil(all.length / perPage), 1);
    const link = linkHeader(this.apiUrl, request, page, lastPage);
    return {
      status: 200,
      body: all.slice((page - 1) * perPage, page * perPage),
      headers: link ? { link } : {},
    };
  }

  private find(request: FakeRequest) {
    const { owner, repo, comment_id: id } = request.params;
    return this.comments.find(
      (c) => c.id === id && c.target.startsWith(`${String(owner)}/${String(repo)}#`),
    );
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

/**
 * GitHub's Link header lists prev, next, last, first — each only when it differs from the current
 * page — and keeps the request's other query parameters. (GitHub writes /repositories/{id} URLs,
 * which are undocumented; the fake links to the route that was asked.)
 */
export function linkHeader(
  apiUrl: string,
  request: Pick<FakeRequest, 'path' | 'query'>,
  page: number,
  lastPage: number,
): string | undefined {
  const to = (target: number) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query)) {
      if (name !== 'page') search.set(name, String(value));
    }
    search.set('page', String(target));
    return `<${apiUrl}${request.path}?${search.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${to(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) {
    links.push(`${to(page + 1)}; rel="next"`, `${to(lastPage)}; rel="last"`);
  }
  if (page > 1) links.push(`${to(1)}; rel="first"`);
  return links.length > 0 ? links.join(', ') : undefined;
}

function key(target: IssueTarget): string {
  return `${target.owner}/${target.repo}#${target.issueNumber}`;
}

function targetOf(request: FakeRequest): IssueTarget {
  return {
    owner: String(request.params.owner),
    repo: String(request.params.repo),
    issueNumber: Number(request.params.issue_number),
  };
}

function present(comment: IssueComment & { target?: string }): IssueComment {
  const visible: IssueComment & { target?: string } = structuredClone(comment);
  delete visible.target;
  return visible;
}

function notFound(): FakeResponse {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: GENERIC_DOCS, status: '404' },
  };
}

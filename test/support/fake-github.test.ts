import { describe, expect, it } from 'vitest';
import { FakeGitHub, githubUser, schemaProblems, useFakeGitHub } from './fake-github/index.js';

const AUTH = { authorization: 'token ghs_test', 'content-type': 'application/json' };
const COMMENTS = '/repos/octo-org/octo-service/issues/7/comments';

async function send(
  fake: FakeGitHub,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string | undefined> = AUTH,
) {
  const sent = Object.entries(headers).filter((entry): entry is [string, string] => !!entry[1]);
  const response = await fetch(fake.url + path, { method, headers: sent, body });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    link: response.headers.get('link'),
  };
}

describe('fake GitHub API: request validation', () => {
  const github = useFakeGitHub();

  it('passes a documented request to its handler and records the call', async () => {
    github().issueComments();
    const result = await send(github(), 'POST', COMMENTS, JSON.stringify({ body: 'Looks good' }));
    expect(result.status).toBe(201);
    expect(result.json).toMatchObject({
      body: 'Looks good',
      user: { login: 'github-actions[bot]' },
    });
    expect(github().calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        operationId: 'issues/create-comment',
        route: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        params: { owner: 'octo-org', repo: 'octo-service', issue_number: 7 },
        body: { body: 'Looks good' },
        status: 201,
      }),
    ]);
    expect(github().violations).toEqual([]);
  });

  it.each([
    {
      name: 'body of the wrong type',
      method: 'POST',
      path: COMMENTS,
      body: '{"body":42}',
      status: 422,
      kind: 'body',
      says: '/body must be string',
    },
    {
      name: 'required field missing',
      method: 'POST',
      path: COMMENTS,
      body: '{"text":"hi"}',
      status: 422,
      kind: 'body',
      says: `"body" wasn't supplied`,
    },
    {
      name: 'required body absent',
      method: 'POST',
      path: COMMENTS,
      body: undefined,
      status: 422,
      kind: 'body',
      says: 'required request body is missing',
    },
    {
      name: 'body that is not JSON',
      method: 'POST',
      path: COMMENTS,
      body: 'body=hi',
      status: 400,
      kind: 'body',
      says: 'not JSON',
    },
    {
      name: 'body on an operation that takes none',
      method: 'DELETE',
      path: '/repos/octo-org/octo-service/issues/comments/1',
      body: '{"body":"x"}',
      status: 422,
      kind: 'body',
      says: 'documents no request body',
    },
    {
      name: 'unknown path',
      method: 'GET',
      path: '/repos/octo-org/octo-service/commentz',
      body: undefined,
      status: 404,
      kind: 'unknown-route',
      says: 'no documented route',
    },
    {
      name: 'method the path does not have',
      method: 'PUT',
      path: COMMENTS,
      body: '{"body":"x"}',
      status: 404,
      kind: 'method-not-allowed',
      says: 'documented: GET, POST',
    },
    {
      name: 'integer path parameter given text',
      method: 'GET',
      path: '/repos/octo-org/octo-service/issues/abc/comments',
      body: undefined,
      status: 404,
      kind: 'path-parameter',
      says: `'issue_number'="abc": (root) must be integer`,
    },
    {
      name: 'unknown query parameter',
      method: 'GET',
      path: `${COMMENTS}?perpage=100`,
      body: undefined,
      status: 422,
      kind: 'query-parameter',
      says: `unknown query parameter 'perpage'`,
    },
    {
      name: 'query parameter of the wrong type',
      method: 'GET',
      path: `${COMMENTS}?per_page=many`,
      body: undefined,
      status: 422,
      kind: 'query-parameter',
      says: `'per_page'="many"`,
    },
  ])('rejects a request with $name ($status) and records it', async (row) => {
    github().issueComments();
    const result = await send(github(), row.method, row.path, row.body);
    expect(result.status).toBe(row.status);
    expect(result.json).toMatchObject({
      message: expect.any(String),
      documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\/rest/),
    });
    const violations = github().takeViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ kind: row.kind, method: row.method });
    expect(violations[0]!.message).toContain(row.says);
    expect(github().calls[0]!.status).toBe(row.status);
  });

  it('explains a body error the way GitHub does, with the operation documentation', async () => {
    const result = await send(github(), 'POST', COMMENTS, '{"body":42}');
    github().takeViolations();
    expect(result.json).toEqual({
      message: 'Invalid request.\n\n/body must be string',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '422',
    });
  });

  it.each([
    { name: 'no Authorization header', headers: {}, message: 'Requires authentication' },
    {
      name: 'an Authorization header without a token',
      headers: { authorization: 'Basic' },
      message: 'Bad credentials',
    },
  ])('answers 401 to $name', async ({ headers, message }) => {
    github().issueComments();
    const result = await send(github(), 'GET', COMMENTS, undefined, headers);
    expect(result).toMatchObject({ status: 401, json: { message } });
    expect(github().takeViolations()).toEqual([expect.objectContaining({ kind: 'auth' })]);
  });

  it.each([
    {
      path: '/repos/octo-org/octo-service/issues/comments',
      operationId: 'issues/list-comments-for-repo',
      params: { owner: 'octo-org', repo: 'octo-service' },
    },
    {
      path: '/repos/octo-org/octo-service/issues/12',
      operationId: 'issues/get',
      params: { owner: 'octo-org', repo: 'octo-service', issue_number: 12 },
    },
    {
      path: '/repos/octo-org/octo-service/branches/release/2.x/protection',
      operationId: 'repos/get-branch-protection',
      params: { owner: 'octo-org', repo: 'octo-service', branch: 'release/2.x' },
    },
    {
      path: '/repos/octo-org/octo-service/git/ref/heads%2Fmain',
      operationId: 'git/get-ref',
      params: { owner: 'octo-org', repo: 'octo-service', ref: 'heads/main' },
    },
  ])('routes $path to $operationId', async ({ path, operationId, params }) => {
    github().on(operationId, () => ({ status: 500, body: { message: 'boom' } }));
    await send(github(), 'GET', path);
    expect(github().calls[0]).toMatchObject({ operationId, params });
  });

  it('reports a request no handler answers', async () => {
    const result = await send(github(), 'GET', '/repos/octo-org/octo-service/pulls/3');
    expect(result.status).toBe(501);
    expect(github().takeViolations()).toEqual([
      expect.objectContaining({ kind: 'unhandled', operationId: 'pulls/get' }),
    ]);
  });

  it('records a handler answer that GitHub could not send', async () => {
    github().on('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', () => ({
      status: 201,
      body: { id: 'one', body: 'hi' },
    }));
    const result = await send(github(), 'POST', COMMENTS, '{"body":"hi"}');
    expect(result.status).toBe(201);
    const [violation] = github().takeViolations();
    expect(violation).toMatchObject({ kind: 'response', operationId: 'issues/create-comment' });
    expect(violation!.message).toContain('/id must be integer');
    expect(violation!.message).toContain(`"node_id" wasn't supplied`);
  });

  it('records an undocumented success status', async () => {
    github().on('issues/delete-comment', () => ({ status: 200, body: {} }));
    await send(github(), 'DELETE', '/repos/octo-org/octo-service/issues/comments/9');
    expect(github().takeViolations()).toEqual([
      expect.objectContaining({ kind: 'response', message: expect.stringContaining('200') }),
    ]);
  });

  it('lets a later handler delegate to an earlier one, and fail a call first', async () => {
    github().issueComments();
    github().failNext('issues/list-comments', { status: 502, body: { message: 'Bad Gateway' } });
    expect((await send(github(), 'GET', COMMENTS)).status).toBe(502);
    expect((await send(github(), 'GET', COMMENTS)).status).toBe(200);
    expect(
      github()
        .callsTo('issues/list-comments')
        .map((c) => c.status),
    ).toEqual([502, 200]);
  });

  it('refuses to register a handler for an operation GitHub does not have', () => {
    expect(() =>
      github().on('GET /repos/{owner}/{repo}/commentz', () => ({ status: 200 })),
    ).toThrow(/not a documented operation/);
  });
});

describe('fake GitHub API: options', () => {
  it.each([
    { options: { allowAnonymous: true }, headers: {}, status: 200 },
    { options: { token: 'ghs_right' }, headers: { authorization: 'token ghs_right' }, status: 200 },
    { options: { token: 'ghs_right' }, headers: { authorization: 'token ghs_wrong' }, status: 401 },
  ])('with $options and $headers answers $status', async ({ options, headers, status }) => {
    const fake = await FakeGitHub.start(options);
    try {
      fake.issueComments();
      expect((await send(fake, 'GET', COMMENTS, undefined, headers)).status).toBe(status);
      expect(fake.violations.length).toBe(status === 200 ? 0 : 1);
    } finally {
      await fake.close();
    }
  });

  it('lists every violation in the assertion message', async () => {
    const fake = await FakeGitHub.start();
    try {
      await send(fake, 'POST', COMMENTS, '{"body":42}');
      await send(fake, 'GET', '/nope');
      expect(() => fake.assertNoViolations()).toThrow(
        /saw 2 request\(s\)[\s\S]*1\. \[body\] POST \/repos\/octo-org\/octo-service\/issues\/7\/comments \(issues\/create-comment\)[\s\S]*2\. \[unknown-route\] GET \/nope/,
      );
    } finally {
      await fake.close();
    }
  });
});

describe('fake GitHub API: issue comment pagination', () => {
  const github = useFakeGitHub();
  const target = { owner: 'octo-org', repo: 'octo-service', issueNumber: 7 };
  const link = (query: string, rel: string) =>
    `<${github().url}${COMMENTS}?${query}>; rel="${rel}"`;

  it.each([
    { existing: 0, query: '', count: 0, rels: [] as Array<[string, string]> },
    { existing: 30, query: '', count: 30, rels: [] },
    {
      existing: 31,
      query: '',
      count: 30,
      rels: [
        ['page=2', 'next'],
        ['page=2', 'last'],
      ],
    },
    {
      existing: 250,
      query: 'per_page=100',
      count: 100,
      rels: [
        ['per_page=100&page=2', 'next'],
        ['per_page=100&page=3', 'last'],
      ],
    },
    {
      existing: 250,
      query: 'per_page=100&page=2',
      count: 100,
      rels: [
        ['per_page=100&page=1', 'prev'],
        ['per_page=100&page=3', 'next'],
        ['per_page=100&page=3', 'last'],
        ['per_page=100&page=1', 'first'],
      ],
    },
    {
      existing: 250,
      query: 'per_page=100&page=3',
      count: 50,
      rels: [
        ['per_page=100&page=2', 'prev'],
        ['per_page=100&page=1', 'first'],
      ],
    },
    {
      existing: 150,
      query: 'per_page=500',
      count: 100,
      rels: [
        ['per_page=500&page=2', 'next'],
        ['per_page=500&page=2', 'last'],
      ],
    },
  ])(
    'with $existing comments, ?$query gives $count and links $rels',
    async ({ existing, query, count, rels }) => {
      const store = github().issueComments();
      for (let i = 1; i <= existing; i++) store.add(target, `comment ${i}`, githubUser('mona', 1));
      const result = await send(github(), 'GET', query ? `${COMMENTS}?${query}` : COMMENTS);
      expect(result.status).toBe(200);
      expect(result.json).toHaveLength(count);
      const expected = rels.map(([q, rel]) => link(q, rel)).join(', ');
      expect(result.link).toBe(expected || null);
    },
  );

  it('keeps comments in creation order across pages and per issue', async () => {
    const store = github().issueComments();
    for (let i = 1; i <= 35; i++) store.add(target, `comment ${i}`);
    store.add({ ...target, issueNumber: 8 }, 'other issue');
    const page2 = await send(github(), 'GET', `${COMMENTS}?page=2`);
    expect((page2.json as unknown as Array<{ body: string }>).map((c) => c.body)).toEqual([
      'comment 31',
      'comment 32',
      'comment 33',
      'comment 34',
      'comment 35',
    ]);
  });

  it('updates and deletes comments, and answers 404 for one that is gone', async () => {
    const store = github().issueComments();
    const { id } = store.add(target, 'first');
    const path = `/repos/octo-org/octo-service/issues/comments/${id}`;
    const updated = await send(github(), 'PATCH', path, '{"body":"second"}');
    expect(updated.json).toMatchObject({ id, body: 'second' });
    expect(updated.json!.updated_at).not.toBe(updated.json!.created_at);
    expect((await send(github(), 'DELETE', path)).status).toBe(204);
    expect(store.list(target)).toEqual([]);
    expect((await send(github(), 'GET', path)).status).toBe(404);
  });
});

describe('documented schemas for payload fixtures', () => {
  it.each([
    { payload: { zen: 'Keep it logically awesome.', hook_id: 109948940 }, problems: [] },
    {
      payload: { zen: 'Keep it logically awesome.', hook_id: 'one' },
      problems: ['/hook_id must be integer'],
    },
  ])('checks a ping payload: $problems', ({ payload, problems }) => {
    expect(schemaProblems('webhook-ping', payload)).toEqual(problems);
  });
});

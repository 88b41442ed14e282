import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import {
  MAX_COMMENT_LENGTH,
  createOctokit,
  readGitHubContext,
  neutralizeMentions,
  stickyCommentBody,
  upsertStickyComment,
  type GitHubContext,
} from '../../src/core/github.js';
import { githubUser, schemaProblems, useFakeGitHub } from '../support/fake-github/index.js';

const EVENTS = fileURLToPath(new URL('../fixtures/events/', import.meta.url));
const MAIN_SHA = 'c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5';
const MERGE_SHA = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
const PR_HEAD_SHA = '8f14e45fceea167a5a36dedd4bea2543b2c3d4e5';

/** The variables every runner sets, whatever the event. */
const RUNNER = {
  GITHUB_REPOSITORY: 'octo-org/octo-service',
  GITHUB_REPOSITORY_OWNER: 'octo-org',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_RUN_ID: '12887345123',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'mona-dev',
  GITHUB_WORKFLOW: 'CI',
};

const REPOSITORY = { owner: 'octo-org', repo: 'octo-service', fullName: 'octo-org/octo-service' };
const COMMON = {
  repository: REPOSITORY,
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  runId: 12887345123,
  runAttempt: 1,
  actor: 'mona-dev',
  workflow: 'CI',
};

describe('readGitHubContext', () => {
  it.each<{
    name: string;
    fixture: string;
    schema: string;
    env: Record<string, string>;
    expected: Omit<GitHubContext, 'payload' | keyof typeof COMMON>;
  }>([
    {
      name: 'push to main',
      fixture: 'push-main.json',
      schema: 'webhook-push',
      env: {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REF_NAME: 'main',
        GITHUB_REF_TYPE: 'branch',
        GITHUB_SHA: MAIN_SHA,
      },
      expected: {
        eventName: 'push',
        ref: 'refs/heads/main',
        refName: 'main',
        refType: 'branch',
        sha: MAIN_SHA,
        pullRequest: undefined,
        defaultBranch: 'main',
      },
    },
    {
      name: 'push of tag v1.2.3',
      fixture: 'push-tag.json',
      schema: 'webhook-push',
      env: {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/tags/v1.2.3',
        GITHUB_REF_NAME: 'v1.2.3',
        GITHUB_REF_TYPE: 'tag',
        GITHUB_SHA: MAIN_SHA,
      },
      expected: {
        eventName: 'push',
        ref: 'refs/tags/v1.2.3',
        refName: 'v1.2.3',
        refType: 'tag',
        sha: MAIN_SHA,
        pullRequest: undefined,
        defaultBranch: 'main',
      },
    },
    {
      name: 'pull_request opened',
      fixture: 'pull_request-opened.json',
      schema: 'webhook-pull-request-opened',
      env: {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: 'refs/pull/42/merge',
        GITHUB_REF_NAME: '42/merge',
        GITHUB_REF_TYPE: 'branch',
        GITHUB_HEAD_REF: 'feature/retry-payments',
        GITHUB_BASE_REF: 'main',
        GITHUB_SHA: MERGE_SHA,
      },
      expected: {
        eventName: 'pull_request',
        ref: 'refs/pull/42/merge',
        refName: '42/merge',
        refType: 'branch',
        sha: MERGE_SHA,
        pullRequest: {
          number: 42,
          headSha: PR_HEAD_SHA,
          headRef: 'feature/retry-payments',
          baseRef: 'main',
          baseSha: MAIN_SHA,
          fromFork: false,
        },
        defaultBranch: 'main',
      },
    },
    {
      name: 'pull_request_target from a fork (runs on the base branch)',
      fixture: 'pull_request_target-synchronize.json',
      schema: 'webhook-pull-request-synchronize',
      env: {
        GITHUB_EVENT_NAME: 'pull_request_target',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REF_NAME: 'main',
        GITHUB_REF_TYPE: 'branch',
        GITHUB_HEAD_REF: 'fix-typo-in-readme',
        GITHUB_BASE_REF: 'main',
        GITHUB_SHA: MAIN_SHA,
      },
      expected: {
        eventName: 'pull_request_target',
        ref: 'refs/heads/main',
        refName: 'main',
        refType: 'branch',
        sha: MAIN_SHA,
        pullRequest: {
          number: 43,
          headSha: PR_HEAD_SHA,
          headRef: 'fix-typo-in-readme',
          baseRef: 'main',
          baseSha: MAIN_SHA,
          fromFork: true,
        },
        defaultBranch: 'main',
      },
    },
    {
      name: 'workflow_dispatch',
      fixture: 'workflow_dispatch.json',
      schema: 'webhook-workflow-dispatch',
      env: {
        GITHUB_EVENT_NAME: 'workflow_dispatch',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REF_NAME: 'main',
        GITHUB_REF_TYPE: 'branch',
        GITHUB_SHA: MAIN_SHA,
      },
      expected: {
        eventName: 'workflow_dispatch',
        ref: 'refs/heads/main',
        refName: 'main',
        refType: 'branch',
        sha: MAIN_SHA,
        pullRequest: undefined,
        defaultBranch: 'main',
      },
    },
    {
      name: 'release published',
      fixture: 'release-published.json',
      schema: 'webhook-release-published',
      env: {
        GITHUB_EVENT_NAME: 'release',
        GITHUB_REF: 'refs/tags/v1.2.3',
        GITHUB_REF_NAME: 'v1.2.3',
        GITHUB_REF_TYPE: 'tag',
        GITHUB_SHA: MAIN_SHA,
      },
      expected: {
        eventName: 'release',
        ref: 'refs/tags/v1.2.3',
        refName: 'v1.2.3',
        refType: 'tag',
        sha: MAIN_SHA,
        pullRequest: undefined,
        defaultBranch: 'main',
      },
    },
  ])('$name', ({ fixture, schema, env, expected }) => {
    const payloadPath = join(EVENTS, fixture);
    const context = readGitHubContext({ ...RUNNER, ...env, GITHUB_EVENT_PATH: payloadPath });
    const { payload, ...rest } = context;
    expect(rest).toEqual({ ...COMMON, ...expected });
    // The fixture is a payload GitHub could send: it matches the published webhook schema.
    expect(schemaProblems(schema, payload)).toEqual([]);
  });

  it.each([
    {
      name: 'a local run without payload, ref type and name derived from the tag',
      env: { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v2.0.0', GITHUB_SHA: MAIN_SHA },
      expected: { refName: 'v2.0.0', refType: 'tag', pullRequest: undefined, payload: {} },
    },
    {
      name: 'a pull request ref without GITHUB_REF_NAME',
      env: {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REF: 'refs/pull/9/merge',
        GITHUB_SHA: MERGE_SHA,
      },
      expected: { refName: '9/merge', refType: 'branch' },
    },
    {
      name: 'an event without a ref, defaults for server and API',
      env: {
        GITHUB_EVENT_NAME: 'workflow_run',
        GITHUB_SHA: MAIN_SHA,
        GITHUB_SERVER_URL: '',
        GITHUB_API_URL: '',
        GITHUB_RUN_ATTEMPT: '',
      },
      expected: {
        ref: undefined,
        refName: undefined,
        refType: undefined,
        runAttempt: undefined,
        serverUrl: 'https://github.com',
        apiUrl: 'https://api.github.com',
      },
    },
    {
      name: 'GitHub Enterprise Server URLs',
      env: {
        GITHUB_EVENT_NAME: 'push',
        GITHUB_SHA: MAIN_SHA,
        GITHUB_SERVER_URL: 'https://ghe.example.com/',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      },
      expected: { serverUrl: 'https://ghe.example.com', apiUrl: 'https://ghe.example.com/api/v3' },
    },
  ])('reads $name', ({ env, expected }) => {
    expect(readGitHubContext({ ...RUNNER, ...env })).toMatchObject(expected);
  });

  const payloadFile = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'slipway-event-')), 'event.json');
    writeFileSync(path, text);
    return path;
  };
  const PUSH = { ...RUNNER, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: MAIN_SHA };

  it.each([
    { name: 'GITHUB_EVENT_NAME missing', env: { ...PUSH, GITHUB_EVENT_NAME: undefined } },
    { name: 'GITHUB_SHA empty', env: { ...PUSH, GITHUB_SHA: '' } },
    { name: 'GITHUB_REPOSITORY missing', env: { ...PUSH, GITHUB_REPOSITORY: undefined } },
    { name: 'GITHUB_RUN_ID missing', env: { ...PUSH, GITHUB_RUN_ID: undefined } },
    { name: 'GITHUB_ACTOR missing', env: { ...PUSH, GITHUB_ACTOR: undefined } },
    { name: 'GITHUB_WORKFLOW missing', env: { ...PUSH, GITHUB_WORKFLOW: undefined } },
  ])('fails with $name, naming the variable', ({ name, env }) => {
    const variable = name.split(' ')[0]!;
    expect(() => readGitHubContext(env)).toThrow(
      expect.objectContaining({
        name: 'ActionError',
        message: `Environment variable ${variable} is not set.`,
        hint: expect.stringContaining('must run inside GitHub Actions'),
      }),
    );
  });

  it.each([
    {
      name: 'a repository without owner',
      env: { GITHUB_REPOSITORY: 'octo-service' },
      says: 'owner/repo',
    },
    {
      name: 'a run id that is not a number',
      env: { GITHUB_RUN_ID: 'abc' },
      says: 'GITHUB_RUN_ID must be',
    },
    {
      name: 'a run attempt of zero',
      env: { GITHUB_RUN_ATTEMPT: '0' },
      says: 'GITHUB_RUN_ATTEMPT must be',
    },
    {
      name: 'a payload that is not JSON',
      env: { GITHUB_EVENT_PATH: payloadFile('{"ref": ') },
      says: 'is not valid JSON',
    },
    {
      name: 'a payload that is a list',
      env: { GITHUB_EVENT_PATH: payloadFile('[]') },
      says: 'is not a JSON object',
    },
    {
      name: 'a payload file that does not exist',
      env: { GITHUB_EVENT_PATH: '/nonexistent/event.json' },
      says: 'Cannot read the event payload at GITHUB_EVENT_PATH (/nonexistent/event.json)',
    },
  ])('fails clearly on $name', ({ env, says }) => {
    let thrown: unknown;
    try {
      readGitHubContext({ ...PUSH, ...env });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ActionError);
    expect((thrown as ActionError).message).toContain(says);
  });
});

describe('neutralizeMentions', () => {
  it.each([
    ['a user', 'broken by @octocat', 'broken by @\u200doctocat'],
    ['a team', 'cc @octo-org/security', 'cc @\u200docto-org/security'],
    ['at the start', '@admin please', '@\u200dadmin please'],
    ['in parentheses', '(@someone)', '(@\u200dsomeone)'],
    ['an e-mail address', 'dev@example.com', 'dev@example.com'],
    ['a lone @', 'at @ noon', 'at @ noon'],
    ['twice', '@a and @b', '@\u200da and @\u200db'],
  ])('%s', (_case, text, expected) => {
    expect(neutralizeMentions(text)).toBe(expected);
  });

  it('applies to every sticky comment body, and twice changes nothing more', () => {
    const body = stickyCommentBody('coverage', 'test failed: @octocat');
    expect(body).toContain('@\u200doctocat');
    expect(neutralizeMentions(body)).toBe(body);
  });
});

describe('stickyCommentBody', () => {
  it.each([
    { bodyLength: 10, trimmed: false },
    { bodyLength: MAX_COMMENT_LENGTH - '<!-- slipway:coverage -->\n'.length, trimmed: false },
    { bodyLength: MAX_COMMENT_LENGTH, trimmed: true },
    { bodyLength: 300_000, trimmed: true },
  ])('with a $bodyLength-character body: trimmed=$trimmed', ({ bodyLength, trimmed }) => {
    const text = stickyCommentBody('coverage', 'x'.repeat(bodyLength));
    expect(text.startsWith('<!-- slipway:coverage -->\n')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(text.includes('_Trimmed ')).toBe(trimmed);
    if (trimmed) {
      const kept = text.split('\n')[1]!.length;
      const cut = (bodyLength - kept).toLocaleString('en-US');
      expect(text).toContain(`_Trimmed ${cut} characters: GitHub limits a comment to 65,536`);
    }
  });

  it('does not split a character made of two UTF-16 units when trimming', () => {
    const text = stickyCommentBody('k', '😀'.repeat(40_000));
    const kept = text.split('\n')[1]!;
    expect(kept).toMatch(/^(😀)+$/u);
  });

  it.each(['', 'has space', 'x-->', '-leading'])('refuses the key %j', (key) => {
    expect(() => stickyCommentBody(key, 'body')).toThrow(ActionError);
  });
});

describe('createOctokit', () => {
  const github = useFakeGitHub({ token: 'ghs_slipway_token' });
  afterEach(() => vi.restoreAllMocks());

  it('masks the token and talks to GITHUB_API_URL with it', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const octokit = await createOctokit('ghs_slipway_token', {
      env: { GITHUB_API_URL: github().url },
    });
    vi.restoreAllMocks();
    expect(written.join('')).toContain('::add-mask::ghs_slipway_token');
    github().issueComments();
    const { data } = await octokit.rest.issues.listComments({
      owner: 'octo-org',
      repo: 'octo-service',
      issue_number: 1,
    });
    expect(data).toEqual([]);
  });

  it.each(['', '   '])('refuses an empty token %j', async (token) => {
    await expect(createOctokit(token)).rejects.toThrow(/No GitHub token was given/);
  });
});

describe('upsertStickyComment', () => {
  const github = useFakeGitHub({ token: 'ghs_slipway_token' });
  const target = { owner: 'octo-org', repo: 'octo-service', issueNumber: 42 };
  const client = async (retries = 2) => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const octokit = await createOctokit('ghs_slipway_token', {
      baseUrl: github().url,
      retries,
      retryBaseDelayMs: 1,
    });
    vi.restoreAllMocks();
    return octokit;
  };
  const upsert = async (body: string, key = 'coverage') =>
    upsertStickyComment(await client(), { ...target, key, body });

  it.each([
    { bodies: ['Coverage 81%'], actions: ['created'] },
    { bodies: ['Coverage 81%', 'Coverage 83%'], actions: ['created', 'updated'] },
    {
      bodies: ['Coverage 81%', 'Coverage 83%', 'Coverage 83%'],
      actions: ['created', 'updated', 'unchanged'],
    },
    { bodies: ['A', 'A', 'B', 'B'], actions: ['created', 'unchanged', 'updated', 'unchanged'] },
  ])('run with bodies $bodies: $actions', async ({ bodies, actions }) => {
    const store = github().issueComments();
    const results = [];
    for (const body of bodies) results.push(await upsert(body));
    expect(results.map((r) => r.action)).toEqual(actions);
    const comments = store.list(target);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toBe(`<!-- slipway:coverage -->\n${bodies.at(-1)}`);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([comments[0]!.id]));
    expect(results[0]!.url).toBe(
      `https://github.com/octo-org/octo-service/pull/42#issuecomment-${comments[0]!.id}`,
    );
    const writes = github().calls.filter((c) => c.method !== 'GET').length;
    expect(writes).toBe(actions.filter((a) => a !== 'unchanged').length);
  });

  it.each([
    { before: 0, after: 0, listCalls: 1 },
    { before: 35, after: 5, listCalls: 1 },
    { before: 130, after: 20, listCalls: 2 },
    { before: 250, after: 0, listCalls: 3 },
  ])(
    'finds its comment after $before others ($listCalls page(s) of 100)',
    async ({ before, after, listCalls }) => {
      const store = github().issueComments();
      const reviewer = githubUser('reviewer', 5);
      for (let i = 0; i < before; i++) store.add(target, `Looks good ${i}`, reviewer);
      const sticky = store.add(target, '<!-- slipway:coverage -->\nCoverage 70%');
      for (let i = 0; i < after; i++) store.add(target, `Later ${i}`, reviewer);

      const result = await upsert('Coverage 75%');

      expect(result).toMatchObject({ action: 'updated', id: sticky.id });
      expect(github().callsTo('issues/list-comments')).toHaveLength(listCalls);
      expect(github().callsTo('issues/create-comment')).toHaveLength(0);
      expect(store.list(target)).toHaveLength(before + after + 1);
    },
  );

  it.each([
    {
      name: 'a sticky comment for another key',
      existing: '<!-- slipway:quality-gate -->\nGate passed',
    },
    {
      name: 'a comment that quotes the marker',
      existing: 'Why is there a <!-- slipway:coverage --> here?',
    },
  ])('creates its own comment beside $name', async ({ existing }) => {
    const store = github().issueComments();
    store.add(target, existing, githubUser('mona-dev', 58123456));
    expect((await upsert('Coverage 90%')).action).toBe('created');
    expect(store.list(target).map((c) => c.body)).toEqual([
      existing,
      '<!-- slipway:coverage -->\nCoverage 90%',
    ]);
  });

  it('trims a body over the limit, and finds it unchanged next time', async () => {
    const store = github().issueComments();
    const long = 'line of a very long report\n'.repeat(5000);
    expect((await upsert(long)).action).toBe('created');
    const [comment] = store.list(target);
    expect(comment!.body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(comment!.body).toMatch(/_Trimmed [\d,]+ characters: GitHub limits a comment/);
    expect((await upsert(long)).action).toBe('unchanged');
  });

  it('treats CRLF line ends GitHub may store as the same body', async () => {
    const store = github().issueComments();
    store.add(target, '<!-- slipway:coverage -->\r\nLine 1\r\nLine 2');
    expect((await upsert('Line 1\nLine 2')).action).toBe('unchanged');
  });

  it.each([
    { failure: { status: 502, body: { message: 'Server Error' } }, times: 1 },
    { failure: { status: 503, body: { message: 'Service Unavailable' } }, times: 2 },
    { failure: { dropConnection: true as const }, times: 1 },
  ])('retries after $failure ×$times and then succeeds', async ({ failure, times }) => {
    github().issueComments();
    github().failNext('issues/list-comments', failure, times);
    expect((await upsert('Coverage 80%')).action).toBe('created');
    const statuses = github()
      .callsTo('issues/list-comments')
      .map((c) => c.status);
    expect(statuses).toEqual([
      ...Array(times).fill('status' in failure ? failure.status : 'dropped'),
      200,
    ]);
  });

  it('gives up after the configured retries and surfaces the server error', async () => {
    github().issueComments();
    github().failNext('issues/create-comment', { status: 500, body: { message: 'Oops' } }, 10);
    await expect(upsert('Coverage 80%')).rejects.toMatchObject({ status: 500 });
    expect(github().callsTo('issues/create-comment')).toHaveLength(3);
  });

  it.each([
    { status: 403, message: 'Resource not accessible by integration' },
    { status: 404, message: 'Not Found' },
    { status: 422, message: 'Validation Failed' },
    { status: 429, message: 'You have exceeded a secondary rate limit.' },
  ])('does not retry a $status and surfaces it', async ({ status, message }) => {
    github().issueComments();
    github().failNext('issues/create-comment', {
      status,
      body: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
    });
    await expect(upsert('Coverage 80%')).rejects.toMatchObject({
      status,
      message: expect.stringContaining(message),
    });
    expect(github().callsTo('issues/create-comment')).toHaveLength(1);
    expect(github().issueComments().list(target)).toEqual([]);
  });
});

import { createServer as createNetServer, type Socket } from 'node:net';
import { generateKeyPairSync, sign } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import { readGitHubContext } from '../../src/core/github.js';
import { forgetSecretsForTesting } from '../../src/core/secrets.js';
import {
  encodeSlug,
  oidcAudience,
  uploadToCodecov,
  type CodecovUploadRequest,
} from '../../src/coverage/codecov.js';
import { captureStdout } from '../support/capture-stdout.js';
import { useFakeCodecov } from '../support/fake-codecov.js';

const TOKEN = '5f0a3c1e-9b1d-4c6a-8e2f-0d7b3a9c4e11';
const SHA = 'a'.repeat(40);
const HEAD_SHA = 'b'.repeat(40);
const LCOV = Buffer.from('TN:\nSF:src/app.ts\nDA:1,1\nDA:2,0\nend_of_record\n');
/** Bytes of every value, so nothing in the chain may treat a report as text. */
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const FAST = { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 };
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

type Event = 'push' | 'tag' | 'merge-queue' | 'pr' | 'fork-pr';

/** The run's context as readGitHubContext reads it from the runner's variables and payload. */
function runContext(event: Event) {
  const dir = mkdtempSync(join(tmpdir(), 'codecov-test-'));
  const repository = { full_name: 'octo-org/octo-service', default_branch: 'main' };
  const pr = (fork: boolean) => ({
    pull_request: {
      number: 17,
      head: {
        sha: HEAD_SHA,
        ref: 'feature',
        label: fork ? 'contributor:feature' : 'octo-org:feature',
        repo: {
          full_name: fork ? 'contributor/octo-service' : 'octo-org/octo-service',
          owner: { login: fork ? 'contributor' : 'octo-org' },
        },
      },
      base: { sha: SHA, ref: 'main' },
    },
    repository,
  });
  const events = {
    push: { name: 'push', ref: 'refs/heads/main', payload: { repository } },
    tag: { name: 'push', ref: 'refs/tags/v1.2.3', payload: { repository } },
    'merge-queue': {
      name: 'merge_group',
      ref: 'refs/heads/gh-readonly-queue/main/pr-17-0123456789abcdef0123456789abcdef01234567',
      payload: { repository },
    },
    pr: { name: 'pull_request', ref: 'refs/pull/17/merge', payload: pr(false) },
    'fork-pr': { name: 'pull_request', ref: 'refs/pull/17/merge', payload: pr(true) },
  } as const;
  const chosen = events[event];
  writeFileSync(join(dir, 'event.json'), JSON.stringify(chosen.payload));
  return readGitHubContext({
    GITHUB_EVENT_NAME: chosen.name,
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REF: chosen.ref,
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'octo-org/octo-service',
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_SERVER_URL: 'https://github.com',
  });
}

describe('uploadToCodecov', () => {
  const codecov = useFakeCodecov({
    repositories: [
      { slug: 'octo-org/octo-service', token: TOKEN },
      { slug: 'octo-org/other', token: '11111111-2222-3333-4444-555555555555' },
    ],
    oidcPublicKey: publicKey,
  });

  afterEach(() => {
    forgetSecretsForTesting();
    vi.unstubAllEnvs();
  });

  const upload = (overrides: Partial<CodecovUploadRequest> = {}) =>
    uploadToCodecov({
      files: [
        { name: 'coverage/lcov.info', bytes: LCOV },
        { name: 'out/odd.bin', bytes: BINARY },
      ],
      codecovUrl: codecov().url,
      token: TOKEN,
      flags: ['unit', 'linux'],
      name: 'ubuntu-node24',
      context: runContext('push'),
      retry: FAST,
      ...overrides,
    });

  it('sends the combined upload and then the reports, byte for byte, to the presigned URL', async () => {
    const result = await upload({ networkFiles: ['src/app.ts'] });

    expect(result).toEqual({
      url: `https://app.codecov.io/github/octo-org/octo-service/commit/${SHA}`,
      commit: SHA,
      branch: 'main',
      pullRequest: null,
      authentication: 'token',
      files: 2,
      attempts: { upload: 1, storage: 1 },
    });
    const [stored] = codecov().uploads;
    expect(stored!.files!.map((f) => [f.filename, f.bytes])).toEqual([
      ['coverage/lcov.info', LCOV],
      ['out/odd.bin', BINARY],
    ]);
    expect(stored!.networkFiles).toEqual(['src/app.ts']);
    expect(stored!.body).toMatchObject({
      branch: 'main',
      code: 'default',
      commitid: SHA,
      parent_commit_id: null,
      pullid: null,
      ci_service: 'github-actions',
      ci_url: 'https://github.com/octo-org/octo-service/actions/runs/4242',
      flags: ['unit', 'linux'],
      job_code: 'CI',
      name: 'ubuntu-node24',
      file_not_found: false,
    });
    const [post, put] = codecov().calls;
    expect(post).toMatchObject({
      endpoint: 'upload-coverage',
      method: 'POST',
      path: '/upload/github/octo-org::::octo-service/upload-coverage',
    });
    expect(post!.headers.authorization).toBe(`token ${TOKEN}`);
    expect(post!.headers['user-agent']).toBe('slipway-coverage/0.1.0');
    expect(put).toMatchObject({ endpoint: 'storage', method: 'PUT', status: 200 });
    expect(put!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(stored!.body)).not.toContain(TOKEN);
  });

  it.each([
    { event: 'push', token: TOKEN, commit: SHA, branch: 'main', pr: null, auth: 'token' },
    { event: 'tag', token: TOKEN, commit: SHA, branch: null, pr: null, auth: 'token' },
    { event: 'merge-queue', token: TOKEN, commit: SHA, branch: 'main', pr: null, auth: 'token' },
    { event: 'pr', token: TOKEN, commit: HEAD_SHA, branch: 'feature', pr: 17, auth: 'token' },
    { event: 'fork-pr', token: TOKEN, commit: HEAD_SHA, branch: 'feature', pr: 17, auth: 'token' },
    {
      event: 'fork-pr',
      token: undefined,
      commit: HEAD_SHA,
      branch: 'contributor:feature',
      pr: 17,
      auth: 'tokenless',
    },
  ] as const)(
    '$event with token $token uploads $commit on $branch as $auth',
    async ({ event, token, commit, branch, pr, auth }) => {
      const result = await upload({ context: runContext(event), token });
      expect(result).toMatchObject({ commit, branch, pullRequest: pr, authentication: auth });
      const [stored] = codecov().uploads;
      expect(stored).toMatchObject({
        authentication: auth,
        body: { commitid: commit, branch, pullid: pr },
      });
      expect(stored!.files).toHaveLength(2);
      expect(codecov().calls[0]!.headers.authorization).toBe(token ? `token ${token}` : undefined);
    },
  );

  it.each([
    { failure: { status: 503 }, endpoint: 'upload-coverage', attempts: { upload: 2, storage: 1 } },
    { failure: { status: 502 }, endpoint: 'upload-coverage', attempts: { upload: 2, storage: 1 } },
    {
      failure: { dropConnection: true },
      endpoint: 'upload-coverage',
      attempts: { upload: 2, storage: 1 },
    },
    { failure: { status: 500 }, endpoint: 'storage', attempts: { upload: 1, storage: 2 } },
  ] as const)(
    'retries $failure on $endpoint and then succeeds',
    async ({ failure, endpoint, attempts }) => {
      codecov().failNext(endpoint, failure);
      const result = await upload();
      expect(result.attempts).toEqual(attempts);
      expect(codecov().uploads[0]!.files!.map((f) => f.bytes)).toEqual([LCOV, BINARY]);
    },
  );

  it('ends within its deadline against a Codecov that accepts connections and never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const started = Date.now();
    try {
      const error = (await upload({
        codecovUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 30_000,
        deadlineMs: 1_500,
        retry: { ...FAST, maxAttempts: 4 },
      }).catch((e: unknown) => e)) as ActionError;
      expect(error).toBeInstanceOf(ActionError);
      expect(error.message).toMatch(/no complete response within/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
    // The deadline, plus a moment to notice it and build the error.
    expect(Date.now() - started).toBeLessThan(1_500 + 1_000);
  });

  it('gives up on a server that keeps failing, saying how often it tried', async () => {
    codecov().failNext('upload-coverage', { status: 503 }, 5);
    const error = (await upload().catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toContain('answered HTTP 503');
    expect(error.message).toContain('gave up after 3 attempts');
    expect(error.hint).toContain('fail-on-upload-error');
    expect(codecov().callsTo('upload-coverage')).toHaveLength(3);
  });

  it.each([
    {
      name: 'a token Codecov does not know',
      request: { token: '99999999-8888-7777-6666-555555555555' },
      status: 401,
      says: 'Not valid tokenless upload',
      hint: "upload token from Codecov's settings",
    },
    {
      name: "another repository's token",
      request: { token: '11111111-2222-3333-4444-555555555555' },
      status: 403,
      says: 'You do not have permission to perform this action.',
      hint: 'another repository',
    },
    {
      name: 'a protected branch without a token',
      request: { token: undefined },
      status: 400,
      says: 'Token required because branch is protected',
      hint: 'codecov-token: ${{ secrets.CODECOV_TOKEN }}',
    },
    {
      name: 'a pull request from the same repository without a token',
      request: { token: undefined, context: runContext('pr') },
      status: 400,
      says: 'Token required because branch is protected',
      hint: 'only from pull requests of forks',
    },
  ])(
    'refuses $name with HTTP $status, without retrying',
    async ({ request, status, says, hint }) => {
      const error = (await upload(request).catch((e: unknown) => e)) as ActionError;
      expect(error).toBeInstanceOf(ActionError);
      expect(error.message).toContain(
        `Codecov refused the upload: POST ${codecov().url}/upload/github/octo-org::::octo-service/upload-coverage answered HTTP ${status}: ${says}`,
      );
      expect(error.hint).toContain(hint);
      expect(codecov().calls).toHaveLength(1);
      expect(codecov().uploads).toEqual([]);
    },
  );

  it('does not retry a rate limit, and says why it happened', async () => {
    codecov().failNext('upload-coverage', { status: 429 });
    const error = (await upload({ token: undefined, context: runContext('fork-pr') }).catch(
      (e: unknown) => e,
    )) as ActionError;
    expect(error.message).toContain('answered HTTP 429: Rate limit reached.');
    expect(error.hint).toContain('rate-limits uploads without a token');
    expect(codecov().calls).toHaveLength(1);
  });

  it('blames the runner’s proxy for a 407, not Codecov, and says how to give it credentials', async () => {
    codecov().failNext('storage', { status: 407, body: '<h1>Proxy Authentication Required</h1>' });
    const error = (await upload().catch((e: unknown) => e)) as ActionError;
    expect(error.message).toMatch(
      /^The upload did not get past the runner's proxy: PUT http:\/\/127\.0\.0\.1:\d+\/archive\/\S+ answered HTTP 407 Proxy Authentication Required$/,
    );
    expect(error.hint).toContain('http://user:password@proxy.example.com:3128');
  });

  it('keeps the token out of errors and logs', async () => {
    const { text } = await captureStdout(async () => {
      codecov().failNext('upload-coverage', { status: 503, body: `echo of token ${TOKEN}` }, 5);
      const error = (await upload().catch((e: unknown) => e)) as ActionError;
      expect(error.message).toContain('echo of token ***');
      expect(`${error.message} ${error.hint}`).not.toContain(TOKEN);
    });
    const logged = text.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(logged.join('\n')).toContain('attempt 2/3');
    expect(logged.join('\n')).not.toContain(TOKEN);
  });

  it('refuses a flag Codecov would reject before sending anything', async () => {
    await expect(upload({ flags: ['unit tests'] })).rejects.toThrow(
      "Input 'flags' holds 'unit tests'",
    );
    expect(codecov().calls).toEqual([]);
  });

  describe('with use-oidc', () => {
    const issuers: Server[] = [];
    afterEach(async () => {
      for (const server of issuers.splice(0)) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    /** GitHub's token service as the runner offers it: ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN. */
    async function startIssuer(): Promise<IncomingMessage[]> {
      const requests: IncomingMessage[] = [];
      const server = createServer((request, response) => {
        requests.push(request);
        if (request.headers.authorization !== 'Bearer runtime-request-token') {
          response.writeHead(401).end();
          return;
        }
        const audience = new URL(request.url!, 'http://x').searchParams.get('audience');
        const now = Math.floor(Date.now() / 1000);
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({
          iss: 'https://token.actions.githubusercontent.com',
          aud: audience,
          repository: 'octo-org/octo-service',
          repository_owner: 'octo-org',
          iat: now,
          exp: now + 300,
        })}`;
        const signature = sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url');
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ value: `${unsigned}.${signature}` }));
      });
      issuers.push(server);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', `http://127.0.0.1:${port}/token?api-version=2.0`);
      vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'runtime-request-token');
      return requests;
    }

    it('authenticates with a GitHub OIDC token for the Codecov audience', async () => {
      const requests = await startIssuer();
      const result = await upload({ token: undefined, useOidc: true });
      expect(result.authentication).toBe('oidc');
      expect(new URL(requests[0]!.url!, 'http://x').searchParams.get('audience')).toBe(
        codecov().url,
      );
      expect(codecov().uploads[0]).toMatchObject({ authentication: 'oidc' });
      expect(codecov().calls[0]!.headers.authorization).toMatch(/^token [\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('uploads tokenless from a fork, which gets no OIDC token', async () => {
      const requests = await startIssuer();
      const result = await upload({
        token: undefined,
        useOidc: true,
        context: runContext('fork-pr'),
      });
      expect(result).toMatchObject({ authentication: 'tokenless', branch: 'contributor:feature' });
      expect(requests).toEqual([]);
    });

    it('explains a job without id-token: write', async () => {
      vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', '');
      const error = (await upload({ token: undefined, useOidc: true }).catch(
        (e: unknown) => e,
      )) as ActionError;
      expect(error.message).toContain('Could not get a GitHub OIDC token for Codecov');
      expect(error.hint).toContain('id-token: write');
      expect(codecov().calls).toEqual([]);
    });
  });
});

describe('encodeSlug', () => {
  it.each([
    { slug: 'owner/repo', encoded: 'owner::::repo' },
    { slug: 'group/sub/repo', encoded: 'group:::sub::::repo' },
    { slug: 'a/b/c/d', encoded: 'a:::b:::c::::d' },
  ])('encodes $slug as $encoded', ({ slug, encoded }) => {
    expect(encodeSlug(slug)).toBe(encoded);
  });

  it.each(['repo', 'owner/', '/repo', 'own er/repo'])('refuses %s', (slug) => {
    expect(() => encodeSlug(slug)).toThrow('is not a repository slug');
  });
});

describe('oidcAudience', () => {
  it.each([
    { url: 'https://ingest.codecov.io', audience: 'https://codecov.io' },
    { url: 'https://api.codecov.io/', audience: 'https://codecov.io' },
    { url: 'https://codecov.example.com/', audience: 'https://codecov.example.com' },
  ])('is $audience for $url', ({ url, audience }) => {
    expect(oidcAudience(url)).toBe(audience);
  });
});

import { gzipSync, deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeSlug, FakeCodecov, useFakeCodecov } from './fake-codecov.js';

const TOKEN = '5f0a3c1e-9b1d-4c6a-8e2f-0d7b3a9c4e11';
const SHA = 'c'.repeat(40);
const ROUTE = '/upload/github/octo-org::::octo-service/upload-coverage';
const JSON_TYPE = { 'content-type': 'application/json' };
const WITH_TOKEN = { ...JSON_TYPE, authorization: `token ${TOKEN}` };

/** A body as codecov-cli's `upload-coverage` sends it. */
const cliBody = (overrides: Record<string, unknown> = {}) => ({
  branch: 'main',
  code: 'default',
  commitid: SHA,
  parent_commit_id: null,
  pullid: null,
  ci_service: 'github-actions',
  ci_url: 'https://github.com/octo-org/octo-service/actions/runs/1',
  cli_args: {},
  env: {},
  flags: ['unit'],
  job_code: 'CI',
  name: null,
  version: '11.3.1',
  file_not_found: false,
  ...overrides,
});

const payload = (data: string, format = 'base64+compressed') =>
  JSON.stringify({
    report_fixes: { format: 'legacy', value: {} },
    network_files: [],
    coverage_files: [{ filename: 'lcov.info', format, data, labels: '' }],
    metadata: {},
  });

async function send(
  fake: FakeCodecov,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = WITH_TOKEN,
) {
  const response = await fetch(path.startsWith('http') ? path : fake.url + path, {
    method,
    headers,
    body: typeof body === 'string' || body === undefined ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

describe('fake Codecov: the upload-coverage request', () => {
  const codecov = useFakeCodecov({
    repositories: [
      { slug: 'octo-org/octo-service', token: TOKEN },
      { slug: 'octo-org/secret', private: true },
      { slug: 'open-org/lib', tokenlessAllowed: true },
      { slug: 'group/sub/repo', service: 'gitlab', token: 'aaaaaaaa-0000-0000-0000-000000000000' },
    ],
  });

  it('answers a CLI-shaped request with a presigned storage URL and the commit page', async () => {
    const { status, json } = await send(codecov(), 'POST', ROUTE, cliBody());
    expect(status).toBe(201);
    expect(json).toMatchObject({
      external_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      raw_upload_location: expect.stringContaining(`${codecov().url}/archive/v4/raw/`),
      url: `https://app.codecov.io/github/octo-org/octo-service/commit/${SHA}`,
    });
    expect(codecov().uploads).toEqual([
      expect.objectContaining({ slug: 'octo-org/octo-service', authentication: 'token' }),
    ]);
  });

  it('decodes subgroup slugs', async () => {
    const { status } = await send(
      codecov(),
      'POST',
      '/upload/gitlab/group:::sub::::repo/upload-coverage',
      cliBody(),
      { ...JSON_TYPE, authorization: 'token aaaaaaaa-0000-0000-0000-000000000000' },
    );
    expect(status).toBe(201);
  });

  it.each([
    {
      name: 'an unencoded slug',
      method: 'POST',
      path: '/upload/github/octo-org/octo-service/upload-coverage',
      body: cliBody(),
      status: 404,
      violation: 'slug must be encoded as owner::::repo',
    },
    {
      name: 'the CI name where the git service belongs',
      method: 'POST',
      path: '/upload/github-actions/octo-org::::octo-service/upload-coverage',
      body: cliBody(),
      status: 400,
      answer: ['Service not found: github-actions'],
      violation: "'github-actions' is not a git service",
    },
    {
      name: 'a GET',
      method: 'GET',
      path: ROUTE,
      body: undefined,
      status: 405,
      answer: { detail: 'Method "GET" not allowed.' },
      violation: 'takes POST',
    },
    {
      name: 'a missing commit',
      method: 'POST',
      path: ROUTE,
      body: { ...cliBody(), commitid: undefined },
      status: 400,
      answer: { commitid: ['This field is required.'] },
      violation: 'commitid',
    },
    {
      name: 'a short commit SHA',
      method: 'POST',
      path: ROUTE,
      body: cliBody({ commitid: 'abc123' }),
      status: 400,
      answer: { commitid: ['Not a 40-character lower-case hexadecimal commit SHA.'] },
      violation: 'commitid',
    },
    {
      name: 'flags as a string',
      method: 'POST',
      path: ROUTE,
      body: cliBody({ flags: 'unit' }),
      status: 400,
      answer: { flags: ['Expected a list of items but got type "string".'] },
      violation: 'flags',
    },
    {
      name: 'a field the CLI always sends left out',
      method: 'POST',
      path: ROUTE,
      body: { ...cliBody(), ci_service: undefined, file_not_found: undefined },
      status: 400,
      answer: {
        ci_service: ['This field is required.'],
        file_not_found: ['This field is required.'],
      },
      violation: 'ci_service',
    },
    {
      name: 'a body that is not JSON',
      method: 'POST',
      path: ROUTE,
      body: '{branch: main',
      status: 400,
      violation: 'not JSON',
    },
  ])('rejects $name', async ({ method, path, body, status, answer, violation }) => {
    const result = await send(codecov(), method, path, body);
    expect(result.status).toBe(status);
    if (answer) expect(result.json).toEqual(answer);
    expect(codecov().takeViolations()).toEqual([
      expect.objectContaining({ message: expect.stringContaining(violation) }),
    ]);
    expect(codecov().uploads).toEqual([]);
  });

  it('rejects a body sent as form data', async () => {
    const result = await send(codecov(), 'POST', ROUTE, 'branch=main', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `token ${TOKEN}`,
    });
    expect(result).toMatchObject({
      status: 415,
      json: { detail: 'Unsupported media type "application/x-www-form-urlencoded" in request.' },
    });
    expect(codecov().takeViolations()).toHaveLength(1);
  });

  it.each([
    {
      name: 'no token on a protected branch',
      path: ROUTE,
      headers: JSON_TYPE,
      body: cliBody({ branch: 'main' }),
      status: 400,
      answer: { message: 'Token required because branch is protected' },
    },
    {
      name: 'a wrong token',
      path: ROUTE,
      headers: { ...JSON_TYPE, authorization: 'token 00000000-0000-0000-0000-000000000000' },
      body: cliBody(),
      status: 401,
      answer: { detail: 'Not valid tokenless upload' },
    },
    {
      name: 'a fork branch of a private repository',
      path: '/upload/github/octo-org::::secret/upload-coverage',
      headers: JSON_TYPE,
      body: cliBody({ branch: 'someone:main' }),
      status: 401,
      answer: { detail: 'Not valid tokenless upload' },
    },
    {
      name: 'an unknown repository',
      path: '/upload/github/octo-org::::nope/upload-coverage',
      headers: JSON_TYPE,
      body: cliBody({ branch: 'someone:main' }),
      status: 401,
      answer: { detail: 'Not valid tokenless upload' },
    },
    {
      name: 'a token of another repository',
      path: '/upload/github/open-org::::lib/upload-coverage',
      headers: { ...JSON_TYPE, authorization: 'token aaaaaaaa-0000-0000-0000-000000000000' },
      body: cliBody(),
      status: 201,
      answer: undefined,
    },
  ])(
    'answers $name with $status as Codecov does',
    async ({ path, headers, body, status, answer }) => {
      const result = await send(codecov(), 'POST', path, body, headers);
      expect(result.status).toBe(status);
      if (answer) expect(result.json).toEqual(answer);
    },
  );

  it.each([
    { slug: 'octo-org/octo-service', branch: 'contributor:feature', authentication: 'tokenless' },
    { slug: 'open-org/lib', branch: 'main', authentication: 'tokenless' },
  ])('accepts tokenless $branch to $slug', async ({ slug, branch, authentication }) => {
    const [owner, repo] = slug.split('/');
    const result = await send(
      codecov(),
      'POST',
      `/upload/github/${owner}::::${repo}/upload-coverage`,
      cliBody({ branch }),
      JSON_TYPE,
    );
    expect(result.status).toBe(201);
    expect(codecov().uploads[0]).toMatchObject({ slug, authentication });
  });

  it('refuses another repository token for this repository', async () => {
    const fake = codecov();
    const result = await send(fake, 'POST', ROUTE, cliBody(), {
      ...JSON_TYPE,
      authorization: 'token aaaaaaaa-0000-0000-0000-000000000000',
    });
    expect(result).toMatchObject({
      status: 403,
      json: { detail: 'You do not have permission to perform this action.' },
    });
  });

  it('fails the next requests as told, then answers normally', async () => {
    codecov().failNext('upload-coverage', { status: 502 }, 2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await send(codecov(), 'POST', ROUTE, cliBody())).status);
    expect(statuses).toEqual([502, 502, 201]);
  });
});

describe('fake Codecov: the storage PUT', () => {
  const codecov = useFakeCodecov({
    repositories: [{ slug: 'octo-org/octo-service', token: TOKEN }],
  });
  const report = Buffer.from('TN:\nSF:a.ts\nDA:1,1\nend_of_record\n');

  async function presigned(fake: FakeCodecov): Promise<string> {
    const { json } = await send(fake, 'POST', ROUTE, cliBody());
    return (json as { raw_upload_location: string }).raw_upload_location;
  }

  it('stores the reports decoded to their original bytes', async () => {
    const url = await presigned(codecov());
    const result = await send(
      codecov(),
      'PUT',
      url,
      payload(deflateSync(report).toString('base64')),
      JSON_TYPE,
    );
    expect(result.status).toBe(200);
    expect(codecov().uploads[0]!.files).toEqual([
      { filename: 'lcov.info', bytes: report, labels: '' },
    ]);
  });

  it.each([
    {
      name: 'gzip instead of zlib',
      data: () => gzipSync(report).toString('base64'),
      says: 'is not zlib data',
    },
    {
      name: 'raw deflate instead of zlib',
      data: () => deflateRawSync(report).toString('base64'),
      says: 'is not zlib data',
    },
    { name: 'plain text', data: () => report.toString('utf8'), says: 'is not base64' },
    {
      name: 'another format',
      data: () => deflateSync(report).toString('base64'),
      format: 'base64',
      says: 'not "base64+compressed"',
    },
  ])(
    'records $name as a violation, though storage takes any bytes',
    async ({ data, format, says }) => {
      const url = await presigned(codecov());
      const result = await send(codecov(), 'PUT', url, payload(data(), format), JSON_TYPE);
      expect(result.status).toBe(200);
      expect(codecov().takeViolations()).toEqual([
        expect.objectContaining({ endpoint: 'storage', message: expect.stringContaining(says) }),
      ]);
      expect(codecov().uploads[0]!.files).toBeUndefined();
    },
  );

  it.each([
    {
      name: 'the Codecov token sent along',
      url: (u: string) => u,
      headers: WITH_TOKEN,
      status: 400,
      code: 'InvalidArgument',
      violation: 'Authorization header',
    },
    {
      name: 'a forged signature',
      url: (u: string) => u.replace(/X-Amz-Signature=\w+/, 'X-Amz-Signature=00'),
      headers: JSON_TYPE,
      status: 403,
      code: 'SignatureDoesNotMatch',
      violation: 'not presigned',
    },
    {
      name: 'another path',
      url: (u: string) => u.replace('/archive/v4/raw/', '/archive/v4/other/'),
      headers: JSON_TYPE,
      status: 403,
      code: 'SignatureDoesNotMatch',
      violation: 'not presigned',
    },
  ])('refuses $name', async ({ url, headers, status, code, violation }) => {
    const location = url(await presigned(codecov()));
    const result = await send(
      codecov(),
      'PUT',
      location,
      payload(deflateSync(report).toString('base64')),
      headers,
    );
    expect(result.status).toBe(status);
    expect(result.text).toContain(`<Code>${code}</Code>`);
    expect(codecov().takeViolations()).toEqual([
      expect.objectContaining({ message: expect.stringContaining(violation) }),
    ]);
  });

  it('refuses a PUT after the URL expired', async () => {
    const fake = await FakeCodecov.start({
      repositories: [{ slug: 'octo-org/octo-service', token: TOKEN }],
      presignedTtlMs: 1,
    });
    try {
      const url = await presigned(fake);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const result = await send(
        fake,
        'PUT',
        url,
        payload(deflateSync(report).toString('base64')),
        JSON_TYPE,
      );
      expect(result.status).toBe(403);
      expect(result.text).toContain('Request has expired');
      fake.assertNoViolations();
    } finally {
      await fake.close();
    }
  });
});

describe('decodeSlug', () => {
  it.each([
    { encoded: 'owner::::repo', slug: 'owner/repo' },
    { encoded: 'g:::s::::r', slug: 'g/s/r' },
    { encoded: 'owner/repo', slug: undefined },
    { encoded: 'owner:::repo', slug: undefined },
    { encoded: '::::repo', slug: undefined },
  ])('reads $encoded as $slug', ({ encoded, slug }) => {
    expect(decodeSlug(encoded)).toBe(slug);
  });
});

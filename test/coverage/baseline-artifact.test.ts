import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import { createOctokit } from '../../src/core/github.js';
import {
  downloadBaselineArtifact,
  extractResult,
  MAX_ENTRY_BYTES,
} from '../../src/coverage/baseline-artifact.js';
import { forgetSecretsForTesting } from '../../src/core/secrets.js';
import { ArtifactStore, useFakeGitHub, type ArtifactSpec } from '../support/fake-github/index.js';

const TOKEN = 'ghs_baselineToken123';
const RESULT = JSON.stringify({ schema: 'slipway-coverage/1', totals: { lines: { rate: 81.5 } } });
const where = {
  owner: 'octo-org',
  repo: 'octo-service',
  name: 'coverage-baseline',
  branch: 'main',
};
const FAST = { baseDelayMs: 1, maxDelayMs: 2 };

describe('downloadBaselineArtifact', () => {
  const github = useFakeGitHub({ token: TOKEN });
  let store: ArtifactStore | undefined;

  afterEach(async () => {
    forgetSecretsForTesting();
    await store?.close();
    store = undefined;
  });

  async function withArtifacts(...specs: ArtifactSpec[]) {
    store = await ArtifactStore.attach(github());
    return specs.map((spec) => store!.add(spec));
  }
  const octokit = () => createOctokit(TOKEN, { baseUrl: github().url, retries: 0 });

  it.each<{ name: string; artifacts: ArtifactSpec[]; picked: number; file: string }>([
    {
      name: 'the only artifact',
      artifacts: [
        { name: 'coverage-baseline', branch: 'main', files: { 'coverage-result.json': RESULT } },
      ],
      picked: 0,
      file: 'coverage-result.json',
    },
    {
      name: 'the newest of several on the default branch',
      artifacts: [
        { name: 'coverage-baseline', branch: 'main', files: { 'old.json': '{"old":true}' } },
        { name: 'coverage-baseline', branch: 'main', files: { 'result.json': RESULT } },
      ],
      picked: 1,
      file: 'result.json',
    },
    {
      name: 'a main artifact over a newer one from a pull request branch',
      artifacts: [
        { name: 'coverage-baseline', branch: 'main', files: { 'coverage-result.json': RESULT } },
        { name: 'coverage-baseline', branch: 'feature/x', files: { 'coverage-result.json': '{}' } },
      ],
      picked: 0,
      file: 'coverage-result.json',
    },
    {
      name: 'an unexpired artifact over a newer expired one',
      artifacts: [
        { name: 'coverage-baseline', branch: 'main', files: { 'coverage-result.json': RESULT } },
        { name: 'coverage-baseline', branch: 'main', expired: true, files: { 'x.json': '{}' } },
      ],
      picked: 0,
      file: 'coverage-result.json',
    },
    {
      name: 'coverage-result.json among several JSON files',
      artifacts: [
        {
          name: 'coverage-baseline',
          branch: 'main',
          files: {
            'lcov-summary.json': '{}',
            'out/coverage-result.json': RESULT,
            'README.txt': 'hi',
          },
        },
      ],
      picked: 0,
      file: 'out/coverage-result.json',
    },
  ])('picks $name', async ({ artifacts, picked, file }) => {
    const stored = await withArtifacts(...artifacts);
    const found = await downloadBaselineArtifact(await octokit(), { ...where, retry: FAST });
    expect(found.reason).toBeUndefined();
    expect(found.text).toBe(RESULT);
    expect(found).toMatchObject({
      fileName: file,
      artifact: { id: stored[picked]!.id, branch: 'main' },
    });
  });

  it('follows the redirect to storage without sending the GitHub token there', async () => {
    const [artifact] = await withArtifacts({
      name: 'coverage-baseline',
      branch: 'main',
      files: { 'coverage-result.json': RESULT },
    });
    await downloadBaselineArtifact(await octokit(), where);
    const download = github().callsTo(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
    );
    expect(download).toEqual([
      expect.objectContaining({
        status: 302,
        params: expect.objectContaining({ artifact_id: artifact!.id }),
      }),
    ]);
    expect(store!.blobRequests).toEqual([
      expect.objectContaining({ status: 200, path: `/artifacts/${artifact!.id}.zip` }),
    ]);
    expect(store!.blobRequests[0]!.headers.authorization).toBeUndefined();
  });

  it('has a storage stand-in that flags a request carrying a token', async () => {
    await withArtifacts({ name: 'coverage-baseline', branch: 'main', files: { 'r.json': RESULT } });
    const { headers } = await (
      await octokit()
    ).rest.actions.downloadArtifact({
      owner: 'octo-org',
      repo: 'octo-service',
      artifact_id: store!.artifacts[0]!.id,
      archive_format: 'zip',
      request: { redirect: 'manual' },
    });
    const response = await fetch(headers.location!, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(response.status).toBe(403);
    expect(github().takeViolations()).toEqual([
      expect.objectContaining({
        kind: 'auth',
        message: expect.stringContaining('Authorization header'),
      }),
    ]);
    expect((await fetch(headers.location!)).status).toBe(200);
    expect((await fetch(headers.location!.replace(/sig=\w+/, 'sig=forged'))).status).toBe(403);
  });

  it('pages through a long list to find the default branch artifact', async () => {
    await withArtifacts(
      { name: 'coverage-baseline', branch: 'main', files: { 'coverage-result.json': RESULT } },
      ...Array.from({ length: 120 }, () => ({
        name: 'coverage-baseline',
        branch: 'feature',
        files: { 'coverage-result.json': '{}' },
      })),
    );
    const found = await downloadBaselineArtifact(await octokit(), where);
    expect(found.text).toBe(RESULT);
    const pages = github().callsTo('GET /repos/{owner}/{repo}/actions/artifacts');
    expect(pages.map((call) => call.query)).toEqual([
      { name: 'coverage-baseline', per_page: 100 },
      { name: 'coverage-baseline', per_page: 100, page: 2 },
    ]);
  });

  it.each<{ name: string; artifacts: ArtifactSpec[]; says: string }>([
    {
      name: 'no artifact at all (a first run)',
      artifacts: [],
      says: "no artifact named 'coverage-baseline' from a run on main; a first run",
    },
    {
      name: 'only other branches',
      artifacts: [{ name: 'coverage-baseline', branch: 'feature', files: { 'a.json': '{}' } }],
      says: '(1 from other branches)',
    },
    {
      name: 'only expired ones',
      artifacts: [
        { name: 'coverage-baseline', branch: 'main', expired: true, files: { 'a.json': '{}' } },
      ],
      says: '(1 expired)',
    },
    {
      name: 'artifacts of another name',
      artifacts: [{ name: 'test-results', branch: 'main', files: { 'a.json': '{}' } }],
      says: "no artifact named 'coverage-baseline'",
    },
  ])('returns a reason and no text for $name', async ({ artifacts, says }) => {
    await withArtifacts(...artifacts);
    const found = await downloadBaselineArtifact(await octokit(), where);
    expect(found.text).toBeUndefined();
    expect(found.reason).toContain(says);
    expect(store!.blobRequests).toEqual([]);
  });

  it('says so when the default branch is unknown, without calling GitHub', async () => {
    await withArtifacts();
    const found = await downloadBaselineArtifact(await octokit(), { ...where, branch: undefined });
    expect(found.reason).toContain('default branch is unknown');
    expect(github().calls).toEqual([]);
  });

  it.each([
    { status: 403, message: 'Resource not accessible by integration' },
    { status: 404, message: 'Not Found' },
  ])(
    'explains a $status from the list with the actions: read permission',
    async ({ status, message }) => {
      github().failNext('GET /repos/{owner}/{repo}/actions/artifacts', {
        status,
        body: { message, documentation_url: 'https://docs.github.com/rest' },
      });
      const error = await downloadBaselineArtifact(await octokit(), where).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActionError);
      expect((error as ActionError).message).toContain(`GitHub answered ${status}`);
      expect((error as ActionError).hint).toContain('actions: read');
    },
  );

  it('explains a 403 on the download the same way', async () => {
    await withArtifacts({ name: 'coverage-baseline', branch: 'main', files: { 'r.json': RESULT } });
    github().failNext(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      {
        status: 403,
        body: {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest',
        },
      },
    );
    const error = (await downloadBaselineArtifact(await octokit(), where).catch(
      (e: unknown) => e,
    )) as ActionError;
    expect(error.message).toMatch(
      /Downloading artifact \d+ of octo-org\/octo-service failed: GitHub answered 403/,
    );
    expect(error.hint).toContain('actions: read');
  });

  it.each<{ name: string; files: Record<string, string | Uint8Array>; says: string }>([
    {
      name: 'an entry that unpacks past the limit (a zip bomb)',
      files: { 'coverage-result.json': new Uint8Array(MAX_ENTRY_BYTES + 1) },
      says: `more than the ${MAX_ENTRY_BYTES}-byte limit; refusing it`,
    },
    {
      name: 'no JSON file',
      files: { 'lcov.info': 'TN:\n' },
      says: 'holds no JSON file (lcov.info)',
    },
    {
      name: 'several JSON files, none the result',
      files: { 'a.json': '{}', 'b.json': '{}' },
      says: 'holds 2 JSON files (a.json, b.json) and none is named coverage-result.json',
    },
    {
      name: 'text that is not UTF-8',
      files: { 'coverage-result.json': new Uint8Array([0x7b, 0xff, 0x7d]) },
      says: 'is not UTF-8 text',
    },
  ])('refuses $name', async ({ files, says }) => {
    await withArtifacts({ name: 'coverage-baseline', branch: 'main', files });
    await expect(downloadBaselineArtifact(await octokit(), where)).rejects.toThrow(says);
  });
});

describe('extractResult', () => {
  it('refuses a zip whose entry lies about its size', () => {
    const honest = zipSync({ 'coverage-result.json': new TextEncoder().encode(RESULT) });
    const lying = shrinkDeclaredSize(honest, 10);
    expect(() => extractResult(lying, 'artifact x')).toThrow(
      'coverage-result.json in artifact x is damaged',
    );
  });

  it('refuses bytes that are not a zip', () => {
    expect(() =>
      extractResult(new TextEncoder().encode('not a zip at all, just text'), 'artifact x'),
    ).toThrow('artifact x is not a readable zip file');
  });

  it('reads an honest zip', () => {
    const zip = zipSync({
      'dir/': new Uint8Array(0),
      'dir/coverage-result.json': new TextEncoder().encode(RESULT),
    });
    const { fileName, bytes } = extractResult(zip, 'artifact x');
    expect(fileName).toBe('dir/coverage-result.json');
    expect(new TextDecoder().decode(bytes)).toBe(RESULT);
  });
});

/** Rewrites the uncompressed size in both the local and the central header, as a hostile zip would. */
function shrinkDeclaredSize(zip: Uint8Array, size: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (let offset = 0; offset + 4 <= copy.length; offset++) {
    const signature = view.getUint32(offset, true);
    if (signature === 0x04034b50) view.setUint32(offset + 22, size, true);
    if (signature === 0x02014b50) view.setUint32(offset + 24, size, true);
  }
  return copy;
}

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CodeScanningStore, useFakeGitHub } from './fake-github/index.js';

const SARIFS = '/repos/octo-org/octo-service/code-scanning/sarifs';
const SHA = '8f14e45fceea167a5a36dedd4bea2543b2c3d4e5';

async function upload(url: string, body: Record<string, unknown>) {
  const response = await fetch(url + SARIFS, {
    method: 'POST',
    headers: { authorization: 'token ghs_test', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

describe('fake GitHub API: code scanning SARIF uploads', () => {
  const github = useFakeGitHub();

  it('decodes a gzip+base64 upload, keeps it, and answers 202 with its id and status URL', async () => {
    const store = new CodeScanningStore();
    store.register(github());
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'eslint' } }, results: [] }] };

    const result = await upload(github().url, {
      commit_sha: SHA,
      ref: 'refs/pull/42/merge',
      sarif: gzipSync(JSON.stringify(log)).toString('base64'),
    });

    expect(result.status).toBe(202);
    const [stored] = store.uploads;
    expect(result.json).toEqual({
      id: stored!.id,
      url: `https://api.github.com/repos/octo-org/octo-service/code-scanning/sarifs/${stored!.id}`,
    });
    expect(stored).toMatchObject({ commitSha: SHA, ref: 'refs/pull/42/merge', sarif: log });
    expect(github().violations).toEqual([]);
  });

  it('answers 400 to a sarif field that is not gzip-compressed, as GitHub documents', async () => {
    const store = new CodeScanningStore();
    store.register(github());

    const result = await upload(github().url, {
      commit_sha: SHA,
      ref: 'refs/heads/main',
      sarif: Buffer.from('{"version":"2.1.0","runs":[]}').toString('base64'),
    });

    expect(result.status).toBe(400);
    expect(store.uploads).toEqual([]);
  });

  it('lets the request validation refuse a ref code scanning does not file analyses under', async () => {
    new CodeScanningStore().register(github());

    const result = await upload(github().url, {
      commit_sha: SHA,
      ref: 'main',
      sarif: gzipSync('{}').toString('base64'),
    });

    expect(result.status).toBe(422);
    expect(github().takeViolations()).toEqual([expect.objectContaining({ kind: 'body' })]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  isPermissionRefusal,
  permissionWarning,
  tryOptionalWrite,
} from '../../src/core/github-permissions.js';

const COMMENT = { what: 'comment on the pull request', permission: 'pull-requests: write' };
const refused = (status: number) =>
  Object.assign(new Error('Resource not accessible by integration'), { status });
const pullRequest = (fromFork: boolean) => ({
  pullRequest: { number: 7, headSha: 'a', headRef: 'b', baseRef: 'main', baseSha: 'c', fromFork },
});

afterEach(() => vi.restoreAllMocks());

describe('isPermissionRefusal', () => {
  it.each([
    [403, true],
    [404, true],
    [401, false],
    [422, false],
    [500, false],
  ])('status %i -> %s', (status, expected) => {
    expect(isPermissionRefusal(refused(status))).toBe(expected);
  });

  it('is false for errors without a status', () => {
    expect(isPermissionRefusal(new Error('socket hang up'))).toBe(false);
  });
});

describe('permissionWarning', () => {
  it('names the permission and explains that forks get a read-only token', () => {
    const text = permissionWarning(COMMENT, refused(403), pullRequest(true));
    expect(text).toMatch(
      /^Could not comment on the pull request: the token lacks `pull-requests: write`/,
    );
    expect(text).toContain('GitHub answered 403');
    expect(text).toContain('comes from a fork');
    expect(text).toContain('pull_request_target or workflow_run');
  });

  it('tells a same-repository run which permission to add', () => {
    const text = permissionWarning(COMMENT, refused(403), pullRequest(false));
    expect(text).toContain('Give the job `permissions: pull-requests: write`');
    expect(text).not.toContain('fork');
  });
});

describe('tryOptionalWrite', () => {
  it('turns a refusal into one warning and no result', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const result = await tryOptionalWrite(COMMENT, pullRequest(true), async () => {
      throw refused(403);
    });
    expect(result).toBeUndefined();
    const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('');
    expect(printed).toMatch(/^::warning::Could not comment on the pull request/);
  });

  it('passes other failures on, and results through', async () => {
    await expect(
      tryOptionalWrite(COMMENT, undefined, async () => {
        throw refused(500);
      }),
    ).rejects.toThrow('Resource not accessible');
    expect(await tryOptionalWrite(COMMENT, undefined, async () => 'posted')).toBe('posted');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/core/errors.js';
import {
  applyContextSource,
  computeMetadata,
  readGitContext,
} from '../../../src/image/metadata/index.js';
import { IMAGE, imageTags, inputsOf, loadEvent } from './events.js';

const DATES = {
  first: '2025-03-01T10:00:00Z',
  release: '2025-03-02T11:30:00Z',
  next: '2025-03-03T12:45:00Z',
};

let root: string;
let origin: string;
const shas = { first: '', release: '', next: '', merge: '' };

/** git with argv, a fixed identity and the commit date `date`; no global config. */
function git(cwd: string, args: string[], date = DATES.first): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Mona', '-c', 'user.email=mona@example.com', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).trim();
}

/** A fresh clone of the origin repository, as actions/checkout leaves one. */
function clone(name: string, args: string[] = []): string {
  const directory = join(root, name);
  git(root, ['clone', '--quiet', ...args, `file://${origin}`, directory]);
  return directory;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'image-git-context-'));
  origin = join(root, 'origin');
  git(root, ['init', '--quiet', '--initial-branch=main', origin]);
  for (const name of Object.keys(DATES) as Array<keyof typeof DATES>) {
    git(origin, ['commit', '--quiet', '--allow-empty', '-m', name], DATES[name]);
    shas[name] = git(origin, ['rev-parse', 'HEAD']);
    if (name === 'release') {
      git(origin, ['tag', 'v1.2.3']);
      git(origin, ['tag', '-a', '-m', 'release 1.2', 'v1.2'], DATES.release);
    }
  }
  // A pull request's merge commit, which GitHub keeps under refs/pull/<n>/merge, on no branch.
  shas.merge = git(origin, ['commit-tree', '-p', shas.next, '-m', 'Merge feature', 'HEAD^{tree}']);
  git(origin, ['update-ref', 'refs/pull/7/merge', shas.merge]);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('readGitContext', () => {
  it('on a branch: the branch, its head commit and committer date', async () => {
    const workspace = clone('branch');
    expect(await readGitContext(workspace)).toEqual({
      ref: 'refs/heads/main',
      sha: shas.next,
      commitDate: new Date(DATES.next),
    });
  });

  it('detached at a tag (actions/checkout on a tag push): the tag', async () => {
    const workspace = clone('tag');
    git(workspace, ['checkout', '--quiet', 'refs/tags/v1.2.3']);
    expect(await readGitContext(workspace)).toEqual({
      ref: 'refs/tags/v1.2.3',
      sha: shas.release,
      commitDate: new Date(DATES.release),
    });
  });

  it('a shallow clone of a tag ("grafted, HEAD, tag: ..."): the tag', async () => {
    const workspace = clone('shallow-tag', ['--depth=1', '--branch=v1.2.3']);
    // v1.2 (annotated) and v1.2.3 point at the same commit: "grafted, HEAD, tag: v1.2.3, tag: v1.2".
    expect(await readGitContext(workspace)).toEqual({
      ref: 'refs/tags/v1.2.3',
      sha: shas.release,
      commitDate: new Date(DATES.release),
    });
  });

  it('detached at a pull request merge ref (actions/checkout on pull_request): refs/pull/N/merge', async () => {
    const workspace = clone('pull');
    git(workspace, ['fetch', '--quiet', 'origin', '+refs/pull/7/merge:refs/remotes/pull/7/merge']);
    git(workspace, ['checkout', '--quiet', '--detach', 'refs/remotes/pull/7/merge']);
    const context = await readGitContext(workspace);
    expect(context.ref).toBe('refs/pull/7/merge');
    expect(context.sha).toBe(shas.merge);
  });

  it('detached at a commit only a remote branch names: that branch', async () => {
    const workspace = clone('remote-branch');
    git(workspace, ['checkout', '--quiet', '--detach', shas.first]);
    git(workspace, ['commit', '--quiet', '--allow-empty', '-m', 'login'], DATES.next);
    const login = git(workspace, ['rev-parse', 'HEAD']);
    git(workspace, ['update-ref', 'refs/remotes/origin/feature/login', login]);
    expect((await readGitContext(workspace)).ref).toBe('refs/heads/feature/login');
  });

  it('detached where the remote and local branch are both shown: the local branch', async () => {
    const workspace = clone('remote-and-local');
    git(workspace, ['checkout', '--quiet', '--detach', 'main']);
    expect((await readGitContext(workspace)).ref).toBe('refs/heads/main');
  });

  it('detached at a commit only a local branch names: that branch', async () => {
    const workspace = clone('local-branch');
    git(workspace, ['checkout', '--quiet', '-b', 'dev', shas.first]);
    git(workspace, ['commit', '--quiet', '--allow-empty', '-m', 'dev'], DATES.next);
    git(workspace, ['checkout', '--quiet', '--detach', 'dev']);
    expect((await readGitContext(workspace)).ref).toBe('refs/heads/dev');
  });

  it('detached at an unnamed commit a branch contains: that branch', async () => {
    const workspace = clone('contained');
    git(workspace, ['checkout', '--quiet', '--detach', shas.first]);
    expect(await readGitContext(workspace)).toEqual({
      ref: 'refs/heads/main',
      sha: shas.first,
      commitDate: new Date(DATES.first),
    });
  });

  it('detached at a commit nothing names or contains: no ref', async () => {
    const workspace = clone('orphan');
    git(workspace, ['checkout', '--quiet', '--detach', shas.next]);
    git(workspace, ['commit', '--quiet', '--allow-empty', '-m', 'local'], DATES.next);
    const context = await readGitContext(workspace);
    expect(context.ref).toBe('');
    expect(context.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('no checkout: says to run actions/checkout', async () => {
    const empty = mkdtempSync(join(root, 'not-a-repo-'));
    const error = await readGitContext(empty).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toMatch(/not a git repository/);
    expect((error as ActionError).hint).toMatch(/actions\/checkout/);
  });

  it('a workspace that does not exist', async () => {
    await expect(readGitContext(join(root, 'missing'))).rejects.toThrow(/does not exist/);
  });
});

describe('metadata-context', () => {
  it('workflow (the default) keeps the event as it is', async () => {
    const event = loadEvent('push-main');
    expect(await applyContextSource(undefined, event, join(root, 'missing'))).toEqual({
      ...event,
      source: 'workflow',
    });
    expect(await applyContextSource('workflow', event, join(root, 'missing'))).toEqual({
      ...event,
      source: 'workflow',
    });
  });

  it('git: ref, sha and commit date of the checkout make the tags and labels', async () => {
    const workspace = clone('metadata-tag');
    git(workspace, ['checkout', '--quiet', 'refs/tags/v1.2.3']);
    // The event is a push to main; the checkout is the release tag.
    const context = await applyContextSource('git', loadEvent('push-main'), workspace);
    expect(context).toMatchObject({
      eventName: 'push',
      ref: 'refs/tags/v1.2.3',
      sha: shas.release,
      commitDate: new Date(DATES.release),
      source: 'git',
    });
    const metadata = computeMetadata(
      inputsOf({
        images: [IMAGE],
        tags: [
          'type=semver,pattern={{version}}',
          'type=sha',
          "type=raw,value={{commit_date 'YYYYMMDD-HHmm'}}",
        ],
      }),
      context,
    );
    expect(metadata.tags).toEqual(
      imageTags('1.2.3', '20250302-1130', `sha-${shas.release.slice(0, 7)}`, 'latest'),
    );
    expect(metadata.labels).toContain(`org.opencontainers.image.revision=${shas.release}`);
  });

  it('git: pull_request_target keeps the checkout ref (no PR ref rewrite) and the checkout sha', async () => {
    const workspace = clone('metadata-branch');
    const event = loadEvent('pull_request_target');
    const metadata = computeMetadata(
      inputsOf({ images: [IMAGE], tags: ['type=ref,event=pr', 'type=ref,event=branch'] }),
      await applyContextSource('git', event, workspace),
    );
    expect(metadata.tags).toEqual(imageTags('main'));
    const workflow = computeMetadata(
      inputsOf({ images: [IMAGE], tags: ['type=ref,event=pr', 'type=ref,event=branch'] }),
      await applyContextSource('workflow', event, workspace),
    );
    expect(workflow.tags[0]).toMatch(/:pr-\d+$/);
  });

  it('git: DOCKER_METADATA_PR_HEAD_SHA does not replace the checkout sha', async () => {
    const workspace = clone('metadata-pr');
    const event = loadEvent('pull_request', { env: { DOCKER_METADATA_PR_HEAD_SHA: 'true' } });
    const metadata = computeMetadata(
      inputsOf({ images: [IMAGE], tags: ['type=sha,format=long'] }),
      await applyContextSource('git', event, workspace),
    );
    expect(metadata.tags).toEqual(imageTags(`sha-${shas.next}`));
  });
});

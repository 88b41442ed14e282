import { existsSync } from 'node:fs';
import { ActionError } from '../../core/errors.js';
import { execute } from '../../core/exec.js';
import type { ContextSource, MetadataContext } from './types.js';

/** What metadata-action's `context: git` takes from the checkout instead of the event. */
export interface GitContext {
  /** Full ref, e.g. refs/heads/main, refs/tags/v1.2.3, refs/pull/7/merge; empty when HEAD has no name. */
  ref: string;
  sha: string;
  /** HEAD's committer date. */
  commitDate: Date;
}

const HINT =
  'metadata-context: git reads the ref and commit of the checkout in the workspace: run actions/checkout before this step, or use metadata-context: workflow.';

/**
 * The run context metadata is computed from. `workflow` (the default) is the event as it is;
 * `git` replaces ref, sha and the commit date with the checkout's in `workspace`, as
 * metadata-action's `context: git` does (the event name and payload stay the event's).
 */
export async function applyContextSource(
  source: ContextSource | undefined,
  context: MetadataContext,
  workspace: string,
): Promise<MetadataContext> {
  if (source !== 'git') return { ...context, source: 'workflow' };
  const git = await readGitContext(workspace);
  return { ...context, ref: git.ref, sha: git.sha, commitDate: git.commitDate, source: 'git' };
}

/**
 * Reads ref, sha and commit date of HEAD in `workspace` with the rules of docker/actions-toolkit's
 * Git.context(), which metadata-action uses: on a branch, the branch (`git symbolic-ref HEAD`);
 * on a detached HEAD (what actions/checkout leaves for tags and pull requests), the name the HEAD
 * commit is decorated with, else a branch or tag containing it.
 */
export async function readGitContext(workspace: string): Promise<GitContext> {
  if (!existsSync(workspace)) {
    throw new ActionError(`The workspace ${workspace} does not exist.`, HINT);
  }
  const git = (args: string[]) => runGit(workspace, args);
  const detached = (await git(['branch', '--show-current'])) === '';
  const ref = detached ? await detachedRef(git) : await git(['symbolic-ref', 'HEAD']);
  const sha = await git(['rev-parse', '--verify', 'HEAD^{commit}']);
  const committed = await git(['show', '-s', '--format=%cI', sha]);
  const commitDate = new Date(committed);
  if (Number.isNaN(commitDate.getTime())) {
    throw new ActionError(`git gave '${committed}' as the date of commit ${sha}.`, HINT);
  }
  return { ref, sha, commitDate };
}

type Git = (args: string[]) => Promise<string>;

/**
 * `git show -s --pretty=%D` names a detached HEAD's commit, tags first, e.g. `HEAD, tag: v1.2.3`,
 * `HEAD, pull/7/merge`, `HEAD, origin/main, main` or `HEAD, origin/main` (a shallow clone adds
 * `grafted`); a bare `HEAD` means no name points at the commit. As in the toolkit: a tag first
 * gives that tag, a pull request ref gives refs/pull/N/merge|head, a local branch wins over a
 * remote-tracking one, and a remote-tracking `<remote>/<branch>` gives refs/heads/<branch>.
 * Unlike the toolkit, a remote's HEAD (`origin/HEAD`) or a lone local branch do not derail it.
 */
async function detachedRef(git: Git): Promise<string> {
  const decoration = await git(['show', '-s', '--pretty=%D', 'HEAD']);
  const names = decoration
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'grafted');
  if (names[0] !== 'HEAD') {
    throw new ActionError(`Cannot tell the ref of the detached HEAD from "${decoration}".`, HINT);
  }
  const named = names.slice(1).filter((name) => !name.endsWith('/HEAD'));
  if (named.length === 0) return containingRef(git);
  const first = named[0];
  if (first.startsWith('tag: ')) return detachedTagRef(git, named.join(', '), decoration);
  if (/^pull\/\d+\/(head|merge)$/.test(first)) return `refs/${first}`;
  const locals = lines(
    await git(['for-each-ref', '--format=%(refname)', '--points-at', 'HEAD', 'refs/heads/']),
  ).map((ref) => ref.slice('refs/heads/'.length));
  const local = named.find((name) => locals.includes(name));
  if (local !== undefined) return `refs/heads/${local}`;
  const remoteBranch = /^[^/]+\/(.+)$/.exec(first)?.[1];
  if (remoteBranch !== undefined) return `refs/heads/${remoteBranch}`;
  throw new ActionError(`The detached HEAD's ref "${decoration}" is not supported.`, HINT);
}

/** The tag the decoration names first, among the tags pointing at HEAD. */
async function detachedTagRef(git: Git, names: string, decoration: string): Promise<string> {
  const tagRefs = lines(
    await git(['for-each-ref', '--format=%(refname)', '--points-at', 'HEAD', 'refs/tags/']),
  ).sort((a, b) => b.length - a.length);
  for (const tagRef of tagRefs) {
    const shown = `tag: ${tagRef.slice('refs/tags/'.length)}`;
    if (names === shown || names.startsWith(`${shown}, `)) return tagRef;
  }
  if (tagRefs.length === 1) return tagRefs[0];
  throw new ActionError(`Cannot find the tag of the detached HEAD in "${decoration}".`, HINT);
}

/**
 * No name points at HEAD: the newest local branch containing it, else a remote-tracking branch
 * (as refs/heads/<branch>), else a tag containing it, else no ref at all.
 */
async function containingRef(git: Git): Promise<string> {
  const containing = async (scope: string) =>
    lines(
      await git([
        'for-each-ref',
        '--format=%(refname)',
        '--contains',
        'HEAD',
        '--sort=-committerdate',
        scope,
      ]),
    ).filter((ref) => !ref.endsWith('/HEAD'))[0];
  const local = await containing('refs/heads/');
  if (local !== undefined) return local;
  const remote = await containing('refs/remotes/');
  if (remote !== undefined) {
    const branch = /^refs\/remotes\/[^/]+\/(.+)$/.exec(remote)?.[1];
    return branch === undefined ? remote : `refs/heads/${branch}`;
  }
  const tag = lines(await git(['tag', '--contains', 'HEAD']))[0];
  return tag === undefined ? '' : `refs/tags/${tag}`;
}

async function runGit(workspace: string, args: string[]): Promise<string> {
  const result = await execute('git', args, {
    cwd: workspace,
    okExitCodes: 'any',
    echo: false,
    timeoutMs: 60_000,
    // No pager, no prompts, no locale-dependent messages.
    env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
  });
  if (result.exitCode !== 0) {
    const detail = (result.stderr || result.stdout).trim() || `exit code ${result.exitCode}`;
    throw new ActionError(
      `git ${args.join(' ')} failed in ${workspace}: ${detail}`.replace(/\s+$/, ''),
      HINT,
    );
  }
  return result.stdout.trim();
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

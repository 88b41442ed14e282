import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError, InputError } from '../../src/core/errors.js';
import {
  UnifiedDiffReader,
  changedLinesAgainst,
  chooseBase,
  parseUnifiedDiff,
  touchesChangedLines,
  type ChangedLines,
} from '../../src/core/changed-lines.js';
import { describeWithTool } from '../support/tools.js';

const DIFFS = fileURLToPath(new URL('../fixtures/diffs/', import.meta.url));
const fixture = (name: string) => readFileSync(join(DIFFS, name), 'utf8');

/** Ranges as [start, end] pairs, per file, for readable expectations. */
function plain(changed: ChangedLines): Record<string, Array<[number, number]>> {
  return Object.fromEntries(
    [...changed].map(([file, ranges]) => [file, ranges.map((r) => [r.start, r.end])]),
  );
}

/** What the branch in make-diffs.sh changed, on the new side of each file. */
const BRANCH_CHANGES = {
  'added.txt': [[1, 3]],
  'héllo.txt': [[2, 2]],
  'nonl.txt': [[1, 2]],
  'numbers.txt': [
    [8, 8],
    [14, 15],
    [21, 21],
  ],
  'quo"te.txt': [[3, 3]],
  'sub/moved.txt': [[5, 5]],
  'tab\tname.txt': [[2, 2]],
  'with space.txt': [
    [2, 2],
    [4, 4],
  ],
};

describe('parseUnifiedDiff on real git output', () => {
  it.each([
    {
      name: 'unified=0 with renames, as changedLinesAgainst runs it',
      file: 'branch.diff',
      expected: BRANCH_CHANGES,
    },
    {
      name: 'three lines of context and unquoted UTF-8 names: context lines are not changes',
      file: 'branch-context-unquoted.diff',
      expected: BRANCH_CHANGES,
    },
    {
      name: 'without rename detection every line of a moved file looks new',
      file: 'branch-no-renames.diff',
      expected: {
        ...BRANCH_CHANGES,
        'sub/moved.txt': [[1, 10]],
        'sub/renamed-as-is.txt': [[1, 3]],
      },
    },
  ])('$name', ({ file, expected }) => {
    expect(plain(parseUnifiedDiff(fixture(file)))).toEqual(expected);
  });

  it.each([
    ['a deleted file', 'gone.txt'],
    ['a binary file', 'image.bin'],
    ['an empty new file', 'empty-new.txt'],
    ['a mode change', 'script.sh'],
    ['a rename without edits', 'sub/renamed-as-is.txt'],
    ['the old name of a renamed file', 'moved.txt'],
    ['the fake header inside an added line', 'trap'],
  ])('has no changed lines for %s', (_, file) => {
    expect(parseUnifiedDiff(fixture('branch.diff')).has(file)).toBe(false);
  });

  it('gives the same answer however the output is split into chunks', () => {
    const text = fixture('branch.diff');
    const whole = plain(parseUnifiedDiff(text));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 30 }),
        (cuts) => {
          const reader = new UnifiedDiffReader();
          let from = 0;
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            reader.push(text.slice(from, cut));
            from = cut;
          }
          reader.push(text.slice(from));
          expect(plain(reader.finish())).toEqual(whole);
        },
      ),
    );
  });
});

describe('parseUnifiedDiff edge cases', () => {
  const header = (path: string) => `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n`;
  it.each([
    { name: 'no diff at all', text: '', expected: {} },
    {
      name: 'a hunk without counts is one line',
      text: `${header('a.ts')}@@ -4 +4 @@\n-old\n+new\n`,
      expected: { 'a.ts': [[4, 4]] },
    },
    {
      name: 'a pure deletion adds no line',
      text: `${header('a.ts')}@@ -4,2 +3,0 @@\n-x\n-y\n`,
      expected: {},
    },
    {
      name: 'Windows line endings',
      text: `${header('a.ts')}@@ -1,0 +2,2 @@\n+x\n+y\n`.replace(/\n/g, '\r\n'),
      expected: { 'a.ts': [[2, 3]] },
    },
    {
      name: 'adjacent hunks merge into one range',
      text: `${header('a.ts')}@@ -1 +1 @@\n-a\n+b\n@@ -2,0 +2 @@\n+c\n`,
      expected: { 'a.ts': [[1, 2]] },
    },
    {
      name: 'the same file in two diffs merges its ranges',
      text: `${header('a.ts')}@@ -9,0 +10 @@\n+x\n${header('a.ts')}@@ -1,0 +2 @@\n+y\n`,
      expected: {
        'a.ts': [
          [2, 2],
          [10, 10],
        ],
      },
    },
    {
      name: 'a cut-off hunk keeps what it had and the next file still counts',
      text: `${header('a.ts')}@@ -1,0 +1,5 @@\n+x\n${header('b.ts')}@@ -1,0 +7 @@\n+y\n`,
      expected: { 'a.ts': [[1, 1]], 'b.ts': [[7, 7]] },
    },
    {
      name: 'an octal-escaped UTF-8 name and an escaped backslash',
      text: 'diff --git x y\n--- "a/\\346\\227\\245.txt"\n+++ "b/d\\\\\\346\\227\\245.txt"\n@@ -0,0 +1 @@\n+x\n',
      expected: { 'd\\日.txt': [[1, 1]] },
    },
  ])('$name', ({ text, expected }) => {
    expect(plain(parseUnifiedDiff(text))).toEqual(expected);
  });
});

describe('touchesChangedLines', () => {
  const changed = parseUnifiedDiff(fixture('branch.diff'));
  it.each([
    ['a changed line', 'numbers.txt', 8, undefined, true],
    ['an unchanged line', 'numbers.txt', 9, undefined, false],
    ['a span that ends on a changed line', 'numbers.txt', 10, 14, true],
    ['a span between two changes', 'numbers.txt', 9, 13, false],
    ['a span around a change', 'numbers.txt', 1, 30, true],
    ['a line after the last change', 'numbers.txt', 22, undefined, false],
    ['a file the change did not touch', 'gone.txt', 1, undefined, false],
    ['a path written with ./', './with space.txt', 4, undefined, true],
    ['an end line before the line', 'numbers.txt', 8, 3, true],
  ])('%s', (_, file, line, endLine, expected) => {
    expect(touchesChangedLines(changed, file, line, endLine)).toBe(expected);
  });
});

describe('chooseBase', () => {
  const pullRequest = {
    number: 7,
    headSha: 'b'.repeat(40),
    headRef: 'feature',
    baseRef: 'main',
    baseSha: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
    fromFork: false,
  };
  it.each([
    {
      name: 'base-ref wins over the pull request',
      input: ' release/1.x ',
      context: { eventName: 'pull_request', pullRequest, payload: {} },
      expected: { ref: 'release/1.x', description: 'release/1.x' },
    },
    {
      name: 'a pull request compares with its base commit',
      input: undefined,
      context: { eventName: 'pull_request', pullRequest, payload: {} },
      expected: {
        ref: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
        description: "the pull request's base main (a94a8fe)",
        pullRequestHead: 'b'.repeat(40),
      },
    },
    {
      name: 'a merge queue compares with its base commit',
      input: '',
      context: {
        eventName: 'merge_group',
        pullRequest: undefined,
        payload: { merge_group: { base_sha: 'c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5' } },
      },
      expected: {
        ref: 'c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5',
        description: "the merge queue's base (c4f3d2a)",
      },
    },
  ])('$name', ({ input, context, expected }) => {
    expect(chooseBase(input, context)).toEqual(expected);
  });

  it.each([
    {
      name: 'a push without base-ref',
      input: undefined,
      message: /'base-ref' must be set to say which lines are new .*push event/,
    },
    {
      name: 'a base-ref that git would read as an option',
      input: '--output=x',
      message: /got '--output=x'/,
    },
  ])('refuses $name, naming base-ref', ({ input, message }) => {
    const attempt = () =>
      chooseBase(input, { eventName: 'push', pullRequest: undefined, payload: {} });
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(message);
  });
});

describeWithTool(
  { program: 'git', debianPackage: 'git' },
  'changedLinesAgainst with real git',
  () => {
    let root = '';
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'slipway-changed-lines-'));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    // Tests must not depend on (or sign with) the developer's own git configuration.
    const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...args], {
        cwd,
        env: gitEnv,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const write = (repo: string, path: string, text: string) => {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      writeFileSync(join(repo, path), text);
    };
    const lines = (count: number, prefix = 'line') =>
      Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}\n`).join('');

    /**
     * main: three files; then a branch renames one with an edit, edits a file with a space in its
     * name, adds a file in a subdirectory; meanwhile main moves on, which must not count.
     */
    let repo = '';
    beforeAll(() => {
      repo = join(root, 'repo');
      mkdirSync(repo);
      git(repo, 'init', '-q', '-b', 'main');
      write(repo, 'src/lib.rs', lines(30, 'fn'));
      write(repo, 'docs/read me.md', lines(5));
      write(repo, 'app/config.yml', lines(8));
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'base');
      git(repo, 'checkout', '-q', '-b', 'feature');
      git(repo, 'mv', 'src/lib.rs', 'src/core.rs');
      write(repo, 'src/core.rs', lines(30, 'fn').replace('fn 12\n', 'fn twelve\n'));
      write(repo, 'docs/read me.md', `${lines(5)}line 6\n`);
      write(repo, 'app/new/handler.ts', 'export {};\n');
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'feature work');
      git(repo, 'checkout', '-q', 'main');
      write(repo, 'app/config.yml', lines(8).replace('line 2\n', 'line two\n'));
      git(repo, 'commit', '-q', '-am', 'main moves on');
      git(repo, 'checkout', '-q', 'feature');
    });

    const FEATURE_CHANGES = {
      'src/core.rs': [[12, 12]],
      'docs/read me.md': [[6, 6]],
      'app/new/handler.ts': [[1, 1]],
    };

    it('finds what the branch changed since it left main, not what main did since', async () => {
      const result = await changedLinesAgainst('main', repo);
      expect(plain(result.lines)).toEqual(FEATURE_CHANGES);
      expect(result.mergeBase).toBe(git(repo, 'merge-base', 'main', 'HEAD').trim());
      expect(result.baseSha).toBe(git(repo, 'rev-parse', 'main').trim());
    });

    it('gives paths relative to a workspace below the repository root', async () => {
      const result = await changedLinesAgainst('main', join(repo, 'app'));
      expect(plain(result.lines)).toEqual({ 'new/handler.ts': [[1, 1]] });
    });

    it('finds the base branch as origin/<name> in a clone that has no local branch of it', async () => {
      const clone = join(root, 'clone');
      git(root, 'clone', '-q', '--branch', 'feature', repo, clone);
      // As actions/checkout leaves it: HEAD detached, the base only as a remote-tracking branch.
      git(clone, 'checkout', '-q', '--detach', 'origin/feature');
      git(clone, 'branch', '-q', '-D', 'feature');
      expect(git(clone, 'branch', '--list')).not.toMatch(/main/);
      const result = await changedLinesAgainst('main', clone);
      expect(plain(result.lines)).toEqual(FEATURE_CHANGES);
    });

    it('explains that a shallow checkout needs history', async () => {
      const shallow = join(root, 'shallow');
      git(root, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo}`, shallow);
      const attempt = changedLinesAgainst('main', shallow);
      await expect(attempt).rejects.toThrow(ActionError);
      await expect(attempt).rejects.toThrow(/base-ref 'main'.*shallow/);
      await expect(attempt).rejects.toMatchObject({
        hint: expect.stringMatching(/fetch-depth: 0/),
      });
    });

    it('explains that shallow tips of both branches share no history', async () => {
      const shallow = join(root, 'shallow-both');
      git(root, 'clone', '-q', '--depth', '1', '--no-single-branch', `file://${repo}`, shallow);
      git(shallow, 'checkout', '-q', 'feature');
      const attempt = changedLinesAgainst('main', shallow);
      await expect(attempt).rejects.toThrow(
        /no common history between base-ref 'main' and HEAD \(the checkout is shallow\)/,
      );
      await expect(attempt).rejects.toMatchObject({
        hint: expect.stringMatching(/fetch-depth: 0/),
      });
    });

    it('explains an unknown base-ref', async () => {
      const attempt = changedLinesAgainst('no-such-branch', repo);
      await expect(attempt).rejects.toThrow(
        /Cannot find base-ref 'no-such-branch' in the checkout\./,
      );
      await expect(attempt).rejects.toMatchObject({
        hint: expect.stringMatching(/fetch-depth: 0/),
      });
    });

    it('says so when the workspace is not a git checkout', async () => {
      const plainDir = mkdtempSync(join(tmpdir(), 'slipway-not-git-'));
      try {
        await expect(changedLinesAgainst('main', plainDir)).rejects.toThrow(
          /is not inside a git repository/,
        );
      } finally {
        rmSync(plainDir, { recursive: true, force: true });
      }
    });

    describe('with fetchMissing in a shallow checkout', () => {
      /** origin as GitHub holds it: the branches plus refs/pull/1/merge, the test merge. */
      let origin = '';
      let baseSha = '';
      let headSha = '';
      let mergeSha = '';
      let newBaseSha = '';
      let newMergeSha = '';
      beforeAll(() => {
        origin = join(root, 'origin.git');
        git(root, 'clone', '-q', '--bare', repo, origin);
        baseSha = git(origin, 'rev-parse', 'main').trim();
        headSha = git(origin, 'rev-parse', 'feature').trim();
        const merger = join(root, 'merger');
        git(root, 'clone', '-q', origin, merger);
        git(merger, 'checkout', '-q', '--detach', baseSha);
        git(merger, 'merge', '-q', '--no-ff', '-m', 'Merge feature into main', headSha);
        mergeSha = git(merger, 'rev-parse', 'HEAD').trim();
        git(merger, 'push', '-q', 'origin', `${mergeSha}:refs/pull/1/merge`);
        // main moves on after the event was sent: GitHub builds the merge commit (pull request 2,
        // the same head) on the new tip, while the event still names baseSha.
        git(merger, 'checkout', '-q', '--detach', baseSha);
        write(merger, 'app/later.ts', 'export const later = 1;\n');
        git(merger, 'add', '-A');
        git(merger, 'commit', '-q', '-m', 'main moves on again');
        newBaseSha = git(merger, 'rev-parse', 'HEAD').trim();
        git(merger, 'merge', '-q', '--no-ff', '-m', 'Merge feature into the new main', headSha);
        newMergeSha = git(merger, 'rev-parse', 'HEAD').trim();
        git(merger, 'push', '-q', 'origin', `${newMergeSha}:refs/pull/2/merge`);
      });

      /** What actions/checkout runs with the default fetch-depth: 1. */
      const checkout = (name: string, sha: string, url = `file://${origin}`) => {
        const dir = join(root, name);
        git(root, 'init', '-q', dir);
        git(dir, 'remote', 'add', 'origin', url);
        git(dir, 'fetch', '-q', '--no-tags', '--depth=1', 'origin', `+${sha}:refs/remotes/ci`);
        git(dir, 'checkout', '-q', '--detach', 'refs/remotes/ci');
        return dir;
      };

      it("fetches only the pull request's base commit when HEAD is GitHub's merge commit", async () => {
        const dir = checkout('pr-merge', mergeSha);
        const result = await changedLinesAgainst(baseSha, dir, { fetchMissing: true });
        expect(plain(result.lines)).toEqual(FEATURE_CHANGES);
        expect(result.mergeBase).toBe(baseSha);
        expect(result.fetched).toEqual([`the base commit ${baseSha.slice(0, 7)}`]);
        // Still shallow: no history beyond the two commits was needed.
        expect(git(dir, 'rev-list', '--count', baseSha, 'HEAD').trim()).toBe('2');
      });

      it('deepens a head-commit checkout until the merge base appears, so main moving on does not count', async () => {
        const dir = checkout('pr-head', headSha);
        const result = await changedLinesAgainst('main', dir, { fetchMissing: true });
        expect(plain(result.lines)).toEqual(FEATURE_CHANGES);
        expect(result.mergeBase).toBe(git(repo, 'merge-base', 'main', 'feature').trim());
        expect(result.fetched[0]).toBe(`the base commit ${baseSha.slice(0, 7)}`);
        expect(result.fetched[1]).toMatch(/older commits to reach the merge base/);
      });

      it('says the fetch failed and how to check out instead when origin cannot be reached', async () => {
        const dir = checkout('pr-offline', mergeSha);
        git(dir, 'remote', 'set-url', 'origin', `file://${join(root, 'gone.git')}`);
        const attempt = changedLinesAgainst(baseSha, dir, { fetchMissing: true });
        await expect(attempt).rejects.toThrow(
          /Cannot find base-ref '[0-9a-f]{40}' in the checkout \(the checkout is shallow, and git fetch failed \(exit code 128\)/,
        );
        await expect(attempt).rejects.toMatchObject({
          hint: expect.stringMatching(/fetch-depth: 0/),
        });
      });

      describe("when GitHub merged into a newer base than the event's base.sha", () => {
        it('without pullRequestHead, counts what main did since the event as changed', async () => {
          const dir = checkout('stale-unaware', newMergeSha);
          const result = await changedLinesAgainst(baseSha, dir, { fetchMissing: true });
          expect(plain(result.lines)).toEqual({ ...FEATURE_CHANGES, 'app/later.ts': [[1, 1]] });
          expect(result.baseFromMerge).toBe(false);
        });

        it("compares a shallow checkout with the merge commit's first parent, fetching only it", async () => {
          const dir = checkout('stale-shallow', newMergeSha);
          const result = await changedLinesAgainst(baseSha, dir, {
            fetchMissing: true,
            pullRequestHead: headSha,
          });
          expect(plain(result.lines)).toEqual(FEATURE_CHANGES);
          expect(result).toMatchObject({
            baseSha: newBaseSha,
            mergeBase: newBaseSha,
            baseFromMerge: true,
            fetched: [`the base commit ${newBaseSha.slice(0, 7)}`],
          });
          expect(git(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('1');
        });

        it('compares a full checkout (fetch-depth: 0) with the first parent too', async () => {
          const dir = join(root, 'stale-full');
          git(root, 'clone', '-q', '--no-checkout', `file://${origin}`, dir);
          git(dir, 'fetch', '-q', 'origin', '+refs/pull/2/merge:refs/remotes/pull/2/merge');
          git(dir, 'checkout', '-q', '--detach', newMergeSha);
          const result = await changedLinesAgainst(baseSha, dir, {
            fetchMissing: true,
            pullRequestHead: headSha,
          });
          expect(plain(result.lines)).toEqual(FEATURE_CHANGES);
          expect(result).toMatchObject({ baseSha: newBaseSha, baseFromMerge: true, fetched: [] });
        });

        it('keeps the given base when HEAD is not a merge of the pull request head', async () => {
          const dir = checkout('stale-other-head', newMergeSha);
          const result = await changedLinesAgainst(baseSha, dir, {
            fetchMissing: true,
            pullRequestHead: 'f'.repeat(40),
          });
          expect(result).toMatchObject({ baseSha, baseFromMerge: false });
          const head = checkout('stale-head-checkout', headSha);
          const fromHead = await changedLinesAgainst(baseSha, head, {
            fetchMissing: true,
            pullRequestHead: headSha,
          });
          expect(plain(fromHead.lines)).toEqual(FEATURE_CHANGES);
          expect(fromHead).toMatchObject({ baseSha, baseFromMerge: false });
        });
      });

      it('fetches nothing unless asked to', async () => {
        const dir = checkout('pr-no-fetch', mergeSha);
        await expect(changedLinesAgainst(baseSha, dir)).rejects.toThrow(
          /the checkout is shallow\)\./,
        );
        expect(git(dir, 'rev-list', '--count', '--all').trim()).toBe('1');
      });
    });
  },
);

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import type { GitHubContext } from '../../src/core/github.js';
import { evaluateCoverage } from '../../src/coverage/gate.js';
import { computePatch } from '../../src/coverage/patch.js';
import { totalsOf } from '../../src/coverage/totals.js';
import { suggestPathFix, type UnmatchedChanges } from '../../src/coverage/unmatched.js';
import { describeWithTool } from '../support/tools.js';
import { file } from './build.js';

describe('suggestPathFix', () => {
  it.each([
    {
      name: 'a JaCoCo package path that is a suffix of the source path',
      unmatched: ['svc/src/main/java/com/acme/Greeter.java'],
      reported: ['com/acme/Greeter.java'],
      expected: 'com=svc/src/main/java/com',
    },
    {
      name: 'a new file beside the reported ones',
      unmatched: ['svc/src/main/java/com/acme/billing/Invoice.java'],
      reported: ['com/acme/Greeter.java', 'com/acme/billing/Tax.java'],
      expected: 'com=svc/src/main/java/com',
    },
    {
      name: 'a build directory prefix in the report',
      unmatched: ['web/src/app.ts'],
      reported: ['build/ci/src/app.ts'],
      expected: 'build/ci=web',
    },
    {
      name: 'a report deeper than the repository',
      unmatched: ['src/app.ts'],
      reported: ['home/runner/work/src/app.ts'],
      expected: 'home/runner/work=.',
    },
    {
      name: 'no shared directory',
      unmatched: ['lib/x.ts'],
      reported: ['other/y.ts'],
      expected: undefined,
    },
    {
      name: 'the same directory: the file is simply not in the report',
      unmatched: ['src/new.ts'],
      reported: ['src/old.ts'],
      expected: undefined,
    },
  ])('$name', ({ unmatched, reported, expected }) => {
    expect(suggestPathFix(unmatched, reported)).toBe(expected);
  });
});

describeWithTool({ program: 'git', debianPackage: 'git' }, 'computePatch with real git', () => {
  let root = '';
  let origin = '';
  let baseSha = '';
  let mergeSha = '';
  let featureSha = '';
  let newBaseSha = '';
  let newMergeSha = '';
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
  const lines = (count: number) =>
    Array.from({ length: count }, (_, i) => `  int line${i + 1};\n`).join('');
  const GREETER = 'svc/src/main/java/com/acme/Greeter.java';
  const CLOCK = 'svc/src/main/java/com/acme/Clock.java';

  /**
   * origin as GitHub holds it: main, a pull request that adds Greeter.java lines 6-9 and a
   * README line, and refs/pull/1/merge, the merge commit actions/checkout checks out.
   */
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-patch-'));
    const work = join(root, 'work');
    git(root, 'init', '-q', '-b', 'main', work);
    write(work, GREETER, lines(5));
    write(work, 'README.md', '# svc\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'base');
    git(work, 'checkout', '-q', '-b', 'feature');
    write(work, GREETER, lines(9));
    write(work, 'README.md', '# svc\nGreets.\n');
    git(work, 'commit', '-q', '-am', 'greet more');
    git(work, 'checkout', '-q', 'main');
    write(work, 'other.txt', 'main moved on\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'main moves on');
    baseSha = git(work, 'rev-parse', 'main').trim();
    git(work, 'checkout', '-q', '--detach', 'main');
    git(work, 'merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature');
    mergeSha = git(work, 'rev-parse', 'HEAD').trim();
    featureSha = git(work, 'rev-parse', 'feature').trim();
    // Later main changes a source file, and GitHub merges the same head into the new tip while
    // the event still names the base it was sent with (baseSha).
    git(work, 'checkout', '-q', '--detach', 'main');
    write(work, CLOCK, 'class Clock {}\n');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'main moves on with source');
    newBaseSha = git(work, 'rev-parse', 'HEAD').trim();
    git(work, 'merge', '-q', '--no-ff', '-m', 'Merge feature into the new main', 'feature');
    newMergeSha = git(work, 'rev-parse', 'HEAD').trim();
    origin = join(root, 'origin.git');
    git(root, 'clone', '-q', '--bare', work, origin);
    git(origin, 'update-ref', 'refs/pull/1/merge', mergeSha);
    git(origin, 'update-ref', 'refs/pull/2/merge', newMergeSha);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  let checkouts = 0;
  /** actions/checkout on a pull_request with the default fetch-depth: 1. */
  const shallowCheckout = (url = `file://${origin}`, sha = mergeSha) => {
    const dir = join(root, `checkout-${++checkouts}`);
    git(root, 'init', '-q', dir);
    git(dir, 'remote', 'add', 'origin', url);
    git(
      dir,
      'fetch',
      '-q',
      '--no-tags',
      '--depth=1',
      'origin',
      `+${sha}:refs/remotes/pull/1/merge`,
    );
    git(dir, 'checkout', '-q', '--detach', 'refs/remotes/pull/1/merge');
    return dir;
  };
  const offlineCheckout = () => {
    const dir = shallowCheckout();
    git(dir, 'remote', 'set-url', 'origin', `file://${join(root, 'no-such-origin.git')}`);
    return dir;
  };

  const pullRequest = (headSha = 'f'.repeat(40)): GitHubContext =>
    ({
      eventName: 'pull_request',
      pullRequest: {
        number: 1,
        headSha,
        headRef: 'feature',
        baseRef: 'main',
        baseSha,
        fromFork: false,
      },
      payload: {},
    }) as unknown as GitHubContext;

  const settings = (workspace: string, extra: object = {}) => ({
    workspace,
    comment: false,
    unmatchedChanges: 'fail' as UnmatchedChanges,
    ...extra,
  });

  /** Greeter.java as the repository names it: 6 and 7 ran, 8 and 9 did not. */
  const resolved = [
    file(GREETER, [
      [1, 1],
      [6, 1],
      [7, 1],
      [8, 0],
      [9, 0],
    ]),
  ];
  /** The same coverage under JaCoCo's package path, as an unresolved Gradle report gives it. */
  const jacocoShaped = [{ ...resolved[0], path: 'com/acme/Greeter.java' }];

  it('measures nothing, and needs no history, when only min-total is set', async () => {
    const notes: string[] = [];
    const dir = offlineCheckout();
    const patch = await computePatch(
      settings(dir, { minTotal: 80 }),
      pullRequest(),
      resolved,
      notes,
    );
    expect(patch).toBeUndefined();
    expect(notes).toEqual([]);
  });

  it("fetches only the base commit of a shallow pull request checkout and measures the pull request's lines", async () => {
    const notes: string[] = [];
    const dir = shallowCheckout();
    const patch = await computePatch(
      settings(dir, { minPatch: 80 }),
      pullRequest(),
      resolved,
      notes,
    );
    expect(patch).toMatchObject({
      covered: 2,
      total: 4,
      uncovered: [{ path: GREETER, lines: [8, 9] }],
      filesWithoutCoverage: [],
    });
    expect(notes).toContain(
      `The checkout is shallow: fetched the base commit ${baseSha.slice(0, 7)} from origin.`,
    );
  });

  it('leaves patch coverage out with a note when only the comment wants it and the base cannot be fetched', async () => {
    const notes: string[] = [];
    const patch = await computePatch(
      settings(offlineCheckout(), { comment: true, minTotal: 50 }),
      pullRequest(),
      resolved,
      notes,
    );
    expect(patch).toBeUndefined();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^Patch coverage was not measured: Cannot find base-ref '[0-9a-f]{40}' in the checkout \(the checkout is shallow, and git fetch failed/,
    );
    expect(notes[0]).toContain('fetch-depth: 0');
    expect(evaluateCoverage(totalsOf(resolved), patch, undefined, { minTotal: 50 }).passed).toBe(
      true,
    );
  });

  it('fails min-patch with the fetch-depth hint when the base cannot be fetched', async () => {
    const attempt = computePatch(
      settings(offlineCheckout(), { minPatch: 80 }),
      pullRequest(),
      resolved,
      [],
    );
    await expect(attempt).rejects.toThrow(ActionError);
    await expect(attempt).rejects.toThrow(/the checkout is shallow, and git fetch failed/);
    await expect(attempt).rejects.toMatchObject({ hint: expect.stringMatching(/fetch-depth: 0/) });
  });

  it("compares with the base GitHub merged into when main moved on after the event's base.sha", async () => {
    const notes: string[] = [];
    const dir = shallowCheckout(undefined, newMergeSha);
    const patch = await computePatch(
      settings(dir, { minPatch: 80 }),
      pullRequest(featureSha),
      resolved,
      notes,
    );
    expect(patch).toMatchObject({ covered: 2, total: 4, filesWithoutCoverage: [] });
    expect(notes).toContain(
      `Patch coverage compares with ${newBaseSha.slice(0, 7)}, the base GitHub merged the pull request into ` +
        `(the first parent of the checked-out merge commit); the event's base commit ${baseSha.slice(0, 7)} ` +
        `is older, and the commits since then are not the pull request's.`,
    );
    expect(notes).toContain(
      `The checkout is shallow: fetched the base commit ${newBaseSha.slice(0, 7)} from origin.`,
    );
    expect(notes.join('\n')).not.toContain(CLOCK);
  });

  describe('changed source files that match no report', () => {
    const judge = async (mode: UnmatchedChanges, reports = jacocoShaped) => {
      const notes: string[] = [];
      const gates = settings(shallowCheckout(), { minPatch: 80, unmatchedChanges: mode });
      const patch = await computePatch(gates, pullRequest(), reports, notes);
      const verdict = evaluateCoverage(totalsOf(reports), patch, undefined, gates);
      return { patch, notes, verdict };
    };

    it('fail (the default): min-patch fails naming the file and the path-fixes that maps it', async () => {
      const { patch, verdict, notes } = await judge('fail');
      expect(patch).toMatchObject({ covered: 0, total: 0, filesWithoutCoverage: [GREETER] });
      expect(verdict.passed).toBe(false);
      expect(verdict.reasons).toEqual([
        `min-patch 80% measured nothing: 1 changed source file(s) appear in no coverage report (${GREETER}), ` +
          'while 1 report path(s) name no file in the checkout (com/acme/Greeter.java); ' +
          'the reports seem to name them by other paths: map them with path-fixes: com=svc/src/main/java/com, ' +
          'or set unmatched-changes: uncovered to count their lines as uncovered',
      ]);
      // README.md changed too, but is not source: it is named nowhere.
      expect(notes.join('\n')).not.toContain('README');
    });

    it('uncovered: every changed line of the file counts against the patch', async () => {
      const { patch, verdict, notes } = await judge('uncovered');
      expect(patch).toMatchObject({
        covered: 0,
        total: 4,
        uncovered: [{ path: GREETER, lines: [6, 7, 8, 9] }],
      });
      expect(verdict.reasons).toEqual([
        'patch coverage 0.00% (0 of 4 changed lines) < min-patch 80%',
      ]);
      expect(notes).toContain(
        `1 changed source file(s) appear in no report and every changed line of them counts as uncovered (unmatched-changes: uncovered): ${GREETER}. If the reports cover them under other paths, path-fixes: com=svc/src/main/java/com would map them.`,
      );
    });

    it('ignore: min-patch has nothing to check and a note names the file', async () => {
      const { verdict, notes } = await judge('ignore');
      expect(verdict.passed).toBe(true);
      expect(notes.some((note) => note.includes(`are not counted: ${GREETER}`))).toBe(true);
    });

    /** A pull request that only adds a test: the report covers Greeter lines it did not change. */
    const testsOnly = async (outside: string[] = []) => {
      const reports = [
        file(GREETER, [
          [1, 1],
          [2, 0],
        ]),
      ];
      const dir = shallowCheckout();
      write(dir, GREETER_TEST, 'class GreeterTest {}\n');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'a test');
      const notes: string[] = [];
      const gates = settings(dir, { minPatch: 80 });
      const patch = await computePatch(gates, pullRequest(), reports, notes, outside);
      const verdict = evaluateCoverage(totalsOf(reports), patch, undefined, gates);
      return { patch, notes, verdict };
    };
    const GREETER_TEST = 'svc/src/test/java/com/acme/GreeterTest.java';

    it('fail: a pull request that changes only tests passes min-patch, the test file in a note', async () => {
      const { patch, notes, verdict } = await testsOnly();
      expect(patch).toMatchObject({ total: 0, filesWithoutCoverage: [GREETER_TEST] });
      expect(verdict.passed).toBe(true);
      expect(verdict.outcomes).toContainEqual({
        gate: 'min-patch',
        passed: true,
        message: 'no coverable lines changed, so min-patch has nothing to check',
      });
      expect(notes).toContain(
        `1 changed source file(s) are not in any report (tests, configuration or files excluded from coverage) and are not counted: ${GREETER_TEST}.`,
      );
      expect(notes.join('\n')).not.toContain('path-fixes');
    });

    it('fail: a report path outside the repository ending like the changed file is evidence, and the message names it', async () => {
      const container = '/app/src/test/java/com/acme/GreeterTest.java';
      const { verdict } = await testsOnly([container]);
      expect(verdict.passed).toBe(false);
      expect(verdict.reasons[0]).toContain(
        `appear in no coverage report (${GREETER_TEST}), while 1 report path(s) name no file in the checkout (${container});`,
      );
    });

    it('fail: system headers and installed packages outside the repository are no evidence', async () => {
      const { verdict } = await testsOnly([
        '/usr/include/c++/12/bits/stl_vector.h',
        '/usr/lib/python3/dist-packages/_distutils_hack/__init__.py',
      ]);
      expect(verdict.passed).toBe(true);
    });

    it('fail lists unmatched files in a note when other changed lines were measured', async () => {
      const reports = [
        ...resolved.map((f) => ({ ...f, path: 'svc/src/main/java/com/acme/Other.java' })),
        ...resolved,
      ];
      const notes: string[] = [];
      const dir = shallowCheckout();
      write(dir, 'svc/src/main/java/com/acme/New.java', 'class New {}\n');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'a file no test covers');
      const gates = settings(dir, { minPatch: 40 });
      const patch = await computePatch(gates, pullRequest(), reports, notes);
      expect(patch).toMatchObject({
        covered: 2,
        total: 4,
        filesWithoutCoverage: ['svc/src/main/java/com/acme/New.java'],
      });
      expect(evaluateCoverage(totalsOf(reports), patch, undefined, gates).passed).toBe(true);
      expect(notes).toContain(
        '1 changed source file(s) appear in no report and they are not counted: svc/src/main/java/com/acme/New.java.',
      );
    });
  });
});

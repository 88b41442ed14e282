/**
 * Patch coverage as pull requests meet it: actions/checkout's default shallow checkout of GitHub's
 * merge commit, and a Gradle-style JaCoCo report whose package paths name no changed file.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction, type EventSpec } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

const COVERAGE = join(REPO_ROOT, 'actions/coverage');
/** Written by JaCoCo 0.8.6 for java-demo: packages com/example/shop and com/example/util. */
const JACOCO_REPORT = join(REPO_ROOT, 'test/fixtures/coverage/jacoco/jacoco-0.8.6.xml');

// Tests must not depend on (or sign with) the developer's own git configuration.
const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...args], {
    cwd,
    env: gitEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function failure(step: { annotations: Array<{ level: string; message: string }> }): string {
  return step.annotations.find((a) => a.level === 'error')?.message ?? '';
}

interface PullRequest {
  origin: string;
  /** Where the pull request left main: an event sent before main moved on still names it. */
  forkSha: string;
  baseSha: string;
  headSha: string;
  mergeSha: string;
}

/**
 * A bare "origin" holding main and a pull request branch (`change` runs on the branch; main then
 * moves on, which the patch must not count), and refs/pull/7/merge, the merge commit GitHub makes.
 */
function pullRequestOrigin(
  root: string,
  base: (work: string) => void,
  change: (work: string) => void,
  mainMoves = (work: string) => write(work, 'CHANGELOG.md', 'main moved on\n'),
): PullRequest {
  mkdirSync(root, { recursive: true });
  const work = join(root, 'work');
  git(root, 'init', '-q', '-b', 'main', work);
  base(work);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'base');
  const forkSha = git(work, 'rev-parse', 'HEAD').trim();
  git(work, 'checkout', '-q', '-b', 'feature');
  change(work);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'the pull request');
  git(work, 'checkout', '-q', 'main');
  mainMoves(work);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'main moves on');
  const baseSha = git(work, 'rev-parse', 'main').trim();
  const headSha = git(work, 'rev-parse', 'feature').trim();
  git(work, 'checkout', '-q', '--detach', 'main');
  git(work, 'merge', '-q', '--no-ff', '-m', `Merge ${headSha} into ${baseSha}`, 'feature');
  const mergeSha = git(work, 'rev-parse', 'HEAD').trim();
  const origin = join(root, 'origin.git');
  git(root, 'clone', '-q', '--bare', work, origin);
  git(origin, 'update-ref', 'refs/pull/7/merge', mergeSha);
  git(origin, 'update-ref', 'refs/pull/7/head', headSha);
  return { origin, forkSha, baseSha, headSha, mergeSha };
}

/** What actions/checkout does for a pull_request event with the default fetch-depth: 1. */
function shallowCheckout(pr: PullRequest, dir: string): string {
  git(tmpdir(), 'init', '-q', dir);
  git(dir, 'remote', 'add', 'origin', `file://${pr.origin}`);
  git(
    dir,
    'fetch',
    '-q',
    '--no-tags',
    '--depth=1',
    'origin',
    '+refs/pull/7/merge:refs/remotes/pull/7/merge',
  );
  git(dir, 'checkout', '-q', '--detach', 'refs/remotes/pull/7/merge');
  return dir;
}

/** The event names `baseSha` as the base: pr.forkSha when it was sent before main moved on. */
function pullRequestEvent(pr: PullRequest, baseSha = pr.baseSha): EventSpec {
  const repo = { full_name: 'octo-org/octo-service' };
  return {
    name: 'pull_request',
    ref: 'refs/pull/7/merge',
    sha: pr.mergeSha,
    payload: {
      action: 'synchronize',
      number: 7,
      pull_request: {
        number: 7,
        head: { sha: pr.headSha, ref: 'feature', repo },
        base: { sha: baseSha, ref: 'main', repo },
      },
      repository: repo,
    },
  };
}

describeWithTool(
  { program: 'git', debianPackage: 'git' },
  'coverage bundle: patch coverage',
  () => {
    let root = '';
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'slipway-coverage-patch-'));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    describe('a shallow checkout of a pull request', () => {
      let pr: PullRequest;
      beforeAll(() => {
        pr = pullRequestOrigin(
          join(root, 'js'),
          (work) => {
            write(work, 'package.json', '{ "type": "module" }\n');
            write(
              work,
              'src/greet.js',
              'export function greet(name) {\n  return `hello ${name}`;\n}\n',
            );
            write(
              work,
              'test/greet.test.js',
              "import { test } from 'node:test';\nimport { greet } from '../src/greet.js';\ntest('greets', () => greet('you'));\n",
            );
          },
          (work) => {
            // Lines 5-11 are new: the test runs farewell('you'), so the empty-name branch never runs.
            const farewell = [
              '',
              'export function farewell(name) {',
              '  if (!name) {',
              "    return 'bye';",
              '  }',
              '  return `bye ${name}`;',
              '}',
              '',
            ].join('\n');
            write(
              work,
              'src/greet.js',
              readFileSync(join(work, 'src/greet.js'), 'utf8') + farewell,
            );
            write(
              work,
              'test/greet.test.js',
              "import { test } from 'node:test';\nimport { farewell, greet } from '../src/greet.js';\ntest('greets', () => greet('you'));\ntest('says bye', () => farewell('you'));\n",
            );
          },
        );
      });

      /** The checkout with an LCOV report from Node's own test runner coverage. */
      function checkoutWithCoverage(name: string): string {
        const workspace = shallowCheckout(pr, join(root, name));
        mkdirSync(join(workspace, 'coverage'));
        execFileSync(
          process.execPath,
          [
            '--test',
            '--experimental-test-coverage',
            '--test-reporter=lcov',
            '--test-reporter-destination=coverage/lcov.info',
            'test/greet.test.js',
          ],
          { cwd: workspace, stdio: 'ignore' },
        );
        return workspace;
      }

      it('passes min-total without the base history, and fetches nothing', async () => {
        const workspace = checkoutWithCoverage('only-total');
        const run = await runAction(COVERAGE, {
          workspace,
          event: pullRequestEvent(pr),
          inputs: { files: 'coverage/lcov.info', 'min-total': '50' },
        });
        expect(run.main.exitCode, failure(run.main)).toBe(0);
        expect(run.main.log).not.toContain('Cannot find base-ref');
        expect(run.main.outputs['patch-rate']).toBe('');
        expect(() => git(workspace, 'cat-file', '-e', `${pr.baseSha}^{commit}`)).toThrow();
      });

      it("fetches the pull request's base for min-patch and measures exactly the pull request's lines", async () => {
        const workspace = checkoutWithCoverage('with-patch');
        const run = await runAction(COVERAGE, {
          workspace,
          event: pullRequestEvent(pr),
          inputs: { files: 'coverage/lcov.info', 'min-patch': '90' },
        });
        // The pull request added lines 4-11 of src/greet.js and changed lines 2 and 4 of the test
        // file, which Node's coverage lists too; the report says which of them are coverable.
        const lcov = readFileSync(join(workspace, 'coverage/lcov.info'), 'utf8');
        const pullRequestLines: Record<string, number[]> = {
          'src/greet.js': [4, 5, 6, 7, 8, 9, 10, 11],
          'test/greet.test.js': [2, 4],
        };
        const changed: number[] = [];
        const covered: number[] = [];
        for (const [path, lines] of Object.entries(pullRequestLines)) {
          const section = lcov.slice(lcov.indexOf(`SF:${path}\n`)).split('end_of_record')[0];
          for (const line of lines) {
            const hits = new RegExp(`^DA:${line},(\\d+)`, 'm').exec(section)?.[1];
            if (hits === undefined) continue;
            changed.push(line);
            if (Number(hits) > 0) covered.push(line);
          }
        }
        // farewell('') never ran: its early return is an uncovered changed line.
        expect(changed.length).toBeGreaterThan(covered.length);

        expect(run.main.exitCode).toBe(1);
        expect(run.main.outputs).toMatchObject({
          'patch-covered': String(covered.length),
          'patch-total': String(changed.length),
        });
        expect(failure(run.main)).toContain(
          `(${covered.length} of ${changed.length} changed lines) < min-patch 90%`,
        );
        expect(run.main.summary).toContain(
          `The checkout is shallow: fetched the base commit ${pr.baseSha.slice(0, 7)} from origin.`,
        );
        expect(run.main.summary).not.toContain('CHANGELOG.md');
      });

      it('leaves the patch out with a note when only the comment wants it and origin is gone', async () => {
        const workspace = checkoutWithCoverage('offline');
        git(workspace, 'remote', 'set-url', 'origin', `file://${join(root, 'gone.git')}`);
        const run = await runAction(COVERAGE, {
          workspace,
          event: pullRequestEvent(pr),
          inputs: { files: 'coverage/lcov.info', 'min-total': '50', comment: 'true' },
        });
        expect(run.main.exitCode, failure(run.main)).toBe(0);
        expect(run.main.summary).toContain('Patch coverage was not measured');
        expect(run.main.summary).toContain('fetch-depth: 0');
      });
    });

    it("compares with the base GitHub merged into when main moved on after the event's base.sha", async () => {
      const pr = pullRequestOrigin(
        join(root, 'stale'),
        (work) => {
          write(work, 'package.json', '{ "type": "module" }\n');
          write(
            work,
            'src/greet.js',
            'export function greet(name) {\n  return `hello ${name}`;\n}\n',
          );
          write(
            work,
            'test/greet.test.js',
            "import { test } from 'node:test';\nimport { greet } from '../src/greet.js';\ntest('greets', () => greet('you'));\n",
          );
        },
        (work) => {
          write(
            work,
            'src/greet.js',
            readFileSync(join(work, 'src/greet.js'), 'utf8') +
              'export function farewell(name) {\n  return `bye ${name}`;\n}\n',
          );
          write(
            work,
            'test/greet.test.js',
            readFileSync(join(work, 'test/greet.test.js'), 'utf8') +
              "test('says bye', async () => (await import('../src/greet.js')).farewell('you'));\n",
          );
        },
        // Another pull request's change, merged after this event was sent.
        (work) => write(work, 'src/other.js', 'export const other = 1;\n'),
      );
      const workspace = shallowCheckout(pr, join(root, 'stale-checkout'));
      mkdirSync(join(workspace, 'coverage'));
      execFileSync(
        process.execPath,
        [
          '--test',
          '--experimental-test-coverage',
          '--test-reporter=lcov',
          '--test-reporter-destination=coverage/lcov.info',
          'test/greet.test.js',
        ],
        { cwd: workspace, stdio: 'ignore' },
      );

      const run = await runAction(COVERAGE, {
        workspace,
        event: pullRequestEvent(pr, pr.forkSha),
        inputs: { files: 'coverage/lcov.info', 'min-patch': '50' },
      });

      expect(run.main.exitCode, failure(run.main)).toBe(0);
      expect(run.main.summary).toContain(
        `Patch coverage compares with ${pr.baseSha.slice(0, 7)}, the base GitHub merged the pull request into`,
      );
      expect(run.main.summary).toContain(
        `The checkout is shallow: fetched the base commit ${pr.baseSha.slice(0, 7)} from origin.`,
      );
      expect(run.main.summary).not.toContain('src/other.js');
      expect(run.main.summary).not.toContain('older commits');
    });

    it('passes min-patch when the pull request changes only tests, naming them in a note', async () => {
      const pr = pullRequestOrigin(
        join(root, 'python'),
        (work) => {
          write(work, 'svc/calc.py', 'def add(a, b):\n    return a + b\n');
          write(
            work,
            'tests/test_calc.py',
            'from svc.calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n',
          );
        },
        (work) => {
          write(
            work,
            'tests/test_calc.py',
            readFileSync(join(work, 'tests/test_calc.py'), 'utf8') +
              '\n\ndef test_add_negative():\n    assert add(-1, -2) == -3\n',
          );
        },
      );
      const workspace = shallowCheckout(pr, join(root, 'python-checkout'));
      // What coverage run --source=svc && coverage xml write: the tests are not measured.
      write(
        workspace,
        'coverage.xml',
        [
          '<?xml version="1.0" ?>',
          '<coverage version="7.4.0" lines-valid="2" lines-covered="2" line-rate="1" branches-valid="0" branches-covered="0" branch-rate="1" complexity="0">',
          `<sources><source>${workspace}</source></sources>`,
          '<packages><package name="svc" line-rate="1" branch-rate="1" complexity="0"><classes>',
          '<class name="calc.py" filename="svc/calc.py" complexity="0" line-rate="1" branch-rate="1"><methods/>',
          '<lines><line number="1" hits="1"/><line number="2" hits="1"/></lines></class>',
          '</classes></package></packages></coverage>',
          '',
        ].join('\n'),
      );

      const run = await runAction(COVERAGE, {
        workspace,
        event: pullRequestEvent(pr),
        inputs: { files: 'coverage.xml', 'min-patch': '80' },
      });

      expect(run.main.exitCode, failure(run.main)).toBe(0);
      expect(run.main.summary).toContain('min-patch has nothing to check');
      expect(run.main.summary).toContain(
        'are not in any report (tests, configuration or files excluded from coverage) and are not counted: tests/test_calc.py.',
      );
    });

    describe('a Gradle-style JaCoCo report', () => {
      it('fails min-patch when no changed source file is in the report and its paths name no file, naming both', async () => {
        const pr = pullRequestOrigin(
          join(root, 'java'),
          (work) => {
            // The aggregate report's package paths (com/example/shop/...) name no file of this
            // checkout: the evidence that the report's paths failed to map onto the repository.
            write(work, 'build.gradle', "plugins { id 'jacoco' }\n");
          },
          (work) => {
            write(
              work,
              'billing/src/main/java/com/example/billing/Invoice.java',
              'package com.example.billing;\n\npublic class Invoice {\n  public int total() {\n    return 0;\n  }\n}\n',
            );
            write(work, 'README.md', '# shop\nNow with invoices.\n');
          },
        );
        const workspace = shallowCheckout(pr, join(root, 'java-checkout'));
        mkdirSync(join(workspace, 'build/reports/jacoco/test'), { recursive: true });
        cpSync(JACOCO_REPORT, join(workspace, 'build/reports/jacoco/test/jacocoTestReport.xml'));

        const run = await runAction(COVERAGE, {
          workspace,
          event: pullRequestEvent(pr),
          inputs: {
            files: 'build/reports/jacoco/test/jacocoTestReport.xml',
            'min-patch': '80',
          },
        });

        expect(run.main.exitCode).toBe(1);
        expect(run.main.summary).not.toMatch(/gates passed/);
        const message = failure(run.main);
        expect(message).toContain(
          'min-patch 80% measured nothing: 1 changed source file(s) appear in no coverage report (billing/src/main/java/com/example/billing/Invoice.java)',
        );
        // Both sides: the changed file, and the report paths that name no file of the checkout.
        expect(message).toContain('report path(s) name no file in the checkout (com/example/');
        expect(message).toContain('path-fixes');
        expect(message).toContain('unmatched-changes: uncovered');
        expect(message).not.toContain('README.md');
      });
    });
  },
);

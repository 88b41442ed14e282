import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';

const run = promisify(execFile);
const COVERAGE = join(REPO_ROOT, 'actions/coverage');
const C8 = join(REPO_ROOT, 'node_modules/c8/bin/c8.js');
const COVERAGE_PY = { program: 'python3-coverage', debianPackage: 'python3-coverage' };

/** A tiny package and one test script per matrix leg; each leg runs different code. */
const PROJECT: Record<string, string> = {
  'pkg/__init__.py': '',
  'pkg/calc.py': `def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0


def grade(score):
    if score >= 90:
        return "A"
    return "B" if score >= 50 else "C"


def clamp(x, low, high):
    if high > 100:
        high = 100
    return max(low, min(x, high))


def unused():
    return None
`,
  'test_sign.py': 'from pkg.calc import sign\nassert sign(5) == 1\nassert sign(-2) == -1\n',
  'test_grade.py': 'from pkg.calc import grade\nassert grade(95) == "A"\n',
  'test_clamp.py':
    'from pkg.calc import clamp, sign\nassert clamp(5, 0, 3) == 3\nassert sign(0) == 0\n',
};
const SHARDS = ['sign', 'grade', 'clamp'];

function git(cwd: string, ...args: string[]) {
  return run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
  });
}

/** A checkout of the project holding the given files besides its sources. */
async function checkout(scratch: string, name: string, files: Record<string, string>) {
  const workspace = join(scratch, name);
  for (const [path, content] of Object.entries({ ...PROJECT, ...files })) {
    await mkdir(join(workspace, path, '..'), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
  await git(workspace, 'init', '-q', '-b', 'main');
  await git(workspace, 'add', ...Object.keys(PROJECT));
  await git(workspace, 'commit', '-q', '-m', 'project');
  return workspace;
}

function failure(step: { annotations: Array<{ level: string; message: string }> }): string {
  return step.annotations.find((a) => a.level === 'error')?.message ?? '';
}

describeWithTool(COVERAGE_PY, 'coverage bundle merging matrix shards made by coverage.py', () => {
  let scratch: string;
  /** Each leg's LCOV report, as the merging job downloads it into coverage-<leg>/. */
  const shardReports: Record<string, string> = {};
  /** `coverage combine` of the three legs, then `coverage json`: coverage.py's own totals. */
  let combined: {
    covered_lines: number;
    num_statements: number;
    covered_branches: number;
    num_branches: number;
  };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'slipway-matrix-'));
    const project = await checkout(scratch, 'project', {});
    for (const shard of SHARDS) {
      const env = { ...process.env, COVERAGE_FILE: join(project, `.coverage.${shard}`) };
      await run('python3-coverage', ['run', '--branch', '--source=pkg', `test_${shard}.py`], {
        cwd: project,
        env,
      });
      await run('python3-coverage', ['lcov', '-o', `${shard}.lcov`], { cwd: project, env });
      shardReports[`coverage-${shard}/coverage.lcov`] = await readFile(
        join(project, `${shard}.lcov`),
        'utf8',
      );
    }
    await run(
      'python3-coverage',
      ['combine', '--keep', ...SHARDS.map((shard) => `.coverage.${shard}`)],
      { cwd: project },
    );
    await run('python3-coverage', ['json', '-o', 'combined.json'], { cwd: project });
    combined = JSON.parse(await readFile(join(project, 'combined.json'), 'utf8')).totals;
  }, 60_000);
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('fails with expected-reports when one leg’s report is missing, naming the two found', async () => {
    const two = Object.fromEntries(
      Object.entries(shardReports).filter(([path]) => !path.startsWith('coverage-clamp/')),
    );
    const workspace = await checkout(scratch, 'two-of-three', two);
    const inputs = { files: 'coverage-*/coverage.lcov', 'min-total': '50' };

    const unchecked = await runAction(COVERAGE, { workspace, inputs });
    expect(unchecked.main.exitCode, 'without the check the gap passes unseen').toBe(0);
    expect(Number(unchecked.main.outputs['lines-covered'])).toBeLessThan(combined.covered_lines);

    const checked = await runAction(COVERAGE, {
      workspace,
      inputs: { ...inputs, 'expected-reports': '3', name: 'unit' },
    });
    expect(checked.main.exitCode).toBe(1);
    expect(checked.main.summary, 'the failure names the coverage step').toMatch(
      /^<h3>❌ coverage \(unit\) failed: expected-reports is 3/,
    );
    expect(failure(checked.main)).toContain(
      'expected-reports is 3, but 2 of 3 coverage reports were found: coverage-grade/coverage.lcov, coverage-sign/coverage.lcov.',
    );
    expect(failure(checked.main)).toContain('merge-multiple: true overwrites files');
  });

  it('with every leg’s report, passes with the totals of coverage.py’s own combined run', async () => {
    const workspace = await checkout(scratch, 'three-of-three', shardReports);
    const result = await runAction(COVERAGE, {
      workspace,
      inputs: { files: 'coverage-*/coverage.lcov', 'expected-reports': '3' },
    });
    expect(result.main.exitCode, result.main.stdout).toBe(0);
    expect(combined.covered_lines).toBeLessThan(combined.num_statements);
    expect(result.main.outputs).toMatchObject({
      'lines-covered': String(combined.covered_lines),
      'lines-total': String(combined.num_statements),
      'branches-covered': String(combined.covered_branches),
      'branches-total': String(combined.num_branches),
    });
  });
});

describe('coverage bundle, default search where c8 wrote three formats at once', () => {
  let workspace: string;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'slipway-c8-formats-'));
    await cp(join(REPO_ROOT, 'test/fixtures/coverage/projects/js-demo'), workspace, {
      recursive: true,
    });
    await run(
      process.execPath,
      [
        C8,
        '--all',
        '--src',
        'src',
        '--include',
        'src/**',
        '--reporter=lcov',
        '--reporter=cobertura',
        '--reporter=json',
        '--reporter=json-summary',
        process.execPath,
        'run.js',
      ],
      { cwd: workspace, timeout: 60_000 },
    );
  }, 60_000);
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  it('reads one of them, so branches equal c8’s own summary, and lists what it skipped', async () => {
    const summary = JSON.parse(
      await readFile(join(workspace, 'coverage/coverage-summary.json'), 'utf8'),
    ).total;
    const result = await runAction(COVERAGE, { workspace });

    expect(result.main.exitCode, result.main.stdout).toBe(0);
    expect(summary.branches.total).toBeGreaterThan(summary.branches.covered);
    expect(result.main.outputs).toMatchObject({
      'lines-covered': String(summary.lines.covered),
      'lines-total': String(summary.lines.total),
      'branches-covered': String(summary.branches.covered),
      'branches-total': String(summary.branches.total),
    });
    expect(JSON.parse(result.main.outputs.result).reports).toEqual([
      'istanbul: coverage/coverage-final.json',
    ]);
    expect(result.main.summary).toContain('Not read (2)');
    expect(result.main.summary).toContain(
      'coverage/lcov.info (coverage/coverage-final.json covers the same files',
    );
  });
});

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { QUALITY_GATE, checkstyle, makeWorkspace } from './quality-gate-support.js';

function git(workspace: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args],
    {
      cwd: workspace,
      encoding: 'utf8',
    },
  );
}

describe('quality-gate bundle: new-only against a real git history', () => {
  it('counts only the findings on lines the branch changed', async () => {
    const workspace = await makeWorkspace({ 'deploy.sh': '#!/bin/sh\necho $1\necho done\n' });
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'base');
    git(workspace, 'checkout', '-q', '-b', 'feature');
    writeFileSync(
      join(workspace, 'deploy.sh'),
      '#!/bin/sh\necho $1\necho done\ncd /tmp/work\nrm -rf $2/*\n',
    );
    git(workspace, 'commit', '-q', '-am', 'feature');
    // The linter's view: one old problem (line 2) and two new ones (lines 4 and 5).
    const report = checkstyle([
      { file: 'deploy.sh', line: 2, severity: 'warning', rule: 'SC2086' },
      { file: 'deploy.sh', line: 4, severity: 'warning', rule: 'SC2164' },
      { file: 'deploy.sh', line: 5, severity: 'error', rule: 'SC2115' },
    ]);
    writeFileSync(join(workspace, '..', 'lint-report.xml'), report);
    const checks = `- name: lint\n  run: cat ../lint-report.xml\n  format: checkstyle\n  max-errors: 1\n  max-warnings: 0`;

    const everything = await runAction(QUALITY_GATE, { workspace, inputs: { checks } });
    expect(everything.main.outputs).toMatchObject({ passed: 'false', errors: '1', warnings: '2' });

    const newOnly = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { checks, 'new-only': 'true', 'base-ref': 'main' },
    });
    expect(newOnly.main.outputs).toMatchObject({ passed: 'false', errors: '1', warnings: '1' });
    expect(newOnly.main.summary).toContain(
      '1 finding on lines this change did not touch was not counted',
    );
    const annotated = newOnly.main.annotations
      .filter((a) => a.file === 'deploy.sh')
      .map((a) => a.line);
    expect(annotated.sort()).toEqual([4, 5]);
    expect(JSON.parse(newOnly.main.outputs.result).newOnly).toMatchObject({
      setAside: 1,
      baseRef: 'main',
    });
  });

  it('explains what to do when the base is not in the checkout', async () => {
    const workspace = await makeWorkspace({ 'a.txt': 'x\n' });
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'only commit');
    const run = await runAction(QUALITY_GATE, {
      workspace,
      inputs: {
        checks: '- name: ok\n  run: "true"',
        'new-only': 'true',
        'base-ref': 'release/1.0',
      },
    });
    expect(run.main.exitCode).toBe(1);
    const [error] = run.main.annotations.filter((a) => a.level === 'error');
    expect(error.message).toContain('release/1.0');
    expect(error.message).toContain('fetch-depth: 0');
  });
});

describe('quality-gate bundle: baseline ratchet', () => {
  it('fails when a count grew since the baseline and passes when it shrank', async () => {
    const warnings = (count: number) =>
      checkstyle(
        Array.from({ length: count }, (_, index) => ({
          file: 'src/a.ts',
          line: index + 1,
          severity: 'warning',
        })),
      );
    const workspace = await makeWorkspace({ 'lint.xml': warnings(2) });
    const inputs = { checks: '- name: lint\n  run: cat lint.xml\n  format: checkstyle' };

    const first = await runAction(QUALITY_GATE, { workspace, inputs });
    expect(first.main.outputs.passed).toBe('true');
    writeFileSync(join(workspace, 'baseline.json'), first.main.outputs.result);

    writeFileSync(join(workspace, 'lint.xml'), warnings(3));
    const worse = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { ...inputs, baseline: 'baseline.json' },
    });
    expect(worse.main.exitCode).toBe(1);
    expect(worse.main.outputs.passed).toBe('false');
    expect(
      worse.main.annotations.find((a) => a.message.startsWith('quality-gate failed'))?.message,
    ).toContain('warnings grew from 2 to 3');

    writeFileSync(join(workspace, 'lint.xml'), warnings(1));
    const better = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { ...inputs, baseline: 'baseline.json' },
    });
    expect(better.main.exitCode).toBe(0);
    expect(better.main.summary).toContain('improved: lint warnings 2 → 1');
  });

  it('refuses a baseline that is not a quality-gate result', async () => {
    const workspace = await makeWorkspace({ 'baseline.json': '{"coverage": 91}' });
    const run = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { checks: '- name: ok\n  run: "true"', baseline: 'baseline.json' },
    });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.annotations[0].message).toContain("Input 'baseline'");
  });
});

describeWithTool(
  { program: 'pytest-3', debianPackage: 'python3-pytest' },
  'quality-gate bundle: pytest',
  () => {
    it('fails on the failing tests, lists them in the summary and annotates them', async () => {
      const workspace = await makeWorkspace({}, ['pytest-demo']);
      const run = await runAction(QUALITY_GATE, {
        workspace,
        inputs: {
          checks: [
            '- name: pytest',
            '  run: pytest-3 -p no:cacheprovider -o junit_family=xunit1 --junitxml=report.xml',
            '  format: junit',
            '  report: report.xml',
            '  working-directory: pytest-demo',
          ].join('\n'),
        },
      });
      expect(run.main.exitCode).toBe(1);
      expect(run.main.outputs).toMatchObject({
        passed: 'false',
        tests: '7',
        'test-failures': '3',
        'tests-skipped': '1',
      });
      expect(run.main.summary).toMatch(/<summary>Failing tests \(3\)<\/summary>/);
      const testAnnotations = run.main.annotations.filter((a) =>
        a.title?.startsWith('pytest: test failed'),
      );
      expect(testAnnotations.length).toBeGreaterThan(0);
      expect(testAnnotations[0].file).toBe('pytest-demo/test_demo.py');
    });
  },
);

import { execFile } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { REPO_ROOT } from '../../tools/actions.js';
import { FIXTURES, QUALITY_GATE, junit, makeWorkspace } from './quality-gate-support.js';

const run = promisify(execFile);

/** A monorepo's halves: the Rust crate in rust-demo/, the Python tests in pytest-demo/. */
async function monorepo(): Promise<string> {
  const workspace = await makeWorkspace({}, ['rust-demo', 'pytest-demo']);
  // Real clippy output of rust-demo, captured in its own folder: its paths start there (src/lib.rs).
  await copyFile(
    join(FIXTURES, 'clippy/rust-demo-warnings.jsonl'),
    join(workspace, 'rust-demo/clippy.json'),
  );
  return workspace;
}

describe('quality-gate bundle: reports written in a subfolder', () => {
  it('finds a path a report names beside the report when the workspace root has no such file', async () => {
    const workspace = await monorepo();
    const gate = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { reports: 'clippy: rust-demo/clippy.json', 'max-warnings': '100' },
    });
    expect(gate.main.exitCode).toBe(0);
    const files = new Set(gate.main.annotations.map((annotation) => annotation.file));
    expect([...files].sort()).toEqual(['rust-demo/src/lib.rs', 'rust-demo/src/shapes.rs']);
  });

  it('reads entries with their own name, working-directory and thresholds', async () => {
    const workspace = await makeWorkspace(
      {
        'py/out/junit.xml': junit([{ name: 'adds' }, { name: 'rounds', failure: 'off by one' }]),
        'py/pending/junit.xml': junit([]),
      },
      ['rust-demo'],
    );
    await copyFile(
      join(FIXTURES, 'clippy/rust-demo-warnings.jsonl'),
      join(workspace, 'rust-demo/target-clippy.json'),
    );
    const gate = await runAction(QUALITY_GATE, {
      workspace,
      inputs: {
        reports: [
          '- name: rust lint',
          '  format: clippy',
          '  report: target-clippy.json',
          '  working-directory: rust-demo',
          '  max-warnings: 100',
          '- name: python tests',
          '  format: junit',
          '  report: out/*.xml',
          '  working-directory: py',
          '  max-test-failures: 1',
          '- name: nothing yet',
          '  format: junit',
          '  report: pending/junit.xml',
          '  working-directory: py',
          '  fail-on-empty: false',
        ].join('\n'),
        'max-warnings': '0',
      },
    });
    const result = JSON.parse(gate.main.outputs.result);
    expect(
      result.checks.map((check: { name: string; passed: boolean }) => [check.name, check.passed]),
    ).toEqual([
      ['rust lint', true],
      ['python tests', true],
      ['nothing yet', true],
    ]);
    expect(gate.main.exitCode).toBe(0);
    expect(
      gate.main.annotations.some((annotation) => annotation.file === 'rust-demo/src/lib.rs'),
    ).toBe(true);
  });

  it('fails a test report that holds no tests, unless fail-on-empty is false', async () => {
    const workspace = await makeWorkspace({ 'junit.xml': junit([]) });
    const empty = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { reports: 'junit: junit.xml' },
    });
    expect(empty.main.exitCode).toBe(1);
    expect(empty.main.outputs.passed).toBe('false');
    expect(empty.main.summary).toContain('its report has no tests (fail-on-empty: true)');

    const allowed = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { reports: 'junit: junit.xml', 'fail-on-empty': 'false' },
    });
    expect(allowed.main.exitCode).toBe(0);
  });

  it('reads a test check that printed nothing as no tests: fail-on-empty decides', async () => {
    const workspace = await makeWorkspace();
    const checks = '- name: mocha\n  run: node -e ""\n  format: mocha-json';
    const strict = await runAction(QUALITY_GATE, { workspace, inputs: { checks } });
    expect(strict.main.exitCode).toBe(1);
    expect(strict.main.summary).toContain('its report has no tests (fail-on-empty: true)');
    const lenient = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { checks, 'fail-on-empty': 'false' },
    });
    expect(lenient.main.exitCode).toBe(0);
  });

  it('with fail-on-empty: false, a missing or 0-byte test report passes and says so', async () => {
    const workspace = await makeWorkspace({ 'out/empty.xml': '' });
    const inputs = { reports: 'junit: out/empty.xml\njunit: none/*.xml' };
    const strict = await runAction(QUALITY_GATE, { workspace, inputs });
    expect(strict.main.exitCode).toBe(1);
    expect(strict.main.summary).toContain('its report has no tests (fail-on-empty: true)');
    expect(strict.main.summary).toContain(
      'could not be evaluated: report &#39;none/*.xml&#39; matched no files',
    );

    const lenient = await runAction(QUALITY_GATE, {
      workspace,
      inputs: { ...inputs, 'fail-on-empty': 'false' },
    });
    expect(lenient.main.exitCode).toBe(0);
    expect(lenient.main.summary).toContain('Passed anyway: fail-on-empty is false.');
  });
});

describeWithTool(
  { program: 'pytest-3', debianPackage: 'python3-pytest' },
  'quality-gate bundle: a real pytest report in a subfolder',
  () => {
    it('annotates the failing test in its subfolder, from the report pytest wrote there', async () => {
      const workspace = await monorepo();
      const directory = join(workspace, 'pytest-demo');
      // xunit1 names each test's file relative to pytest's rootdir: pytest-demo/.
      await run('pytest-3', ['-o', 'junit_family=xunit1', '--junitxml=junit.xml'], {
        cwd: directory,
      }).catch(() => undefined); // pytest exits 1: the demo has failing tests.
      const gate = await runAction(QUALITY_GATE, {
        workspace,
        inputs: { reports: 'junit: pytest-demo/junit.xml', 'max-test-failures': '100' },
      });
      expect(gate.main.exitCode).toBe(0);
      const failed = gate.main.annotations.filter((annotation) => annotation.level === 'error');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((annotation) => annotation.file === 'pytest-demo/test_demo.py')).toBe(
        true,
      );
    });
  },
);

describeWithTool(
  { program: 'go', debianPackage: 'golang-go', versionArgs: ['version'] },
  'quality-gate bundle: go test -json as a check',
  () => {
    it('counts go test as go does and annotates the failing test at its t.Errorf line', async () => {
      const workspace = await makeWorkspace({}, ['go-demo']);
      const gate = await runAction(QUALITY_GATE, {
        workspace,
        env: {
          // No network, no toolchain download, no VCS stamping (the copy is not a repository).
          GOTOOLCHAIN: 'local',
          GOCACHE: join(workspace, '.go/cache'),
          GOPATH: join(workspace, '.go/path'),
          GOFLAGS: '-buildvcs=false',
          GOPROXY: 'off',
        },
        inputs: {
          name: 'go',
          checks: [
            '- name: go tests',
            '  run: go test -json ./...',
            '  format: go-test-json',
            '  working-directory: go-demo',
          ].join('\n'),
        },
        timeoutMs: 240_000,
      });
      expect(gate.main.exitCode).toBe(1);
      expect(gate.main.outputs).toMatchObject({ passed: 'false', 'test-failures': '5' });
      const errors = gate.main.annotations.filter((a) => a.file === 'go-demo/calc/calc_test.go');
      expect(errors.map((a) => a.line)).toContain(13); // t.Errorf in TestSubNegative
      expect(gate.main.summary).toContain('Quality gate (go) failed');
    }, 260_000);
  },
);

describe('quality-gate bundle: mocha --reporter json as a check', () => {
  it('counts what mocha counts and names the test that passed on a retry as flaky', async () => {
    const workspace = await makeWorkspace({}, ['mocha-demo']);
    const mocha = join(REPO_ROOT, 'node_modules/mocha/bin/mocha.js');
    const gate = await runAction(QUALITY_GATE, {
      workspace,
      inputs: {
        checks: [
          '- name: mocha',
          `  run: node ${mocha} --reporter json --reporter-option output=mocha.json`,
          '  format: mocha-json',
          '  report: mocha.json',
          '  working-directory: mocha-demo',
        ].join('\n'),
        'max-test-failures': '100',
      },
    });
    expect(gate.main.exitCode).toBe(0);
    expect(Number(gate.main.outputs['test-failures'])).toBeGreaterThan(0);
    expect(gate.main.summary).toMatch(/Flaky tests \(1\)/);
    const flaky = gate.main.annotations.filter((a) => a.level === 'warning');
    expect(flaky[0]?.file).toMatch(/^mocha-demo\/test\/retry\.spec\.js$/);
  });
});

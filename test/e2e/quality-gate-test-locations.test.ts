import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { describeWithTool } from '../support/tools.js';
import { QUALITY_GATE, makeWorkspace } from './quality-gate-support.js';

const TEST_CALC = `def add(a, b):
    return a + b


def test_adds():
    assert add(1, 2) == 3


def test_adds_negative_numbers():
    total = add(-1, -2)
    assert total == -4, "negative sums"
`;

/** A repository as actions/checkout leaves it: a git work tree with the sources tracked. */
async function pytestRepository(): Promise<string> {
  const workspace = await makeWorkspace({
    'tests/test_calc.py': TEST_CALC,
    'pytest.ini': '[pytest]\naddopts = -p no:cacheprovider\n',
  });
  execFileSync('git', ['init', '-q'], { cwd: workspace });
  execFileSync('git', ['add', '.'], { cwd: workspace });
  return workspace;
}

const ASSERT_LINE = TEST_CALC.split('\n').indexOf('    assert total == -4, "negative sums"') + 1;

describeWithTool(
  { program: 'pytest-3', debianPackage: 'python3-pytest' },
  'quality-gate bundle: failing tests on their lines',
  () => {
    it.each<{ how: string; before?: (workspace: string) => void; inputs: Record<string, string> }>([
      {
        how: 'a check that runs pytest (xunit2, its default)',
        inputs: {
          checks: [
            '- name: pytest',
            '  run: pytest-3 --junitxml=reports/junit.xml',
            '  format: junit',
            '  report: reports/junit.xml',
          ].join('\n'),
        },
      },
      {
        how: 'a report an earlier step wrote',
        before: (workspace: string) => {
          execFileSync('pytest-3', ['--junitxml=reports/junit.xml'], {
            cwd: workspace,
            env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
          });
        },
        inputs: { reports: 'junit: reports/junit.xml' },
      },
    ])('annotates the assert line: $how', async ({ before, inputs }) => {
      const workspace = await pytestRepository();
      try {
        before?.(workspace);
      } catch {
        // pytest exits 1 when a test fails; the report is what matters.
      }
      const run = await runAction(QUALITY_GATE, { workspace, inputs });

      expect(run.main.exitCode).toBe(1);
      expect(run.main.outputs).toMatchObject({ tests: '2', 'test-failures': '1' });
      // No file or line attributes: the location came from the failure text.
      expect(readFileSync(join(workspace, 'reports/junit.xml'), 'utf8')).not.toMatch(/ line="/);
      const failures = run.main.annotations.filter((a) => a.title?.includes('test failed'));
      expect(failures).toEqual([
        expect.objectContaining({
          level: 'error',
          file: 'tests/test_calc.py',
          line: ASSERT_LINE,
          title: expect.stringContaining('test_adds_negative_numbers'),
        }),
      ]);
    });
  },
);

describeWithTool(
  { program: 'pytest-3', debianPackage: 'python3-pytest' },
  'quality-gate bundle: failing tests in a monorepo',
  () => {
    it('a report read from a service folder: the service files, not the root copies', async () => {
      const broken = '@pytest.fixture\ndef database():\n    raise ConnectionError("down")\n';
      const workspace = await makeWorkspace({
        // The root has its own conftest.py and tests/test_calc.py, shorter than the service's.
        'conftest.py': `import pytest\n\n\n${broken}`,
        'tests/test_calc.py': 'def test_root():\n    assert True\n',
        'services/py/pytest.ini': '[pytest]\naddopts = -p no:cacheprovider\n',
        'services/py/conftest.py': `import pytest\n${broken}`,
        'services/py/tests/test_calc.py': `${TEST_CALC}\n\ndef test_query(database):\n    pass\n`,
      });
      execFileSync('git', ['init', '-q'], { cwd: workspace });
      execFileSync('git', ['add', '.'], { cwd: workspace });
      try {
        execFileSync('pytest-3', ['--junitxml=out/junit.xml'], {
          cwd: join(workspace, 'services/py'),
          env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
        });
      } catch {
        // pytest exits 1 when a test fails; the report is what matters.
      }
      const run = await runAction(QUALITY_GATE, {
        workspace,
        inputs: { reports: 'junit: services/py/out/junit.xml' },
      });

      const failures = run.main.annotations.filter((a) => a.title?.includes('test failed'));
      const placed = failures.map(({ file, line }) => `${file}:${line}`).sort();
      expect(placed).toEqual([
        'services/py/conftest.py:4',
        `services/py/tests/test_calc.py:${ASSERT_LINE}`,
      ]);
    });
  },
);

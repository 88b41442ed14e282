import { describe, expect, it } from 'vitest';
import { sourceLinker } from '../../src/core/source-links.js';
import { gatherDetails } from '../../src/quality-gate/details.js';
import { evaluateGate, type CheckRun } from '../../src/quality-gate/gate.js';
import type { ParsedReport, TestCase } from '../../src/quality-gate/model.js';
import { buildSummary, verdictLine } from '../../src/quality-gate/summary.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const link = sourceLinker({
  serverUrl: 'https://github.com',
  repository: { owner: 'octo-org', repo: 'octo-service' },
  sha: SHA,
});

function run(name: string, format: CheckRun['format'], report: ParsedReport): CheckRun {
  return { name, format, origin: 'report', report, thresholds: {} };
}

const testCase = (name: string, extra: Partial<TestCase>): TestCase => ({
  suite: 'calc',
  classname: 'tests.test_calc.TestCalc',
  name,
  outcome: 'passed',
  ...extra,
});

const lint = run('eslint', 'eslint', {
  findings: [
    {
      source: 'eslint',
      rule: 'no-unused-vars',
      ruleUrl: 'https://eslint.org/docs/latest/rules/no-unused-vars',
      severity: 'error',
      message: "'x' is assigned a value but never used.",
      file: 'web/src/app.js',
      line: 7,
    },
  ],
});
const tests = run('pytest', 'junit', {
  findings: [],
  tests: {
    totals: { total: 40, passed: 38, failed: 2, skipped: 0, flaky: 1 },
    notable: [
      testCase('test_divide', {
        outcome: 'failed',
        message: 'ZeroDivisionError: division by zero',
        file: 'py/tests/test_calc.py',
        line: 21,
      }),
      testCase('test_add', { outcome: 'failed', message: 'assert 3 == 4' }),
      testCase('test_network', { outcome: 'flaky', message: 'ConnectionResetError' }),
    ],
    slowest: [
      testCase('test_big', { durationMs: 4_200 }),
      testCase('test_divide', { outcome: 'failed', durationMs: 900 }),
    ],
  },
});

function render(runs: CheckRun[], name?: string) {
  const verdict = evaluateGate(runs, {});
  return buildSummary(verdict, gatherDetails(runs, undefined), { name, link }).render();
}

describe('quality-gate summary', () => {
  it('names the matrix leg in the heading and the verdict line', () => {
    const verdict = evaluateGate([lint], {});
    expect(verdictLine(verdict, 'py-3.12')).toMatch(/^Quality gate \(py-3\.12\) failed: /);
    expect(render([lint], 'py-3.12')).toContain('Quality gate (py-3.12) failed');
  });

  it('states each reason once: in its check row, not again in a list below', () => {
    const html = render([lint, tests]);
    expect(html.split('1 error &gt; max-errors 0')).toHaveLength(3); // verdict line + its row
    expect(html).not.toContain('<li>eslint: 1 error');
    expect(html).toContain('2 test failures &gt; max-test-failures 0');
  });

  it('shows no Vulnerabilities column without an audit, and "—" where a check cannot measure', () => {
    const html = render([lint, tests]);
    expect(html).not.toContain('Vulnerabilities');
    const [, pytestRow] = html.split('<strong>pytest</strong>');
    expect(pytestRow?.split('</tr>')[0]).toMatch(
      /<td>—<\/td><td>—<\/td><td>2 failed of 40, 1 flaky<\/td>/,
    );
  });

  it('links findings to their line at the commit and rules to their documentation', () => {
    const html = render([lint]);
    expect(html).toContain(
      `<a href="https://github.com/octo-org/octo-service/blob/${SHA}/web/src/app.js#L7">web/src/app.js:7</a>`,
    );
    expect(html).toContain(
      '<a href="https://eslint.org/docs/latest/rules/no-unused-vars">no-unused-vars</a>',
    );
  });

  it('lists failing tests with their class and place, flaky tests by name, and the slowest tests', () => {
    const html = render([tests]);
    expect(html).toContain('Failing tests (2)');
    expect(html).toContain('<code>tests.test_calc.TestCalc</code>');
    expect(html).toContain(`blob/${SHA}/py/tests/test_calc.py#L21`);
    expect(html).toMatch(
      /Flaky tests \(1\)[\s\S]*<code>calc › test_network<\/code>[\s\S]*ConnectionResetError/,
    );
    expect(html).toMatch(
      /Slowest tests \(2\)[\s\S]*calc › test_big<\/code>.*4s[\s\S]*calc › test_divide<\/code>.*900ms/,
    );
  });

  it('counts passed tests as passed, not every test that ran', () => {
    const mixed = run('pytest', 'junit', {
      findings: [],
      tests: {
        totals: { total: 3, passed: 1, failed: 1, skipped: 1, flaky: 0 },
        notable: [testCase('test_divide', { outcome: 'failed' })],
        slowest: [],
      },
    });
    const verdict = evaluateGate([{ ...mixed, thresholds: { maxTestFailures: 1 } }], {});
    expect(verdictLine(verdict)).toBe(
      'Quality gate passed: 1 check, 0 errors, 0 warnings, 1 test passed, 1 failed, 1 skipped',
    );
  });

  it('counts failing tests from the totals when a report kept only the first of them', () => {
    const kept = Array.from({ length: 150 }, (_, i) => testCase(`t${i}`, { outcome: 'failed' }));
    const huge = run('pytest', 'junit', {
      findings: [],
      tests: {
        totals: { total: 5000, passed: 1000, failed: 4000, skipped: 0, flaky: 0 },
        notable: kept,
        slowest: [],
      },
    });
    const html = render([huge]);
    expect(html).toContain('Failing tests (4000)');
    expect(html).toContain('3900 more not listed.');
  });

  it('says once that a check could not be evaluated, and shows no Time column for reports', () => {
    const broken: CheckRun = {
      ...run('pytest', 'junit', { findings: [] }),
      problem: 'junit.xml is empty',
    };
    const html = render([broken]);
    expect(html).toContain('❌ failed: could not be evaluated: junit.xml is empty');
    expect(html).not.toContain('could not be evaluated: could not be evaluated');
    expect(html).not.toContain('<th>Time</th>');
    expect(html).not.toContain('<th>Errors</th>');
    expect(html).toContain('<th>Tests</th>');
    expect(html).not.toContain('0 failed of 0');
  });

  it('shows why a check passed without a report', () => {
    const missing: CheckRun = {
      ...run('pytest', 'junit', {
        findings: [],
        tests: {
          totals: { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 },
          notable: [],
          slowest: [],
        },
      }),
      thresholds: { failOnEmpty: false },
      note: "report 'out/*.xml' matched no files. Passed anyway: fail-on-empty is false.",
    };
    expect(render([missing])).toContain('✅ passed: report &#39;out/*.xml&#39; matched no files.');
  });

  it('says which checks a baseline could not compare, so a renamed check does not slip through', () => {
    const baseline = {
      origin: 'baseline.json',
      checks: new Map([
        ['junit: out/junit.xml', { errors: 0, warnings: 0, testFailures: 0, vulnerabilities: 0 }],
      ]),
    };
    const verdict = evaluateGate([tests], { maxTestFailures: 5 }, { baseline });
    const html = buildSummary(verdict, gatherDetails([tests], undefined)).render();
    expect(html).toContain(
      'Not compared, the baseline has no check of that name: pytest; the baseline&#39;s junit: out/junit.xml did not run.',
    );
  });
});

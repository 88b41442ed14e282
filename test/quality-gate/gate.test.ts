import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Baseline, BaselineCounts } from '../../src/quality-gate/baseline.js';
import { parseUnifiedDiff } from '../../src/core/changed-lines.js';
import {
  AUDIT_SEVERITIES,
  evaluateGate,
  type CheckRun,
  type GateOptions,
  type GateVerdict,
  type Limits,
  type Thresholds,
} from '../../src/quality-gate/gate.js';
import type {
  AuditSeverity,
  Finding,
  ParsedReport,
  ReportFormat,
  Severity,
} from '../../src/quality-gate/model.js';

function finding(severity: Severity, file?: string, line?: number, endLine?: number): Finding {
  return { source: 'tool', rule: 'r1', severity, message: `${severity} here`, file, line, endLine };
}

function many(count: number, severity: Severity): Finding[] {
  return Array.from({ length: count }, (_, i) => finding(severity, 'src/a.ts', 100 + i));
}

function tests(total: number, failed: number, skipped = 0): ParsedReport['tests'] {
  return {
    totals: { total, passed: total - failed - skipped, failed, skipped, flaky: 0 },
    notable: [],
    slowest: [],
  };
}

function audit(counts: Partial<Record<AuditSeverity, number>>): ParsedReport['audit'] {
  return {
    counts: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts },
    vulnerabilities: [],
  };
}

function check(name: string, format: ReportFormat, run: Partial<CheckRun> = {}): CheckRun {
  return {
    name,
    format,
    origin: 'run',
    exitCode: 0,
    report: { findings: [] },
    thresholds: {},
    ...run,
  };
}

const eslint = (findings: Finding[], thresholds: Thresholds = {}) =>
  check('eslint', 'eslint', {
    report: { findings },
    exitCode: findings.length ? 1 : 0,
    thresholds,
  });
const junit = (report: ParsedReport['tests'], thresholds: Thresholds = {}) =>
  check('tests', 'junit', { report: { findings: [], tests: report }, thresholds });
const npmAudit = (counts: Partial<Record<AuditSeverity, number>>, thresholds: Thresholds = {}) =>
  check('audit', 'npm-audit', { report: { findings: [], audit: audit(counts) }, thresholds });

/** Lines 10-12 of src/a.ts and line 3 of src/b.ts changed. */
const CHANGED = parseUnifiedDiff(
  [
    'diff --git a/src/a.ts b/src/a.ts',
    '--- a/src/a.ts',
    '+++ b/src/a.ts',
    '@@ -10,0 +10,3 @@',
    '+x',
    '+y',
    '+z',
    'diff --git a/src/b.ts b/src/b.ts',
    '--- a/src/b.ts',
    '+++ b/src/b.ts',
    '@@ -3 +3 @@',
    '-old',
    '+new',
    '',
  ].join('\n'),
);

function baseline(checks: Record<string, Partial<BaselineCounts>>): Baseline {
  const zero = { errors: 0, warnings: 0, testFailures: 0, vulnerabilities: 0 };
  return {
    origin: 'quality-gate-baseline.json',
    checks: new Map(Object.entries(checks).map(([name, counts]) => [name, { ...zero, ...counts }])),
  };
}

interface Row {
  name: string;
  checks: CheckRun[];
  global?: Thresholds;
  options?: GateOptions;
  passed: boolean;
  reasons: string[];
}

describe('evaluateGate verdicts', () => {
  it.each<Row>([
    { name: 'a clean lint run passes', checks: [eslint([])], passed: true, reasons: [] },
    {
      name: 'one error fails under the default max-errors 0',
      checks: [eslint([finding('error', 'src/a.ts', 3)])],
      passed: false,
      reasons: ['eslint: 1 error > max-errors 0'],
    },
    {
      name: 'warnings have no limit by default',
      checks: [eslint(many(40, 'warning'))],
      passed: true,
      reasons: [],
    },
    {
      name: 'warnings over a global max-warnings fail',
      checks: [eslint(many(3, 'warning'))],
      global: { maxWarnings: 2 },
      passed: false,
      reasons: ['eslint: 3 warnings > max-warnings 2'],
    },
    {
      name: 'a count equal to its limit is within it',
      checks: [eslint(many(2, 'warning'))],
      global: { maxWarnings: 2 },
      passed: true,
      reasons: [],
    },
    {
      name: 'notices never fail the gate',
      checks: [eslint(many(25, 'notice'))],
      global: { maxErrors: 0, maxWarnings: 0 },
      passed: true,
      reasons: [],
    },
    {
      name: 'a failing test fails under the default max-test-failures 0',
      checks: [junit(tests(10, 2, 1))],
      passed: false,
      reasons: ['tests: 2 test failures > max-test-failures 0'],
    },
    {
      name: 'test failures within a raised max-test-failures pass',
      checks: [junit(tests(10, 2))],
      global: { maxTestFailures: 2 },
      passed: true,
      reasons: [],
    },
    {
      name: 'a check may loosen a global limit',
      checks: [eslint(many(3, 'error'), { maxErrors: 5 })],
      global: { maxErrors: 0 },
      passed: true,
      reasons: [],
    },
    {
      name: 'a check may tighten the global limit',
      checks: [
        check('clippy', 'clippy', {
          report: { findings: many(1, 'warning') },
          thresholds: { maxWarnings: 0 },
        }),
      ],
      passed: false,
      reasons: ['clippy: 1 warning > max-warnings 0'],
    },
    {
      name: 'a check may lift a global limit entirely with Infinity',
      checks: [eslint(many(12, 'warning'), { maxWarnings: Number.POSITIVE_INFINITY })],
      global: { maxWarnings: 0 },
      passed: true,
      reasons: [],
    },
    {
      name: "one check's override does not loosen another check",
      checks: [
        check('legacy', 'eslint', {
          report: { findings: many(4, 'error') },
          thresholds: { maxErrors: 10 },
        }),
        check('fresh', 'eslint', { report: { findings: many(4, 'error') } }),
      ],
      passed: false,
      reasons: ['fresh: 4 errors > max-errors 0'],
    },
    {
      name: 'every breached limit of a check is listed',
      checks: [eslint([...many(2, 'error'), ...many(3, 'warning')])],
      global: { maxWarnings: 1 },
      passed: false,
      reasons: ['eslint: 2 errors > max-errors 0', 'eslint: 3 warnings > max-warnings 1'],
    },
    {
      name: 'exit-code passes on 0',
      checks: [check('fmt', 'exit-code', { exitCode: 0 })],
      passed: true,
      reasons: [],
    },
    {
      name: 'exit-code fails on any other code',
      checks: [check('fmt', 'exit-code', { exitCode: 2 })],
      passed: false,
      reasons: ['fmt: exited with code 2'],
    },
    {
      name: 'exit-code without an exit code fails closed',
      checks: [check('fmt', 'exit-code', { origin: 'report', exitCode: undefined })],
      passed: false,
      reasons: ['fmt: has no exit code to judge: the exit-code format needs a command to run'],
    },
    {
      name: 'a check that could not be evaluated fails, and only for that reason',
      checks: [
        check('tests', 'junit', { exitCode: 1, problem: 'timed out after 5m and was stopped' }),
      ],
      passed: false,
      reasons: ['tests: could not be evaluated: timed out after 5m and was stopped'],
    },
    {
      name: 'a non-zero exit with an empty report fails closed',
      checks: [check('clippy', 'clippy', { exitCode: 101 })],
      passed: false,
      reasons: [
        'clippy: exited with code 101 but its report shows no problems; the tool probably failed before checking anything',
      ],
    },
    {
      name: 'a non-zero exit with zero tests run fails closed',
      checks: [
        check('tests', 'junit', { exitCode: 1, report: { findings: [], tests: tests(0, 0) } }),
      ],
      passed: false,
      reasons: [
        'tests: exited with code 1 but its report shows no problems; the tool probably failed before checking anything',
      ],
    },
    {
      name: 'a non-zero exit is expected when the report has findings: the limits decide',
      checks: [
        check('clippy', 'clippy', { exitCode: 101, report: { findings: many(2, 'warning') } }),
      ],
      passed: true,
      reasons: [],
    },
    {
      name: 'a non-zero exit with vulnerabilities below fail-on-audit passes',
      checks: [
        check('audit', 'npm-audit', {
          exitCode: 1,
          report: { findings: [], audit: audit({ low: 2 }) },
        }),
      ],
      passed: true,
      reasons: [],
    },
    {
      name: 'an empty report read from a file has no exit code to doubt',
      checks: [check('sarif', 'sarif', { origin: 'report', exitCode: undefined })],
      passed: true,
      reasons: [],
    },
    {
      name: 'a test report without a single test fails: fail-on-empty is true by default',
      checks: [
        check('tests', 'junit', { origin: 'report', report: { findings: [], tests: tests(0, 0) } }),
      ],
      passed: false,
      reasons: ['tests: its report has no tests (fail-on-empty: true)'],
    },
    {
      name: 'fail-on-empty: false lets a check with no tests pass',
      checks: [
        check('tests', 'junit', {
          origin: 'report',
          report: { findings: [], tests: tests(0, 0) },
          thresholds: { failOnEmpty: false },
        }),
      ],
      passed: true,
      reasons: [],
    },
    {
      name: 'a lint report with no findings is not empty in the fail-on-empty sense',
      checks: [check('lint', 'checkstyle', { origin: 'report', report: { findings: [] } })],
      passed: true,
      reasons: [],
    },
    {
      name: 'a high vulnerability fails under the default fail-on-audit high',
      checks: [npmAudit({ high: 1, moderate: 4 })],
      passed: false,
      reasons: ['audit: 1 high/critical vulnerability, fail-on-audit: high'],
    },
    {
      name: 'moderate vulnerabilities pass under the default fail-on-audit high',
      checks: [npmAudit({ moderate: 3, low: 2, info: 1 })],
      passed: true,
      reasons: [],
    },
    {
      name: 'fail-on-audit moderate counts moderate and worse',
      checks: [npmAudit({ moderate: 2, critical: 1, low: 5 })],
      global: { failOnAudit: 'moderate' },
      passed: false,
      reasons: ['audit: 3 moderate/high/critical vulnerabilities, fail-on-audit: moderate'],
    },
    {
      name: 'fail-on-audit critical lets a high through',
      checks: [npmAudit({ high: 3 })],
      global: { failOnAudit: 'critical' },
      passed: true,
      reasons: [],
    },
    {
      name: 'fail-on-audit info fails on any vulnerability',
      checks: [npmAudit({ info: 1, low: 1 })],
      global: { failOnAudit: 'info' },
      passed: false,
      reasons: ['audit: 2 vulnerabilities, fail-on-audit: info'],
    },
    {
      name: 'fail-on-audit none never fails',
      checks: [npmAudit({ critical: 9 })],
      global: { failOnAudit: 'none' },
      passed: true,
      reasons: [],
    },
    {
      name: 'a check may set its own fail-on-audit',
      checks: [
        npmAudit({ critical: 1 }, { failOnAudit: 'none' }),
        check('cargo', 'cargo-audit', {
          report: { findings: [], audit: audit({ low: 1 }) },
          thresholds: { failOnAudit: 'low' },
        }),
      ],
      passed: false,
      reasons: ['cargo: 1 low/moderate/high/critical vulnerability, fail-on-audit: low'],
    },
    {
      name: 'new-only counts findings on changed lines only',
      checks: [
        eslint([
          finding('error', 'src/a.ts', 11),
          finding('error', 'src/a.ts', 40),
          finding('error', 'src/c.ts', 11),
        ]),
      ],
      options: { changedLines: CHANGED },
      passed: false,
      reasons: ['eslint: 1 error > max-errors 0'],
    },
    {
      name: 'new-only passes when every finding is on untouched lines',
      checks: [eslint([finding('error', 'src/a.ts', 1), finding('warning', 'src/b.ts', 4)])],
      global: { maxWarnings: 0 },
      options: { changedLines: CHANGED },
      passed: true,
      reasons: [],
    },
    {
      name: 'new-only counts a finding whose span reaches a changed line',
      checks: [eslint([finding('error', 'src/a.ts', 5, 10)])],
      options: { changedLines: CHANGED },
      passed: false,
      reasons: ['eslint: 1 error > max-errors 0'],
    },
    {
      name: 'new-only keeps findings without a file and line',
      checks: [eslint([finding('error'), finding('error', 'src/a.ts')])],
      options: { changedLines: CHANGED },
      passed: false,
      reasons: ['eslint: 2 errors > max-errors 0'],
    },
    {
      name: 'new-only never filters test failures or vulnerabilities',
      checks: [junit(tests(4, 1)), npmAudit({ critical: 1 })],
      options: { changedLines: new Map() },
      passed: false,
      reasons: [
        'tests: 1 test failure > max-test-failures 0',
        'audit: 1 high/critical vulnerability, fail-on-audit: high',
      ],
    },
    {
      name: 'new-only does not make a non-zero exit with findings look like a lying exit code',
      checks: [
        check('clippy', 'clippy', {
          exitCode: 101,
          report: { findings: [finding('error', 'src/z.rs', 1)] },
        }),
      ],
      options: { changedLines: CHANGED },
      passed: true,
      reasons: [],
    },
    {
      name: 'baseline: a count that grew fails even within its limit',
      checks: [eslint(many(5, 'warning'))],
      options: { baseline: baseline({ eslint: { warnings: 3 } }) },
      passed: false,
      reasons: ['eslint: warnings grew from 3 to 5 (baseline)'],
    },
    {
      name: 'baseline: counts that shrank or stayed pass',
      checks: [eslint(many(1, 'warning')), junit(tests(9, 0))],
      options: { baseline: baseline({ eslint: { warnings: 3 }, tests: {} }) },
      passed: true,
      reasons: [],
    },
    {
      name: 'baseline: every ratcheted count is compared',
      checks: [junit(tests(9, 2), { maxTestFailures: 5 }), npmAudit({ low: 3 })],
      options: {
        baseline: baseline({ tests: { testFailures: 1 }, audit: { vulnerabilities: 2 } }),
      },
      passed: false,
      reasons: [
        'tests: test failures grew from 1 to 2 (baseline)',
        'audit: vulnerabilities grew from 2 to 3 (baseline)',
      ],
    },
    {
      name: 'baseline: a check the baseline does not know is not compared',
      checks: [eslint(many(7, 'warning'))],
      options: { baseline: baseline({ clippy: { warnings: 0 } }) },
      passed: true,
      reasons: [],
    },
    {
      name: 'baseline: limits still apply when nothing grew',
      checks: [eslint(many(2, 'error'))],
      options: { baseline: baseline({ eslint: { errors: 2 } }) },
      passed: false,
      reasons: ['eslint: 2 errors > max-errors 0'],
    },
    {
      name: 'a gate with no checks fails: nothing was shown to pass',
      checks: [],
      passed: false,
      reasons: ['no checks were evaluated: give checks or reports'],
    },
  ])('$name', ({ checks, global, options, passed, reasons }) => {
    const verdict = evaluateGate(checks, global ?? {}, options);
    expect(verdict.reasons).toEqual(reasons);
    expect(verdict.passed).toBe(passed);
    for (const checkVerdict of verdict.checks) {
      expect(checkVerdict.passed).toBe(checkVerdict.reasons.length === 0);
    }
  });
});

describe('evaluateGate details', () => {
  it('reports effective limits per check: global over defaults, the check over global', () => {
    const verdict = evaluateGate(
      [
        eslint([], { maxWarnings: 3 }),
        npmAudit({}, { failOnAudit: 'critical', maxErrors: Infinity }),
      ],
      { maxErrors: 1 },
    );
    expect(verdict.limits).toEqual({
      maxErrors: 1,
      maxWarnings: undefined,
      maxTestFailures: 0,
      failOnAudit: 'high',
      failOnEmpty: true,
    });
    const common = { maxTestFailures: 0, failOnEmpty: true };
    expect(verdict.checks.map((c) => c.limits)).toEqual([
      { maxErrors: 1, maxWarnings: 3, failOnAudit: 'high', ...common },
      { maxErrors: undefined, maxWarnings: undefined, failOnAudit: 'critical', ...common },
    ]);
  });

  it('counts every kind of result and sums them into totals', () => {
    const verdict = evaluateGate(
      [
        eslint([...many(2, 'error'), ...many(3, 'warning'), ...many(4, 'notice')]),
        check('tests', 'junit', {
          report: {
            findings: [],
            tests: {
              totals: { total: 12, passed: 8, failed: 1, skipped: 2, flaky: 1 },
              notable: [],
              slowest: [],
            },
          },
        }),
        npmAudit({ low: 1, high: 2 }),
        check('clippy', 'clippy', { report: { findings: many(1, 'error') }, durationMs: 4200 }),
      ],
      { maxErrors: 100, maxTestFailures: 100, failOnAudit: 'none' },
    );
    expect(verdict.passed).toBe(true);
    expect(verdict.totals).toEqual({
      errors: 3,
      warnings: 3,
      notices: 4,
      tests: 12,
      testFailures: 1,
      testsSkipped: 2,
      flaky: 1,
      vulnerabilities: 3,
      vulnerabilitiesBySeverity: { info: 0, low: 1, moderate: 0, high: 2, critical: 0 },
    });
    expect(verdict.checks[3]).toMatchObject({
      name: 'clippy',
      format: 'clippy',
      exitCode: 0,
      durationMs: 4200,
    });
  });

  it('records how many findings new-only set aside, and how many had no location', () => {
    const verdict = evaluateGate(
      [
        eslint([
          finding('error', 'src/a.ts', 12),
          finding('error', 'src/a.ts', 13),
          finding('warning', 'src/b.ts', 1),
          finding('notice', 'src/b.ts', 3),
          finding('warning'),
        ]),
        check('clippy', 'clippy', {
          report: { findings: [finding('error', 'src/old.rs', 8)] },
          exitCode: 101,
        }),
      ],
      { maxErrors: 10 },
      { changedLines: CHANGED },
    );
    expect(verdict.checks[0].counts).toMatchObject({ errors: 1, warnings: 1, notices: 1 });
    expect(verdict.checks[0].newOnly).toEqual({
      setAside: 2,
      setAsideBySeverity: { error: 1, warning: 1, notice: 0 },
      withoutLocation: 1,
    });
    expect(verdict.checks[1].newOnly?.setAside).toBe(1);
    expect(verdict.newOnly).toEqual({ setAside: 3, withoutLocation: 1, filesChanged: 2 });
  });

  it('reports baseline regressions, improvements, new and missing checks', () => {
    const verdict = evaluateGate(
      [
        eslint([...many(1, 'error'), ...many(5, 'warning')], { maxErrors: 9 }),
        junit(tests(3, 0)),
        npmAudit({}),
      ],
      {},
      {
        baseline: baseline({
          eslint: { errors: 4, warnings: 3 },
          tests: { testFailures: 2 },
          rustfmt: {},
        }),
      },
    );
    expect(verdict.baseline).toEqual({
      origin: 'quality-gate-baseline.json',
      regressions: [{ check: 'eslint', count: 'warnings', from: 3, to: 5 }],
      improvements: [
        { check: 'eslint', count: 'errors', from: 4, to: 1 },
        { check: 'tests', count: 'testFailures', from: 2, to: 0 },
      ],
      newChecks: ['audit'],
      missingChecks: ['rustfmt'],
    });
    expect(verdict.checks[2].baseline).toEqual({
      compared: false,
      regressions: [],
      improvements: [],
    });
    expect(verdict.passed).toBe(false);
  });

  it('marks a check not evaluated when its report says nothing about the code', () => {
    const verdict = evaluateGate(
      [
        eslint(many(2, 'error')),
        check('clean', 'eslint'),
        check('clippy', 'clippy', { exitCode: 101 }),
        check('fmt', 'rustfmt', { problem: 'timed out after 5m and was stopped' }),
        check('lint', 'checkstyle', { origin: 'report', exitCode: undefined }),
      ],
      {},
    );
    // Not evaluated: the limit breach of eslint still is a result, a crash before checking is not.
    expect(verdict.checks.map((c) => [c.name, c.evaluated])).toEqual([
      ['eslint', true],
      ['clean', true],
      ['clippy', false],
      ['fmt', false],
      ['lint', true],
    ]);
  });

  it('leaves newOnly and baseline out when they were not asked for', () => {
    const verdict = evaluateGate([eslint([])], {});
    expect(verdict.newOnly).toBeUndefined();
    expect(verdict.baseline).toBeUndefined();
    expect(verdict.checks[0].newOnly).toBeUndefined();
    expect(verdict.checks[0].baseline).toBeUndefined();
  });
});

describe('evaluateGate properties', () => {
  const severity = fc.constantFrom<Severity>('error', 'warning', 'notice');
  const findingArb = fc.record({
    severity,
    file: fc.constantFrom('src/a.ts', 'src/b.ts', 'src/c.ts', undefined),
    line: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  });
  const limit = fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined });
  const auditLevel = fc.constantFrom<AuditSeverity | 'none'>(...AUDIT_SEVERITIES, 'none');
  const thresholdsArb: fc.Arbitrary<Thresholds> = fc.record(
    { maxErrors: limit, maxWarnings: limit, maxTestFailures: limit, failOnAudit: auditLevel },
    { requiredKeys: [] },
  );
  const checkArb = fc
    .record({
      format: fc.constantFrom<ReportFormat>('eslint', 'junit', 'npm-audit', 'exit-code', 'clippy'),
      findings: fc.array(findingArb, { maxLength: 8 }),
      failed: fc.integer({ min: 0, max: 4 }),
      passedTests: fc.integer({ min: 0, max: 4 }),
      audit: fc.dictionary(fc.constantFrom(...AUDIT_SEVERITIES), fc.integer({ min: 0, max: 3 })),
      exitCode: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      problem: fc.option(fc.constant('report missing'), { nil: undefined, freq: 8 }),
      thresholds: thresholdsArb,
    })
    .map((c): Omit<CheckRun, 'name'> => ({
      format: c.format,
      origin: c.exitCode === undefined ? 'report' : 'run',
      exitCode: c.exitCode,
      problem: c.problem,
      thresholds: c.thresholds,
      report: {
        findings: c.findings.map((f) => finding(f.severity, f.file, f.line)),
        tests: tests(c.failed + c.passedTests, c.failed),
        audit: audit(c.audit),
      },
    }));
  const checksArb = fc
    .array(checkArb, { minLength: 1, maxLength: 4 })
    .map((checks) => checks.map((c, i): CheckRun => ({ name: `check-${i}`, ...c })));

  /** One effective limit made looser: a larger number, no limit, or a milder fail-on-audit. */
  function looser(limits: Limits, key: keyof Limits, by: number): Thresholds {
    if (key === 'failOnAudit') {
      const order = [...AUDIT_SEVERITIES, 'none'] as const;
      const index = Math.min(order.length - 1, order.indexOf(limits.failOnAudit) + by);
      return { failOnAudit: order[index] };
    }
    if (key === 'failOnEmpty') return { failOnEmpty: false };
    const current = limits[key];
    return { [key]: current === undefined || by > 4 ? Infinity : current + by };
  }
  const keyArb = fc.constantFrom<keyof Limits>(
    'maxErrors',
    'maxWarnings',
    'maxTestFailures',
    'failOnAudit',
    'failOnEmpty',
  );

  it('raising any limit, globally or on one check, never turns a passing gate into a failing one', () => {
    fc.assert(
      fc.property(
        checksArb,
        thresholdsArb,
        keyArb,
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.nat(), { nil: undefined }),
        (checks, global, key, by, which) => {
          const before = evaluateGate(checks, global);
          let after: GateVerdict;
          if (which === undefined) {
            after = evaluateGate(checks, { ...global, ...looser(before.limits, key, by) });
          } else {
            const index = which % checks.length;
            const raised = looser(before.checks[index].limits, key, by);
            after = evaluateGate(
              checks.map((c, i) =>
                i === index ? { ...c, thresholds: { ...c.thresholds, ...raised } } : c,
              ),
              global,
            );
          }
          if (before.passed) expect(after.passed).toBe(true);
          before.checks.forEach((c, i) => {
            if (c.passed) expect(after.checks[i].passed).toBe(true);
          });
        },
      ),
    );
  });

  it('new-only never raises a count and never touches tests or vulnerabilities', () => {
    fc.assert(
      fc.property(checksArb, thresholdsArb, (checks, global) => {
        const all = evaluateGate(checks, global);
        const fresh = evaluateGate(checks, global, { changedLines: CHANGED });
        expect(fresh.totals.errors).toBeLessThanOrEqual(all.totals.errors);
        expect(fresh.totals.warnings).toBeLessThanOrEqual(all.totals.warnings);
        expect(fresh.totals.notices).toBeLessThanOrEqual(all.totals.notices);
        expect(fresh.totals.testFailures).toBe(all.totals.testFailures);
        expect(fresh.totals.vulnerabilities).toBe(all.totals.vulnerabilities);
        const counted = fresh.totals.errors + fresh.totals.warnings + fresh.totals.notices;
        const before = all.totals.errors + all.totals.warnings + all.totals.notices;
        expect(counted + (fresh.newOnly?.setAside ?? 0)).toBe(before);
        if (all.passed) expect(fresh.passed).toBe(true);
      }),
    );
  });

  it('totals are the sums of the checks, and the gate passes exactly when every check does', () => {
    fc.assert(
      fc.property(checksArb, thresholdsArb, (checks, global) => {
        const verdict = evaluateGate(checks, global);
        expect(verdict.passed).toBe(verdict.checks.every((c) => c.passed));
        for (const key of [
          'errors',
          'warnings',
          'notices',
          'tests',
          'testFailures',
          'vulnerabilities',
        ] as const) {
          expect(verdict.totals[key]).toBe(
            verdict.checks.reduce((sum, c) => sum + c.counts[key], 0),
          );
        }
      }),
    );
  });
});

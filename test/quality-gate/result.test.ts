import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/quality-gate/baseline.js';
import { parseUnifiedDiff } from '../../src/core/changed-lines.js';
import { evaluateGate, type CheckRun } from '../../src/quality-gate/gate.js';
import type { Finding, Severity } from '../../src/quality-gate/model.js';
import { buildResult, outputsFrom } from '../../src/quality-gate/result.js';

const BASELINES = new URL('../fixtures/quality-gate/baseline/', import.meta.url);

const warning = (line: number): Finding => ({
  source: 'clippy',
  rule: 'clippy::needless_return',
  severity: 'warning',
  message: 'unneeded `return` statement',
  file: 'src/main.rs',
  line,
});

/** The seed pipeline's check job as the gate sees it: fmt, clippy, tests and audit. */
const SEED_CHECKS: CheckRun[] = [
  {
    name: 'fmt',
    format: 'exit-code',
    origin: 'run',
    exitCode: 0,
    durationMs: 812,
    report: { findings: [] },
    thresholds: {},
  },
  {
    name: 'clippy',
    format: 'clippy',
    origin: 'run',
    exitCode: 101,
    durationMs: 20431,
    report: { findings: [warning(4), warning(9)] },
    thresholds: { maxWarnings: 0 },
  },
  {
    name: 'tests',
    format: 'junit',
    origin: 'report',
    report: {
      findings: [],
      tests: {
        totals: { total: 10, passed: 9, failed: 0, skipped: 1, flaky: 0 },
        notable: [],
        slowest: [],
      },
    },
    thresholds: {},
  },
  {
    name: 'audit',
    format: 'cargo-audit',
    origin: 'run',
    exitCode: 1,
    durationMs: 1507,
    report: {
      findings: [],
      audit: {
        counts: { info: 0, low: 0, moderate: 1, high: 0, critical: 0 },
        vulnerabilities: [
          {
            id: 'RUSTSEC-2024-0001',
            package: 'example',
            version: '0.1.0',
            severity: 'moderate',
            title: 'An example advisory',
          },
        ],
      },
    },
    thresholds: {},
  },
];
const SEED_RUN = { commit: '8f14e45fceea167a5a36dedd4bea2543b2c3d4e5', ref: 'refs/heads/main' };

describe('buildResult', () => {
  it('is a contract: the shape a v1 baseline file has on disk is still what we write', () => {
    // A change here breaks every saved baseline: bump RESULT_SCHEMA and read v1 on purpose instead.
    const saved = JSON.parse(readFileSync(new URL('result-v1.json', BASELINES), 'utf8'));
    expect(buildResult(evaluateGate(SEED_CHECKS, {}), SEED_RUN)).toEqual(saved);
  });

  it('says what failed and why, with limits as JSON can hold them', () => {
    const result = buildResult(evaluateGate(SEED_CHECKS, {}), SEED_RUN);
    expect(result).toMatchObject({
      schema: 'slipway.quality-gate/v1',
      passed: false,
      reasons: ['clippy: 2 warnings > max-warnings 0'],
      limits: { maxErrors: 0, maxWarnings: null, maxTestFailures: 0, failOnAudit: 'high' },
      run: SEED_RUN,
    });
    expect(result.checks.map((c) => [c.name, c.passed, c.limits.maxWarnings])).toEqual([
      ['fmt', true, null],
      ['clippy', false, 0],
      ['tests', true, null],
      ['audit', true, null],
    ]);
    expect(result.checks[2]).not.toHaveProperty('exitCode');
  });

  it('names the matrix leg it belongs to, and has no name key without one', () => {
    const verdict = evaluateGate(SEED_CHECKS, {});
    expect(buildResult(verdict, { ...SEED_RUN, name: 'linux' }).name).toBe('linux');
    expect(buildResult(verdict, SEED_RUN)).not.toHaveProperty('name');
  });

  it('survives a JSON round trip unchanged: nothing undefined or infinite', () => {
    const verdict = evaluateGate(
      [{ ...SEED_CHECKS[1], thresholds: { maxWarnings: Infinity } }],
      { maxErrors: Infinity },
      { changedLines: parseUnifiedDiff('+++ b/src/main.rs\n@@ -0,0 +9 @@\n+x\n') },
    );
    const result = buildResult(verdict, { baseRef: 'main', mergeBase: 'a'.repeat(40) });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(result.limits.maxErrors).toBeNull();
    expect(result.checks[0].limits.maxWarnings).toBeNull();
    expect(result.newOnly).toEqual({
      setAside: 1,
      withoutLocation: 0,
      filesChanged: 1,
      baseRef: 'main',
      mergeBase: 'a'.repeat(40),
    });
    expect(result.run).toEqual({});
  });

  it('reads back as a baseline with the counts it recorded, whatever the checks were', () => {
    const severity = fc.constantFrom<Severity>('error', 'warning', 'notice');
    const checks = fc.uniqueArray(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 12 }),
        findings: fc.array(severity, { maxLength: 6 }),
        failed: fc.nat(5),
        high: fc.nat(3),
      }),
      { selector: (c) => c.name, minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(checks, (generated) => {
        const verdict = evaluateGate(
          generated.map((c): CheckRun => ({
            name: c.name,
            format: 'junit',
            origin: 'report',
            thresholds: {},
            report: {
              findings: c.findings.map((s) => ({ source: 't', severity: s, message: 'm' })),
              tests: {
                totals: { total: 9, passed: 9 - c.failed, failed: c.failed, skipped: 0, flaky: 0 },
                notable: [],
                slowest: [],
              },
              audit: {
                counts: { info: 0, low: 0, moderate: 0, high: c.high, critical: 0 },
                vulnerabilities: [],
              },
            },
          })),
          {},
        );
        const baseline = parseBaseline(JSON.stringify(buildResult(verdict)), 'result.json');
        expect([...baseline.checks.keys()]).toEqual(verdict.checks.map((c) => c.name));
        for (const check of verdict.checks) {
          const { errors, warnings, testFailures, vulnerabilities } = check.counts;
          expect(baseline.checks.get(check.name)).toEqual({
            errors,
            warnings,
            testFailures,
            vulnerabilities,
          });
        }
      }),
    );
  });
});

describe('outputsFrom', () => {
  it.each([
    {
      name: 'the seed pipeline failing on clippy warnings',
      checks: SEED_CHECKS,
      expected: {
        passed: 'false',
        errors: '0',
        warnings: '2',
        notices: '0',
        tests: '10',
        'test-failures': '0',
        'tests-skipped': '1',
        vulnerabilities: '1',
      },
    },
    {
      name: 'a passing gate of one formatter',
      checks: [SEED_CHECKS[0]],
      expected: {
        passed: 'true',
        errors: '0',
        warnings: '0',
        notices: '0',
        tests: '0',
        'test-failures': '0',
        'tests-skipped': '0',
        vulnerabilities: '0',
      },
    },
  ])('$name', ({ checks, expected }) => {
    expect(outputsFrom(evaluateGate(checks, {}))).toEqual(expected);
  });
});

import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecretsForTesting, registerSecret } from '../../src/core/secrets.js';
import { keySlug } from '../../src/core/step-name.js';
import { evaluateGate, type CheckRun } from '../../src/quality-gate/gate.js';
import type { ReportFormat } from '../../src/quality-gate/model.js';
import {
  SARIF_LIMITS,
  buildSarif,
  categoryOf,
  runCategory,
  type CheckFinding,
  type SarifCheck,
  type SarifResult,
} from '../../src/quality-gate/sarif-log.js';

function check(name: string, overrides: Partial<SarifCheck> = {}): SarifCheck {
  return { name, format: 'eslint', evaluated: true, measures: { findings: true }, ...overrides };
}

function finding(overrides: Partial<CheckFinding> = {}): CheckFinding {
  return {
    check: 'lint',
    source: 'eslint',
    rule: 'no-unused-vars',
    severity: 'warning',
    message: 'x is defined but never used',
    file: 'src/a.ts',
    line: 3,
    ...overrides,
  };
}

/** A check as the orchestrator hands it to the gate: ran, exited 0, found nothing. */
function gateRun(name: string, format: ReportFormat): CheckRun {
  return { name, format, origin: 'run', exitCode: 0, report: { findings: [] }, thresholds: {} };
}

/** The log of one eslint check named lint, for the tests about single results. */
function lintLog(findings: CheckFinding[], limits = SARIF_LIMITS) {
  return buildSarif([check('lint')], findings, undefined, limits);
}

function region(result: SarifResult | undefined) {
  return result?.locations[0]?.physicalLocation.region;
}

describe('buildSarif', () => {
  afterEach(() => forgetSecretsForTesting());

  it('makes one run per check, each with its rules, results and its own category', () => {
    const built = buildSarif(
      [check('lint'), check('rust', { format: 'clippy' })],
      [
        finding({
          ruleUrl: 'https://eslint.org/docs/latest/rules/no-unused-vars',
          column: 7,
          endColumn: 8,
        }),
        finding({
          severity: 'error',
          rule: 'eqeqeq',
          message: 'Expected ===',
          line: 9,
          endLine: 10,
        }),
        finding({
          check: 'rust',
          source: 'clippy',
          rule: 'clippy::needless_return',
          severity: 'notice',
          file: 'src/main.rs',
        }),
        // rustc's own lints come in the same clippy report: still the clippy check's run.
        finding({
          check: 'rust',
          source: 'rustc',
          rule: 'unused_imports',
          severity: 'notice',
          file: 'src/lib.rs',
        }),
      ],
      'backend',
    );

    expect(built.log.version).toBe('2.1.0');
    expect(built.log.runs.map((run) => run.tool.driver.name)).toEqual(['eslint', 'clippy']);
    expect(built.log.runs.map((run) => run.automationDetails.id)).toEqual([
      'quality-gate/backend/lint/',
      'quality-gate/backend/rust/',
    ]);
    const [eslint, clippy] = built.log.runs;
    expect(eslint!.tool.driver.rules).toEqual([
      { id: 'eqeqeq', shortDescription: { text: 'eqeqeq' } },
      {
        id: 'no-unused-vars',
        shortDescription: { text: 'no-unused-vars' },
        helpUri: 'https://eslint.org/docs/latest/rules/no-unused-vars',
      },
    ]);
    // Errors first: GitHub keeps the most severe results of a run when it trims.
    expect(eslint!.results[0]).toEqual({
      ruleId: 'eqeqeq',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'Expected ===' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'src/a.ts', uriBaseId: '%SRCROOT%' },
            region: { startLine: 9, endLine: 10 },
          },
        },
      ],
    });
    expect(eslint!.results[1]).toMatchObject({
      ruleId: 'no-unused-vars',
      ruleIndex: 1,
      level: 'warning',
    });
    expect(region(eslint!.results[1])).toEqual({ startLine: 3, startColumn: 7, endColumn: 8 });
    expect(clippy!.results.map((result) => [result.ruleId, result.level])).toEqual([
      ['clippy::needless_return', 'note'],
      ['unused_imports', 'note'],
    ]);
    expect(built.results).toBe(4);
    expect(built.notes).toEqual([]);
    expect(JSON.parse(gunzipSync(built.gzipped).toString('utf8'))).toEqual(built.log);
  });

  it('files runs under quality-gate/<check>/ when the step has no name', () => {
    expect(lintLog([finding()]).log.runs[0]!.automationDetails.id).toBe('quality-gate/lint/');
  });

  it('gives a check that found nothing an empty run in the same category, under the same tool', () => {
    // Code scanning closes an alert when the next analysis of its tool and category lacks it.
    const checks = [check('lint', { format: 'checkstyle' }), check('types', { format: 'sarif' })];
    const before = buildSarif(checks, [finding({ source: 'eslint' })], 'linux');
    const after = buildSarif(checks, [], 'linux');

    const identity = (built: typeof before) =>
      built.log.runs.map((run) => [run.tool.driver.name, run.automationDetails.id]);
    expect(identity(after)).toEqual(identity(before));
    expect(identity(after)).toEqual([
      ['checkstyle', 'quality-gate/linux/lint/'],
      ['sarif', 'quality-gate/linux/types/'],
    ]);
    expect(after.log.runs.map((run) => run.results)).toEqual([[], []]);
    expect(after.log.runs.map((run) => run.tool.driver.rules)).toEqual([[], []]);
    expect(after.results).toBe(0);
  });

  it('gives no run to a check that could not be evaluated, and says its alerts stay', () => {
    const built = buildSarif(
      [
        check('lint'),
        check('clippy', { format: 'clippy', evaluated: false }),
        check('fmt', { format: 'rustfmt', evaluated: false }),
      ],
      [finding()],
      undefined,
    );
    expect(built.log.runs.map((run) => run.automationDetails.id)).toEqual(['quality-gate/lint/']);
    expect(built.notes).toEqual([
      '2 checks (clippy, fmt) could not be evaluated and have no run in the SARIF, so their code scanning alerts stay as they were.',
    ]);
  });

  it('gives no run to a check whose tool exited non-zero with an empty report', () => {
    // As the gate judges them: clippy crashed before checking anything (exit 101, no findings),
    // so an empty run would close all its alerts; fmt timed out.
    const runs: CheckRun[] = [
      { ...gateRun('lint', 'eslint'), exitCode: 1, report: { findings: [finding()] } },
      { ...gateRun('clippy', 'clippy'), exitCode: 101 },
      { ...gateRun('fmt', 'rustfmt'), problem: 'timed out after 20m' },
    ];
    const verdict = evaluateGate(runs, {});

    const built = buildSarif(verdict.checks, [finding()], undefined);

    expect(built.log.runs.map((run) => run.automationDetails.id)).toEqual(['quality-gate/lint/']);
    expect(built.notes).toEqual([
      '2 checks (clippy, fmt) could not be evaluated and have no run in the SARIF, so their code scanning alerts stay as they were.',
    ]);
  });

  it('gives no run to test and audit checks, which measure no findings', () => {
    const built = buildSarif(
      [
        check('tests', { format: 'junit', measures: { findings: false } }),
        check('audit', { format: 'npm-audit', measures: { findings: false } }),
        check('build', {
          format: 'exit-code',
          measures: { findings: false },
          evaluated: false,
        }),
      ],
      [],
      undefined,
    );
    expect(built.log.runs).toEqual([]);
    expect(built.notes).toEqual([]);
  });

  it('leaves out findings code scanning could not place, and says how many', () => {
    const built = lintLog([
      finding(),
      finding({ file: undefined, line: undefined, message: 'eslint crashed' }),
      finding({ file: '../elsewhere/b.ts' }),
      finding({ file: '/home/runner/.cargo/registry/src/lib.rs' }),
    ]);
    expect(built.results).toBe(1);
    expect(built.notes).toEqual([
      '3 findings without a file in the repository are not in the SARIF: code scanning needs a location for every result.',
    ]);
  });

  it('keeps the run of a check whose findings all lack a location, empty', () => {
    const built = lintLog([finding({ file: undefined })]);
    expect(built.log.runs.map((run) => run.results)).toEqual([[]]);
  });

  it.each([
    {
      name: 'a whole-file finding points at line 1',
      given: { line: undefined, column: undefined },
      region: { startLine: 1 },
    },
    {
      name: 'an end line before the start is dropped',
      given: { line: 5, endLine: 4 },
      region: { startLine: 5 },
    },
    {
      name: 'an end column before the start column on one line is dropped',
      given: { line: 5, column: 9, endColumn: 3 },
      region: { startLine: 5, startColumn: 9 },
    },
    {
      name: 'an end column on a later line is kept whatever its value',
      given: { line: 5, endLine: 6, column: 9, endColumn: 3 },
      region: { startLine: 5, endLine: 6, startColumn: 9, endColumn: 3 },
    },
  ])('$name', ({ given, region: expected }) => {
    const built = lintLog([finding(given)]);
    expect(region(built.log.runs[0]!.results[0])).toEqual(expected);
  });

  it('writes paths as URI references and tools without rule ids under the tool name', () => {
    const built = buildSarif(
      [check('fmt', { format: 'rustfmt' })],
      [
        finding({
          check: 'fmt',
          source: 'rustfmt',
          rule: undefined,
          file: 'docs/my notes#1.rs',
          message: '',
        }),
      ],
      undefined,
    );
    const [result] = built.log.runs[0]!.results;
    expect(result!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      'docs/my%20notes%231.rs',
    );
    expect(result!.ruleId).toBe('rustfmt');
    expect(result!.message.text).toBe('rustfmt');
  });

  it('masks registered secrets in messages', () => {
    registerSecret('ghp_leakedTokenValue123');
    const built = lintLog([finding({ message: 'token ghp_leakedTokenValue123 in source' })]);
    expect(built.log.runs[0]!.results[0]!.message.text).toBe('token *** in source');
  });

  it('keeps the most severe results of a check within the per-run limit', () => {
    const findings = [
      finding({ severity: 'notice', line: 1 }),
      finding({ severity: 'warning', line: 2 }),
      finding({ severity: 'error', line: 3 }),
    ];
    const built = lintLog(findings, { ...SARIF_LIMITS, resultsPerRun: 2 });
    expect(built.log.runs[0]!.results.map((result) => result.level)).toEqual(['error', 'warning']);
    expect(built.notes).toEqual([
      '1 finding of lint is not in the SARIF: code scanning keeps the 2 most severe results of a check.',
    ]);
  });

  it('keeps the checks with the most errors within the run limit', () => {
    const built = buildSarif(
      [check('shell'), check('rust'), check('lint'), check('clean')],
      [
        finding({ check: 'shell', source: 'shellcheck', severity: 'notice' }),
        finding({ check: 'rust', source: 'clippy', severity: 'error' }),
        finding({ check: 'lint', severity: 'warning' }),
        finding({ check: 'lint', severity: 'warning' }),
      ],
      undefined,
      { ...SARIF_LIMITS, runs: 2 },
    );
    expect(built.log.runs.map((run) => run.automationDetails.id)).toEqual([
      'quality-gate/rust/',
      'quality-gate/lint/',
    ]);
    expect(built.notes).toEqual([
      '2 checks (shell, clean) with 1 finding are not in the SARIF: code scanning takes at most 2 runs per upload.',
    ]);
  });

  it('cuts the least severe results until the gzipped log fits', () => {
    // Distinct messages, so gzip cannot shrink them to nothing.
    const findings = Array.from({ length: 400 }, (_, index) =>
      finding({
        severity: index % 4 === 0 ? 'error' : 'warning',
        line: index + 1,
        message: `problem ${index} ${Math.sin(index).toString(36)} ${Math.cos(index).toString(36)}`,
      }),
    );
    const full = lintLog(findings);
    const limit = Math.floor(full.gzipped.length / 2);

    const built = lintLog(findings, { ...SARIF_LIMITS, gzippedBytes: limit });

    expect(built.gzipped.length).toBeLessThanOrEqual(limit);
    expect(built.results).toBeLessThan(400);
    expect(built.results).toBeGreaterThan(100);
    const levels = built.log.runs[0]!.results.map((result) => result.level);
    expect(levels.filter((level) => level === 'error')).toHaveLength(100);
    expect(built.notes).toEqual([
      `${400 - built.results} findings of the least severe are not in the SARIF: code scanning takes at most ${limit / 1024 / 1024} MB gzipped.`,
    ]);
  });
});

describe('runCategory', () => {
  // Literal categories: a category that changed between runs would leave the old alerts open.
  it.each([
    { name: 'linux', check: 'lint', category: 'quality-gate/linux/lint/' },
    { name: undefined, check: 'cargo.fmt_v2', category: 'quality-gate/cargo.fmt_v2/' },
    // A reports entry's default name: slugged, with a hash of the name.
    {
      name: 'linux',
      check: 'checkstyle: lint.xml',
      category: 'quality-gate/linux/checkstyle-lint.xml-474fdd9c/',
    },
    { name: undefined, check: '../../etc', category: 'quality-gate/etc-74ccf3c5/' },
    { name: undefined, check: '✓ ✓', category: 'quality-gate/d01f146a/' },
    // Trailing characters that are not safe become a dash before the hash, as in comment keys.
    { name: undefined, check: 'lint (strict)', category: 'quality-gate/lint-strict--d0b880eb/' },
  ])('files $check of $name under $category', ({ name, check: checkName, category }) => {
    expect(runCategory(name, checkName)).toBe(category);
  });

  it('slugs check names as the sticky comment key slugs step names', () => {
    // One rule for both, so a name's key and its category never drift apart.
    for (const checkName of ['lint', 'checkstyle: lint.xml', 'lint ', 'a b!', '✓']) {
      expect(runCategory('linux', checkName)).toBe(`${categoryOf('linux')}${keySlug(checkName)}/`);
    }
  });

  it('gives two checks whose names slug alike two categories', () => {
    const alike = ['a-b', 'a b', 'a/b', 'a  b'].map((name) => runCategory(undefined, name));
    expect(new Set(alike).size).toBe(4);
  });
});

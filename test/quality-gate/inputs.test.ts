import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readSettings } from '../../src/quality-gate/inputs.js';

const WORKSPACE = '/home/runner/work/service/service';

function withInputs(inputs: Record<string, string>) {
  for (const [name, value] of Object.entries(inputs))
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  return readSettings({ GITHUB_WORKSPACE: WORKSPACE, OUT: '/tmp/out' });
}

afterEach(() => vi.unstubAllEnvs());

describe('quality-gate inputs', () => {
  it('reads checks, reports and thresholds into one settings object', async () => {
    const settings = await withInputs({
      checks: [
        '- name: clippy',
        '  run: cargo clippy --message-format=json -- -D warnings',
        '  format: clippy',
        '  max-warnings: 3',
        '- name: tests',
        '  run: pytest --junitxml=$OUT/junit.xml "tests/unit tests"',
        '  format: junit',
        '  report: out/junit.xml',
        '  timeout: 90s',
        '  working-directory: services/api',
        '- name: pipeline',
        '  run: make lint | tee lint.log',
        '  shell: bash',
      ].join('\n'),
      reports: 'junit: target/nextest/**/junit.xml\n# comment\nsarif: codeql.sarif',
      'max-warnings': '10',
      'fail-on-audit': 'Moderate',
    });

    expect(settings.checks).toEqual([
      expect.objectContaining({
        name: 'clippy',
        format: 'clippy',
        command: {
          kind: 'exec',
          program: 'cargo',
          args: ['clippy', '--message-format=json', '--', '-D', 'warnings'],
        },
        timeoutMs: 20 * 60_000,
        workingDirectory: WORKSPACE,
        thresholds: {
          maxErrors: undefined,
          maxWarnings: 3,
          maxTestFailures: undefined,
          failOnAudit: undefined,
          failOnEmpty: undefined,
        },
      }),
      expect.objectContaining({
        name: 'tests',
        command: {
          kind: 'exec',
          program: 'pytest',
          args: ['--junitxml=/tmp/out/junit.xml', 'tests/unit tests'],
        },
        report: 'out/junit.xml',
        timeoutMs: 90_000,
        workingDirectory: `${WORKSPACE}/services/api`,
      }),
      expect.objectContaining({
        name: 'pipeline',
        format: 'exit-code',
        command: { kind: 'bash', script: 'make lint | tee lint.log' },
      }),
    ]);
    expect(settings.reports).toEqual([
      {
        name: 'junit: target/nextest/**/junit.xml',
        format: 'junit',
        glob: 'target/nextest/**/junit.xml',
        thresholds: {},
      },
      { name: 'sarif: codeql.sarif', format: 'sarif', glob: 'codeql.sarif', thresholds: {} },
    ]);
    expect(settings.thresholds).toEqual({
      maxErrors: 0,
      maxWarnings: 10,
      maxTestFailures: 0,
      failOnAudit: 'moderate',
      failOnEmpty: true,
    });
  });

  it('reads a quoted number in an entry as the number', async () => {
    const settings = await withInputs({
      reports: "- format: junit\n  report: a.xml\n  max-test-failures: '2'",
    });
    expect(settings.reports[0]?.thresholds.maxTestFailures).toBe(2);
  });

  it('reads reports entries with their own directory, name and thresholds', async () => {
    const settings = await withInputs({
      reports: [
        '# the Rust and Python halves of the repository',
        '- name: rust lint',
        '  format: clippy',
        '  report: clippy.json',
        '  working-directory: rust',
        '  max-warnings: 5',
        '- format: junit',
        '  report: out/*.xml',
        '  working-directory: py',
        '  fail-on-empty: false',
      ].join('\n'),
      'fail-on-empty': 'true',
    });
    expect(settings.reports).toEqual([
      {
        name: 'rust lint',
        format: 'clippy',
        glob: 'clippy.json',
        directory: `${WORKSPACE}/rust`,
        thresholds: expect.objectContaining({ maxWarnings: 5, failOnEmpty: undefined }),
      },
      {
        name: 'junit: py/out/*.xml',
        format: 'junit',
        glob: 'out/*.xml',
        directory: `${WORKSPACE}/py`,
        thresholds: expect.objectContaining({ failOnEmpty: false }),
      },
    ]);
  });

  it('has no warning limit unless max-warnings is set', async () => {
    const settings = await withInputs({ reports: 'eslint: eslint.json' });
    expect(settings.thresholds.maxWarnings).toBeUndefined();
  });

  it.each<{ inputs: Record<string, string>; message: string }>([
    { inputs: {}, message: "Input 'checks' and reports are both empty" },
    { inputs: { checks: '- name: a\n  run: [oops' }, message: "Input 'checks' is not valid YAML" },
    { inputs: { checks: 'name: a' }, message: "Input 'checks' must be a YAML list of checks" },
    { inputs: { checks: '- run: make' }, message: "Input 'checks' item 1: needs 'name'." },
    { inputs: { checks: '- name: a' }, message: "Input 'checks' item 1: needs 'run'." },
    {
      inputs: { checks: '- name: a\n  run: x\n  format: xml' },
      message: "item 1: format 'xml' is not one of junit, sarif",
    },
    {
      inputs: { checks: '- name: a\n  run: x\n  command: y' },
      message: 'item 1: has unknown key(s) command; known keys are name, run',
    },
    {
      inputs: { checks: '- name: a\n  run: make | tee x' },
      message:
        "item 1: run 'make | tee x' uses the shell operator '|'. Checks run without a shell; add 'shell: bash'",
    },
    {
      inputs: { checks: '- name: a\n  run: x\n  shell: sh' },
      message: "shell 'sh' is not supported",
    },
    {
      inputs: { checks: '- name: a\n  run: x\n  timeout: 10' },
      message: "item 1: timeout '10' is not a duration",
    },
    {
      inputs: { checks: '- name: a\n  run: x\n  max-errors: -1' },
      message: "item 1: 'max-errors' must be a whole number of 0 or more, got -1.",
    },
    {
      inputs: { checks: '- name: a\n  run: x\n  fail-on-audit: severe' },
      message: "fail-on-audit 'severe' is not one of none, info",
    },
    {
      inputs: { checks: '- name: a\n  run: x\n  working-directory: ../../etc' },
      message: "working-directory '../../etc' is outside the workspace",
    },
    {
      inputs: { checks: '- name: a\n  run: x\n- name: a\n  run: y' },
      message: "has two entries named 'a'; names must be unique",
    },
    {
      inputs: {
        checks: '- name: a\n  run: x',
        reports: '- name: a\n  format: junit\n  report: j.xml',
      },
      message:
        "Input 'reports' has two entries named 'a'; names must be unique across checks and reports",
    },
    {
      inputs: { reports: 'format: junit\nreport: a.xml' },
      message:
        "Input 'reports' has 'format: junit', which looks like a key of an entry; write entries as a YAML list, each starting with '- '.",
    },
    {
      inputs: { reports: 'junit: j.xml\n- format: junit\n  report: k.xml' },
      message:
        "Input 'reports' mixes the two forms: 'junit: j.xml' is a '<format>: <path>' line among list entries",
    },
    {
      inputs: { reports: '- format: junit\n  report: a.xml\n  max-test-failures: three' },
      message: 'item 1: \'max-test-failures\' must be a whole number of 0 or more, got "three".',
    },
    {
      inputs: { reports: '- format: junit' },
      message: "Input 'reports' item 1: needs 'report'.",
    },
    {
      inputs: { reports: '- report: a.xml' },
      message: "Input 'reports' item 1: needs 'format'.",
    },
    {
      inputs: { reports: '- format: junit\n  report: a.xml\n  run: pytest' },
      message:
        "Input 'reports' item 1: has unknown key(s) run; known keys are name, format, report",
    },
    {
      inputs: { reports: '- format: exit-code\n  report: a' },
      message: "item 1: format 'exit-code' needs a command",
    },
    {
      inputs: { reports: '- format: junit\n  report: a.xml\n  fail-on-empty: maybe' },
      message: 'item 1: \'fail-on-empty\' must be true or false, got "maybe".',
    },
    {
      inputs: { reports: '- format: junit\n  report: a.xml\n  working-directory: /etc' },
      message: "working-directory '/etc' is outside the workspace",
    },
    {
      inputs: { reports: 'target/junit.xml' },
      message: "Input 'reports' has 'target/junit.xml', which is not '<format>: <path or glob>'.",
    },
    { inputs: { reports: 'xml: a.xml' }, message: "Input 'reports' has unknown format 'xml'" },
    {
      inputs: { reports: 'exit-code: a' },
      message: "Input 'reports' has unknown format 'exit-code'",
    },
    {
      inputs: { reports: 'junit: a.xml', 'max-errors': 'none' },
      message: "Input 'max-errors' must be a whole number",
    },
    {
      inputs: { reports: 'junit: a.xml', 'fail-on-audit': 'severe' },
      message: "Input 'fail-on-audit' must be one of none, info, low, moderate, high, critical",
    },
    {
      inputs: { reports: 'junit: a.xml', 'new-only': 'yes' },
      message: "Input 'new-only' must be true or false",
    },
  ])('refuses $inputs', async ({ inputs, message }) => {
    let error: unknown;
    try {
      await withInputs(inputs);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(message);
    expect((error as InputError).hint).toMatch(/^For example: /);
  });
});

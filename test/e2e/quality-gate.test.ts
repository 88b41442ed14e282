import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { describeWithTool, rustToolchainEnv } from '../support/tools.js';
import {
  FIXTURES,
  QUALITY_GATE,
  checkstyle,
  junit,
  makeWorkspace,
} from './quality-gate-support.js';

/** The step's failure message (runMain's one error), not the findings annotated as errors. */
function errorsOf(step: { annotations: Array<{ level: string; message: string }> }) {
  return step.annotations
    .filter((a) => a.level === 'error' && a.message.startsWith('quality-gate failed: '))
    .map((a) => a.message);
}

describe('quality-gate bundle: verdicts', () => {
  it('passes, sets every output and writes a summary that leads with the verdict', async () => {
    const workspace = await makeWorkspace({
      'reports/junit.xml': junit([
        { name: 'adds' },
        { name: 'subtracts' },
        { name: 'later', skipped: true },
      ]),
      'reports/lint/checkstyle.xml': checkstyle([
        { file: 'src/a.ts', line: 3, severity: 'warning' },
      ]),
    });
    const run = await runAction(QUALITY_GATE, {
      workspace,
      inputs: {
        checks: '- name: git works\n  run: git --version',
        reports: 'junit: reports/*.xml\ncheckstyle: reports/lint/checkstyle.xml',
      },
    });

    expect(run.main.stderr).toBe('');
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs).toMatchObject({
      passed: 'true',
      errors: '0',
      warnings: '1',
      tests: '3',
      'test-failures': '0',
      'tests-skipped': '1',
      vulnerabilities: '0',
    });
    const result = JSON.parse(run.main.outputs.result);
    expect(result).toMatchObject({ schema: 'slipway.quality-gate/v1', passed: true });
    expect(result.checks.map((check: { name: string }) => check.name)).toEqual([
      'git works',
      'junit: reports/*.xml',
      'checkstyle: reports/lint/checkstyle.xml',
    ]);
    expect(run.main.summary).toMatch(
      /^<h3>✅ Quality gate passed: 3 checks, 0 errors, 1 warning, 2 tests passed, 1 skipped<\/h3>/,
    );
    expect(run.main.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', file: 'src/a.ts', line: 3 }),
    );
  });

  it.each<{
    name: string;
    files: Record<string, string>;
    inputs: Record<string, string>;
    outputs: Record<string, string>;
    reason: string;
  }>([
    {
      name: 'a failing test',
      files: {
        'junit.xml': junit([{ name: 'adds' }, { name: 'rounds', failure: 'expected 3 got 4' }]),
      },
      inputs: { reports: 'junit: junit.xml' },
      outputs: { passed: 'false', tests: '2', 'test-failures': '1' },
      reason: 'junit: junit.xml: 1 test failure > max-test-failures 0',
    },
    {
      name: 'a high vulnerability',
      files: { 'audit.json': readFileSync(join(FIXTURES, 'npm-audit/vulnerable.json'), 'utf8') },
      inputs: { reports: 'npm-audit: audit.json' },
      outputs: { passed: 'false' },
      reason: 'fail-on-audit: high',
    },
    {
      name: 'an error under the default max-errors 0',
      files: { 'lint.xml': checkstyle([{ file: 'a.sh', line: 1, severity: 'error' }]) },
      inputs: { reports: 'checkstyle: lint.xml' },
      outputs: { passed: 'false', errors: '1' },
      reason: '1 error > max-errors 0',
    },
  ])('fails on $name, with outputs still set', async ({ files, inputs, outputs, reason }) => {
    const run = await runAction(QUALITY_GATE, { workspace: await makeWorkspace(files), inputs });

    expect(run.main.exitCode).toBe(1);
    expect(run.main.stderr).toBe('');
    expect(run.main.outputs).toMatchObject(outputs);
    const [error] = errorsOf(run.main);
    expect(error).toMatch(/^quality-gate failed: 1 of 1 checks failed: /);
    expect(error).toContain(reason);
    expect(run.main.summary).toMatch(/^<h3>❌ Quality gate failed: 1 of 1 check failed/);
  });

  it('lets one check loosen a threshold the others keep', async () => {
    const lint = checkstyle([{ file: 'a.sh', line: 1, severity: 'error' }]);
    const workspace = await makeWorkspace({ 'legacy.xml': lint, 'new.xml': lint });
    const run = await runAction(QUALITY_GATE, {
      workspace,
      inputs: {
        checks:
          '- name: legacy\n  run: cat legacy.xml\n  format: checkstyle\n  max-errors: 5\n- name: new\n  run: cat new.xml\n  format: checkstyle',
      },
    });
    expect(run.main.exitCode).toBe(1);
    const result = JSON.parse(run.main.outputs.result);
    expect(
      result.checks.map((check: { name: string; passed: boolean }) => [check.name, check.passed]),
    ).toEqual([
      ['legacy', true],
      ['new', false],
    ]);
  });
});

describe('quality-gate bundle: bad input and hostile reports fail cleanly', () => {
  it.each<{ name: string; inputs: Record<string, string>; message: string }>([
    {
      name: 'unknown format',
      inputs: { checks: '- name: a\n  run: true\n  format: xml' },
      message: "Input 'checks' item 1: format 'xml' is not one of",
    },
    {
      name: 'malformed YAML',
      inputs: { checks: '- name: a\n  run: [true' },
      message: "Input 'checks' is not valid YAML",
    },
    {
      name: 'shell syntax',
      inputs: { checks: '- name: a\n  run: make | tee log' },
      message: "add 'shell: bash'",
    },
    { name: 'nothing to do', inputs: {}, message: "Input 'checks' and reports are both empty" },
  ])('$name is an input error naming the input', async ({ inputs, message }) => {
    const run = await runAction(QUALITY_GATE, { inputs });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.stderr).toBe('');
    const [error] = errorsOf(run.main);
    expect(error).toContain(message);
    expect(error).toContain('For example: checks:');
    // A later `if: steps.gate.outputs.passed == 'true'` must not read an early failure as a pass.
    expect(run.main.outputs.passed).toBe('false');
  });

  const billionLaughs = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">',
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
    '<testsuites><testsuite name="x"><testcase name="&lol3;"/></testsuite></testsuites>',
  ].join('\n');

  it.each<{
    name: string;
    files: Record<string, string>;
    inputs: Record<string, string>;
    problem: string;
  }>([
    {
      name: 'a report glob that matches nothing',
      files: {},
      inputs: { reports: 'junit: target/**/junit.xml' },
      problem: "report 'target/**/junit.xml' matched no files",
    },
    {
      name: 'entity expansion',
      files: { 'junit.xml': billionLaughs },
      inputs: { reports: 'junit: junit.xml' },
      problem: 'DTDs are not accepted',
    },
    {
      name: 'an external entity',
      files: {
        'junit.xml':
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuites>&xxe;</testsuites>',
      },
      inputs: { reports: 'junit: junit.xml' },
      problem: 'DTDs are not accepted',
    },
    {
      name: 'a truncated report',
      files: { 'junit.xml': junit([{ name: 'a' }]).slice(0, 80) },
      inputs: { reports: 'junit: junit.xml' },
      problem: 'is truncated or not well-formed',
    },
    {
      name: 'a command that hangs past its timeout',
      files: {},
      inputs: { checks: '- name: hangs\n  run: sleep 30\n  timeout: 1s' },
      problem: 'timed out after 1s and was stopped',
    },
    {
      name: 'a command that does not exist',
      files: {},
      inputs: { checks: '- name: missing\n  run: no-such-linter --check' },
      problem: "Could not run 'no-such-linter': it was not found on PATH.",
    },
  ])('$name fails that check with a clear message', async ({ files, inputs, problem }) => {
    const run = await runAction(QUALITY_GATE, {
      workspace: await makeWorkspace(files),
      inputs,
      timeoutMs: 30_000,
    });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.stderr).toBe('');
    expect(run.main.outputs.passed).toBe('false');
    expect(errorsOf(run.main)[0]).toContain(problem);
    expect(run.main.summary).toContain('could not be evaluated');
  });

  it('does not obey workflow commands printed by a check', async () => {
    const script =
      "console.log('::error::injected'); console.log('::add-mask::password'); console.error('::warning::also injected')";
    const run = await runAction(QUALITY_GATE, {
      inputs: { checks: `- name: noisy\n  run: node -e "${script}"` },
    });
    expect(run.main.exitCode).toBe(0);
    expect(run.main.annotations).toEqual([]);
    // Only the token the action was given is masked, never what the check printed.
    expect(run.main.masks).not.toContain('password');
    expect(run.main.stdout).toContain('::error::injected');
  });
});

describeWithTool(
  { program: 'cargo', debianPackage: 'cargo' },
  'quality-gate bundle: clippy',
  () => {
    it('fails on a clippy warning under max-warnings 0 and annotates it at its line', async () => {
      const workspace = await makeWorkspace({}, ['rust-demo']);
      const run = await runAction(QUALITY_GATE, {
        workspace,
        env: { ...rustToolchainEnv(), CARGO_TARGET_DIR: join(workspace, '.cargo-target') },
        inputs: {
          checks:
            '- name: clippy\n  run: cargo clippy --all-targets --message-format=json\n  format: clippy\n  working-directory: rust-demo',
          'max-warnings': '0',
        },
        timeoutMs: 180_000,
      });
      expect(run.main.exitCode).toBe(1);
      expect(Number(run.main.outputs.warnings)).toBeGreaterThan(0);
      expect(errorsOf(run.main)[0]).toMatch(/clippy: \d+ warnings? > max-warnings 0/);
      const warnings = run.main.annotations.filter((annotation) => annotation.level === 'warning');
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings[0].file).toMatch(/^rust-demo\/src\/.+\.rs$/);
      expect(warnings[0].line).toBeGreaterThan(0);
    }, 200_000);
  },
);

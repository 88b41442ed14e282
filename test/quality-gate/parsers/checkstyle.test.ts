import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../../src/quality-gate/model.js';
import { parseCheckstyle } from '../../../src/quality-gate/parsers/checkstyle.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/quality-gate/checkstyle');
const SHELL_DEMO = join(REPO, 'test/fixtures/quality-gate/projects/shell-demo');

function parseFixture(name: string, workspace: string) {
  const path = join(FIXTURES, name);
  return parseCheckstyle(fileSource(path), { workspace, origin: path });
}

function parseXml(xml: string) {
  return parseCheckstyle(textSource(xml, 'checkstyle.xml'), {
    workspace: '/repo',
    origin: 'checkstyle.xml',
  });
}

const CHECKS = 'com.puppycrawl.tools.checkstyle';

describe('parseCheckstyle on captured and documented reports', () => {
  it.each<[string, string, Finding[]]>([
    [
      'checkstyle-java.xml',
      '/home/runner/work/shop/shop',
      [
        {
          source: 'checkstyle',
          rule: `${CHECKS}.checks.javadoc.MissingJavadocMethodCheck`,
          severity: 'error',
          message: 'Missing a Javadoc comment.',
          file: 'src/main/java/com/example/Cart.java',
          line: 12,
          column: 5,
        },
        {
          source: 'checkstyle',
          rule: `${CHECKS}.checks.sizes.LineLengthCheck`,
          severity: 'warning',
          message: 'Line is longer than 100 characters (found 118).',
          file: 'src/main/java/com/example/Cart.java',
          line: 30,
        },
        {
          source: 'checkstyle',
          rule: `${CHECKS}.checks.coding.MagicNumberCheck`,
          severity: 'notice',
          message: "'42' is a magic number.",
          file: 'src/main/java/com/example/Cart.java',
          line: 41,
          column: 17,
        },
        {
          source: 'checkstyle',
          rule: `${CHECKS}.checks.whitespace.FileTabCharacterCheck`,
          severity: 'error',
          message: 'File contains tab characters (this is the first instance).',
          file: 'src/main/java/com/example/Cart.java',
          line: 50,
          column: 1,
        },
        {
          source: 'checkstyle',
          rule: `${CHECKS}.Checker`,
          severity: 'error',
          message: 'Unable to parse the suppressions file.',
          file: 'src/main/resources/checkstyle-suppressions.xml',
        },
      ],
    ],
    [
      'eslint.xml',
      '/home/runner/work/shop/shop',
      [
        {
          source: 'eslint',
          rule: 'no-unused-vars',
          severity: 'error',
          message: "'unused' is assigned a value but never used. (no-unused-vars)",
          file: 'web/app.js',
          line: 3,
          column: 7,
        },
        {
          source: 'eslint',
          rule: 'no-console',
          severity: 'warning',
          message: 'Unexpected console statement. (no-console)',
          file: 'web/app.js',
          line: 9,
          column: 1,
        },
        {
          source: 'checkstyle',
          severity: 'error',
          message: 'Parsing error: Unexpected token )',
          file: 'web/broken.js',
          line: 2,
          column: 12,
        },
        {
          source: 'checkstyle',
          severity: 'warning',
          message: 'File ignored because of a matching ignore pattern.',
          file: '/tmp/generated/bundle.js',
          line: 1,
          column: 1,
        },
      ],
    ],
  ])('%s', async (fixture, workspace, expected) => {
    const report = await parseFixture(fixture, workspace);
    expect(report.findings).toEqual(expected);
    expect(report.tests).toBeUndefined();
  });

  it('shellcheck.xml (captured from shellcheck -f checkstyle)', async () => {
    const report = await parseFixture('shellcheck.xml', SHELL_DEMO);
    expect(countBySeverity(report.findings)).toEqual({ error: 1, warning: 4, notice: 6 });
    expect(report.findings[2]).toEqual({
      source: 'shellcheck',
      rule: 'SC2164',
      severity: 'warning',
      message: "Use 'cd ... || exit' or 'cd ... || return' in case cd fails.",
      file: 'deploy.sh',
      line: 8,
      column: 1,
    });
  });
});

describe('parseCheckstyle maps each <error> attribute', () => {
  it.each<[string, Partial<Finding> | undefined]>([
    ['severity="error"', { severity: 'error' }],
    ['severity="warning"', { severity: 'warning' }],
    ['severity="info"', { severity: 'notice' }],
    ['severity="ignore"', undefined],
    ['', { severity: 'error' }],
    ['severity="style"', { severity: 'warning' }],
    ['source="ShellCheck.SC2086"', { source: 'shellcheck', rule: 'SC2086' }],
    ['source="eslint.rules.eqeqeq"', { source: 'eslint', rule: 'eqeqeq' }],
    ['source="hadolint.DL3008"', { source: 'checkstyle', rule: 'hadolint.DL3008' }],
    ['line="0" column="0"', { line: undefined, column: undefined }],
    ['line="7" column="-3"', { line: 7, column: undefined }],
    ['column="4"', { line: undefined, column: undefined }],
    ['line="x"', { line: undefined }],
    ['message="a &lt;b&gt; &amp; &#34;c&#34;"', { message: 'a <b> & "c"' }],
  ])('<error %s/>', async (attributes, expected) => {
    const report = await parseXml(
      `<checkstyle><file name="a.sh"><error ${withMessage(attributes)}/></file></checkstyle>`,
    );
    if (expected === undefined) {
      expect(report.findings).toEqual([]);
      return;
    }
    const [finding] = report.findings;
    const picked = Object.fromEntries(
      Object.keys(expected).map((key) => [key, finding?.[key as keyof Finding]]),
    );
    expect(picked).toEqual(expected);
  });

  it('cuts a huge message to its head', async () => {
    const report = await parseXml(
      `<checkstyle><file name="a"><error line="1" message="${'m'.repeat(50_000)}"/></file></checkstyle>`,
    );
    expect(report.findings[0]?.message).toMatch(/^m{4000} … \(truncated\)$/);
  });

  it('keeps <error> outside any <file> without a path', async () => {
    const report = await parseXml('<checkstyle><error line="3" message="orphan"/></checkstyle>');
    expect(report.findings).toEqual([
      { source: 'checkstyle', severity: 'error', message: 'orphan', line: 3 },
    ]);
  });
});

describeWithTool(
  { program: 'shellcheck', debianPackage: 'shellcheck' },
  'parseCheckstyle on shellcheck -f checkstyle',
  () => {
    let output: string;

    beforeAll(async () => {
      output = await mkdtemp(join(tmpdir(), 'slipway-shellcheck-'));
    });
    afterAll(async () => {
      await rm(output, { recursive: true, force: true });
    });

    it('finds what shellcheck -f gcc prints, finding by finding', async () => {
      const scripts = ['deploy.sh', 'cleanup.sh'].map((script) => join(SHELL_DEMO, script));
      const checkstyle = spawnSync('shellcheck', ['-f', 'checkstyle', ...scripts], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const gcc = spawnSync('shellcheck', ['-f', 'gcc', ...scripts], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const report = join(output, 'shellcheck.xml');
      await writeFile(report, checkstyle.stdout);

      // Absolute paths from the tool become repository-relative.
      const parsed = await parseCheckstyle(fileSource(report), { workspace: REPO, origin: report });
      const printed = gccFindings(gcc.stdout);
      expect(new Set(printed.map((finding) => finding.severity))).toEqual(
        new Set(['error', 'warning', 'notice']),
      );
      expect(countBySeverity(parsed.findings)).toEqual(countBySeverity(printed));
      expect(parsed.findings.map(({ message: _message, ...rest }) => rest)).toEqual(printed);
    });
  },
);

/** shellcheck -f gcc: "deploy.sh:8:1: warning: Use 'cd ... || exit' ... [SC2164]". */
function gccFindings(stdout: string): Omit<Finding, 'message'>[] {
  const severities: Record<string, Severity> = {
    error: 'error',
    warning: 'warning',
    note: 'notice',
  };
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const match = /^(.+):(\d+):(\d+): (\w+): .* \[(SC\d+)\]$/.exec(line);
      if (match === null) throw new Error(`unexpected shellcheck -f gcc line: ${line}`);
      const [, file, row, column, level, rule] = match;
      return {
        source: 'shellcheck',
        rule: rule!,
        severity: severities[level!]!,
        file: file!.slice(REPO.length),
        line: Number(row),
        column: Number(column),
      };
    });
}

function withMessage(attributes: string): string {
  return attributes.includes('message=') ? attributes : `message="m" ${attributes}`;
}

function countBySeverity(findings: Pick<Finding, 'severity'>[]): Partial<Record<Severity, number>> {
  const counts: Partial<Record<Severity, number>> = {};
  for (const { severity } of findings) counts[severity] = (counts[severity] ?? 0) + 1;
  return counts;
}

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportError, type Finding } from '../../../src/quality-gate/model.js';
import { parseClippy } from '../../../src/quality-gate/parsers/clippy.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/quality-gate/', import.meta.url));
const WORKSPACE = '/home/runner/work/app/app';

function parseText(text: string, workspace = WORKSPACE) {
  return parseClippy(textSource(text, 'stdout of clippy'), {
    workspace,
    origin: 'stdout of clippy',
  });
}

interface SpanInput {
  file: string;
  line: number;
  column?: number;
  primary?: boolean;
  expansion?: SpanInput;
}

function span(input: SpanInput): Record<string, unknown> {
  return {
    file_name: input.file,
    byte_start: 0,
    byte_end: 1,
    line_start: input.line,
    line_end: input.line,
    column_start: input.column ?? 1,
    column_end: (input.column ?? 1) + 4,
    is_primary: input.primary ?? true,
    text: [],
    label: null,
    suggested_replacement: null,
    suggestion_applicability: null,
    expansion: input.expansion
      ? { span: span(input.expansion), macro_decl_name: 'm!', def_site_span: null }
      : null,
  };
}

/** One line of cargo's JSON stream carrying a rustc diagnostic, shaped as cargo prints it. */
function compilerMessage(diagnostic: {
  level: string;
  message: string;
  code?: string | null;
  spans?: Record<string, unknown>[];
  children?: { level: string; message: string }[];
  target?: string;
}): string {
  return JSON.stringify({
    reason: 'compiler-message',
    package_id: 'path+file:///home/runner/work/app/app#demo@0.1.0',
    manifest_path: '/home/runner/work/app/app/Cargo.toml',
    target: {
      kind: [diagnostic.target ?? 'lib'],
      crate_types: ['lib'],
      name: 'demo',
      src_path: '/home/runner/work/app/app/src/lib.rs',
      edition: '2021',
      doc: true,
      doctest: true,
      test: true,
    },
    message: {
      $message_type: 'diagnostic',
      rendered: `${diagnostic.level}: ${diagnostic.message}\n`,
      children: (diagnostic.children ?? []).map((child) => ({
        children: [],
        code: null,
        level: child.level,
        message: child.message,
        rendered: null,
        spans: [],
      })),
      code: diagnostic.code ? { code: diagnostic.code, explanation: null } : null,
      level: diagnostic.level,
      message: diagnostic.message,
      spans: diagnostic.spans ?? [],
    },
  });
}

const FINISHED = JSON.stringify({ reason: 'build-finished', success: true });
const needlessReturn = compilerMessage({
  level: 'warning',
  message: 'unneeded `return` statement',
  code: 'clippy::needless_return',
  spans: [span({ file: 'src/lib.rs', line: 9, column: 5 })],
});

type Summary = Pick<
  Finding,
  'source' | 'rule' | 'ruleUrl' | 'severity' | 'message' | 'file' | 'line' | 'column'
>;

function summarise(findings: Finding[]): Summary[] {
  return findings.map(({ source, rule, ruleUrl, severity, message, file, line, column }) => ({
    source,
    ...(rule !== undefined && { rule }),
    ...(ruleUrl !== undefined && { ruleUrl }),
    severity,
    message,
    ...(file !== undefined && { file }),
    ...(line !== undefined && { line }),
    ...(column !== undefined && { column }),
  }));
}

describe('parseClippy on cargo JSON streams', () => {
  it.each<[string, string[], Summary[]]>([
    [
      'a clippy lint is a warning from "clippy" at its primary span',
      [needlessReturn, FINISHED],
      [
        {
          source: 'clippy',
          rule: 'clippy::needless_return',
          severity: 'warning',
          message: 'unneeded `return` statement',
          file: 'src/lib.rs',
          line: 9,
          column: 5,
        },
      ],
    ],
    [
      'the same diagnostic from the lib and the test target counts once',
      [needlessReturn, needlessReturn, needlessReturn, FINISHED],
      [
        {
          source: 'clippy',
          rule: 'clippy::needless_return',
          severity: 'warning',
          message: 'unneeded `return` statement',
          file: 'src/lib.rs',
          line: 9,
          column: 5,
        },
      ],
    ],
    [
      'a rustc lint under -D warnings is an error from "rustc"',
      [
        compilerMessage({
          level: 'error',
          message: 'unused variable: `x`',
          code: 'unused_variables',
          spans: [span({ file: 'src/main.rs', line: 3, column: 9 })],
        }),
        FINISHED,
      ],
      [
        {
          source: 'rustc',
          rule: 'unused_variables',
          severity: 'error',
          message: 'unused variable: `x`',
          file: 'src/main.rs',
          line: 3,
          column: 9,
        },
      ],
    ],
    [
      'summary diagnostics without code or span are skipped',
      [
        compilerMessage({ level: 'warning', message: '3 warnings emitted' }),
        compilerMessage({ level: 'error', message: 'aborting due to 1 previous error' }),
        FINISHED,
      ],
      [],
    ],
    [
      'a syntax error without a code still counts, at its span',
      [
        compilerMessage({
          level: 'error',
          message: 'expected `;`, found `}`',
          spans: [span({ file: 'src/lib.rs', line: 4, column: 14 })],
        }),
        FINISHED,
      ],
      [
        {
          source: 'rustc',
          severity: 'error',
          message: 'expected `;`, found `}`',
          file: 'src/lib.rs',
          line: 4,
          column: 14,
        },
      ],
    ],
    [
      'an internal compiler error is an error',
      [
        compilerMessage({
          level: 'error: internal compiler error',
          message: 'unexpected panic',
          code: 'E0000',
          spans: [span({ file: 'src/lib.rs', line: 1 })],
        }),
        FINISHED,
      ],
      [
        {
          source: 'rustc',
          rule: 'E0000',
          severity: 'error',
          message: 'unexpected panic',
          file: 'src/lib.rs',
          line: 1,
          column: 1,
        },
      ],
    ],
    [
      'note and help level diagnostics are notices',
      [
        compilerMessage({
          level: 'note',
          message: 'a note',
          code: 'clippy::pedantic_note',
          spans: [span({ file: 'src/a.rs', line: 2 })],
        }),
        compilerMessage({
          level: 'help',
          message: 'a help',
          code: 'clippy::pedantic_help',
          spans: [span({ file: 'src/a.rs', line: 3 })],
        }),
        FINISHED,
      ],
      [
        {
          source: 'clippy',
          rule: 'clippy::pedantic_note',
          severity: 'notice',
          message: 'a note',
          file: 'src/a.rs',
          line: 2,
          column: 1,
        },
        {
          source: 'clippy',
          rule: 'clippy::pedantic_help',
          severity: 'notice',
          message: 'a help',
          file: 'src/a.rs',
          line: 3,
          column: 1,
        },
      ],
    ],
    [
      'the primary span is used, not the first one',
      [
        compilerMessage({
          level: 'warning',
          message: 'borrowed twice',
          code: 'clippy::x',
          spans: [
            span({ file: 'src/a.rs', line: 1, primary: false }),
            span({ file: 'src/b.rs', line: 7, column: 2 }),
          ],
        }),
        FINISHED,
      ],
      [
        {
          source: 'clippy',
          rule: 'clippy::x',
          severity: 'warning',
          message: 'borrowed twice',
          file: 'src/b.rs',
          line: 7,
          column: 2,
        },
      ],
    ],
    [
      'a span inside a foreign macro is traced back to the call site in the workspace',
      [
        compilerMessage({
          level: 'warning',
          message: 'format in macro',
          code: 'clippy::print_literal',
          spans: [
            span({
              file: '/rustc/abc/library/std/src/macros.rs',
              line: 140,
              expansion: { file: 'src/main.rs', line: 12, column: 5 },
            }),
          ],
        }),
        FINISHED,
      ],
      [
        {
          source: 'clippy',
          rule: 'clippy::print_literal',
          severity: 'warning',
          message: 'format in macro',
          file: 'src/main.rs',
          line: 12,
          column: 5,
        },
      ],
    ],
    [
      'absolute paths inside the workspace become relative',
      [
        compilerMessage({
          level: 'warning',
          message: 'w',
          code: 'dead_code',
          spans: [span({ file: '/home/runner/work/app/app/crates/core/src/lib.rs', line: 5 })],
        }),
        FINISHED,
      ],
      [
        {
          source: 'rustc',
          rule: 'dead_code',
          severity: 'warning',
          message: 'w',
          file: 'crates/core/src/lib.rs',
          line: 5,
          column: 1,
        },
      ],
    ],
    [
      'text between the JSON lines and other reasons are ignored',
      [
        '   Compiling demo v0.1.0 (/home/runner/work/app/app)',
        '{not json',
        JSON.stringify({ reason: 'compiler-artifact', target: {} }),
        JSON.stringify({ reason: 'build-script-executed' }),
        needlessReturn,
        FINISHED,
      ],
      [
        {
          source: 'clippy',
          rule: 'clippy::needless_return',
          severity: 'warning',
          message: 'unneeded `return` statement',
          file: 'src/lib.rs',
          line: 9,
          column: 5,
        },
      ],
    ],
    [
      "a clippy lint links the page its 'for further information' help names",
      [
        compilerMessage({
          level: 'warning',
          message: 'length comparison to zero',
          code: 'clippy::len_zero',
          spans: [span({ file: 'src/lib.rs', line: 14, column: 5 })],
          children: [
            {
              level: 'help',
              message:
                'for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#len_zero',
            },
            { level: 'note', message: '`#[warn(clippy::len_zero)]` on by default' },
          ],
        }),
        FINISHED,
      ],
      [
        {
          source: 'clippy',
          rule: 'clippy::len_zero',
          ruleUrl: 'https://rust-lang.github.io/rust-clippy/master/index.html#len_zero',
          severity: 'warning',
          message: 'length comparison to zero',
          file: 'src/lib.rs',
          line: 14,
          column: 5,
        },
      ],
    ],
    [
      'a link that is not http(s) is dropped, and other notes are not links',
      [
        compilerMessage({
          level: 'warning',
          message: 'm',
          code: 'clippy::odd',
          spans: [span({ file: 'src/lib.rs', line: 1 })],
          children: [
            { level: 'help', message: 'for further information visit javascript:alert(1)' },
          ],
        }),
        compilerMessage({
          level: 'warning',
          message: 'n',
          code: 'unused_doc_comments',
          spans: [span({ file: 'src/lib.rs', line: 2 })],
          children: [
            {
              level: 'note',
              message:
                'for more information, see issue #57571 <https://github.com/rust-lang/rust/issues/57571>',
            },
          ],
        }),
        FINISHED,
      ],
      [
        {
          source: 'clippy',
          rule: 'clippy::odd',
          severity: 'warning',
          message: 'm',
          file: 'src/lib.rs',
          line: 1,
          column: 1,
        },
        {
          source: 'rustc',
          rule: 'unused_doc_comments',
          severity: 'warning',
          message: 'n',
          file: 'src/lib.rs',
          line: 2,
          column: 1,
        },
      ],
    ],
    [
      'a clean build has no findings',
      [JSON.stringify({ reason: 'compiler-artifact' }), FINISHED],
      [],
    ],
  ])('%s', async (_case, lines, expected) => {
    const report = await parseText(lines.join('\n'));
    expect(summarise(report.findings)).toEqual(expected);
  });

  it('keeps the rendered diagnostic as details, capped in length', async () => {
    const huge = compilerMessage({
      level: 'warning',
      message: 'long',
      code: 'clippy::long',
      spans: [span({ file: 'src/a.rs', line: 1 })],
    }).replace('"rendered":"warning: long\\n"', `"rendered":"${'x'.repeat(100_000)}"`);
    const [finding] = (await parseText(`${huge}\n${FINISHED}`)).findings;
    expect(finding.details?.length).toBeLessThanOrEqual(4_000);
    expect(finding.details).toContain('truncated');
  });

  it.each([
    ['empty output, as when cargo failed before building', ''],
    ['human output instead of JSON', 'warning: unused variable: `x`\n --> src/main.rs:2:9\n'],
  ])('refuses %s', async (_case, text) => {
    await expect(parseText(text)).rejects.toThrow(ReportError);
    await expect(parseText(text)).rejects.toThrow(/--message-format=json/);
  });

  // Each row was accepted before shape checks: the malformed field was skipped or defaulted.
  const validSpan = { file_name: 'src/main.rs', line_start: 2, is_primary: true };
  it.each<[string, unknown, string]>([
    ['message not an object', 'oops', 'message must be an object'],
    ['spans not an array', { code: null, spans: 'src/main.rs' }, 'message.spans must be an array'],
    ['a span that is not an object', { spans: [7] }, 'message.spans[0] must be an object'],
    [
      'a line number that is a string',
      { spans: [{ ...validSpan, line_start: '2' }] },
      'message.spans[0].line_start must be a number',
    ],
    [
      'a file name that is not a string',
      { spans: [{ ...validSpan, file_name: ['src/main.rs'] }] },
      'message.spans[0].file_name must be a string',
    ],
    [
      'a code that is a string',
      { code: 'clippy::needless_return', spans: [validSpan] },
      'message.code must be an object',
    ],
    [
      'a level that is a number',
      { level: 2, spans: [validSpan] },
      'message.level must be a string',
    ],
    [
      'a message that is an array',
      { message: ['x'], spans: [validSpan] },
      'message.message must be a string',
    ],
  ])('refuses a malformed shape: %s', async (_case, message, problem) => {
    const text = [JSON.stringify({ reason: 'compiler-message', message }), FINISHED].join('\n');
    await expect(parseText(text)).rejects.toThrow(ReportError);
    await expect(parseText(text)).rejects.toThrow(`is not cargo JSON output: line 1: ${problem},`);
  });
});

describe('parseClippy on the captured rust-demo reports', () => {
  it.each([
    ['rust-demo-warnings.jsonl', 'warning'],
    ['rust-demo-deny-warnings.jsonl', 'error'],
  ] as const)(
    '%s: three distinct %ss (two clippy lints, one rustc lint)',
    async (file, severity) => {
      const path = join(FIXTURES, 'clippy', file);
      const report = await parseClippy(fileSource(path), {
        workspace: '/tmp/capture/rust-demo',
        origin: path,
      });
      expect(summarise(report.findings)).toEqual([
        {
          source: 'rustc',
          rule: 'dead_code',
          severity,
          message: 'function `perimeter` is never used',
          file: 'src/shapes.rs',
          line: 18,
          column: 9,
        },
        {
          source: 'clippy',
          rule: 'clippy::needless_return',
          ruleUrl: 'https://rust-lang.github.io/rust-clippy/rust-1.95.0/index.html#needless_return',
          severity,
          message: 'unneeded `return` statement',
          file: 'src/lib.rs',
          line: 9,
          column: 5,
        },
        {
          source: 'clippy',
          rule: 'clippy::len_zero',
          ruleUrl: 'https://rust-lang.github.io/rust-clippy/rust-1.95.0/index.html#len_zero',
          severity,
          message: 'length comparison to zero',
          file: 'src/lib.rs',
          line: 14,
          column: 5,
        },
      ]);
    },
  );
});

interface Printed {
  severity: string;
  message: string;
  location: string;
}

/**
 * The diagnostics cargo prints in its human output (it shows each distinct one once): a
 * "warning: <message>" or "error[E0001]: <message>" header followed by " --> file:line:col".
 */
function printedDiagnostics(stderr: string): Printed[] {
  const lines = stderr.split('\n');
  const printed: Printed[] = [];
  lines.forEach((line, index) => {
    const header = /^(warning|error)(?:\[[^\]]+\])?: (.*)$/.exec(line);
    const arrow = /^\s*--> (.+)$/.exec(lines[index + 1] ?? '');
    if (header && arrow)
      printed.push({ severity: header[1], message: header[2], location: arrow[1] });
  });
  return printed;
}

describeWithTool(
  { program: 'cargo-clippy', debianPackage: 'rust-clippy' },
  'real cargo clippy on the rust-demo crate',
  () => {
    let workspace: string;
    let targetDir: string;

    beforeAll(() => {
      workspace = mkdtempSync(join(tmpdir(), 'qg-clippy-'));
      targetDir = mkdtempSync(join(tmpdir(), 'qg-clippy-target-'));
      cpSync(join(FIXTURES, 'projects', 'rust-demo'), workspace, { recursive: true });
    });
    afterAll(() => {
      rmSync(workspace, { recursive: true, force: true });
      rmSync(targetDir, { recursive: true, force: true });
    });

    function cargoClippy(messageFormat: 'json' | 'human', lintArgs: string[]) {
      return spawnSync(
        'cargo',
        [
          'clippy',
          '--offline',
          '--all-targets',
          '--all-features',
          `--message-format=${messageFormat}`,
          ...lintArgs,
        ],
        {
          cwd: workspace,
          encoding: 'utf8',
          timeout: 300_000,
          env: { ...process.env, CARGO_TARGET_DIR: targetDir, CARGO_TERM_COLOR: 'never' },
        },
      );
    }

    it.each([
      ['plain', [], 'warning', 0],
      ['with -D warnings', ['--', '-D', 'warnings'], 'error', 101],
    ] as const)(
      '%s: our findings are the diagnostics clippy prints itself',
      async (_case, lintArgs, severity, status) => {
        const json = cargoClippy('json', [...lintArgs]);
        expect(json.status).toBe(status);
        const report = await parseText(json.stdout, workspace);

        const printed = printedDiagnostics(cargoClippy('human', [...lintArgs]).stderr);
        expect(printed.length).toBe(3);
        expect(
          report.findings
            .map((finding) => ({
              severity: finding.severity,
              message: finding.message,
              location: `${finding.file}:${finding.line}:${finding.column}`,
            }))
            .sort(byText),
        ).toEqual(printed.map((entry) => ({ ...entry, severity })).sort(byText));
      },
    );

    it('links each clippy lint to the page clippy itself prints for it', async () => {
      const report = await parseText(cargoClippy('json', []).stdout, workspace);
      const printed = [
        ...cargoClippy('human', []).stderr.matchAll(/= help: for further information visit (\S+)/g),
      ].map((match) => match[1]);
      expect(printed.length).toBeGreaterThan(0);
      const linked = report.findings.flatMap((finding) =>
        finding.ruleUrl === undefined ? [] : [finding.ruleUrl],
      );
      expect(new Set(linked)).toEqual(new Set(printed));
      // rustc's own lints (dead_code) carry no link in cargo's JSON.
      expect(
        report.findings.filter((finding) => finding.source === 'rustc').map((f) => f.ruleUrl),
      ).toEqual([undefined]);
    });

    it('counts what the "generated N warnings (M duplicates)" summaries add up to', async () => {
      const report = await parseText(cargoClippy('json', []).stdout, workspace);
      const human = cargoClippy('human', []).stderr;
      let distinct = 0;
      for (const match of human.matchAll(/generated (\d+) warnings?(?: \((\d+) duplicates?\))?/g)) {
        distinct += Number(match[1]) - Number(match[2] ?? 0);
      }
      expect(distinct).toBe(3);
      expect(report.findings.filter((finding) => finding.severity === 'warning')).toHaveLength(
        distinct,
      );
    });
  },
);

function byText(a: Printed, b: Printed): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

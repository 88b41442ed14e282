import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportError, type Finding } from '../../../src/quality-gate/model.js';
import { parseRustfmt } from '../../../src/quality-gate/parsers/rustfmt.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/quality-gate/', import.meta.url));
const WORKSPACE = '/home/runner/work/app/app';
const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const RESET = '\u001b(B\u001b[m';

function parseText(text: string, workspace = WORKSPACE) {
  return parseRustfmt(textSource(text, 'stdout of fmt'), { workspace, origin: 'stdout of fmt' });
}

type Summary = Pick<Finding, 'file' | 'line' | 'message'>;

function summarise(findings: Finding[]): Summary[] {
  return findings.map(({ file, line, message }) => ({
    file,
    ...(line !== undefined && { line }),
    message,
  }));
}

describe('parseRustfmt', () => {
  it.each<[string, string[], Summary[]]>([
    [
      'one hunk: annotated at the first changed line, after the leading context',
      [
        `Diff in ${WORKSPACE}/src/lib.rs:19:`,
        '     use super::*;',
        ' ',
        '     #[test]',
        '-    fn doubles()   {',
        '+    fn doubles() {',
        '         assert_eq!(double(2), 4);',
      ],
      [{ file: 'src/lib.rs', line: 22, message: 'File is not formatted: run cargo fmt (1 hunk)' }],
    ],
    [
      'two hunks in a file are one finding at the first of them',
      [
        `Diff in ${WORKSPACE}/src/shapes.rs:1:`,
        ' /// Area',
        '-pub fn area( w:u32 )->u32{',
        '+pub fn area(w: u32) -> u32 {',
        `Diff in ${WORKSPACE}/src/shapes.rs:15:`,
        ' }',
        '-pub fn  perimeter() {}',
        '+pub fn perimeter() {}',
      ],
      [
        {
          file: 'src/shapes.rs',
          line: 2,
          message: 'File is not formatted: run cargo fmt (2 hunks)',
        },
      ],
    ],
    [
      'colours are stripped',
      [
        `Diff in ${WORKSPACE}/src/main.rs:3:`,
        `${RED}-fn  main(){}`,
        `${RESET}${GREEN}+fn main() {}`,
        `${RESET} `,
      ],
      [{ file: 'src/main.rs', line: 3, message: 'File is not formatted: run cargo fmt (1 hunk)' }],
    ],
    [
      'older rustfmt header "Diff in <path> at line <n>:"',
      [`Diff in ${WORKSPACE}/src/old.rs at line 7:`, ' a', ' b', '+c'],
      [{ file: 'src/old.rs', line: 9, message: 'File is not formatted: run cargo fmt (1 hunk)' }],
    ],
    [
      'a Windows path in the header',
      ['Diff in D:\\a\\app\\app\\src\\win.rs:4:', '-x', '+y'],
      [
        {
          file: 'D:/a/app/app/src/win.rs',
          line: 4,
          message: 'File is not formatted: run cargo fmt (1 hunk)',
        },
      ],
    ],
    [
      'an incorrect newline style',
      [`Incorrect newline style in ${WORKSPACE}/src/crlf.rs`],
      [
        {
          file: 'src/crlf.rs',
          message: 'File is not formatted: run cargo fmt (incorrect newline style)',
        },
      ],
    ],
    [
      'file names only, as --check -l prints them',
      [`${WORKSPACE}/src/lib.rs`, `${WORKSPACE}/src/shapes.rs`],
      [
        { file: 'src/lib.rs', message: 'File is not formatted: run cargo fmt' },
        { file: 'src/shapes.rs', message: 'File is not formatted: run cargo fmt' },
      ],
    ],
    ['formatted code prints nothing', [''], []],
  ])('%s', async (_case, lines, expected) => {
    const report = await parseText(lines.join('\n'));
    expect(summarise(report.findings)).toEqual(expected);
    for (const finding of report.findings) {
      expect(finding).toMatchObject({ source: 'rustfmt', rule: 'rustfmt', severity: 'error' });
    }
  });

  it('keeps the diff as details, capped in length', async () => {
    const lines = [
      `Diff in ${WORKSPACE}/src/big.rs:1:`,
      ...Array.from({ length: 5_000 }, (_, i) => `-line ${i}`),
    ];
    const [finding] = (await parseText(lines.join('\n'))).findings;
    expect(finding.details?.startsWith(`Diff in ${WORKSPACE}/src/big.rs:1:\n-line 0`)).toBe(true);
    expect(finding.details?.length).toBeLessThanOrEqual(4_000);
  });

  it('refuses output that is not a rustfmt check', async () => {
    await expect(
      parseText('error: could not find `Cargo.toml` in `/x` or any parent directory\n'),
    ).rejects.toThrow(ReportError);
  });

  it('reads the captured rust-demo report', async () => {
    const path = join(FIXTURES, 'rustfmt', 'rust-demo-check.txt');
    const report = await parseRustfmt(fileSource(path), {
      workspace: '/tmp/capture/rust-demo',
      origin: path,
    });
    expect(summarise(report.findings)).toEqual([
      { file: 'src/lib.rs', line: 22, message: 'File is not formatted: run cargo fmt (1 hunk)' },
      { file: 'src/shapes.rs', line: 2, message: 'File is not formatted: run cargo fmt (2 hunks)' },
    ]);
  });
});

describeWithTool(
  { program: 'rustfmt', debianPackage: 'rustfmt' },
  'real cargo fmt --check on the rust-demo crate',
  () => {
    let workspace: string;

    beforeAll(() => {
      workspace = mkdtempSync(join(tmpdir(), 'qg-rustfmt-'));
      cpSync(join(FIXTURES, 'projects', 'rust-demo'), workspace, { recursive: true });
    });
    afterAll(() => rmSync(workspace, { recursive: true, force: true }));

    function run(program: string, args: string[], input?: string) {
      return spawnSync(program, args, {
        cwd: workspace,
        input,
        encoding: 'utf8',
        timeout: 120_000,
      });
    }

    /** The first line where rustfmt's formatting of a file differs from the file, 1-based. */
    function firstDifferingLine(file: string): number {
      const original = readFileSync(join(workspace, file), 'utf8').split('\n');
      const formatted = run(
        'rustfmt',
        ['--edition', '2021', '--emit', 'stdout'],
        original.join('\n'),
      ).stdout.split('\n');
      return original.findIndex((line, index) => line !== formatted[index]) + 1;
    }

    it('flags the files `--check -l` lists, each at its first differing line', async () => {
      const check = run('cargo', ['fmt', '--all', '--', '--check']);
      expect(check.status).toBe(1);
      const report = await parseText(check.stdout, workspace);

      const listed = run('cargo', ['fmt', '--all', '--', '--check', '-l'])
        .stdout.split('\n')
        .filter((line) => line !== '')
        .map((path) => path.slice(workspace.length + 1));
      expect(listed).toHaveLength(2);
      expect(report.findings.map((finding) => finding.file).sort()).toEqual(listed.sort());
      for (const finding of report.findings) {
        expect(finding.line).toBe(firstDifferingLine(finding.file!));
      }
    });
  },
);

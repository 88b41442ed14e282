import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  looksLikeCoveragePyJson,
  parseCoveragePyJson,
} from '../../../src/coverage/formats/coveragepy-json.js';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/model.js';
import { detectFormat } from '../../../src/coverage/discover.js';
import { SNIFFERS } from '../../../src/coverage/formats/index.js';
import { totalsOf } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/coverage/coveragepy-json');

function parse(json: string, workspace = '/work'): Promise<CoverageReport> {
  return parseCoveragePyJson(textSource(json, 'coverage.json'), {
    workspace,
    origin: 'coverage.json',
  });
}

function byPath(report: CoverageReport): Record<string, FileCoverage> {
  return Object.fromEntries(report.files.map((file) => [file.path, file]));
}

describeWithTool(
  { program: 'python3-coverage', debianPackage: 'python3-coverage' },
  'parseCoveragePyJson on a report coverage.py writes now',
  () => {
    let scratch: string;
    let workspace: string;
    let report: CoverageReport;
    let tool: { totals: Record<string, number> };
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'slipway-coveragepy-json-'));
      workspace = join(scratch, 'py-demo');
      await cp(join(REPO, 'test/fixtures/coverage/projects/py-demo'), workspace, {
        recursive: true,
      });
      const env = {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        COVERAGE_FILE: join(workspace, '.coverage'),
      };
      for (const args of [
        ['run', 'scripts/run_demo.py'],
        ['json', '-o', 'coverage.json'],
      ]) {
        const run = spawnSync('python3-coverage', args, {
          cwd: workspace,
          env,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(run.status, run.stderr).toBe(0);
      }
      const path = join(workspace, 'coverage.json');
      report = await parseCoveragePyJson(fileSource(path), { workspace, origin: path });
      tool = JSON.parse(await readFile(path, 'utf8')) as typeof tool;
    });
    afterAll(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it('is recognised by its first bytes, and format: auto reads it as coverage.py JSON', async () => {
      const head = (await readFile(join(workspace, 'coverage.json'), 'utf8')).slice(0, 4096);
      expect(looksLikeCoveragePyJson(head)).toBe(true);
      expect(await detectFormat(join(workspace, 'coverage.json'), SNIFFERS)).toBe(
        'coveragepy-json',
      );
    });

    it('has the line and branch totals coverage.py printed', () => {
      const { totals } = tool;
      // The demo misses lines and branches; otherwise equality would prove little.
      expect(totals.covered_lines).toBeLessThan(totals.num_statements);
      expect(totals.covered_branches).toBeLessThan(totals.num_branches);
      const ours = totalsOf(report.files);
      expect(ours.lines).toEqual({ covered: totals.covered_lines, total: totals.num_statements });
      expect(ours.branches).toEqual({
        covered: totals.covered_branches,
        total: totals.num_branches,
      });
      expect(report.statements).toEqual({
        covered: totals.covered_lines,
        total: totals.num_statements,
      });
    });

    it('names files by the paths coverage.py wrote, relative to where it ran', () => {
      expect(report.files.map((file) => file.path).sort()).toEqual([
        'scripts/run_demo.py',
        'src/shapes/__init__.py',
        'src/shapes/geometry.py',
        'src/shapes/labels.py',
      ]);
    });

    it('does not count a module docstring as a statement (coverage.py < 7.13.1 lists it as run)', () => {
      const files = byPath(report);
      expect(files['src/shapes/__init__.py'].lines.size).toBe(0);
      expect(files['scripts/run_demo.py'].lines.has(1)).toBe(false);
    });

    it('puts each arc on the line it leaves: a partly taken if has one taken, one missed', () => {
      const geometry = byPath(report)['src/shapes/geometry.py'];
      expect(geometry.branches.get(7)).toEqual([1, 0]);
      expect(geometry.branches.get(21)).toEqual([1, 1]);
      expect(geometry.lines.get(10)).toBe(0);
    });
  },
);

describe('parseCoveragePyJson on coverage.py 7 regions', () => {
  let report: CoverageReport;
  beforeAll(async () => {
    report = await parse(await readFile(join(FIXTURES, 'coveragepy-7.13-regions.json'), 'utf8'));
  });

  it('equals the totals in the report', () => {
    expect(totalsOf(report.files).lines).toEqual({ covered: 7, total: 12 });
  });

  it('takes named function regions as functions, not the module region ""', () => {
    expect(Object.fromEntries(report.files[0].functions)).toEqual({ c: 0, 'D.e': 0, 'D.f': 0 });
  });

  it('is recognised by its first bytes', async () => {
    const head = (await readFile(join(FIXTURES, 'coveragepy-7.13-regions.json'), 'utf8')).slice(
      0,
      4096,
    );
    expect(looksLikeCoveragePyJson(head)).toBe(true);
  });
});

describe('parseCoveragePyJson edge cases', () => {
  const meta = '"meta": {"format": 3, "version": "7.6.0"}';

  it('leaves excluded lines out even when they ran, and a function that ran counts', async () => {
    const report = await parse(`{${meta}, "files": {"/work/app/m.py": {
      "executed_lines": [1, 2, 3, 5], "missing_lines": [6], "excluded_lines": [3, 4],
      "summary": {"covered_lines": 3},
      "functions": {"f": {"executed_lines": [5], "missing_lines": [6], "excluded_lines": [], "start_line": 4},
                    "g": {"executed_lines": [3], "missing_lines": [], "excluded_lines": [3, 4]}}}}}`);
    const [file] = report.files;
    expect(file.path).toBe('app/m.py');
    expect(Object.fromEntries(file.lines)).toEqual({ 1: 1, 2: 1, 5: 1, 6: 0 });
    expect(Object.fromEntries(file.functions)).toEqual({ f: 1 });
  });

  it.each<[string, string, string]>([
    ['not JSON', '{"meta": ', 'is not valid JSON'],
    ['no files object', `{${meta}}`, 'expected "meta" and "files" objects'],
    [
      'a line list of strings',
      `{${meta}, "files": {"a.py": {"executed_lines": ["1"]}}}`,
      'files["a.py"].executed_lines[0] must be a number',
    ],
    [
      'an arc that is no pair',
      `{${meta}, "files": {"a.py": {"executed_branches": [[1]]}}}`,
      'files["a.py"].executed_branches[0] must be a [from, to] pair',
    ],
  ])('refuses %s, saying what is wrong', async (_case, json, message) => {
    const error = await parse(json).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).message).toContain(message);
  });

  it.each<[string, boolean]>([
    [`{${meta}, "files": {"a.py": {"executed_lines": [1]`, true],
    ['{"meta": {"version": "6.5.0"}, "files": {"a.py": {"executed_lines": [', true],
    // Istanbul, llvm-cov and Coverlet JSON, and coverage.py's summary-only output, are not it.
    ['{"/src/a.js": {"path": "/src/a.js", "statementMap": {}', false],
    ['{"data": [{"files": []}], "type": "llvm.coverage.json.export"', false],
    ['{"Shop.dll": {"/src/Cart.cs": {"Shop.Cart": {"M()": {"Lines": {', false],
    [`{${meta}, "totals": {"covered_lines": 1}}`, false],
  ])('sniffs %s as %s', (head, expected) => {
    expect(looksLikeCoveragePyJson(head)).toBe(expected);
  });
});

import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeSimpleCov, parseSimpleCov } from '../../../src/coverage/formats/simplecov.js';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/model.js';
import { detectFormat } from '../../../src/coverage/discover.js';
import { SNIFFERS } from '../../../src/coverage/formats/index.js';
import { totalsOf } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const PROJECT = fileURLToPath(
  new URL('../../fixtures/coverage/projects/ruby-demo', import.meta.url),
);

function parse(json: string): Promise<CoverageReport> {
  return parseSimpleCov(textSource(json, '.resultset.json'), {
    workspace: '/app',
    origin: '.resultset.json',
  });
}

function byPath(report: CoverageReport): Record<string, FileCoverage> {
  return Object.fromEntries(report.files.map((file) => [file.path, file]));
}

interface Figures {
  covered_lines: number;
  missed_lines: number;
  total_branches: number;
  covered_branches: number;
  files: string[];
}

describeWithTool(
  { program: 'ruby', debianPackage: 'ruby ruby-simplecov', versionArgs: ['-rsimplecov', '-e', ''] },
  'parseSimpleCov on a resultset SimpleCov writes now',
  () => {
    let scratch: string;
    let resultset: string;
    let figures: Figures;
    let report: CoverageReport;
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'slipway-simplecov-'));
      await cp(PROJECT, scratch, { recursive: true });
      // Two suites of one app, merged by SimpleCov into one resultset, as RSpec + Minitest are.
      for (const command of ['RSpec', 'Minitest']) {
        const run = spawnSync('ruby', ['run.rb', command], {
          cwd: scratch,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(run.status, run.stderr).toBe(0);
      }
      resultset = join(scratch, 'coverage/.resultset.json');
      figures = JSON.parse(
        await readFile(join(scratch, 'coverage/simplecov-figures.json'), 'utf8'),
      ) as Figures;
      report = await parseSimpleCov(fileSource(resultset), {
        workspace: scratch,
        origin: resultset,
      });
    });
    afterAll(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it('holds both commands', async () => {
      const document = JSON.parse(await readFile(resultset, 'utf8')) as Record<string, unknown>;
      expect(Object.keys(document).sort()).toEqual(['Minitest', 'RSpec']);
    });

    it('has the line and branch totals SimpleCov computed for the merged result', () => {
      // The runs miss lines and branches; otherwise equality would prove little.
      expect(figures.missed_lines).toBeGreaterThan(0);
      expect(figures.covered_branches).toBeLessThan(figures.total_branches);
      const ours = totalsOf(report.files);
      expect(ours.lines).toEqual({
        covered: figures.covered_lines,
        total: figures.covered_lines + figures.missed_lines,
      });
      expect(ours.branches).toEqual({
        covered: figures.covered_branches,
        total: figures.total_branches,
      });
      expect(report.files.map((file) => file.path).sort()).toEqual(figures.files);
    });

    it('covers what only the second command ran', () => {
      const labels = byPath(report)['lib/shapes/labels.rb'];
      // `text = text.upcase if loud` (line 8): only Minitest passes loud, so both branches ran.
      expect(labels.branches.get(8)).toEqual([1, 1]);
      const geometry = byPath(report)['lib/shapes/geometry.rb'];
      // The :circle case (line 9) ran only under Minitest; never_called's body (26) never.
      expect(geometry.lines.get(9)).toBe(1);
      expect(geometry.lines.get(26)).toBe(0);
      expect(geometry.lines.has(2)).toBe(false);
    });

    it('reads the array form SimpleCov before 0.18 wrote, lines only', async () => {
      const document = JSON.parse(await readFile(resultset, 'utf8')) as Record<
        string,
        { coverage: Record<string, { lines: unknown[] }> }
      >;
      for (const result of Object.values(document)) {
        for (const [path, entry] of Object.entries(result.coverage))
          result.coverage[path] = entry.lines as never;
      }
      const old = await parseSimpleCov(textSource(JSON.stringify(document), resultset), {
        workspace: scratch,
        origin: resultset,
      });
      expect(totalsOf(old.files).lines).toEqual(totalsOf(report.files).lines);
      expect(totalsOf(old.files).branches).toEqual({ covered: 0, total: 0 });
    });

    it('is recognised by its first bytes, and format: auto reads it as SimpleCov', async () => {
      expect(looksLikeSimpleCov((await readFile(resultset, 'utf8')).slice(0, 4096))).toBe(true);
      expect(await detectFormat(resultset, SNIFFERS)).toBe('simplecov');
    });
  },
);

describe('parseSimpleCov edge cases', () => {
  it('merges commands as SimpleCov does: counts add, 0 with null stays no code', async () => {
    const report = await parse(`{
      "RSpec": {"coverage": {"/app/a.rb": {"lines": [null, 1, 0, 0],
        "branches": {"[:if, 0, 2, 4, 2, 20]": {"[:then, 1, 2, 4, 2, 9]": 1, "[:else, 2, 2, 4, 2, 20]": 0}}}},
        "timestamp": 1700000000},
      "Minitest": {"coverage": {"/app/a.rb": {"lines": [null, 2, null, 3],
        "branches": {"[:if, 0, 2, 4, 2, 20]": {"[:then, 1, 2, 4, 2, 9]": 0, "[:else, 2, 2, 4, 2, 20]": 2}}}},
        "timestamp": 1600000000}
    }`);
    const [file] = report.files;
    expect(file.path).toBe('a.rb');
    expect(Object.fromEntries(file.lines)).toEqual({ 2: 3, 4: 3 });
    expect(file.branches.get(2)).toEqual([1, 2]);
  });

  it.each<[string, string, string]>([
    [
      'a command without coverage',
      '{"RSpec": {"timestamp": 1}}',
      'command "RSpec" must be an object with a "coverage" object',
    ],
    [
      'a line count that is text',
      '{"RSpec": {"coverage": {"/app/a.rb": {"lines": [null, "1"]}}}}',
      'line 2 must be a number or null',
    ],
    [
      'a file without lines',
      '{"RSpec": {"coverage": {"/app/a.rb": {"branches": {}}}}}',
      'must be an array of line counts or an object with a "lines" array',
    ],
  ])('refuses %s, saying where', async (_case, json, message) => {
    const error = await parse(json).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).message).toContain(message);
  });

  it.each<[string, boolean]>([
    ['{\n  "RSpec": {\n    "coverage": {\n      "/app/lib/a.rb": {\n        "lines": [', true],
    ['{"Unit Tests": {"coverage": {"/app/lib/a.rb": [null, 1', true],
    ['{"/src/a.js": {"path": "/src/a.js", "statementMap": {}', false],
    ['{"meta": {"version": "7.6.0"}, "files": {"a.py": {"executed_lines": [', false],
    ['{"result": {"covered_percent": 90}}', false],
  ])('sniffs %s as %s', (head, expected) => {
    expect(looksLikeSimpleCov(head)).toBe(expected);
  });
});

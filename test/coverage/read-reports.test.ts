import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/coverage/merge.js';
import { COVERAGE_FORMATS } from '../../src/coverage/model.js';
import { readReports, skippedNotes, type ReadSettings } from '../../src/coverage/read-reports.js';
import { totalsOf } from '../../src/coverage/totals.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const C8 = join(REPO, 'node_modules/c8/bin/c8.js');
const FIXTURES = join(REPO, 'test/fixtures/coverage');

let scratch: string;
/** What c8 wrote in one run: lcov.info, cobertura-coverage.xml, coverage-final.json and a summary. */
let c8Reports: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-read-reports-'));
  const project = join(scratch, 'js-demo');
  await cp(join(REPO, 'test/fixtures/coverage/projects/js-demo'), project, { recursive: true });
  c8Reports = join(project, 'coverage');
  await run(
    process.execPath,
    [
      C8,
      '--all',
      '--src',
      'src',
      '--include',
      'src/**',
      '--reporter=lcov',
      '--reporter=cobertura',
      '--reporter=json',
      '--reporter=json-summary',
      `--reports-dir=${c8Reports}`,
      process.execPath,
      'run.js',
    ],
    { cwd: project, timeout: 60_000 },
  );
}, 60_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

let count = 0;
/** A workspace holding the js-demo sources, c8's reports copied under `coverageDirs`, and `extra` files. */
async function workspace(coverageDirs: string[], extra: Record<string, string> = {}) {
  const root = join(scratch, `ws-${++count}`);
  await cp(join(REPO, 'test/fixtures/coverage/projects/js-demo/src'), join(root, 'src'), {
    recursive: true,
  });
  for (const directory of coverageDirs) {
    await cp(c8Reports, join(root, directory), { recursive: true });
  }
  for (const [path, content] of Object.entries(extra)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

function settings(root: string, more: Partial<ReadSettings> = {}): ReadSettings {
  return { files: [], format: 'auto', workspace: root, ...more };
}

/** What was read, as the summary lists it: format and workspace-relative path. */
const origins = (read: Awaited<ReturnType<typeof readReports>>, root: string) =>
  read.reports.map((report, index) => `${report.format}: ${relative(root, read.files[index]!)}`);

/** An unknown tool's JSON, named like a coverage report. */
const NOT_COVERAGE = JSON.stringify({ tool: 'something else', results: [1, 2, 3] });

describe('readReports, default search', () => {
  it('reads one report of the directory where c8 wrote three formats, and totals equal c8’s own summary', async () => {
    const root = await workspace(['coverage']);
    const read = await readReports(settings(root));

    expect(origins(read, root)).toEqual(['istanbul: coverage/coverage-final.json']);
    expect(read.skipped.map((skip) => skip.path).sort()).toEqual([
      'coverage/cobertura-coverage.xml',
      'coverage/lcov.info',
    ]);
    const summary = JSON.parse(await readFile(join(c8Reports, 'coverage-summary.json'), 'utf8'))
      .total as Record<string, { covered: number; total: number }>;
    const ratio = (kind: string) => ({
      covered: summary[kind]!.covered,
      total: summary[kind]!.total,
    });
    expect(summary.branches!.total).toBeGreaterThan(0);
    expect(totalsOf(mergeReports(read.reports))).toEqual({
      lines: ratio('lines'),
      branches: ratio('branches'),
      functions: ratio('functions'),
    });
  });

  it('skips a file it cannot read, says so, and reads the rest', async () => {
    const root = await workspace(['coverage'], { 'tools/coverage.json': NOT_COVERAGE });
    const read = await readReports(settings(root));

    expect(origins(read, root)).toEqual(['istanbul: coverage/coverage-final.json']);
    expect(read.skipped).toContainEqual({
      path: 'tools/coverage.json',
      reason: 'not a coverage report we read',
    });
    const notes = skippedNotes(read.skipped);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('Not read (3): ');
    expect(notes[0]).toContain('tools/coverage.json (not a coverage report we read)');
    expect(notes[0]).toContain(
      'coverage/lcov.info (coverage/coverage-final.json covers the same files (',
    );
  });

  it('fails when nothing it found can be read, naming what it skipped', async () => {
    const root = await workspace([], { 'coverage.json': NOT_COVERAGE });
    await expect(readReports(settings(root))).rejects.toThrow(
      'No coverage report we can read was found in the usual places: coverage.json (not a coverage report we read).',
    );
  });

  it('reads both reports of a polyglot root: coverage.py’s XML of the Python files, llvm-cov’s LCOV of the C ones', async () => {
    const root = await workspace([], {
      'coverage.xml': await readFile(join(FIXTURES, 'cobertura/coveragepy-6.5-branch.xml'), 'utf8'),
      'lcov.info': await readFile(join(FIXTURES, 'lcov/llvm-cov.info'), 'utf8'),
    });
    const read = await readReports(settings(root));

    expect(origins(read, root)).toEqual(['cobertura: coverage.xml', 'lcov: lcov.info']);
    expect(read.skipped).toEqual([]);
    const python = await readReports(settings(root, { files: ['coverage.xml'] }));
    const c = await readReports(settings(root, { files: ['lcov.info'] }));
    expect(totalsOf(mergeReports(read.reports)).lines.total).toBe(
      totalsOf(mergeReports(python.reports)).lines.total +
        totalsOf(mergeReports(c.reports)).lines.total,
    );
  });

  it('reads one of coverage.py’s XML and LCOV of one run, naming the report that covers the same files; branches equal coverage.py’s own', async () => {
    const root = await workspace([], {
      'coverage.xml': await readFile(join(FIXTURES, 'cobertura/coveragepy-6.5-branch.xml'), 'utf8'),
      'coverage.lcov': await readFile(
        join(FIXTURES, 'cobertura/coveragepy-6.5-branch.lcov'),
        'utf8',
      ),
    });
    const read = await readReports(settings(root));

    expect(origins(read, root)).toEqual(['lcov: coverage.lcov']);
    expect(read.skipped).toEqual([
      {
        path: 'coverage.xml',
        reason: expect.stringMatching(
          /^coverage\.lcov covers the same files \(both name .+\.py\) and is read instead: lcov keeps more than cobertura/,
        ),
      },
    ]);
    const own = JSON.parse(
      await readFile(join(FIXTURES, 'cobertura/coveragepy-6.5-branch.totals.json'), 'utf8'),
    ).totals as { num_branches: number; covered_branches: number };
    expect(totalsOf(mergeReports(read.reports)).branches).toEqual({
      covered: own.covered_branches,
      total: own.num_branches,
    });
  });

  it('with format set, skips a file that does not parse as that format, says why, and reads the rest', async () => {
    const root = await workspace(['coverage'], { 'config/coverage.json': '{"threshold": 80}\n' });
    const read = await readReports(settings(root, { format: 'lcov' }));

    expect(origins(read, root)).toEqual(['lcov: coverage/lcov.info']);
    expect(read.skipped).toContainEqual({
      path: 'config/coverage.json',
      reason: expect.stringMatching(/^not readable as lcov: line 1 is not an LCOV record/),
    });
    expect(skippedNotes(read.skipped)[0]).toContain(
      'config/coverage.json (not readable as lcov: line 1 is not an LCOV record',
    );
  });

  it('with format set and nothing that parses as it, fails naming each file and why', async () => {
    const root = await workspace([], { 'config/coverage.json': '{"threshold": 80}\n' });
    await expect(readReports(settings(root, { format: 'lcov' }))).rejects.toThrow(
      /^No coverage report we can read was found in the usual places: config\/coverage\.json \(not readable as lcov: line 1 is not an LCOV record/,
    );
  });

  it('with format set, reads only the reports of that format', async () => {
    const root = await workspace(['coverage']);
    const read = await readReports(settings(root, { format: 'lcov' }));
    expect(origins(read, root)).toEqual(['lcov: coverage/lcov.info']);
    expect(read.skipped).toContainEqual({
      path: 'coverage/coverage-final.json',
      reason: 'its content is istanbul, and format is lcov',
    });
  });
});

describe('readReports, explicit files', () => {
  it('reads every file matched, even several formats of one run', async () => {
    const root = await workspace(['coverage']);
    const files = [
      'coverage/lcov.info',
      'coverage/cobertura-coverage.xml',
      'coverage/coverage-final.json',
    ];
    const read = await readReports(settings(root, { files }));
    expect(origins(read, root)).toEqual([
      'cobertura: coverage/cobertura-coverage.xml',
      'istanbul: coverage/coverage-final.json',
      'lcov: coverage/lcov.info',
    ]);
  });

  it('an unrecognised file is an error that lists the formats read', async () => {
    const root = await workspace(['coverage'], { 'coverage.json': NOT_COVERAGE });
    await expect(
      readReports(settings(root, { files: ['coverage/lcov.info', 'coverage.json'] })),
    ).rejects.toThrow(
      `Could not tell the coverage format of coverage.json: it looks like none of ${COVERAGE_FORMATS.join(', ')}.`,
    );
  });
  it('a file that does not parse as format is an error', async () => {
    const root = await workspace([], { 'config/coverage.json': '{"threshold": 80}\n' });
    await expect(
      readReports(settings(root, { files: ['config/coverage.json'], format: 'lcov' })),
    ).rejects.toThrow(
      /^Could not read the lcov report .*config\/coverage\.json: line 1 is not an LCOV record/,
    );
  });
});

describe('readReports, expected-reports', () => {
  it('fails when a shard is missing, naming how many were expected and found', async () => {
    const root = await workspace(['coverage-1', 'coverage-2']);
    const files = ['coverage-*/lcov.info'];
    await expect(readReports(settings(root, { files, expectedReports: 3 }))).rejects.toThrow(
      'expected-reports is 3, but 2 of 3 coverage reports were found: coverage-1/lcov.info, coverage-2/lcov.info.',
    );
  });

  it('passes when every shard is there', async () => {
    const root = await workspace(['coverage-1', 'coverage-2', 'coverage-3']);
    const read = await readReports(
      settings(root, { files: ['coverage-*/lcov.info'], expectedReports: 3 }),
    );
    expect(read.reports).toHaveLength(3);
  });

  it('counts what the default search reads: one report per directory', async () => {
    const root = await workspace(['a/coverage', 'b/coverage']);
    await expect(readReports(settings(root, { expectedReports: 3 }))).rejects.toThrow(
      /expected-reports is 3, but 2 of 3 coverage reports were found: a\/coverage\/coverage-final\.json, b\/coverage\/coverage-final\.json\. Not read: /,
    );
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  READ_PREFERENCE,
  findReportFiles,
  distinctPerDirectory,
  type ReadCandidate,
} from '../../src/coverage/discover.js';
import { COVERAGE_FORMATS } from '../../src/coverage/model.js';

/** What c8 or coverage.py wrote for the js or python demo, each format spelling paths its way. */
const JS = ['/home/runner/work/app/app/src/math.js', '/home/runner/work/app/app/src/util.js'];
const JS_RELATIVE = ['src/math.js', 'src/util.js'];
const PY = ['pkg/__init__.py', 'pkg/mod.py'];

describe('distinctPerDirectory', () => {
  it.each<{ name: string; found: ReadCandidate[]; read: string[] }>([
    {
      name: 'c8 wrote lcov, cobertura and istanbul at once: the istanbul JSON is read',
      found: [
        {
          path: 'coverage/cobertura-coverage.xml',
          format: 'cobertura',
          sources: ['math.js', 'util.js'],
        },
        { path: 'coverage/coverage-final.json', format: 'istanbul', sources: JS },
        { path: 'coverage/lcov.info', format: 'lcov', sources: JS_RELATIVE },
      ],
      read: ['coverage/coverage-final.json'],
    },
    {
      name: 'coverage.py wrote xml, json and lcov: its own JSON is read',
      found: [
        { path: 'coverage.json', format: 'coveragepy-json', sources: PY },
        { path: 'coverage.lcov', format: 'lcov', sources: PY },
        { path: 'coverage.xml', format: 'cobertura', sources: PY },
      ],
      read: ['coverage.json'],
    },
    {
      name: 'coverlet wrote cobertura and opencover: opencover keeps each branch',
      found: [
        {
          path: 'tests/TestResults/coverage.cobertura.xml',
          format: 'cobertura',
          sources: ['Lib/Calc.cs'],
        },
        {
          path: 'tests/TestResults/coverage.opencover.xml',
          format: 'opencover',
          sources: ['/src/Lib/Calc.cs'],
        },
      ],
      read: ['tests/TestResults/coverage.opencover.xml'],
    },
    {
      name: 'two lcov files in one directory are two runs, both read',
      found: [
        { path: 'out/e2e.lcov', format: 'lcov', sources: JS_RELATIVE },
        { path: 'out/unit.lcov', format: 'lcov', sources: JS_RELATIVE },
      ],
      read: ['out/e2e.lcov', 'out/unit.lcov'],
    },
    {
      name: 'a polyglot root: coverage.py’s xml of the Python files and llvm-cov’s lcov of the Rust ones are both read',
      found: [
        { path: 'coverage.xml', format: 'cobertura', sources: PY },
        { path: 'lcov.info', format: 'lcov', sources: ['/home/runner/work/app/app/src/lib.rs'] },
      ],
      read: ['coverage.xml', 'lcov.info'],
    },
    {
      name: 'each package of a monorepo is its own directory',
      found: [
        { path: 'packages/a/coverage/lcov.info', format: 'lcov', sources: JS_RELATIVE },
        {
          path: 'packages/b/coverage/cobertura-coverage.xml',
          format: 'cobertura',
          sources: JS_RELATIVE,
        },
      ],
      read: ['packages/a/coverage/lcov.info', 'packages/b/coverage/cobertura-coverage.xml'],
    },
    {
      name: 'a Go profile beside a converted cobertura file: cobertura keeps as much and more',
      found: [
        { path: 'coverage.out', format: 'go', sources: ['github.com/acme/app/calc/calc.go'] },
        { path: 'coverage.xml', format: 'cobertura', sources: ['calc/calc.go'] },
      ],
      read: ['coverage.xml'],
    },
  ])('$name', ({ found, read }) => {
    const { chosen, skipped } = distinctPerDirectory(found);
    expect(chosen.map((report) => report.path)).toEqual(read);
    expect(skipped.map((skip) => skip.path).sort()).toEqual(
      found
        .map((report) => report.path)
        .filter((path) => !read.includes(path))
        .sort(),
    );
  });

  it('says which report covers the same files and was read instead, and why', () => {
    const { skipped } = distinctPerDirectory([
      { path: 'coverage/lcov.info', format: 'lcov', sources: JS_RELATIVE },
      { path: 'coverage/coverage-final.json', format: 'istanbul', sources: JS },
    ]);
    expect(skipped).toEqual([
      {
        path: 'coverage/lcov.info',
        reason:
          'coverage/coverage-final.json covers the same files (both name src/math.js) and is read instead: istanbul keeps more than lcov, and reading both would count that coverage twice',
      },
    ]);
  });

  it('ranks every format the action reads, each once', () => {
    expect([...READ_PREFERENCE].sort()).toEqual([...COVERAGE_FORMATS].sort());
  });
});

describe('findReportFiles', () => {
  let workspace: string;
  const present = [
    'coverage/lcov.info',
    'coverage/coverage-final.json',
    'tests/TestResults/1f2e/coverage.cobertura.xml',
    'tests/TestResults/1f2e/coverage.opencover.xml',
    'coverage/.resultset.json',
    'coverage.json',
    'build/reports/jacoco/test/jacocoTestReport.xml',
  ];
  const ignored = [
    'node_modules/dep/coverage/lcov.info',
    'vendor/dep/coverage.xml',
    '.git/lcov.info',
    'package.json',
    'coverage/index.html',
  ];

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'slipway-discover-'));
    for (const path of [...present, ...ignored]) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), 'x');
    }
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  it('searches where coverlet, SimpleCov, JaCoCo, c8 and coverage.py write, not node_modules, vendor or .git', async () => {
    const found = await findReportFiles([], workspace);
    expect(found.map((path) => relative(workspace, path)).sort()).toEqual([...present].sort());
  });

  it('with files, reads exactly what they match', async () => {
    const found = await findReportFiles(['coverage/coverage-*.json'], workspace);
    expect(found.map((path) => relative(workspace, path))).toEqual([
      'coverage/coverage-final.json',
    ]);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  READ_PREFERENCE,
  findReportFiles,
  onePerDirectory,
  type FoundReport,
} from '../../src/coverage/discover.js';
import { COVERAGE_FORMATS } from '../../src/coverage/model.js';

describe('onePerDirectory', () => {
  it.each<{ name: string; found: FoundReport[]; read: string[] }>([
    {
      name: 'c8 wrote lcov, cobertura and istanbul at once: the istanbul JSON is read',
      found: [
        { path: 'coverage/cobertura-coverage.xml', format: 'cobertura' },
        { path: 'coverage/coverage-final.json', format: 'istanbul' },
        { path: 'coverage/lcov.info', format: 'lcov' },
      ],
      read: ['coverage/coverage-final.json'],
    },
    {
      name: 'coverage.py wrote xml, json and lcov: its own JSON is read',
      found: [
        { path: 'coverage.json', format: 'coveragepy-json' },
        { path: 'coverage.lcov', format: 'lcov' },
        { path: 'coverage.xml', format: 'cobertura' },
      ],
      read: ['coverage.json'],
    },
    {
      name: 'coverlet wrote cobertura and opencover: opencover keeps each branch',
      found: [
        { path: 'tests/TestResults/coverage.cobertura.xml', format: 'cobertura' },
        { path: 'tests/TestResults/coverage.opencover.xml', format: 'opencover' },
      ],
      read: ['tests/TestResults/coverage.opencover.xml'],
    },
    {
      name: 'two lcov files in one directory are two runs, both read',
      found: [
        { path: 'out/e2e.lcov', format: 'lcov' },
        { path: 'out/unit.lcov', format: 'lcov' },
      ],
      read: ['out/e2e.lcov', 'out/unit.lcov'],
    },
    {
      name: 'each package of a monorepo is its own directory',
      found: [
        { path: 'packages/a/coverage/lcov.info', format: 'lcov' },
        { path: 'packages/b/coverage/cobertura-coverage.xml', format: 'cobertura' },
      ],
      read: ['packages/a/coverage/lcov.info', 'packages/b/coverage/cobertura-coverage.xml'],
    },
    {
      name: 'a Go profile beside a converted cobertura file: cobertura keeps as much and more',
      found: [
        { path: 'coverage.out', format: 'go' },
        { path: 'coverage.xml', format: 'cobertura' },
      ],
      read: ['coverage.xml'],
    },
  ])('$name', ({ found, read }) => {
    const { chosen, skipped } = onePerDirectory(found);
    expect(chosen.map((report) => report.path)).toEqual(read);
    expect(skipped.map((skip) => skip.path).sort()).toEqual(
      found
        .map((report) => report.path)
        .filter((path) => !read.includes(path))
        .sort(),
    );
  });

  it('says which report was read instead of a skipped one, and why', () => {
    const { skipped } = onePerDirectory([
      { path: 'coverage/lcov.info', format: 'lcov' },
      { path: 'coverage/coverage-final.json', format: 'istanbul' },
    ]);
    expect(skipped).toEqual([
      {
        path: 'coverage/lcov.info',
        reason: expect.stringContaining(
          'the same directory has coverage/coverage-final.json, read instead (istanbul keeps more than lcov',
        ),
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
  const ignored = ['node_modules/dep/coverage/lcov.info', 'package.json', 'coverage/index.html'];

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'slipway-discover-'));
    for (const path of [...present, ...ignored]) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), 'x');
    }
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  it('searches where coverlet, SimpleCov, JaCoCo, c8 and coverage.py write, not node_modules', async () => {
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

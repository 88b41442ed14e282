import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage/model.js';
import {
  ancestors,
  jvmSourceRoots,
  reportDirectory,
  resolveReportPaths,
  SuffixIndex,
} from '../../src/coverage/resolve-paths.js';
import { file, report } from './build.js';

describe('SuffixIndex.match', () => {
  const index = new SuffixIndex([
    'packages/a/src/index.js',
    'packages/b/src/index.js',
    'app/src/main/java/com/acme/Foo.java',
    'lib/src/main/java/com/acme/text/Words.java',
    'lib/src/test/java/com/acme/text/Words.java',
    'README.md',
    'tools/README.md',
    'src/util/index.js',
  ]);

  it.each<[string, string, string | undefined, string[]]>([
    [
      'a JaCoCo package path',
      'com/acme/Foo.java',
      undefined,
      ['app/src/main/java/com/acme/Foo.java'],
    ],
    [
      'a path with a prefix the repository lacks',
      'build/util/index.js',
      undefined,
      ['src/util/index.js'],
    ],
    [
      'two packages sharing the path, report at the root: ambiguous',
      'src/index.js',
      '',
      ['packages/a/src/index.js', 'packages/b/src/index.js'],
    ],
    [
      'the tie goes to the package holding the report',
      'src/index.js',
      'packages/b/coverage',
      ['packages/b/src/index.js'],
    ],
    [
      'main and test sources of one module stay ambiguous',
      'com/acme/text/Words.java',
      'lib/build/reports/jacoco/test',
      ['lib/src/main/java/com/acme/text/Words.java', 'lib/src/test/java/com/acme/text/Words.java'],
    ],
    [
      'the longest shared suffix wins over a shorter one',
      'x/src/util/index.js',
      undefined,
      ['src/util/index.js'],
    ],
    ['a file name alone does not match a deeper path', 'dist/Foo.java', undefined, []],
    [
      'a bare file name may match, but ties are ambiguous',
      'README.md',
      '',
      ['README.md', 'tools/README.md'],
    ],
    ['nothing by that name', 'src/missing.js', undefined, []],
    [
      'leading ../ parts are not part of the match',
      '../com/acme/Foo.java',
      undefined,
      ['app/src/main/java/com/acme/Foo.java'],
    ],
  ])('%s', (_case, path, directory, expected) => {
    expect(index.match(path, directory).sort()).toEqual(expected);
  });
});

describe('report locations', () => {
  it.each<[string, string | undefined, string[]]>([
    [
      'packages/a/coverage/lcov.info',
      'packages/a/coverage',
      ['packages/a/coverage', 'packages/a', 'packages', ''],
    ],
    ['lcov.info', '', ['']],
    ['../elsewhere/lcov.info', undefined, ['']],
    ['/ws/coverage/lcov.info', 'coverage', ['coverage', '']],
  ])('%s', (origin, directory, expectedAncestors) => {
    expect(reportDirectory(origin, '/ws')).toBe(directory);
    expect(ancestors(directory)).toEqual(expectedAncestors);
  });

  it.each<[string, string[]]>([
    [
      'app/build/reports/jacoco/test',
      ['app/src/main/java', 'app/src/main/kotlin', 'app/src/test/java', 'app/src/test/kotlin'],
    ],
    [
      'target/site/jacoco',
      ['src/main/java', 'src/main/kotlin', 'src/test/java', 'src/test/kotlin'],
    ],
    [
      'services/api/build/jacoco',
      [
        'services/api/src/main/java',
        'services/api/src/main/kotlin',
        'services/api/src/test/java',
        'services/api/src/test/kotlin',
      ],
    ],
  ])('JaCoCo source roots for a report in %s', (directory, roots) => {
    expect(jvmSourceRoots(directory)).toEqual(roots);
  });
});

describe('resolveReportPaths', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'slipway-resolve-'));
    for (const path of [
      'src/index.js',
      'packages/a/src/index.js',
      'packages/b/src/index.js',
      'packages/b/lib/only-in-b.js',
      'app/src/main/kotlin/com/acme/Bar.kt',
    ]) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), '');
    }
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  const files = () =>
    Promise.resolve([
      'src/index.js',
      'packages/a/src/index.js',
      'packages/b/src/index.js',
      'packages/b/lib/only-in-b.js',
      'app/src/main/kotlin/com/acme/Bar.kt',
    ]);
  const paths = (reports: CoverageReport[]) => reports.map((r) => r.files.map((f) => f.path));

  it('takes the nearest directory holding the file: the package, before the repository root', async () => {
    const result = await resolveReportPaths(
      [
        report([file('src/index.js', [[1, 1]])], 'packages/a/coverage/lcov.info'),
        report([file('src/index.js', [[1, 1]])], 'packages/b/coverage/lcov.info'),
        report([file('src/index.js', [[1, 1]])], 'coverage/lcov.info'),
      ],
      workspace,
      files,
    );
    expect(paths(result.reports)).toEqual([
      ['packages/a/src/index.js'],
      ['packages/b/src/index.js'],
      ['src/index.js'],
    ]);
    expect(result.resolved.size).toBe(3);
    expect(result.ambiguous).toEqual([]);
  });

  it('resolves ../ against the report, matches by suffix, and leaves absolute and unknown paths', async () => {
    const result = await resolveReportPaths(
      [
        report(
          [
            file('../src/index.js', [[1, 1]]),
            file('b/lib/only-in-b.js', [[1, 1]]),
            file('/app/src/index.js', [[1, 1]]),
            file('src/gone.js', [[1, 1]]),
          ],
          'packages/a/coverage/lcov.info',
        ),
      ],
      workspace,
      files,
    );
    expect(paths(result.reports)).toEqual([
      [
        'packages/a/src/index.js',
        'packages/b/lib/only-in-b.js',
        '/app/src/index.js',
        'src/gone.js',
      ],
    ]);
    expect(result.resolved.size).toBe(2);
  });

  it('tries a JaCoCo report module source roots, and reports ambiguity with the candidates', async () => {
    const jacoco: CoverageReport = {
      format: 'jacoco',
      origin: 'app/build/reports/jacoco/test/jacocoTestReport.xml',
      files: [file('com/acme/Bar.kt', [[1, 1]])],
    };
    const lcov = report([file('lib/index.js', [[1, 0]]), file('index.js', [[1, 0]])], 'lcov.info');
    const result = await resolveReportPaths([jacoco, lcov], workspace, () =>
      Promise.resolve(['packages/a/lib/index.js', 'packages/b/lib/index.js']),
    );
    expect(paths(result.reports)).toEqual([
      ['app/src/main/kotlin/com/acme/Bar.kt'],
      ['lib/index.js', 'index.js'],
    ]);
    expect(result.ambiguous).toEqual([
      {
        path: 'lib/index.js',
        report: 'lcov.info',
        candidates: ['packages/a/lib/index.js', 'packages/b/lib/index.js'],
      },
      {
        path: 'index.js',
        report: 'lcov.info',
        candidates: ['packages/a/lib/index.js', 'packages/b/lib/index.js'],
      },
    ]);
  });

  it('finds files only: not a directory, nor a path through a file or a missing directory', async () => {
    const result = await resolveReportPaths(
      [
        report(
          [
            file('packages/a/src', [[1, 1]]),
            file('packages/b/lib/only-in-b.js/index.js', [[1, 1]]),
            file('coverage/packages/b/lib/x.js', [[1, 1]]),
            file('lib/only-in-b.js', [[1, 1]]),
          ],
          'packages/b/coverage/lcov.info',
        ),
      ],
      workspace,
      () => Promise.resolve([]),
    );
    expect(paths(result.reports)).toEqual([
      [
        'packages/a/src',
        'packages/b/lib/only-in-b.js/index.js',
        'coverage/packages/b/lib/x.js',
        'packages/b/lib/only-in-b.js',
      ],
    ]);
    expect(result.resolved.size).toBe(1);
  });

  it('lists the repository only when the report directories do not settle a path', async () => {
    let listed = 0;
    await resolveReportPaths(
      [report([file('src/index.js', [[1, 1]])], 'packages/a/coverage/lcov.info')],
      workspace,
      () => {
        listed += 1;
        return files();
      },
    );
    expect(listed).toBe(0);
  });
});

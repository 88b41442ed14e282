import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCobertura } from '../../src/coverage/formats/cobertura.js';
import { parseCoverlet } from '../../src/coverage/formats/coverlet.js';
import { parseJacoco } from '../../src/coverage/formats/jacoco.js';
import { parseLcov } from '../../src/coverage/formats/lcov.js';
import { mergeReports } from '../../src/coverage/merge.js';
import type { CoverageReport } from '../../src/coverage/model.js';
import { applyPathFixes, fixReportPaths, reviewPaths } from '../../src/coverage/path-fixes.js';
import { pathNotes } from '../../src/coverage/path-notes.js';
import { totalsOf, type CoverageTotals } from '../../src/coverage/totals.js';
import { fileSource } from '../../src/core/reports/source.js';
import { captureStdout } from '../support/capture-stdout.js';
import { describeWithTool } from '../support/tools.js';
import { annotationsFrom } from '../support/workflow-commands.js';
import { file, report } from './build.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PROJECTS = join(REPO, 'test/fixtures/coverage/projects');
const C8 = join(REPO, 'node_modules/c8/bin/c8.js');
const JACOCO_JARS = '/usr/share/java';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-path-fixes-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('path fixes', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(scratch, 'ws-'));
    await mkdir(join(workspace, 'src'));
    await writeFile(join(workspace, 'src/a.ts'), '');
  });

  it('maps container paths onto the repository, longest prefix first', () => {
    const reports = [
      report([
        file('/app/src/a.ts', [[1, 1]]),
        file('/app/vendor/lib/x.ts', [[1, 0]]),
        file('/usr/include/stdio.h', [[1, 1]]),
      ]),
    ];
    const fixed = applyPathFixes(
      reports,
      [
        { from: '/app', to: '.' },
        { from: '/app/vendor/lib', to: 'third_party/lib' },
      ],
      workspace,
    );
    expect(fixed[0].files.map((f) => f.path)).toEqual([
      'src/a.ts',
      'third_party/lib/x.ts',
      '/usr/include/stdio.h',
    ]);
    expect(
      reviewPaths(
        ['src/a.ts', 'third_party/lib/x.ts', '/usr/include/stdio.h', '../other/b.ts'],
        workspace,
      ),
    ).toEqual({
      outside: ['/usr/include/stdio.h', '../other/b.ts'],
      missing: ['third_party/lib/x.ts'],
    });
  });

  it('does not treat /application as inside /app', () => {
    const fixed = applyPathFixes(
      [report([file('/application/a.ts', [[1, 1]])])],
      [{ from: '/app', to: '.' }],
      workspace,
    );
    expect(fixed[0].files[0].path).toBe('/application/a.ts');
  });

  it('matches a rule written with the workspace path against paths the parser made relative', () => {
    // An LCOV SF:<workspace>/dist/a.ts is dist/a.ts by the time rules run.
    const fixed = applyPathFixes(
      [report([file('dist/a.ts', [[1, 1]])])],
      [{ from: join(workspace, 'dist'), to: 'src' }],
      workspace,
    );
    expect(fixed[0].files[0].path).toBe('src/a.ts');
  });

  it('lets an explicit path-fixes rule win over the file the automatic resolution would pick', async () => {
    // The repository root has a src/index.js of its own (one line); the report is package a's.
    const ws = await mkdtemp(join(scratch, 'explicit-'));
    for (const path of ['src/index.js', 'packages/a/src/index.js', 'lib/util.js']) {
      await mkdir(join(ws, dirname(path)), { recursive: true });
      await writeFile(join(ws, path), '');
    }
    const listed = () =>
      Promise.resolve(['src/index.js', 'packages/a/src/index.js', 'lib/util.js']);
    const reports = [
      report(
        [
          file('src/index.js', [
            [1, 1],
            [2, 1],
            [3, 0],
          ]),
          file('lib/util.js', [[1, 1]]),
          file('/app/lib/util.js', [[1, 1]]),
        ],
        'coverage-a/lcov.info',
      ),
    ];
    const without = await fixReportPaths(reports, [], ws, listed);
    expect(without.reports[0].files[0].path).toBe('src/index.js');

    const fixing = await fixReportPaths(
      reports,
      [{ from: 'src', to: 'packages/a/src' }],
      ws,
      listed,
    );
    expect(fixing.reports[0].files.map((f) => f.path)).toEqual([
      'packages/a/src/index.js',
      'lib/util.js',
      '/app/lib/util.js',
    ]);
    expect(
      totalsOf(mergeReports(fixing.reports).filter((f) => !f.path.startsWith('/'))).lines,
    ).toEqual({
      covered: 3,
      total: 4,
    });
    expect(fixing.suggestions).toEqual([{ from: '/app', to: '.' }]);
    expect(fixing.unusedFixes).toEqual([]);
  });

  it('matches Windows path-fixes against coverlet paths, backslashes and drive letter case aside', async () => {
    const ws = await mkdtemp(join(scratch, 'windows-'));
    await mkdir(join(ws, 'src/Shop'), { recursive: true });
    await writeFile(join(ws, 'src/Shop/Cart.cs'), '');
    const json = JSON.stringify({
      'Shop.dll': {
        'C:\\agent\\_work\\1\\s\\src\\Shop\\Cart.cs': {
          'Shop.Cart': {
            'System.Void Shop.Cart::Add()': { Lines: { '3': 1, '4': 0 }, Branches: [] },
          },
        },
      },
    });
    await writeFile(join(ws, 'coverage.json'), json);
    const parsed = await parseCoverlet(fileSource(join(ws, 'coverage.json')), {
      workspace: ws,
      origin: 'coverage.json',
    });
    for (const from of [
      'C:\\agent\\_work\\1\\s',
      'c:\\agent\\_work\\1\\s\\',
      'C:/agent/_work/1/s',
    ]) {
      const fixing = await fixReportPaths([parsed], [{ from, to: '.' }], ws, () =>
        Promise.resolve(['src/Shop/Cart.cs']),
      );
      const merged = mergeReports(fixing.reports);
      expect(
        merged.map((f) => f.path),
        from,
      ).toEqual(['src/Shop/Cart.cs']);
      expect(reviewPaths(['src/Shop/Cart.cs'], ws)).toEqual({ outside: [], missing: [] });
      expect(totalsOf(merged).lines).toEqual({ covered: 1, total: 2 });
      expect(fixing.unusedFixes).toEqual([]);
    }
  });

  it('names a path-fixes rule that matched nothing, with paths as the reports wrote them', async () => {
    const fixing = await fixReportPaths(
      [report([file('C:/agent/_work/1/s/src/Shop/Cart.cs', [[1, 1]])], 'coverage.json')],
      [{ from: 'D:\\build', to: '.' }],
      workspace,
      () => Promise.resolve([]),
    );
    expect(fixing.unusedFixes).toEqual([{ from: 'D:\\build', to: '.' }]);
    expect(
      pathNotes({ outside: ['C:/agent/_work/1/s/src/Shop/Cart.cs'], missing: [] }, fixing)[0],
    ).toBe(
      "path-fixes rule D:\\build=. matched no report path; the reports' paths look like C:/agent/_work/1/s/src/Shop/Cart.cs.",
    );
  });

  it('applies a container fix to a Cobertura report whose <source> lies outside the workspace', async () => {
    const ws = await mkdtemp(join(scratch, 'cobertura-app-'));
    for (const path of ['backend/svc/calc.py', 'worker/svc/calc.py']) {
      await mkdir(join(ws, dirname(path)), { recursive: true });
      await writeFile(join(ws, path), 'def add(a, b):\n    return a + b\n');
    }
    await writeFile(
      join(ws, 'coverage.xml'),
      `<?xml version="1.0" ?>
<coverage version="6.5.0" line-rate="0.5" branch-rate="0">
  <sources><source>/app</source></sources>
  <packages><package name="svc"><classes>
    <class name="calc.py" filename="svc/calc.py">
      <methods/>
      <lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>
    </class>
  </classes></package></packages>
</coverage>
`,
    );
    const parsed = await parseCobertura(fileSource(join(ws, 'coverage.xml')), {
      workspace: ws,
      origin: 'coverage.xml',
    });
    const listed = () => Promise.resolve(['backend/svc/calc.py', 'worker/svc/calc.py']);
    const fixing = await fixReportPaths([parsed], [{ from: '/app', to: 'backend' }], ws, listed);
    expect(fixing.reports[0].files.map((f) => f.path)).toEqual(['backend/svc/calc.py']);
    expect(fixing.ambiguous).toEqual([]);
    expect(fixing.unusedFixes).toEqual([]);
    // A fix on the path the parser kept still works too.
    const relative = await fixReportPaths(
      [parsed],
      [{ from: 'svc', to: 'worker/svc' }],
      ws,
      listed,
    );
    expect(relative.reports[0].files.map((f) => f.path)).toEqual(['worker/svc/calc.py']);
  });

  it('warns about ambiguous paths that several reports share, and names each once', async () => {
    const ws = await mkdtemp(join(scratch, 'artifacts-'));
    for (const path of ['packages/a/src/index.js', 'packages/b/src/index.js']) {
      await mkdir(join(ws, dirname(path)), { recursive: true });
      await writeFile(join(ws, path), '');
    }
    const reports = ['a', 'b'].map((leg) =>
      report([file('src/index.js', [[1, 1]])], `coverage-${leg}/lcov.info`),
    );
    let fixing: Awaited<ReturnType<typeof fixReportPaths>> | undefined;
    const { commands } = await captureStdout(async () => {
      fixing = await fixReportPaths(reports, [], ws, () =>
        Promise.resolve(['packages/a/src/index.js', 'packages/b/src/index.js']),
      );
    });
    expect(annotationsFrom(commands)).toEqual([
      {
        level: 'warning',
        title: 'Coverage report paths are ambiguous',
        message:
          '1 report path(s) matched several repository files and were kept as written, so reports naming them merge into one file: src/index.js (in coverage-a/lcov.info, coverage-b/lcov.info) matches packages/a/src/index.js, packages/b/src/index.js. The job summary says how to tell them apart.',
      },
    ]);
    const notes = pathNotes({ outside: [], missing: ['src/index.js'] }, fixing!);
    expect(notes).toEqual([
      "1 report path(s) matched several repository files equally well and were kept as written: src/index.js (packages/a/src/index.js or packages/b/src/index.js). Several reports (coverage-a/lcov.info, coverage-b/lcov.info) name src/index.js, and they merge into one file: download each leg's report into its package directory (actions/download-artifact with path: packages/a/coverage) so it resolves there, or run one coverage step per package with name.",
    ]);
    expect(notes.join(' ')).not.toContain('src=packages/a/src');
  });
});

/** Istanbul's json-summary "total", as c8 prints it. */
async function c8Totals(summaryFile: string): Promise<CoverageTotals> {
  const { total } = JSON.parse(await readFile(summaryFile, 'utf8')) as {
    total: Record<'lines' | 'branches' | 'functions', { covered: number; total: number }>;
  };
  const ratio = ({ covered, total: all }: { covered: number; total: number }) => ({
    covered,
    total: all,
  });
  return {
    lines: ratio(total.lines),
    branches: ratio(total.branches),
    functions: ratio(total.functions),
  };
}

describe('a two-package monorepo, each package tested with c8 in its own directory', () => {
  let workspace: string;
  let reports: CoverageReport[];
  beforeAll(async () => {
    workspace = await mkdtemp(join(scratch, 'c8-monorepo-'));
    await cp(join(PROJECTS, 'c8-monorepo'), workspace, { recursive: true });
    // The root has a src/index.js of its own: the package's file must still win.
    await mkdir(join(workspace, 'src'));
    await writeFile(join(workspace, 'src/index.js'), 'export const root = true;\n');
    reports = [];
    for (const name of ['a', 'b']) {
      const directory = join(workspace, 'packages', name);
      const run = spawnSync(
        process.execPath,
        [
          C8,
          '--reporter=lcov',
          '--reporter=json-summary',
          `--temp-directory=${join(scratch, `c8-tmp-${name}`)}`,
          process.execPath,
          'test.js',
        ],
        { cwd: directory, encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      const origin = `packages/${name}/coverage/lcov.info`;
      reports.push(await parseLcov(fileSource(join(workspace, origin)), { workspace, origin }));
    }
  });

  it('c8 writes the same SF:src/index.js in both packages', () => {
    expect(reports.map((r) => r.files.map((f) => f.path))).toEqual([
      ['src/index.js'],
      ['src/index.js'],
    ]);
  });

  it('keeps the packages apart, each with the totals c8 printed for it', async () => {
    const fixing = await fixReportPaths(reports, [], workspace);
    const merged = mergeReports(fixing.reports);
    expect(merged.map((f) => f.path)).toEqual([
      'packages/a/src/index.js',
      'packages/b/src/index.js',
    ]);
    for (const name of ['a', 'b']) {
      const ours = totalsOf(merged.filter((f) => f.path === `packages/${name}/src/index.js`));
      const theirs = await c8Totals(
        join(workspace, `packages/${name}/coverage/coverage-summary.json`),
      );
      expect(ours).toEqual(theirs);
    }
    expect(
      reviewPaths(
        merged.map((f) => f.path),
        workspace,
      ),
    ).toEqual({ outside: [], missing: [] });
    expect(fixing.ambiguous).toEqual([]);
  });

  it('says which packages a path fits when one report at the root names src/index.js', async () => {
    const combined: CoverageReport = { ...reports[0], origin: 'coverage/lcov.info' };
    await rm(join(workspace, 'src/index.js'));
    try {
      const fixing = await fixReportPaths([combined], [], workspace);
      expect(fixing.reports[0].files.map((f) => f.path)).toEqual(['src/index.js']);
      expect(fixing.ambiguous).toEqual([
        {
          path: 'src/index.js',
          report: 'coverage/lcov.info',
          candidates: ['packages/a/src/index.js', 'packages/b/src/index.js'],
        },
      ]);
    } finally {
      await writeFile(join(workspace, 'src/index.js'), 'export const root = true;\n');
    }
  });
});

/** JaCoCo's report-level LINE, BRANCH and METHOD counters (the last ones in the document). */
function jacocoCounters(xml: string): CoverageTotals {
  const tail = /((?:<counter\b[^>]*\/>\s*)+)<\/report>\s*$/.exec(xml)?.[1] ?? '';
  const counter = (type: string) => {
    const match = new RegExp(`<counter type="${type}" missed="(\\d+)" covered="(\\d+)"/>`).exec(
      tail,
    );
    const [missed, covered] = [Number(match?.[1] ?? 0), Number(match?.[2] ?? 0)];
    return { covered, total: covered + missed };
  };
  return { lines: counter('LINE'), branches: counter('BRANCH'), functions: counter('METHOD') };
}

async function javaSources(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.java'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describeWithTool(
  { program: 'javac', debianPackage: 'openjdk-17-jdk-headless', versionArgs: ['-version'] },
  'a Gradle-style two-module tree measured by JaCoCo',
  () => {
    describeWithTool(
      {
        program: 'test',
        debianPackage: 'libjacoco-java',
        versionArgs: ['-f', join(JACOCO_JARS, 'org.jacoco.report.jar')],
      },
      'with the JaCoCo agent and report API',
      () => {
        it('resolves com/acme/Foo.java into app/src/main/java and lib by suffix, totals unchanged', async () => {
          const workspace = await mkdtemp(join(scratch, 'jacoco-gradle-'));
          await cp(join(PROJECTS, 'jacoco-gradle'), workspace, { recursive: true });
          const run = (program: string, ...args: string[]) => {
            const result = spawnSync(program, args, {
              cwd: workspace,
              encoding: 'utf8',
              timeout: 120_000,
            });
            expect(result.status, `${program}: ${result.stderr}`).toBe(0);
          };
          // The agent jar ships inside org.jacoco.agent.jar; it lands beside the build, untracked.
          run('jar', 'xf', join(JACOCO_JARS, 'org.jacoco.agent.jar'), 'jacocoagent.jar');
          const agent = join(workspace, 'jacocoagent.jar');
          const classes = 'app/build/classes/java/main';
          run('javac', '--release', '11', '-g', '-d', classes, ...(await javaSources(workspace)));
          const exec = 'app/build/jacoco/test.exec';
          run(
            'java',
            `-javaagent:${agent}=destfile=${join(workspace, exec)}`,
            '-cp',
            classes,
            'com.acme.Foo',
          );
          const origin = 'app/build/reports/jacoco/test/jacocoTestReport.xml';
          await mkdir(join(workspace, 'app/build/reports/jacoco/test'), { recursive: true });
          const classpath = [
            'org.jacoco.core',
            'org.jacoco.report',
            'asm',
            'asm-commons',
            'asm-tree',
          ]
            .map((jar) => join(JACOCO_JARS, `${jar}.jar`))
            .join(':');
          run(
            'java',
            '-cp',
            classpath,
            join(PROJECTS, 'java-demo/tools/WriteXmlReport.java'),
            exec,
            classes,
            'app/src/main/java',
            origin,
          );

          const parsed = await parseJacoco(fileSource(join(workspace, origin)), {
            workspace,
            origin,
          });
          const fixing = await fixReportPaths([parsed], [], workspace);
          const merged = mergeReports(fixing.reports);
          expect(merged.map((f) => f.path)).toEqual([
            'app/src/main/java/com/acme/Foo.java',
            'lib/src/main/java/com/acme/text/Words.java',
          ]);
          const expected = jacocoCounters(await readFile(join(workspace, origin), 'utf8'));
          expect(expected.lines.covered).toBeLessThan(expected.lines.total);
          expect(totalsOf(merged)).toEqual(expected);
        });
      },
    );
  },
);

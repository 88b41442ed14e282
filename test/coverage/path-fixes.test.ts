import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJacoco } from '../../src/coverage/formats/jacoco.js';
import { parseLcov } from '../../src/coverage/formats/lcov.js';
import { mergeReports } from '../../src/coverage/merge.js';
import type { CoverageReport } from '../../src/coverage/model.js';
import { applyPathFixes, fixReportPaths, reviewPaths } from '../../src/coverage/path-fixes.js';
import { totalsOf, type CoverageTotals } from '../../src/coverage/totals.js';
import { fileSource } from '../../src/core/reports/source.js';
import { describeWithTool } from '../support/tools.js';
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

  it('applies path-fixes only to what the automatic resolution left, and suggests the fix it lacked', async () => {
    const fixing = await fixReportPaths(
      [
        report(
          [
            // Found beside the report: a fix for src would otherwise have moved it.
            file('src/a.ts', [[1, 1]]),
            file('/app/src/a.ts', [[1, 1]]),
            file('/build/gen/b.ts', [[1, 1]]),
          ],
          'lcov.info',
        ),
      ],
      [
        { from: 'src', to: 'lib' },
        { from: '/build/gen', to: 'gen' },
      ],
      workspace,
      () => Promise.resolve(['src/a.ts']),
    );
    expect(fixing.reports[0].files.map((f) => f.path)).toEqual([
      'src/a.ts',
      '/app/src/a.ts',
      'gen/b.ts',
    ]);
    expect(fixing.suggestions).toEqual([{ from: '/app', to: '.' }]);
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

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeClover, parseClover } from '../../../src/coverage/formats/clover.js';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/model.js';
import { totalsOf, type Ratio } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';
import { readXmlReport } from '../../../src/core/reports/xml-stream.js';
import { describeWithTool } from '../../support/tools.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/coverage/clover');
const PHP_DEMO = join(REPO, 'test/fixtures/coverage/projects/php-demo');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-clover-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function parseXml(xml: string): Promise<CoverageReport> {
  return parseClover(textSource(xml, 'clover.xml'), { workspace: '/repo', origin: 'clover.xml' });
}

function byPath(report: CoverageReport): Record<string, FileCoverage> {
  return Object.fromEntries(report.files.map((file) => [file.path, file]));
}

interface ProjectMetrics {
  statements: Ratio;
  conditionals: Ratio;
  methods: Ratio;
}

/** The tool's own figures: the <metrics> element directly under <project>. */
async function projectMetrics(path: string): Promise<ProjectMetrics> {
  const stack: string[] = [];
  let metrics: Record<string, string> = {};
  await readXmlReport(
    fileSource(path),
    { origin: path, formatName: 'Clover', roots: ['coverage'] },
    {
      open({ name, attributes }) {
        if (name === 'metrics' && stack.at(-1) === 'project') metrics = attributes;
        stack.push(name);
      },
      close: () => stack.pop(),
      text() {},
    },
  );
  const ratio = (covered: string, total: string): Ratio => ({
    covered: Number(metrics[covered]),
    total: Number(metrics[total]),
  });
  return {
    statements: ratio('coveredstatements', 'statements'),
    conditionals: ratio('coveredconditionals', 'conditionals'),
    methods: ratio('coveredmethods', 'methods'),
  };
}

describe('parseClover totals against the project <metrics>', () => {
  it('OpenClover (hand-written after its XmlNames): statements, conditionals, methods', async () => {
    const path = join(FIXTURES, 'openclover-documented.xml');
    const metrics = await projectMetrics(path);
    const report = await parseClover(fileSource(path), {
      workspace: '/home/ci/shop',
      origin: path,
    });
    const totals = totalsOf(report.files);
    expect(report.statements).toEqual(metrics.statements);
    expect(totals.branches).toEqual(metrics.conditionals);
    expect(totals.functions).toEqual(metrics.methods);
    // Two statements share line 8, so there is one line fewer than there are statements.
    expect(totals.lines).toEqual({ covered: 5, total: 7 });
  });

  it('PHPUnit 9.6 with PCOV (captured): statements are lines; methods differ as documented', async () => {
    const path = join(FIXTURES, 'phpunit-9.6-pcov.xml');
    const metrics = await projectMetrics(path);
    const report = await parseClover(fileSource(path), {
      workspace: '/tmp/slipway-coverage-demo/php-demo',
      origin: path,
    });
    expectPhpUnitTotals(report, metrics);
    expect(report.files.map((file) => file.path)).toEqual(['src/Basket.php', 'src/functions.php']);
  });
});

/**
 * PHPUnit's statements are executable lines, so lines and statements both equal its metrics.
 * Its coveredmethods counts only methods whose every line ran; Basket::add() ran but never threw,
 * so it is covered here (it ran) and not there.
 */
function expectPhpUnitTotals(report: CoverageReport, metrics: ProjectMetrics): void {
  const totals = totalsOf(report.files);
  expect(metrics.statements.covered).toBeLessThan(metrics.statements.total);
  expect(report.statements).toEqual(metrics.statements);
  expect(totals.lines).toEqual(metrics.statements);
  expect(totals.branches).toEqual(metrics.conditionals);
  expect(totals.functions.total).toBe(metrics.methods.total);
  expect(totals.functions.covered).toBe(metrics.methods.covered + 1);
}

describe('parseClover on the documented OpenClover report', () => {
  let report: Record<string, FileCoverage>;
  beforeAll(async () => {
    const path = join(FIXTURES, 'openclover-documented.xml');
    report = byPath(
      await parseClover(fileSource(path), { workspace: '/home/ci/shop', origin: path }),
    );
  });

  it('reads only <project>: the tests in <testproject> are not the project', () => {
    expect(Object.keys(report).sort()).toEqual([
      'src/main/java/com/acme/Order.java',
      'src/main/java/com/acme/util/Strings.java',
    ]);
  });

  it.each<[string, 'lines' | 'branches' | 'functions', unknown]>([
    [
      'statements on one line make one line, with the higher count',
      'lines',
      { 6: 4, 7: 4, 8: 3, 11: 1, 15: 0 },
    ],
    [
      'each condition is a [truecount, falsecount] pair; two on a line are four branches',
      'branches',
      { 7: [3, 1], 11: [0, 1, 1, 0] },
    ],
    [
      'methods keyed by signature, with their counts',
      'functions',
      { 'total() : int': 4, 'total(int) : int': 1, 'clear() : void': 0 },
    ],
  ])('%s', (_case, kind, expected) => {
    expect(Object.fromEntries(report['src/main/java/com/acme/Order.java'][kind])).toEqual(expected);
  });
});

describe('unusual Clover input', () => {
  it.each<[string, string, Record<string, Record<number, number>>]>([
    [
      'a file with only a name (PHPUnit) and a path with Windows separators',
      `<coverage generated="1"><project timestamp="1">
        <file name="C:\\ci\\repo\\src\\A.php"><line num="3" type="stmt" count="2"/></file>
        <file name="/repo/src/B.php"><line num="0" type="stmt" count="1"/><line num="4" type="stmt" count="-1"/></file>
      </project></coverage>`,
      { 'C:/ci/repo/src/A.php': { 3: 2 }, 'src/B.php': { 4: 0 } },
    ],
    [
      'methods named alike in one file are told apart by line',
      `<coverage generated="1"><project timestamp="1"><file name="/repo/C.php">
        <line num="3" type="method" name="run" count="1"/><line num="9" type="method" name="run" count="0"/>
      </file></project></coverage>`,
      { 'C.php': {} },
    ],
  ])('%s', async (_case, xml, expected) => {
    const parsed = await parseXml(xml);
    expect(
      Object.fromEntries(parsed.files.map((file) => [file.path, Object.fromEntries(file.lines)])),
    ).toEqual(expected);
    if (parsed.files[0].path === 'C.php') {
      expect(Object.fromEntries(parsed.files[0].functions)).toEqual({ 'run@3': 1, 'run@9': 0 });
    }
  });

  it('refuses a Cobertura report', async () => {
    const error = await parseXml('<coverage line-rate="1"><sources/><packages/></coverage>').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).message).toMatch(
      /is a Cobertura report \(<coverage><sources>\), not Clover; set format: cobertura/,
    );
  });
});

describe('looksLikeClover', () => {
  it.each<[string, string, boolean]>([
    ['PHPUnit', 'clover/phpunit-9.6-pcov.xml', true],
    ['OpenClover', 'clover/openclover-documented.xml', true],
    ['coverage.py Cobertura', 'cobertura/coveragepy-6.5-branch.xml', false],
    ['c8 Cobertura', 'cobertura/c8-12.xml', false],
    ['JaCoCo', 'jacoco/jacoco-0.8.6.xml', false],
  ])('%s', async (_case, fixture, expected) => {
    const head = (await readFile(join(FIXTURES, '..', fixture), 'utf8')).slice(0, 4096);
    expect(looksLikeClover(head)).toBe(expected);
  });
});

describeWithTool(
  { program: 'phpunit', debianPackage: 'phpunit' },
  'parseClover on a report PHPUnit writes now',
  () => {
    describeWithTool(
      {
        program: 'php',
        debianPackage: 'php-pcov',
        versionArgs: ['-r', 'exit(extension_loaded("pcov") ? 0 : 1);'],
      },
      'with PCOV collecting coverage',
      () => {
        it('equals PHPUnit project metrics', async () => {
          const workspace = await mkdtemp(join(scratch, 'php-'));
          await cp(PHP_DEMO, workspace, { recursive: true });
          const report = join(workspace, 'clover.xml');
          const run = spawnSync(
            'php',
            [
              '-d',
              'pcov.enabled=1',
              '-d',
              `pcov.directory=${workspace}`,
              onPath('phpunit'),
              '--coverage-clover',
              report,
            ],
            { cwd: workspace, encoding: 'utf8', timeout: 120_000 },
          );
          expect(run.status, run.stdout + run.stderr).toBe(0);

          const parsed = await parseClover(fileSource(report), { workspace, origin: report });
          expectPhpUnitTotals(parsed, await projectMetrics(report));
          expect(parsed.files.map((file) => file.path).sort()).toEqual([
            'src/Basket.php',
            'src/functions.php',
          ]);
        });
      },
    );
  },
);

/** phpunit is a PHP script; PHP runs it so that PCOV's settings can be given on the command line. */
function onPath(program: string): string {
  const directories = (process.env.PATH ?? '').split(delimiter);
  return directories.map((directory) => join(directory, program)).find(existsSync) ?? program;
}

describe("Istanbul's clover.xml (c8, Jest, nyc)", () => {
  const C8 = join(REPO, 'node_modules/c8/bin/c8.js');
  let project: string;
  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'slipway-istanbul-clover-'));
    await cp(join(REPO, 'test/fixtures/coverage/projects/js-demo'), project, { recursive: true });
    const reporters = ['--reporter=clover', '--reporter=json-summary'];
    const ran = spawnSync(
      process.execPath,
      [
        C8,
        '--all',
        '--src',
        'src',
        '--include',
        'src/**',
        ...reporters,
        process.execPath,
        'run.js',
      ],
      { cwd: project, encoding: 'utf8', timeout: 60_000 },
    );
    expect(ran.status, ran.stderr).toBe(0);
  }, 60_000);
  afterAll(() => rm(project, { recursive: true, force: true }));

  it('reads a cond line as a statement that ran, with truecount of its branches taken', async () => {
    const xml = await readFile(join(project, 'coverage/clover.xml'), 'utf8');
    expect(xml, 'c8 wrote statement lines with branches').toMatch(/type="cond" [^>]*truecount/);
    const summary = JSON.parse(
      await readFile(join(project, 'coverage/coverage-summary.json'), 'utf8'),
    ).total;
    const report = await parseClover(fileSource(join(project, 'coverage/clover.xml')), {
      workspace: project,
      origin: 'coverage/clover.xml',
    });
    const totals = totalsOf(report.files);
    expect(totals.lines).toEqual({ covered: summary.lines.covered, total: summary.lines.total });
    expect(totals.branches).toEqual({
      covered: summary.branches.covered,
      total: summary.branches.total,
    });
  });
});

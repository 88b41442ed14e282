import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeCobertura, parseCobertura } from '../../../src/coverage/formats/cobertura.js';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/model.js';
import { totalsOf, type Ratio } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/coverage/cobertura');
const PROJECTS = join(REPO, 'test/fixtures/coverage/projects');
/** Where the captured reports were produced; the tests put the project back in a temp dir. */
const RECORDED_ROOT = '/tmp/slipway-coverage-demo';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-cobertura-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A fresh copy of a demo project, so that no test writes into the repository. */
async function copyProject(name: string): Promise<string> {
  const target = await mkdtemp(join(scratch, `${name}-`));
  await cp(join(PROJECTS, name), target, { recursive: true });
  return target;
}

function parseXml(xml: string, workspace: string): Promise<CoverageReport> {
  return parseCobertura(textSource(xml, 'coverage.xml'), { workspace, origin: 'coverage.xml' });
}

function ratio(covered: number, total: number): Ratio {
  return { covered, total };
}

function byPath(report: CoverageReport): Record<string, FileCoverage> {
  return Object.fromEntries(report.files.map((file) => [file.path, file]));
}

async function refusal(report: Promise<unknown>): Promise<string> {
  const error = await report.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ReportError);
  return (error as ReportError).message;
}

interface ToolTotals {
  lines: Ratio;
  branches: Ratio;
  functions?: Ratio;
}

/** coverage.py's `coverage json` totals: statements are what its XML lists as lines. */
function coveragePyTotals(json: string): ToolTotals {
  const { totals } = JSON.parse(json) as {
    totals: Record<
      'covered_lines' | 'num_statements' | 'covered_branches' | 'num_branches',
      number
    >;
  };
  return {
    lines: ratio(totals.covered_lines, totals.num_statements),
    branches: ratio(totals.covered_branches, totals.num_branches),
  };
}

/** c8's coverage-summary.json (Istanbul's json-summary reporter). */
function c8Totals(json: string): ToolTotals {
  const { total } = JSON.parse(json) as {
    total: Record<'lines' | 'branches' | 'functions', { covered: number; total: number }>;
  };
  return {
    lines: ratio(total.lines.covered, total.lines.total),
    branches: ratio(total.branches.covered, total.branches.total),
    functions: ratio(total.functions.covered, total.functions.total),
  };
}

function expectToolTotals(report: CoverageReport, tool: ToolTotals): void {
  const ours = totalsOf(report.files);
  expect(ours.lines).toEqual(tool.lines);
  expect(ours.branches).toEqual(tool.branches);
  if (tool.functions) expect(ours.functions).toEqual(tool.functions);
}

describe('parseCobertura on captured reports', () => {
  it.each<[string, string, string, (json: string) => ToolTotals, string[]]>([
    [
      'coveragepy-6.5-branch.xml',
      'coveragepy-6.5-branch.totals.json',
      'py-demo',
      coveragePyTotals,
      // Two <source> roots (src and scripts): each file is found under the root that holds it.
      [
        'scripts/run_demo.py',
        'src/shapes/__init__.py',
        'src/shapes/geometry.py',
        'src/shapes/labels.py',
      ],
    ],
    [
      'c8-12.xml',
      'c8-12.summary.json',
      'c8-demo',
      c8Totals,
      ['script.js', 'lib/prices.js', 'lib/text.js'],
    ],
  ])('%s has the totals its tool printed (%s)', async (report, totals, project, read, paths) => {
    const workspace = await copyProject(project);
    // The report as it would have been had the project been here when it ran.
    const xml = (await readFile(join(FIXTURES, report), 'utf8')).replaceAll(
      `${RECORDED_ROOT}/${project}`,
      workspace,
    );
    const parsed = await parseXml(xml, workspace);
    expect(parsed.files.map((file) => file.path)).toEqual(paths);
    expectToolTotals(parsed, read(await readFile(join(FIXTURES, totals), 'utf8')));
  });

  it('reads what coverage.py says about each line of geometry.py', async () => {
    const workspace = await copyProject('py-demo');
    const xml = (await readFile(join(FIXTURES, 'coveragepy-6.5-branch.xml'), 'utf8')).replaceAll(
      `${RECORDED_ROOT}/py-demo`,
      workspace,
    );
    const geometry = byPath(await parseXml(xml, workspace))['src/shapes/geometry.py'];
    expect(geometry.lines.get(10)).toBe(0);
    expect(geometry.lines.get(6)).toBe(1);
    // condition-coverage="50% (1/2)": one of two taken, which one is not said.
    expect(geometry.branches.get(7)).toEqual([1, 0]);
    expect(geometry.branches.get(21)).toEqual([1, 1]);
    expect(geometry.functions.size).toBe(0);
  });

  it('takes c8 functions from <method> with their call counts', async () => {
    const workspace = await copyProject('c8-demo');
    const xml = (await readFile(join(FIXTURES, 'c8-12.xml'), 'utf8')).replaceAll(
      `${RECORDED_ROOT}/c8-demo`,
      workspace,
    );
    const text = byPath(await parseXml(xml, workspace))['lib/text.js'];
    expect(Object.fromEntries(text.functions)).toEqual({
      shout: 1,
      pad: 2,
      Receipt: 1,
      add: 2,
      print: 1,
      clear: 0,
    });
  });
});

describe('parseCobertura on a report written after the DTD (Coverlet style)', () => {
  let report: Record<string, FileCoverage>;
  beforeAll(async () => {
    const path = join(FIXTURES, 'coverlet-style.xml');
    report = byPath(await parseCobertura(fileSource(path), { workspace: scratch, origin: path }));
  });

  it('keeps only files with a filename, with forward slashes', () => {
    expect(Object.keys(report).sort()).toEqual(['src/Shop/Cart.cs', 'src/Shop/Tax.cs']);
  });

  it.each<[string, string, unknown]>([
    [
      'class lines, merged over the classes of one file (a line twice keeps its higher hits)',
      'lines of Cart.cs',
      { 10: 4, 11: 4, 12: 5, 20: 0, 30: 2, 31: 0 },
    ],
    ['branches from condition-coverage', 'branches of Cart.cs', { 11: [1, 0], 31: [0, 0, 0, 0] }],
    [
      'methods, overloads told apart by line, line-rate when a method lists no lines',
      'functions of Cart.cs',
      { 'Add@10': 4, 'Add@20': 0, Clear: 1, MoveNext: 2 },
    ],
    ['method lines when the class lists none of its own', 'lines of Tax.cs', { 5: 1, 6: 1 }],
    ['no branches from a bare "100%"', 'branches of Tax.cs', {}],
  ])('%s', (_case, what, expected) => {
    const [kind, , name] = what.split(' ');
    const file = report[`src/Shop/${name}`];
    const map =
      kind === 'lines' ? file.lines : kind === 'branches' ? file.branches : file.functions;
    expect(Object.fromEntries(map)).toEqual(expected);
  });

  it('ignores the rate and count attributes of <coverage>', () => {
    expect(totalsOf(Object.values(report)).lines).toEqual(ratio(6, 8));
  });
});

describe('filenames relative to the <source> roots', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(scratch, 'roots-'));
    for (const file of ['lib/b/util.py', 'src/app/main.py', 'app/src/pkg/mod.py']) {
      await mkdir(dirname(join(workspace, file)), { recursive: true });
      await writeFile(join(workspace, file), '');
    }
  });

  function report(roots: string[], filename: string): string {
    const sources = roots.map((root) => `<source>${root}</source>`).join('');
    return `<coverage><sources>${sources}</sources><packages><package><classes>
      <class name="c" filename="${filename}"><lines><line number="1" hits="1"/></lines></class>
      </classes></package></packages></coverage>`;
  }

  it.each<[string, (ws: string) => string[], string, string]>([
    ['one root inside the workspace', (ws) => [`${ws}/src`], 'app/main.py', 'src/app/main.py'],
    [
      'several roots inside: the one where the file exists',
      (ws) => [`${ws}/src`, `${ws}/lib`],
      'b/util.py',
      'lib/b/util.py',
    ],
    [
      'several roots inside, file nowhere: the first',
      (ws) => [`${ws}/src`, `${ws}/lib`],
      'gone.py',
      'src/gone.py',
    ],
    [
      'a relative root is relative to the workspace',
      () => ['src'],
      'app/main.py',
      'src/app/main.py',
    ],
    ['the root "."', () => ['.'], 'lib/b/util.py', 'lib/b/util.py'],
    ['no <source> at all', () => [], 'lib/b/util.py', 'lib/b/util.py'],
    ['an absolute filename', () => ['/elsewhere'], '%WS%/src/app/main.py', 'src/app/main.py'],
    [
      'a root outside (a container): its trailing folders are tried in the workspace',
      () => ['/app'],
      'src/pkg/mod.py',
      'app/src/pkg/mod.py',
    ],
    [
      'a root outside, nothing found: the filename as written, for path-fixes',
      () => ['/build/checkout/src'],
      'app/other.py',
      'app/other.py',
    ],
    [
      'a filename that climbs out of its root, still inside the workspace',
      (ws) => [`${ws}/src/app`],
      '../../lib/b/util.py',
      'lib/b/util.py',
    ],
    [
      'Windows separators in root and filename',
      (ws) => [`${ws}\\src`],
      'app\\main.py',
      'src/app/main.py',
    ],
  ])('%s', async (_case, roots, filename, expected) => {
    const xml = report(roots(workspace), filename.replace('%WS%', workspace));
    const parsed = await parseXml(xml, workspace);
    expect(parsed.files.map((file) => file.path)).toEqual([expected]);
  });

  it('a Windows workspace', async () => {
    const xml = report(['C:\\agent\\repo\\src'], 'App\\Main.cs');
    const parsed = await parseXml(xml, 'C:\\agent\\repo');
    expect(parsed.files.map((file) => file.path)).toEqual(['src/App/Main.cs']);
  });
});

describe('reports that are not what they claim', () => {
  it.each<[string, string, RegExp]>([
    [
      'a Clover report',
      '<coverage generated="1"><project timestamp="1"/></coverage>',
      /is a Clover report \(<coverage><project>\), not Cobertura; set format: clover/,
    ],
    [
      'a line claiming a billion branches',
      '<coverage><packages><package><classes><class filename="a.py"><lines>' +
        '<line number="1" hits="1" condition-coverage="0% (0/1000000000)"/>' +
        '</lines></class></classes></package></packages></coverage>',
      /claims 1000000000 branches on line 1/,
    ],
    ['a JaCoCo report', '<report name="x"/>', /has the root element <report>, not <coverage>/],
  ])('%s is refused', async (_case, xml, expected) => {
    expect(await refusal(parseXml(xml, scratch))).toMatch(expected);
  });

  it('an empty but valid report has no files', async () => {
    const parsed = await parseXml(
      '<coverage line-rate="1"><sources/><packages/></coverage>',
      scratch,
    );
    expect(parsed).toEqual({ format: 'cobertura', origin: 'coverage.xml', files: [] });
  });
});

describe('looksLikeCobertura', () => {
  it.each<[string, string, boolean]>([
    ['coverage.py', 'coveragepy-6.5-branch.xml', true],
    ['c8 (with its DOCTYPE)', 'c8-12.xml', true],
    ['Coverlet style', 'coverlet-style.xml', true],
    ['PHPUnit Clover', '../clover/phpunit-9.6-pcov.xml', false],
    ['OpenClover', '../clover/openclover-documented.xml', false],
    ['JaCoCo', '../jacoco/jacoco-0.8.6.xml', false],
    ['LCOV from coverage.py', 'coveragepy-6.5-branch.lcov', false],
  ])('%s: %s', async (_case, fixture, expected) => {
    const head = (await readFile(join(FIXTURES, fixture), 'utf8')).slice(0, 4096);
    expect(looksLikeCobertura(head)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['<?xml version="1.0"?><coverage version="5.1" timestamp="1"><sources>', true],
    ['<coverage line-rate="0.5" branch-rate="0"', true],
    ['<testsuites><testsuite/></testsuites>', false],
    ['{"total": {}}', false],
  ])('%s', (head, expected) => {
    expect(looksLikeCobertura(head)).toBe(expected);
  });
});

describeWithTool(
  { program: 'python3-coverage', debianPackage: 'python3-coverage' },
  'parseCobertura on a report coverage.py writes now',
  () => {
    it('equals coverage json in lines and branches', async () => {
      const workspace = await copyProject('py-demo');
      const env = {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        COVERAGE_FILE: join(workspace, '.coverage'),
      };
      const coverage = (...args: string[]) => {
        const run = spawnSync('python3-coverage', args, {
          cwd: workspace,
          env,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(run.status, run.stderr).toBe(0);
      };
      coverage('run', 'scripts/run_demo.py');
      coverage('xml', '-o', 'coverage.xml');
      coverage('json', '-o', 'coverage.json');

      const report = join(workspace, 'coverage.xml');
      const parsed = await parseCobertura(fileSource(report), { workspace, origin: report });
      const tool = coveragePyTotals(await readFile(join(workspace, 'coverage.json'), 'utf8'));
      // The demo misses lines and takes branches partly; otherwise equality would prove little.
      expect(tool.lines.covered).toBeLessThan(tool.lines.total);
      expect(tool.branches.covered).toBeLessThan(tool.branches.total);
      expectToolTotals(parsed, tool);
      expect(parsed.files.map((file) => file.path)).toContain('src/shapes/labels.py');
    });
  },
);

describe('parseCobertura on a report c8 writes now', () => {
  it('equals c8 json-summary in lines, branches and functions', async () => {
    const workspace = await copyProject('c8-demo');
    const run = spawnSync(
      process.execPath,
      [
        join(REPO, 'node_modules/c8/bin/c8.js'),
        '--reporter=cobertura',
        '--reporter=json-summary',
        `--reports-dir=${join(workspace, 'out')}`,
        `--temp-directory=${join(workspace, 'tmp')}`,
        process.execPath,
        'script.js',
      ],
      { cwd: workspace, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);

    const report = join(workspace, 'out/cobertura-coverage.xml');
    const parsed = await parseCobertura(fileSource(report), { workspace, origin: report });
    const tool = c8Totals(await readFile(join(workspace, 'out/coverage-summary.json'), 'utf8'));
    expect(tool.functions?.covered).toBeLessThan(tool.functions?.total ?? 0);
    expect(tool.branches.covered).toBeLessThan(tool.branches.total);
    expectToolTotals(parsed, tool);
    expect(parsed.files.map((file) => file.path).sort()).toEqual([
      'lib/prices.js',
      'lib/text.js',
      'script.js',
    ]);
  });
});

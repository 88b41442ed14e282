import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeJacoco, parseJacoco } from '../../../src/coverage/formats/jacoco.js';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/model.js';
import { totalsOf, type CoverageTotals } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO, 'test/fixtures/coverage/jacoco');
const JAVA_DEMO = join(REPO, 'test/fixtures/coverage/projects/java-demo');
/** Debian's libjacoco-java: the agent (inside org.jacoco.agent.jar) and the report API. */
const JACOCO_JARS = '/usr/share/java';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-jacoco-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function parseFixture(name: string): Promise<CoverageReport> {
  const path = join(FIXTURES, name);
  return parseJacoco(fileSource(path), { workspace: '/repo', origin: path });
}

function parseXml(xml: string): Promise<CoverageReport> {
  return parseJacoco(textSource(xml, 'jacoco.xml'), { workspace: '/repo', origin: 'jacoco.xml' });
}

function byPath(report: CoverageReport): Record<string, FileCoverage> {
  return Object.fromEntries(report.files.map((file) => [file.path, file]));
}

/**
 * JaCoCo's own totals: the LINE, BRANCH and METHOD counters directly under <report>, the last
 * counters of the document. Unlike Cobertura's rates these are exact, so ours must equal them.
 */
function reportCounters(xml: string): CoverageTotals {
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

describe('parseJacoco totals equal the report-level counters', () => {
  it.each([
    ['jacoco-0.8.6.xml', 'written by JaCoCo 0.8.6 for projects/java-demo'],
    ['documented-groups.xml', 'hand-written after report.dtd: groups, default package, nr="0"'],
  ])('%s (%s)', async (fixture) => {
    const xml = await readFile(join(FIXTURES, fixture), 'utf8');
    const expected = reportCounters(xml);
    expect(expected.lines.total).toBeGreaterThan(expected.lines.covered);
    expect(totalsOf((await parseFixture(fixture)).files)).toEqual(expected);
  });
});

describe('parseJacoco on the captured java-demo report', () => {
  let report: Record<string, FileCoverage>;
  beforeAll(async () => {
    report = byPath(await parseFixture('jacoco-0.8.6.xml'));
  });

  it('names files package/sourcefile', () => {
    expect(Object.keys(report).sort()).toEqual([
      'com/example/shop/Cart.java',
      'com/example/shop/Main.java',
      'com/example/util/Strings.java',
    ]);
  });

  it.each<[string, string, unknown]>([
    [
      'overloads and the constructors of nested classes are told apart by line',
      'functions of Cart.java',
      {
        '<init>@7': 1,
        '<init>@37': 1,
        add: 1,
        'total@19': 1,
        'total@27': 0,
        isEmpty: 1,
        valid: 1,
      },
    ],
    [
      'a line hits as many times as it ran instructions; ci=0 is uncovered',
      'lines of Main.java',
      { 3: 0, 5: 8, 6: 4, 7: 7, 8: 5, 9: 1, 12: 4, 14: 0, 16: 2 },
    ],
    [
      'branches: covered ones (cb) first, then missed ones (mb)',
      'branches of Cart.java',
      { 11: [1, 0], 20: [1, 1], 23: [1, 0], 42: [1, 1, 0, 0] },
    ],
  ])('%s', (_case, what, expected) => {
    const [kind, , name] = what.split(' ');
    const file = Object.values(report).find((candidate) => candidate.path.endsWith(`/${name}`));
    const map =
      kind === 'lines' ? file?.lines : kind === 'branches' ? file?.branches : file?.functions;
    expect(Object.fromEntries(map ?? [])).toEqual(expected);
  });
});

describe('parseJacoco on a report written after the DTD', () => {
  let report: Record<string, FileCoverage>;
  beforeAll(async () => {
    report = byPath(await parseFixture('documented-groups.xml'));
  });

  it.each<[string, string, unknown]>([
    ['the default package puts the file at the root', 'Main.java', { 2: 3, 3: 5, 4: 0 }],
    [
      'nr="0" and lines without instructions are not coverable',
      'com/acme/core/Order.java',
      { 3: 3, 5: 5, 6: 4, 7: 0, 10: 0 },
    ],
  ])('%s', (_case, path, expected) => {
    expect(Object.fromEntries(report[path].lines)).toEqual(expected);
  });

  it('a method without a line keeps its plain name; a class without a source file adds none', () => {
    expect(Object.fromEntries(report['com/acme/core/Order.java'].functions)).toEqual({
      '<init>': 1,
      'total@5': 1,
      'total@10': 0,
      lambda$total$0: 1,
    });
    expect(Object.fromEntries(report['Main.java'].functions)).toEqual({ main: 1 });
  });
});

describe('unusual JaCoCo input', () => {
  it.each<[string, string, Record<string, Record<number, number>>]>([
    [
      'the same file in two groups (an aggregate of two modules) is one file',
      `<report name="r"><group name="a"><package name="p"><sourcefile name="A.java">
       <line nr="1" mi="1" ci="0"/><line nr="2" mi="0" ci="3"/></sourcefile></package></group>
       <group name="b"><package name="p"><sourcefile name="A.java">
       <line nr="1" mi="0" ci="2"/></sourcefile></package></group></report>`,
      { 'p/A.java': { 1: 2, 2: 3 } },
    ],
    [
      'attributes left to their DTD default "0" make no coverable line',
      '<report name="r"><package name="p"><sourcefile name="B.java"><line nr="4"/></sourcefile></package></report>',
      { 'p/B.java': {} },
    ],
    [
      'negative and unreadable counts are 0',
      '<report name="r"><package name="p"><sourcefile name="C.java"><line nr="4" mi="2" ci="-5"/><line nr="5" mi="x" ci="1e0"/></sourcefile></package></report>',
      { 'p/C.java': { 4: 0, 5: 1 } },
    ],
  ])('%s', async (_case, xml, expected) => {
    const parsed = await parseXml(xml);
    expect(
      Object.fromEntries(parsed.files.map((file) => [file.path, Object.fromEntries(file.lines)])),
    ).toEqual(expected);
  });

  it('refuses a line claiming more branches than any compiler makes', async () => {
    const xml =
      '<report name="r"><package name="p"><sourcefile name="D.java">' +
      '<line nr="1" mi="1" ci="1" mb="999999999" cb="1"/></sourcefile></package></report>';
    const error = await parseXml(xml).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).message).toMatch(/claims 1000000000 branches on line 1/);
  });
});

describe('looksLikeJacoco', () => {
  it.each<[string, string, boolean]>([
    ['JaCoCo 0.8.6', 'jacoco/jacoco-0.8.6.xml', true],
    ['hand-written', 'jacoco/documented-groups.xml', true],
    ['Cobertura from c8', 'cobertura/c8-12.xml', false],
    ['Clover from PHPUnit', 'clover/phpunit-9.6-pcov.xml', false],
  ])('%s', async (_case, fixture, expected) => {
    const head = (await readFile(join(FIXTURES, '..', fixture), 'utf8')).slice(0, 4096);
    expect(looksLikeJacoco(head)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['<report name="x"><sessioninfo id="a" start="1" dump="2"/>', true],
    ['<?xml version="1.0"?>\n<report name="app">\n  <package name="a">', true],
    ['<report><title>Quarterly</title></report>', false],
    ['<coverage line-rate="1">', false],
  ])('%s', (head, expected) => {
    expect(looksLikeJacoco(head)).toBe(expected);
  });
});

describeWithTool(
  { program: 'javac', debianPackage: 'openjdk-17-jdk-headless', versionArgs: ['-version'] },
  'parseJacoco on a report JaCoCo writes now',
  () => {
    describeWithTool(
      {
        // The jars are not programs; `test -f` checks that Debian's libjacoco-java put them there.
        program: 'test',
        debianPackage: 'libjacoco-java',
        versionArgs: ['-f', join(JACOCO_JARS, 'org.jacoco.report.jar')],
      },
      'with the JaCoCo agent and report API',
      () => {
        it('equals JaCoCo report-level LINE, BRANCH and METHOD counters', async () => {
          const work = await mkdtemp(join(scratch, 'java-'));
          await cp(JAVA_DEMO, work, { recursive: true });
          const run = (program: string, ...args: string[]) => {
            const result = spawnSync(program, args, {
              cwd: work,
              encoding: 'utf8',
              timeout: 120_000,
            });
            expect(result.status, `${program}: ${result.stderr}`).toBe(0);
          };
          run('jar', 'xf', join(JACOCO_JARS, 'org.jacoco.agent.jar'), 'jacocoagent.jar');
          const sources = await javaSources(join(work, 'src'));
          run('javac', '--release', '11', '-g', '-d', 'classes', ...sources);
          run(
            'java',
            `-javaagent:${join(work, 'jacocoagent.jar')}=destfile=${join(work, 'jacoco.exec')}`,
            '-cp',
            'classes',
            'com.example.shop.Main',
          );
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
            'tools/WriteXmlReport.java',
            'jacoco.exec',
            'classes',
            'src/main/java',
            'jacoco.xml',
          );

          const report = join(work, 'jacoco.xml');
          const parsed = await parseJacoco(fileSource(report), { workspace: work, origin: report });
          const expected = reportCounters(await readFile(report, 'utf8'));
          expect(expected.functions.covered).toBeLessThan(expected.functions.total);
          expect(expected.branches.covered).toBeLessThan(expected.branches.total);
          expect(totalsOf(parsed.files)).toEqual(expected);
        });
      },
    );
  },
);

async function javaSources(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.java'))
    .map((entry) => join(entry.parentPath, entry.name));
}

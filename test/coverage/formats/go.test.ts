import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeGo, parseGo } from '../../../src/coverage/formats/go.js';
import type { CoverageReport } from '../../../src/coverage/model.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';
import { describeWithTool } from '../../support/tools.js';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('../../fixtures/coverage/', import.meta.url));
const GO_DEMO = join(FIXTURES, 'projects/go-demo');

function parse(text: string, workspace = '/nowhere'): Promise<CoverageReport> {
  return parseGo(textSource(text, 'cover.out'), { workspace, origin: 'cover.out' });
}

/** `go tool cover -func` ends with "total:  (statements)  69.2%". */
function goTotalPercent(funcOutput: string): string {
  const match = /^total:\s+\(statements\)\s+([\d.]+)%/m.exec(funcOutput);
  if (!match) throw new Error(`no total line in go tool cover -func output:\n${funcOutput}`);
  return match[1]!;
}

/** As go tool cover prints it: one decimal, and 0% for an empty profile. */
function statementPercent(report: CoverageReport): string {
  const { covered, total } = report.statements!;
  return ((100 * covered) / (total === 0 ? 1 : total)).toFixed(1);
}

describe('Go cover profiles', () => {
  it.each([
    {
      name: 'count mode: every line a block spans, the most any block on a line ran',
      profile: [
        'mode: count',
        'example.com/m/a.go:3.20,5.3 2 4',
        'example.com/m/a.go:5.3,7.10 1 0',
      ],
      lines: [
        [3, 4],
        [4, 4],
        [5, 4],
        [6, 0],
        [7, 0],
      ],
      statements: { covered: 2, total: 3 },
    },
    {
      name: 'a block ending at column 1 or 2 (a function’s closing brace) leaves that line out',
      profile: [
        'mode: set',
        'example.com/m/a.go:10.25,13.2 3 1',
        'example.com/m/a.go:20.1,20.2 1 0',
      ],
      lines: [
        [10, 1],
        [11, 1],
        [12, 1],
        [20, 0],
      ],
      statements: { covered: 3, total: 4 },
    },
    {
      name: 'duplicate blocks in count mode are summed (go test -coverpkg across packages)',
      profile: [
        'mode: count',
        'example.com/m/a.go:1.1,1.20 1 4',
        'example.com/m/a.go:1.1,1.20 1 3',
      ],
      lines: [[1, 7]],
      statements: { covered: 1, total: 1 },
    },
    {
      name: 'duplicate blocks in set mode are ORed, and a repeated mode line is accepted',
      profile: [
        'mode: set',
        'example.com/m/a.go:1.1,1.20 1 0',
        'mode: set',
        'example.com/m/a.go:1.1,1.20 1 1',
      ],
      lines: [[1, 1]],
      statements: { covered: 1, total: 1 },
    },
    {
      name: 'an empty profile: no statements (go prints 0.0%)',
      profile: ['mode: atomic'],
      lines: [],
      statements: { covered: 0, total: 0 },
    },
  ])('$name', async ({ profile, lines, statements }) => {
    const report = await parse(`${profile.join('\n')}\n`);

    expect(report.format).toBe('go');
    expect(report.files.flatMap((file) => [...file.lines])).toEqual(lines);
    expect(report.statements).toEqual(statements);
  });

  it.each([
    {
      name: 'paths with colons, spaces and commas (parsed from the right)',
      profile: 'mode: set\nexample.com/m/dir: odd, name/a b.go:1.1,2.2 1 1\n',
      path: 'example.com/m/dir: odd, name/a b.go',
    },
    {
      name: 'a GOPATH-less absolute path (leading "_")',
      profile: 'mode: set\n_/home/runner/work/r/r/main.go:1.1,2.2 1 1\n',
      path: 'main.go',
    },
  ])('keeps $name', async ({ profile, path }) => {
    const report = await parse(profile, '/home/runner/work/r/r');

    expect(report.files.map((file) => file.path)).toEqual([path]);
  });

  it.each([
    {
      name: 'no mode line',
      profile: 'example.com/m/a.go:1.1,2.2 1 1\n',
      problem: /does not start with a "mode:/,
    },
    { name: 'mode without the space', profile: 'mode:count\n', problem: /bad mode line/ },
    { name: 'an unknown mode', profile: 'mode: sometimes\n', problem: /bad mode line/ },
    { name: 'an empty file', profile: '', problem: /is empty/ },
    {
      name: 'garbage',
      profile: 'mode: set\nhello world\n',
      problem: /line 2 is not a Go cover profile block/,
    },
    {
      name: 'a negative count',
      profile: 'mode: count\na.go:1.1,2.2 1 -1\n',
      problem: /line 2 is not/,
    },
    {
      name: 'inconsistent NumStmt',
      profile: 'mode: count\na.go:1.1,2.2 1 1\na.go:1.1,2.2 2 1\n',
      problem: /inconsistent NumStmt/,
    },
    {
      name: 'two modes',
      profile: 'mode: set\na.go:1.1,2.2 1 1\nmode: count\n',
      problem: /cannot be merged/,
    },
    {
      name: 'an absurd block',
      profile: 'mode: set\na.go:1.1,900000000.2 1 1\n',
      problem: /not a plausible/,
    },
    {
      name: 'a block ending before it starts',
      profile: 'mode: set\na.go:9.1,2.2 1 1\n',
      problem: /not a plausible/,
    },
  ])('refuses $name with a ReportError', async ({ profile, problem }) => {
    const attempt = parse(profile);

    await expect(attempt).rejects.toBeInstanceOf(ReportError);
    await expect(attempt).rejects.toThrow(problem);
  });

  it.each([
    { head: 'mode: set\na.go:1.1,2.2 1 1\n', expected: true },
    { head: 'mode: atomic\r\n', expected: true },
    { head: 'mode:count\n', expected: false },
    { head: 'TN:\nSF:a.c\n', expected: false },
  ])('looksLikeGo($head) is $expected', ({ head, expected }) => {
    expect(looksLikeGo(head)).toBe(expected);
  });
});

describe('import paths to repository paths', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'slipway-go-paths-'));
    await writeFile(
      join(workspace, 'go.mod'),
      'module example.com/shop // the storefront\n\ngo 1.19\n',
    );
    await mkdir(join(workspace, 'services/billing'), { recursive: true });
    await writeFile(
      join(workspace, 'services/billing/go.mod'),
      'module "example.com/shop/billing"\n',
    );
    await mkdir(join(workspace, 'node_modules/x'), { recursive: true });
    await writeFile(join(workspace, 'node_modules/x/go.mod'), 'module example.com/ignored\n');
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it.each([
    { importPath: 'example.com/shop/cart/cart.go', path: 'cart/cart.go' },
    { importPath: 'example.com/shop/billing/invoice.go', path: 'services/billing/invoice.go' },
    { importPath: 'example.com/shopping/x.go', path: 'example.com/shopping/x.go' },
    { importPath: 'example.com/ignored/y.go', path: 'example.com/ignored/y.go' },
  ])('$importPath → $path', async ({ importPath, path }) => {
    const report = await parse(`mode: set\n${importPath}:1.1,2.2 1 1\n`, workspace);

    expect(report.files.map((file) => file.path)).toEqual([path]);
  });
});

describe('a profile captured from go test (go 1.19)', () => {
  it('gives the statement total go tool cover -func prints, on repository paths', async () => {
    const report = await parseGo(fileSource(join(FIXTURES, 'go/count.out')), {
      workspace: GO_DEMO,
      origin: 'count.out',
    });
    const func = await readFile(join(FIXTURES, 'go/count.func.txt'), 'utf8');

    expect(statementPercent(report)).toBe(goTotalPercent(func));
    expect(report.files.map((file) => file.path)).toEqual(['pkg/calc.go']);
    const [file] = report.files;
    const uncovered = [...file!.lines].filter(([, hits]) => hits === 0).map(([line]) => line);
    // classify(0) never runs (return 0 and its closing brace), nor the break, nor unused().
    expect(uncovered).toEqual([8, 9, 18, 25, 26, 27]);
  });
});

describeWithTool(
  { program: 'go', debianPackage: 'golang-go', versionArgs: ['version'] },
  'go test -coverprofile, run now',
  () => {
    let scratch: string;
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'slipway-go-'));
    });
    afterAll(async () => {
      // Go marks its module cache read-only.
      await run('chmod', ['-R', 'u+w', scratch]).catch(() => undefined);
      await rm(scratch, { recursive: true, force: true });
    });

    it.each(['set', 'count', 'atomic'])(
      '-covermode=%s: statements equal go tool cover -func',
      async (mode) => {
        const project = join(scratch, `go-demo-${mode}`);
        await cp(GO_DEMO, project, { recursive: true });
        // No network and nothing shared with the machine's Go caches.
        const env = {
          ...process.env,
          GOCACHE: join(scratch, 'cache'),
          GOPATH: join(scratch, 'gopath'),
          GOPROXY: 'off',
          GOFLAGS: '-mod=mod',
          GO111MODULE: 'on',
          GOTOOLCHAIN: 'local',
        };
        const profile = join(project, 'cover.out');
        await run('go', ['test', `-covermode=${mode}`, `-coverprofile=${profile}`, './...'], {
          cwd: project,
          env,
          timeout: 120_000,
        });
        const { stdout } = await run('go', ['tool', 'cover', `-func=${profile}`], {
          cwd: project,
          env,
        });

        const report = await parseGo(fileSource(profile), { workspace: project, origin: profile });

        expect(statementPercent(report)).toBe(goTotalPercent(stdout));
        expect(report.files.map((file) => file.path)).toEqual(['pkg/calc.go']);
        const source = (await readFile(join(project, 'pkg/calc.go'), 'utf8')).split('\n');
        const unusedStart = source.findIndex((line) => line.startsWith('func unused')) + 1;
        const lines = report.files[0]!.lines;
        expect(lines.get(unusedStart)).toBe(0);
        expect(lines.get(unusedStart + 1)).toBe(0);
        const sumStart = source.findIndex((line) => line.startsWith('func Sum')) + 1;
        expect(lines.get(sumStart)).toBeGreaterThan(0);
      },
      180_000,
    );
  },
);

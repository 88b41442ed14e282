import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCoverlet } from '../../../src/coverage/formats/coverlet.js';
import { detectFormat } from '../../../src/coverage/discover.js';
import { SNIFFERS } from '../../../src/coverage/formats/index.js';
import { looksLikeOpenCover, parseOpenCover } from '../../../src/coverage/formats/opencover.js';
import { looksLikeCobertura } from '../../../src/coverage/formats/cobertura.js';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/model.js';
import { totalsOf } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/coverage/', import.meta.url));

function read(name: string, workspace: string): Promise<CoverageReport> {
  const path = join(FIXTURES, name);
  return name.endsWith('.json')
    ? parseCoverlet(fileSource(path), { workspace, origin: path })
    : parseOpenCover(fileSource(path), { workspace, origin: path });
}

function byPath(report: CoverageReport): Record<string, FileCoverage> {
  return Object.fromEntries(report.files.map((file) => [file.path, file]));
}

describe('parseOpenCover on an OpenCover.Console report', () => {
  let files: Record<string, FileCoverage>;
  let report: CoverageReport;
  beforeAll(async () => {
    report = await read('opencover/opencover-4.7.xml', '/work');
    files = byPath(report);
  });

  it('keeps Windows paths from the build agent, with forward slashes, and skips filtered modules', () => {
    expect(Object.keys(files).sort()).toEqual([
      'C:/build/shop/src/Shop/Cart.cs',
      'C:/build/shop/src/Shop/Tax.cs',
    ]);
    // Line 40 belongs to the System.Xml module OpenCover skipped.
    expect(files['C:/build/shop/src/Shop/Cart.cs'].lines.has(40)).toBe(false);
  });

  it('makes lines of sequence points: the higher vc of two on a line, no hidden lines, no skipped methods', () => {
    expect(Object.fromEntries(files['C:/build/shop/src/Shop/Cart.cs'].lines)).toEqual({
      10: 3,
      11: 3,
      12: 1,
      13: 2,
      21: 0,
      22: 0,
    });
  });

  it("puts points without fileid into their method's FileRef", () => {
    const tax = files['C:/build/shop/src/Shop/Tax.cs'];
    expect(Object.fromEntries(tax.lines)).toEqual({ 5: 1, 6: 1, 7: 0 });
    expect(Object.fromEntries(tax.branches)).toEqual({ 6: [1, 0] });
  });

  it('makes methods with a file functions, not interface methods or skipped ones', () => {
    expect(Object.fromEntries(files['C:/build/shop/src/Shop/Cart.cs'].functions)).toEqual({
      'System.Void Shop.Cart::Add(System.String,System.Int32)': 3,
      'System.Void Shop.Cart::Clear()': 0,
    });
  });

  it('has the totals worked out by hand from the report', () => {
    expect(totalsOf(report.files)).toEqual({
      lines: { covered: 6, total: 9 },
      branches: { covered: 3, total: 4 },
      functions: { covered: 2, total: 3 },
    });
  });

  it('is recognised by its first bytes, and not as Cobertura', async () => {
    const head = (await readFile(join(FIXTURES, 'opencover/opencover-4.7.xml'), 'utf8')).slice(
      0,
      4096,
    );
    expect(looksLikeOpenCover(head)).toBe(true);
    expect(looksLikeCobertura(head)).toBe(false);
  });
});

describe('coverlet --format opencover', () => {
  it('gives what the same run gives as Coverlet JSON', async () => {
    const xml = await read('opencover/coverlet.opencover.xml', '/build/shop');
    const json = await read('coverlet/coverage.json', '/build/shop');
    expect(totalsOf(xml.files)).toEqual(totalsOf(json.files));
    const sorted = (report: CoverageReport) =>
      [...report.files]
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((file) => ({ ...file, functions: new Map([...file.functions].sort()) }));
    expect(sorted(xml)).toEqual(sorted(json));
  });
});

describe('format: auto on the .NET reports', () => {
  it.each([
    ['opencover/opencover-4.7.xml', 'opencover'],
    ['opencover/coverlet.opencover.xml', 'opencover'],
    ['coverlet/coverage.json', 'coverlet'],
  ])('%s is read as %s', async (name, format) => {
    expect(await detectFormat(join(FIXTURES, name), SNIFFERS)).toBe(format);
  });
});

describe('parseOpenCover edge cases', () => {
  it('refuses a document whose root is not CoverageSession', async () => {
    const error = await parseOpenCover(textSource('<coverage/>', 'x.xml'), {
      workspace: '/w',
      origin: 'x.xml',
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ReportError);
  });

  it.each<[string, boolean]>([
    ['<?xml version="1.0" encoding="utf-8"?>\n<CoverageSession xmlns:xsd="x">', true],
    ['<CoverageSession>\n  <Summary numSequencePoints="1" />', true],
    ['<?xml version="1.0" ?><coverage line-rate="0.5">', false],
  ])('sniffs %s as %s', (head, expected) => {
    expect(looksLikeOpenCover(head)).toBe(expected);
  });
});

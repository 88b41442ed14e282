import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { looksLikeCoverlet, parseCoverlet } from '../../../src/coverage/formats/coverlet.js';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/model.js';
import { totalsOf } from '../../../src/coverage/totals.js';
import { fileSource, ReportError, textSource } from '../../../src/core/reports/source.js';

const FIXTURE = fileURLToPath(
  new URL('../../fixtures/coverage/coverlet/coverage.json', import.meta.url),
);

function byPath(report: CoverageReport): Record<string, FileCoverage> {
  return Object.fromEntries(report.files.map((file) => [file.path, file]));
}

describe('parseCoverlet on coverage.json', () => {
  let report: CoverageReport;
  beforeAll(async () => {
    // The build machine's checkout was /build/shop; here it is the workspace.
    report = await parseCoverlet(fileSource(FIXTURE), {
      workspace: '/build/shop',
      origin: FIXTURE,
    });
  });

  it('makes absolute document paths inside the workspace relative, one file per document', () => {
    expect(report.files.map((file) => file.path).sort()).toEqual([
      'src/Shop/Cart.cs',
      'src/Shop/Tax.cs',
    ]);
  });

  it('takes a line shared by a method and its lambda once, with the higher hits', () => {
    const cart = byPath(report)['src/Shop/Cart.cs'];
    expect(Object.fromEntries(cart.lines)).toEqual({
      10: 3,
      11: 3,
      12: 1,
      13: 2,
      16: 2,
      17: 4,
      18: 0,
      21: 0,
      22: 0,
    });
  });

  it('counts the branches of both methods on a shared line', () => {
    const cart = byPath(report)['src/Shop/Cart.cs'];
    expect(Object.fromEntries(cart.branches)).toEqual({ 11: [1, 1], 17: [1, 1, 0, 0] });
  });

  it('makes every method a function, run when one of its lines ran', () => {
    const cart = byPath(report)['src/Shop/Cart.cs'];
    expect(Object.fromEntries(cart.functions)).toEqual({
      'System.Void Shop.Cart::Add(System.String,System.Int32)': 3,
      'System.Decimal Shop.Cart::Total()': 2,
      'System.Void Shop.Cart::Clear()': 0,
      'System.Boolean Shop.Cart/<>c::<Total>b__3_0(Shop.Item)': 4,
    });
  });

  it('merges a source linked into two assemblies: covered where either ran it', () => {
    const tax = byPath(report)['src/Shop/Tax.cs'];
    expect(Object.fromEntries(tax.lines)).toEqual({ 5: 1, 6: 1, 7: 1 });
    expect(tax.branches.get(6)).toEqual([1, 0]);
    expect(tax.functions.size).toBe(1);
  });

  it('has the totals worked out by hand from the report', () => {
    // Lines: Cart 6 of 9, Tax 3 of 3. Branches: Cart 4 of 6, Tax 1 of 2. Functions: 4 of 5.
    expect(totalsOf(report.files)).toEqual({
      lines: { covered: 9, total: 12 },
      branches: { covered: 5, total: 8 },
      functions: { covered: 4, total: 5 },
    });
  });

  it('is recognised by its first bytes', async () => {
    expect(looksLikeCoverlet((await readFile(FIXTURE, 'utf8')).slice(0, 4096))).toBe(true);
  });
});

describe('parseCoverlet edge cases', () => {
  function parse(json: string): Promise<CoverageReport> {
    return parseCoverlet(textSource(json, 'coverage.json'), {
      workspace: '/w',
      origin: 'coverage.json',
    });
  }

  it('keeps paths from elsewhere (a Windows agent) for path-fixes', async () => {
    const report = await parse(
      '{"A.dll": {"D:\\\\a\\\\src\\\\A.cs": {"A": {"M()": {"Lines": {"3": 0}, "Branches": []}}}}}',
    );
    expect(report.files[0].path).toBe('D:/a/src/A.cs');
  });

  it.each<[string, string, string]>([
    ['a module that is no object', '{"A.dll": []}', 'module "A.dll" must be an object'],
    [
      'hits that are no number',
      '{"A.dll": {"/w/A.cs": {"A": {"M()": {"Lines": {"3": "1"}}}}}}',
      'Lines["3"] must be a number',
    ],
    [
      'a branch without a line number',
      '{"A.dll": {"/w/A.cs": {"A": {"M()": {"Branches": [{"Line": "x"}]}}}}}',
      'Branches[0].Line must be a number',
    ],
  ])('refuses %s, saying where', async (_case, json, message) => {
    const error = await parse(json).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).message).toContain(message);
  });

  it.each<[string, boolean]>([
    [
      '{\n  "Shop.dll": {\n    "/s/Cart.cs": {\n      "Shop.Cart": {\n        "System.Void Shop.Cart::Add()": {\n          "Lines": {',
      true,
    ],
    ['{"Tool.exe": {"/s/P.cs": {"P": {"Main()": {"Branches": [', true],
    ['{"/src/a.js": {"path": "/src/a.js", "statementMap": {}', false],
    ['{"meta": {"version": "7.6.0"}, "files": {"a.py": {"executed_lines": [', false],
    ['{"RSpec": {"coverage": {"/app/a.rb": {"lines": [', false],
  ])('sniffs %s as %s', (head, expected) => {
    expect(looksLikeCoverlet(head)).toBe(expected);
  });
});

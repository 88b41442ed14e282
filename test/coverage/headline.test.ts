import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCobertura } from '../../src/coverage/formats/cobertura.js';
import { describeHeadline, headlineOf, partialLines } from '../../src/coverage/headline.js';
import { BranchTakens, FunctionHits, LineHits } from '../../src/coverage/model.js';
import { totalsOf } from '../../src/coverage/totals.js';
import { fileSource } from '../../src/core/reports/source.js';
import { file } from './build.js';

/** coverage.py 6.5 with --branch over projects/py-demo: 41 of 48 lines, 10 of 14 branches. */
const COVERAGEPY_XML = fileURLToPath(
  new URL('../fixtures/coverage/cobertura/coveragepy-6.5-branch.xml', import.meta.url),
);

describe('headline rate', () => {
  const files = [
    file(
      'a.ts',
      [
        [1, 1],
        [2, 1],
        [3, 0],
        [4, 1],
      ],
      [
        [2, [1, 0]], // ran, one branch never taken: partial
        [3, [0, 0]], // never ran: a miss, not a partial
        [4, [2, 1]], // every branch taken: a hit
      ],
    ),
  ];

  it('counts a line that ran with a branch never taken as covered under lines', () => {
    const totals = totalsOf(files);
    expect(headlineOf(files, totals.lines, 'lines')).toEqual({
      definition: 'lines',
      covered: 3,
      total: 4,
      partials: 1,
    });
  });

  it('counts it as missed under codecov: hits ÷ (hits + partials + misses)', () => {
    const totals = totalsOf(files);
    expect(headlineOf(files, totals.lines, 'codecov')).toMatchObject({ covered: 2, total: 4 });
  });

  it("equals the lines Codecov would call partial in coverage.py's own Cobertura report", async () => {
    const xml = await readFile(COVERAGEPY_XML, 'utf8');
    // Codecov reads a Cobertura line as partial when it ran and its condition-coverage is below 100%.
    const partialInXml = [
      ...xml.matchAll(/<line [^>]*hits="(\d+)"[^>]*condition-coverage="(\d+)%/g),
    ].filter(([, hits, percent]) => Number(hits) > 0 && Number(percent) < 100).length;
    const report = await parseCobertura(fileSource(COVERAGEPY_XML), {
      workspace: '/tmp/slipway-coverage-demo/py-demo',
      origin: 'coverage.xml',
    });
    expect(partialInXml).toBeGreaterThan(0);
    expect(partialLines(report.files)).toBe(partialInXml);
    const lines = totalsOf(report.files).lines;
    expect(lines).toEqual({ covered: 41, total: 48 });
    expect(headlineOf(report.files, lines, 'codecov').covered).toBe(41 - partialInXml);
  });

  it('counts the compact model, read in place, as the same file of plain Maps', () => {
    const plain = file(
      'b.ts',
      [
        [2, 3],
        [5, 0],
        [9, 2 ** 40],
        [7, 1],
        [1, 1], // before the first line: still pending when counted
      ],
      [
        [2, [1, 0]],
        [5, [0, 0]],
        [9, [0.5, 0]],
        [7, [0, 1, 1]], // before the last line: still pending when counted
        [3, [2, 2]],
      ],
      [
        ['main', 1],
        ['helper', 0],
      ],
    );
    const compact = {
      path: 'b.ts',
      lines: new LineHits(plain.lines),
      branches: new BranchTakens(plain.branches),
      functions: new FunctionHits(plain.functions),
    };
    expect(partialLines([compact])).toBe(partialLines([plain]));
    expect(partialLines([compact])).toBe(3);
    expect(totalsOf([compact])).toEqual(totalsOf([plain]));
  });

  it('says in the summary which number the headline is', () => {
    const totals = totalsOf(files);
    expect(describeHeadline(headlineOf(files, totals.lines, 'lines'))).toBe(
      'The headline rate is lines that ran ÷ coverable lines. 1 line ran with a branch never taken; headline: codecov counts such lines as missed, as Codecov does.',
    );
    expect(describeHeadline(headlineOf(files, totals.lines, 'codecov'))).toBe(
      "The headline rate is Codecov's: hits ÷ (hits + partials + misses); 1 line ran with a branch never taken and counts as missed.",
    );
  });
});

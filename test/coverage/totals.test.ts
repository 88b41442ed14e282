import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/coverage/merge.js';
import {
  formatPercent,
  lineRanges,
  patchCoverage,
  percent,
  totalsOf,
} from '../../src/coverage/totals.js';
import { file, report } from './build.js';

describe('merging reports line by line', () => {
  it('covers a line when any report covers it and counts each line once', () => {
    const unit = report([
      file(
        'src/a.ts',
        [
          [1, 1],
          [2, 0],
          [3, 0],
        ],
        [[2, [1, 0]]],
        [['a', 1]],
      ),
    ]);
    const integration = report([
      file(
        'src/a.ts',
        [
          [2, 4],
          [3, 0],
          [4, 0],
        ],
        [[2, [0, 0]]],
        [
          ['a', 0],
          ['b', 0],
        ],
      ),
    ]);
    const [merged] = mergeReports([unit, integration]);

    expect([...merged.lines]).toEqual([
      [1, 1],
      [2, 4],
      [3, 0],
      [4, 0],
    ]);
    expect(merged.branches.get(2)).toEqual([1, 0]);
    expect(totalsOf([merged])).toEqual({
      lines: { covered: 2, total: 4 },
      branches: { covered: 1, total: 2 },
      functions: { covered: 1, total: 2 },
    });
  });

  it('is Σcovered/Σtotal, never the average of per-file rates', () => {
    const files = mergeReports([
      report([
        file(
          'big.ts',
          Array.from({ length: 99 }, (_, i) => [i + 1, 0] as [number, number]),
        ),
        file('tiny.ts', [[1, 1]]),
      ]),
    ]);
    // The mean of 0% and 100% would say 50%; one line of a hundred ran.
    expect(percent(totalsOf(files).lines)).toBe(1);
  });

  it('gives the same totals whatever order the reports come in, and a report merged with itself changes nothing', () => {
    const lineEntries = fc.array(
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 3 })),
      { maxLength: 30 },
    );
    const arbitraryReport = fc
      .array(fc.tuple(fc.constantFrom('a.ts', 'b.ts', 'c.ts'), lineEntries), { maxLength: 3 })
      .map((files) => report(files.map(([path, lines]) => file(path, lines))));
    fc.assert(
      fc.property(fc.array(arbitraryReport, { minLength: 1, maxLength: 4 }), (reports) => {
        const forward = totalsOf(mergeReports(reports));
        expect(totalsOf(mergeReports([...reports].reverse()))).toEqual(forward);
        expect(totalsOf(mergeReports([...reports, ...reports]))).toEqual(forward);
      }),
    );
  });
});

describe('patch coverage', () => {
  const files = [
    file('src/a.ts', [
      [1, 1],
      [2, 0],
      [3, 1],
      [10, 0],
    ]),
    file('src/b.ts', [[5, 0]]),
  ];

  it.each([
    {
      name: 'covered and uncovered changed lines',
      changed: { 'src/a.ts': [[2, 3]] },
      covered: 1,
      total: 2,
      uncovered: [{ path: 'src/a.ts', lines: [2] }],
    },
    {
      name: 'changed comment lines are not coverable',
      changed: { 'src/a.ts': [[4, 9]] },
      covered: 0,
      total: 0,
      uncovered: [],
    },
    {
      name: 'several files',
      changed: { 'src/a.ts': [[1, 10]], 'src/b.ts': [[5, 5]] },
      covered: 2,
      total: 5,
      uncovered: [
        { path: 'src/a.ts', lines: [2, 10] },
        { path: 'src/b.ts', lines: [5] },
      ],
    },
  ])('$name', ({ changed, covered, total, uncovered }) => {
    const lines = new Map(
      Object.entries(changed).map(([path, ranges]) => [
        path,
        (ranges as number[][]).map(([start, end]) => ({ start, end })),
      ]),
    );
    expect(patchCoverage(files, lines)).toMatchObject({ covered, total, uncovered });
  });

  it('lists changed files no report mentions instead of counting them', () => {
    const lines = new Map([['README.md', [{ start: 1, end: 3 }]]]);
    expect(patchCoverage(files, lines)).toEqual({
      covered: 0,
      total: 0,
      uncovered: [],
      filesWithoutCoverage: ['README.md'],
    });
  });
});

describe('rates', () => {
  it.each([
    [{ covered: 2, total: 3 }, 66.66, '66.66%'],
    [{ covered: 29, total: 100 }, 29, '29.00%'],
    [{ covered: 999, total: 1000 }, 99.9, '99.90%'],
    [{ covered: 99999, total: 100000 }, 99.99, '99.99%'],
    [{ covered: 0, total: 0 }, undefined, 'n/a'],
  ])('%j -> %s', (ratio, expected, shown) => {
    expect(percent(ratio)).toBe(expected);
    expect(formatPercent(ratio)).toBe(shown);
  });

  it.each([
    [[1, 2, 3, 7, 9, 10], '1-3, 7, 9-10'],
    [[5], '5'],
    [[], ''],
  ])('lineRanges(%j) = %j', (lines, expected) => {
    expect(lineRanges(lines)).toBe(expected);
  });
});

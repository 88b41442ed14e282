import { describe, expect, it } from 'vitest';
import { formatPercent, lineRanges, patchCoverage, percent } from '../../src/coverage/totals.js';
import { file } from './build.js';

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

  const changes = (entries: Record<string, Array<[number, number]>>) =>
    new Map(
      Object.entries(entries).map(([path, ranges]) => [
        path,
        ranges.map(([start, end]) => ({ start, end })),
      ]),
    );

  it('lists changed source files no report mentions instead of counting them', () => {
    const lines = changes({ 'src/new.ts': [[1, 3]], 'src/a.ts': [[2, 2]] });
    expect(patchCoverage(files, lines)).toEqual({
      covered: 0,
      total: 1,
      uncovered: [{ path: 'src/a.ts', lines: [2] }],
      filesWithoutCoverage: ['src/new.ts'],
    });
  });

  it.each([
    ['documentation', 'README.md'],
    ['a workflow', '.github/workflows/ci.yml'],
    ['a file without an extension', 'Makefile'],
    ['another language', 'tools/gen.py'],
  ])('never counts %s (%s), whose extension no report covers', (_, path) => {
    const lines = changes({ [path]: [[1, 3]] });
    expect(patchCoverage(files, lines, { unmatchedAsUncovered: true })).toEqual({
      covered: 0,
      total: 0,
      uncovered: [],
      filesWithoutCoverage: [],
    });
  });

  it('matches extensions whatever their case', () => {
    const lines = changes({ 'src/Legacy.TS': [[1, 1]] });
    expect(patchCoverage(files, lines).filesWithoutCoverage).toEqual(['src/Legacy.TS']);
  });

  it('counts every changed line of an unmatched source file as uncovered when asked to', () => {
    const lines = changes({
      'src/new.ts': [
        [1, 3],
        [7, 7],
      ],
      'src/a.ts': [[1, 2]],
    });
    expect(patchCoverage(files, lines, { unmatchedAsUncovered: true })).toEqual({
      covered: 1,
      total: 6,
      uncovered: [
        { path: 'src/a.ts', lines: [2] },
        { path: 'src/new.ts', lines: [1, 2, 3, 7] },
      ],
      filesWithoutCoverage: ['src/new.ts'],
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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/coverage/merge.js';
import { percent, totalsOf } from '../../src/coverage/totals.js';
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

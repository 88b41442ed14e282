import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoverageMerger, mergeReports } from '../../src/coverage/merge.js';
import { emptyFile, type CoverageReport } from '../../src/coverage/model.js';
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

  it('merges shards handed over one at a time as it merges them all at once', () => {
    // As parsers build them (the compact model), so that an owned report's files are taken over.
    const shard = (hits: number, taken: number): CoverageReport => {
      const files = ['src/b.ts', 'src/a.ts'].map((path) => {
        const built = emptyFile(path);
        built.lines.set(1, hits).set(2, 0);
        built.branches.set(2, [taken, 0]);
        built.functions.set('f', hits);
        return built;
      });
      return report(files);
    };
    const expected = mergeReports([shard(1, 0), shard(0, 2), shard(3, 0)]);
    const merger = new CoverageMerger();
    for (const [hits, taken] of [
      [1, 0],
      [0, 2],
      [3, 0],
    ])
      merger.add(shard(hits, taken), { owned: true });
    const merged = merger.files();

    expect(merged.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts']);
    expect(merged.map((f) => [[...f.lines], [...f.branches], [...f.functions]])).toEqual(
      expected.map((f) => [[...f.lines], [...f.branches], [...f.functions]]),
    );
    expect([...merged[0].lines]).toEqual([
      [1, 4],
      [2, 0],
    ]);
    expect(merged[0].branches.get(2)).toEqual([2, 0]);
  });

  it('leaves the reports it merges as they were unless they are handed over', () => {
    const unit = report([file('src/a.ts', [[1, 1]], [[1, [1, 0]]], [['f', 1]])]);
    mergeReports([unit, unit]);
    expect([...unit.files[0].lines]).toEqual([[1, 1]]);
    expect(unit.files[0].branches.get(1)).toEqual([1, 0]);
    expect([...unit.files[0].functions]).toEqual([['f', 1]]);
  });
});

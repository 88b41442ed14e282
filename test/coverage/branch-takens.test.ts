import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BranchTakens } from '../../src/coverage/branch-takens.js';

type Step =
  | ['set', number, number[]]
  | ['add', number, number[]]
  | ['delete', number]
  | ['addSorted', number[], number[], number[]];

/** The same steps on a BranchTakens and a plain Map, which the counts are checked against. */
function build(steps: readonly Step[]): { compact: BranchTakens; plain: Map<number, number[]> } {
  const compact = new BranchTakens();
  const plain = new Map<number, number[]>();
  const sum = (line: number, takens: readonly number[]) => {
    const existing = plain.get(line) ?? [];
    plain.set(
      line,
      Array.from(
        { length: Math.max(existing.length, takens.length) },
        (_, at) => (existing[at] ?? 0) + (takens[at] ?? 0),
      ),
    );
  };
  for (const step of steps) {
    if (step[0] === 'set') {
      compact.set(step[1], [...step[2]]);
      plain.set(step[1], [...step[2]]);
    } else if (step[0] === 'add') {
      compact.addPositional(step[1], step[2]);
      sum(step[1], step[2]);
    } else if (step[0] === 'delete') {
      compact.delete(step[1]);
      plain.delete(step[1]);
    } else {
      const [, lines, ends, takens] = step;
      compact.addSorted(lines, ends, takens, lines.length);
      lines.forEach((line, at) => sum(line, takens.slice(at === 0 ? 0 : ends[at - 1], ends[at])));
    }
  }
  return { compact, plain };
}

function expected(plain: Map<number, number[]>): {
  taken: number;
  total: number;
  untaken: number[];
} {
  const all = [...plain.values()].flat();
  return {
    taken: all.filter((hits) => hits > 0).length,
    total: all.length,
    untaken: [...plain].filter(([, takens]) => takens.some((hits) => hits === 0)).map(([l]) => l),
  };
}

const sorted = (lines: number[]) => [...lines].sort((a, b) => a - b);

const parsed: Step[] = [['addSorted', [2, 5, 9], [2, 4, 5], [1, 0, 3, 4, 0]]];

const CASES: [string, Step[]][] = [
  ['empty', []],
  ['a parsed record (16 bits)', parsed],
  ['widened to 32 bits by a large count', [...parsed, ['add', 5, [70_000, 0]]]],
  ['a parsed record too large for 16 bits', [['addSorted', [1, 70_000], [1, 3], [0, 2, 80_000]]]],
  [
    'counts kept exactly beside the arrays',
    [...parsed, ['set', 9, [-1]], ['set', 2, [2 ** 40, 0.5]], ['add', 7, [0xffffffff, 0]]],
  ],
  [
    'lines set out of order, still pending',
    [
      ['set', 10, [1, 0]],
      ['set', 4, [0]],
      ['set', 6, [2, 2]],
      ['set', 2.5, [0, 1]],
    ],
  ],
  [
    'enough out of order lines to settle',
    Array.from({ length: 40 }, (_, at): Step => ['set', 40 - at, [at % 3, 1]]),
  ],
  [
    'a line given another number of branches, and deleted lines',
    [...parsed, ['set', 5, [1]], ['delete', 2], ['delete', 3], ['add', 9, [0, 0, 0, 1]]],
  ],
];

/** Steps of every kind, at lines and counts of every kind. */
const line = fc.oneof(
  fc.integer({ min: 0, max: 60 }),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constant(2.5),
);
const count = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: 70_000 }),
  fc.constantFrom(0xffffffff, 2 ** 40, 0.5, -3),
);
const takens = fc.array(count, { minLength: 1, maxLength: 4 });
const step = fc.oneof(
  fc.tuple(fc.constantFrom('set' as const, 'add' as const), line, takens),
  fc.tuple(fc.constant('delete' as const), line),
);

describe('BranchTakens counts', () => {
  it.each(CASES)('counts as iterating the map would: %s', (_, steps) => {
    const { compact, plain } = build(steps);
    const { taken, total, untaken } = expected(plain);
    // Counted before anything iterates it: iterating settles pending lines.
    expect(compact.countTaken()).toEqual({ taken, total });
    expect(sorted(compact.untakenLines())).toEqual(sorted(untaken));
    const iterated = expected(new Map(compact));
    expect(compact.countTaken()).toEqual({ taken: iterated.taken, total: iterated.total });
    expect(compact.untakenLines()).toEqual(iterated.untaken);
  });

  it('counts as iterating the map would, whatever the steps', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const { compact, plain } = build(steps);
        const { taken, total, untaken } = expected(plain);
        expect(compact.countTaken()).toEqual({ taken, total });
        expect(sorted(compact.untakenLines())).toEqual(sorted(untaken));
      }),
      { numRuns: 300 },
    );
  });
});

describe('BranchTakens.addAll', () => {
  const pairs = CASES.flatMap(([into, intoSteps]) =>
    CASES.map(([from, fromSteps]): [string, string, Step[], Step[]] => [
      into,
      from,
      intoSteps,
      fromSteps,
    ]),
  );

  it.each(pairs)(
    'sums as addPositional would for each line: %s ← %s',
    (_, __, intoSteps, fromSteps) => {
      const from = build(fromSteps);
      const expected = build([
        ...intoSteps,
        ...[...from.plain].map(([line, takens]): Step => ['add', line, takens]),
      ]).plain;
      const into = build(intoSteps).compact;
      into.addAll(from.compact);
      expect(new Map(into)).toEqual(expected);
      // A plain Map is summed the same way.
      const again = build(intoSteps).compact;
      again.addAll(from.plain);
      expect(new Map(again)).toEqual(expected);
    },
  );

  it('sums shards in place, and widens or keeps exactly what no longer fits', () => {
    const merged = new BranchTakens();
    merged.addSorted([4, 8], [2, 3], [1, 0, 65_000], 2);
    const shard = new BranchTakens();
    shard.addSorted([4, 8], [2, 3], [0, 3, 600], 2);
    merged.addAll(shard);
    const wider = new BranchTakens([[4, [0, 0, 7]]]);
    merged.addAll(wider);
    merged.addAll(new BranchTakens([[8, [0.5]]]));
    expect(Object.fromEntries(merged)).toEqual({ 4: [1, 3, 7], 8: [65_600.5] });
    expect(Object.fromEntries(shard)).toEqual({ 4: [0, 3], 8: [600] });
  });
});

describe('BranchTakens.addAll, whatever the steps', () => {
  it('sums as addPositional would for each line', () => {
    const steps = fc.array(step, { maxLength: 60 });
    fc.assert(
      fc.property(steps, steps, (intoSteps, fromSteps) => {
        const from = build(fromSteps);
        const expected = build([
          ...intoSteps,
          ...[...from.plain].map(([line, takens]): Step => ['add', line, takens]),
        ]).plain;
        const into = build(intoSteps).compact;
        into.addAll(from.compact);
        expect(new Map(into)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineHits } from '../../src/coverage/line-hits.js';

type Step =
  | ['set', number, number]
  | ['add', number, number]
  | ['delete', number]
  | ['addSorted', number[], number[]];

/** The same steps on a LineHits and a plain Map, which the counts are checked against. */
function build(steps: readonly Step[]): { compact: LineHits; plain: Map<number, number> } {
  const compact = new LineHits();
  const plain = new Map<number, number>();
  for (const step of steps) {
    if (step[0] === 'set') {
      compact.set(step[1], step[2]);
      plain.set(step[1], step[2]);
    } else if (step[0] === 'add') {
      compact.add(step[1], step[2]);
      plain.set(step[1], (plain.get(step[1]) ?? 0) + step[2]);
    } else if (step[0] === 'delete') {
      compact.delete(step[1]);
      plain.delete(step[1]);
    } else {
      const [, lines, hits] = step;
      compact.addSorted(lines, hits, lines.length);
      lines.forEach((line, at) => plain.set(line, (plain.get(line) ?? 0) + hits[at]!));
    }
  }
  return { compact, plain };
}

const covered = (map: Map<number, number>) => [...map.values()].filter((hits) => hits > 0).length;
const ran = (map: Map<number, number>, lines: readonly number[]) =>
  lines.filter((line) => (map.get(line) ?? 0) > 0).length;

/** Lines asked about: coverable or not, in and around every layout's span, and odd ones. */
const PROBES = [0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 40, 2.5, -1, NaN, 4_000_000_000, 1e12];

const dense: Step[] = [['addSorted', [1, 2, 3, 4, 5], [1, 0, 3, 0, 2]]];

const CASES: [string, Step[]][] = [
  ['empty', []],
  ['dense, parsed at once', dense],
  [
    'sparse (a few lines far apart)',
    [
      ['set', 1, 1],
      ['set', 7, 0],
      ['set', 4_000_000_000, 2],
    ],
  ],
  ['widened to 16 bits', [...dense, ['add', 3, 300], ['set', 9, 0]]],
  ['widened to 32 bits', [...dense, ['set', 2, 70_000], ['add', 4, 0]]],
  [
    'counts kept exactly beside the arrays',
    [...dense, ['set', 1, 2 ** 40], ['set', 2, 0.5], ['set', 3, -3], ['set', 4, 0xfffffffe]],
  ],
  [
    'exact counts set back to small ones',
    [...dense, ['set', 1, 2 ** 40], ['set', 1, 0], ['set', 2, -1], ['add', 2, 5]],
  ],
  [
    'lines set out of order, still pending',
    [
      ['set', 10, 1],
      ['set', 11, 0],
      ['set', 5, 4],
      ['set', 3, 0],
      ['set', 2.5, 1],
      ['set', 1e12, 0],
    ],
  ],
  [
    'enough out of order lines to settle',
    Array.from({ length: 40 }, (_, at): Step => ['set', 40 - at, at % 3]),
  ],
  [
    'deleted lines, dense and sparse',
    [
      ...dense,
      ['delete', 2],
      ['delete', 3],
      ['set', 4_000_000_000, 1],
      ['delete', 4_000_000_000],
      ['delete', 40],
    ],
  ],
  ['summed into a parsed record', [...dense, ['addSorted', [2, 4, 12], [1, 0, 7]]]],
];

/** Steps of every kind, at lines and counts of every kind. */
const line = fc.oneof(
  fc.integer({ min: 0, max: 60 }),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(1e12, 2.5),
);
const count = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: 70_000 }),
  fc.constantFrom(0xfffffffd, 0xfffffffe, 2 ** 40, 0.5, -3),
);
const step = fc.oneof(
  fc.tuple(fc.constantFrom('set' as const, 'add' as const), line, count),
  fc.tuple(fc.constant('delete' as const), line),
);

describe('LineHits counts', () => {
  it.each(CASES)('counts as iterating the map would: %s', (_, steps) => {
    const { compact, plain } = build(steps);
    // Counted before anything iterates it: iterating settles pending lines.
    expect(compact.countRan(PROBES)).toBe(ran(plain, PROBES));
    expect(compact.countCovered()).toBe(covered(plain));
    expect(compact.countCovered()).toBe(covered(compact));
    expect(compact.countRan([...plain.keys()])).toBe(covered(plain));
  });

  it('counts as iterating the map would, whatever the steps', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 120 }),
        fc.array(line, { maxLength: 20 }),
        (steps, asked) => {
          const { compact, plain } = build(steps);
          const probes = [...asked, ...plain.keys()];
          expect(compact.countRan(probes)).toBe(ran(plain, probes));
          expect(compact.countCovered()).toBe(covered(plain));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('LineHits.addAll', () => {
  const pairs = CASES.flatMap(([into, intoSteps]) =>
    CASES.map(([from, fromSteps]): [string, string, Step[], Step[]] => [
      into,
      from,
      intoSteps,
      fromSteps,
    ]),
  );

  it.each(pairs)('sums as add would for each line: %s ← %s', (_, __, intoSteps, fromSteps) => {
    const into = build(intoSteps);
    const from = build(fromSteps);
    const expected = new Map(into.plain);
    for (const [line, hits] of from.plain) expected.set(line, (expected.get(line) ?? 0) + hits);
    into.compact.addAll(from.compact);
    expect(new Map(into.compact)).toEqual(expected);
    expect(into.compact.size).toBe(expected.size);
    // A plain Map is summed the same way.
    const again = build(intoSteps).compact;
    again.addAll(from.plain);
    expect(new Map(again)).toEqual(expected);
  });

  it('sums shards in place, and widens or keeps exactly what no longer fits', () => {
    const merged = new LineHits();
    merged.addSorted([1, 2, 3], [1, 0, 250], 3);
    const shard = new LineHits();
    shard.addSorted([1, 2, 3], [2, 0, 10], 3);
    merged.addAll(shard);
    merged.addAll(shard);
    const huge = new LineHits([[2, 2 ** 40]]);
    merged.addAll(huge);
    expect(Object.fromEntries(merged)).toEqual({ 1: 5, 2: 2 ** 40, 3: 270 });
    expect(Object.fromEntries(shard)).toEqual({ 1: 2, 2: 0, 3: 10 });
  });
});

describe('LineHits.addAll, whatever the steps', () => {
  it('sums as add would for each line', () => {
    const steps = fc.array(step, { maxLength: 80 });
    fc.assert(
      fc.property(steps, steps, (intoSteps, fromSteps) => {
        const into = build(intoSteps);
        const from = build(fromSteps);
        for (const [line, hits] of from.plain)
          into.plain.set(line, (into.plain.get(line) ?? 0) + hits);
        into.compact.addAll(from.compact);
        expect(new Map(into.compact)).toEqual(into.plain);
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FunctionHits } from '../../src/coverage/function-hits.js';

type Step =
  | ['set', string, number]
  | ['add', string, number]
  | ['delete', string]
  | ['addNew', string[], number[]];

/** The same steps on a FunctionHits and a plain Map, which the count is checked against. */
function build(steps: readonly Step[]): { compact: FunctionHits; plain: Map<string, number> } {
  const compact = new FunctionHits();
  const plain = new Map<string, number>();
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
      const [, names, hits] = step;
      compact.addNew(names, hits);
      names.forEach((name, at) => plain.set(name, (plain.get(name) ?? 0) + hits[at]!));
    }
  }
  return { compact, plain };
}

const covered = (map: Map<string, number>) => [...map.values()].filter((hits) => hits > 0).length;

const parsed: Step[] = [['addNew', ['main', 'helper', 'ünïcødé'], [1, 0, 4]]];

const CASES: [string, Step[]][] = [
  ['empty', []],
  ['a parsed record', parsed],
  [
    'names added one by one after it, not yet stored',
    [...parsed, ['add', 'late', 2], ['set', 'later', 0]],
  ],
  ['names holding the separator', [...parsed, ['set', 'a\u0000b', 3], ['set', 'c\u0000', 0]]],
  [
    'counts kept exactly beside the arrays',
    [...parsed, ['set', 'main', 2 ** 40], ['set', 'helper', -2], ['add', 'ünïcødé', 0.5]],
  ],
  ['a deleted function', [...parsed, ['delete', 'main'], ['delete', 'none']]],
];

describe('FunctionHits counts', () => {
  it.each(CASES)('counts as iterating the map would: %s', (_, steps) => {
    const { compact, plain } = build(steps);
    expect(compact.countCovered()).toBe(covered(plain));
    expect(compact.countCovered()).toBe(covered(new Map(compact)));
  });

  it('counts as iterating the map would, whatever the steps', () => {
    const name = fc.oneof(fc.constantFrom('main', 'fn@3', 'a\u0000b', ''), fc.string());
    const count = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(2 ** 40, 0.5, -3));
    const step = fc.oneof(
      fc.tuple(fc.constantFrom('set' as const, 'add' as const), name, count),
      fc.tuple(fc.constant('delete' as const), name),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { compact, plain } = build(steps);
        expect(compact.countCovered()).toBe(covered(plain));
      }),
      { numRuns: 300 },
    );
  });
});

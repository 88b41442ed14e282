import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BranchTakens, emptyFile, FunctionHits, LineHits } from '../../src/coverage/model.js';

/** Ascending by line, as the compact maps iterate. */
function sorted<V>(map: Map<number, V>): [number, V][] {
  return [...map].sort(([a], [b]) => a - b);
}

const line = fc.oneof(
  fc.integer({ min: 0, max: 400 }),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(1e12, 2.5),
);
const count = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: 70_000 }),
  fc.constantFrom(0xfffffffd, 0xfffffffe, 2 ** 40, 0.5, 1e21, -3),
);

type Operation =
  | { kind: 'set' | 'add'; line: number; value: number }
  | { kind: 'delete'; line: number }
  | { kind: 'read' };

const operations = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constantFrom('set', 'add'), line, value: count }),
    fc.record({ kind: fc.constant('delete'), line }),
    fc.record({ kind: fc.constant('read') }),
  ) as fc.Arbitrary<Operation>,
  { maxLength: 200 },
);

describe('LineHits', () => {
  it('answers every Map question as a Map with the same operations would', () => {
    fc.assert(
      fc.property(operations, (steps) => {
        const compact = new LineHits();
        const plain = new Map<number, number>();
        for (const step of steps) {
          if (step.kind === 'set') {
            compact.set(step.line, step.value);
            plain.set(step.line, step.value);
          } else if (step.kind === 'add') {
            compact.add(step.line, step.value);
            plain.set(step.line, (plain.get(step.line) ?? 0) + step.value);
          } else if (step.kind === 'delete') {
            expect(compact.delete(step.line)).toBe(plain.delete(step.line));
          } else {
            expect(sorted(compact)).toEqual(sorted(plain));
          }
          expect(compact.size).toBe(plain.size);
        }
        for (const [at, hits] of plain) {
          expect(compact.get(at)).toBe(hits);
          expect(compact.has(at)).toBe(true);
        }
        expect(sorted(compact)).toEqual(sorted(plain));
        // Whole line numbers come in ascending order (others, which no report has, after them).
        const whole = [...compact.keys()].filter(Number.isInteger);
        expect(whole).toEqual([...whole].sort((a, b) => a - b));
        expect([...compact.values()]).toEqual([...compact].map(([, hits]) => hits));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a few lines at huge line numbers without a span of memory', () => {
    const lines = new LineHits([
      [1, 1],
      [4_000_000_000, 2],
      [7, 0],
    ]);
    expect([...lines]).toEqual([
      [1, 1],
      [7, 0],
      [4_000_000_000, 2],
    ]);
  });

  it('sums whole sorted records into lines already there, exactly, whatever their size', () => {
    const lines = new LineHits();
    lines.addSorted([3, 4, 9], [1, 2 ** 53, 0.25], 3);
    lines.addSorted([1, 4, 9], [5, 1, 0.5], 3);
    expect(Object.fromEntries(lines)).toEqual({ 1: 5, 3: 1, 4: 2 ** 53 + 1, 9: 0.75 });
  });
});

describe('BranchTakens', () => {
  const takens = fc.array(count, { minLength: 1, maxLength: 4 });

  it('answers every Map question as a Map, and sums position by position', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('set', 'add'), line, takens), { maxLength: 80 }),
        (steps) => {
          const compact = new BranchTakens();
          const plain = new Map<number, number[]>();
          for (const [kind, at, values] of steps) {
            if (kind === 'set') {
              compact.set(at, [...values]);
              plain.set(at, [...values]);
            } else {
              compact.addPositional(at, values);
              const existing = plain.get(at) ?? [];
              plain.set(
                at,
                Array.from(
                  { length: Math.max(existing.length, values.length) },
                  (_, index) => (existing[index] ?? 0) + (values[index] ?? 0),
                ),
              );
            }
            expect(compact.get(at)).toEqual(plain.get(at));
          }
          expect(compact.size).toBe(plain.size);
          expect(sorted(compact)).toEqual(sorted(plain));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a parsed record exactly when later counts, lines or branches outgrow 16 bits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), takens), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(line, takens), { maxLength: 6 }),
        (record, later) => {
          const compact = new BranchTakens();
          const plain = new Map<number, number[]>();
          const lines: number[] = [];
          const ends: number[] = [];
          const all: number[] = [];
          let at = 0;
          for (const [step, values] of record) {
            at += step;
            lines.push(at);
            all.push(...values);
            ends.push(all.length);
            plain.set(at, [...values]);
          }
          compact.addSorted(lines, ends, all, lines.length);
          expect(sorted(compact)).toEqual(sorted(plain));
          for (const [at, values] of later) {
            compact.addPositional(at, values);
            const existing = plain.get(at) ?? [];
            plain.set(
              at,
              Array.from(
                { length: Math.max(existing.length, values.length) },
                (_, index) => (existing[index] ?? 0) + (values[index] ?? 0),
              ),
            );
          }
          expect(sorted(compact)).toEqual(sorted(plain));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('emptyFile', () => {
  it('gives the compact maps, which fit where a file of plain Maps is expected', () => {
    const file = emptyFile('src/a.ts');
    file.lines.add(3, 2);
    file.lines.add(3, 1);
    file.branches.addPositional(3, [1, 0]);
    file.branches.addPositional(3, [0, 0, 4]);
    expect(Object.fromEntries(file.lines)).toEqual({ 3: 3 });
    expect(file.branches.get(3)).toEqual([1, 0, 4]);
  });
});

describe('FunctionHits', () => {
  it('answers every Map question as a Map, in insertion order', () => {
    const name = fc.oneof(fc.constantFrom('main', 'fn@3', 'a\u0000b', ''), fc.string());
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('set', 'add', 'delete'), name, count), {
          maxLength: 60,
        }),
        (steps) => {
          const compact = new FunctionHits();
          const plain = new Map<string, number>();
          for (const [kind, key, value] of steps) {
            if (kind === 'set') {
              compact.set(key, value);
              plain.set(key, value);
            } else if (kind === 'add') {
              compact.add(key, value);
              plain.set(key, (plain.get(key) ?? 0) + value);
            } else {
              expect(compact.delete(key)).toBe(plain.delete(key));
            }
            expect(compact.get(key)).toBe(plain.get(key));
          }
          expect(compact.size).toBe(plain.size);
          expect(new Map(compact)).toEqual(plain);
          expect([...compact.values()].sort()).toEqual([...plain.values()].sort());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps names and counts exactly once stored, whatever the characters and counts', () => {
    const name = fc.oneof(fc.constantFrom('main', 'ünïcødé', '函数', 'a\u0000b', ''), fc.string());
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, count), { selector: ([key]) => key, maxLength: 20 }),
        fc.array(fc.tuple(fc.constantFrom('add', 'read', 'delete'), name, count), {
          maxLength: 20,
        }),
        (first, steps) => {
          const compact = new FunctionHits();
          compact.addNew(
            first.map(([key]) => key),
            first.map(([, value]) => value),
          );
          const plain = new Map(first);
          for (const [kind, key, value] of steps) {
            if (kind === 'add') {
              compact.add(key, value);
              plain.set(key, (plain.get(key) ?? 0) + value);
            } else if (kind === 'delete') {
              expect(compact.delete(key)).toBe(plain.delete(key));
            } else {
              // Reading them all stores the names added one by one with the others.
              expect(new Map(compact)).toEqual(plain);
            }
            expect(compact.get(key)).toBe(plain.get(key));
          }
          const merged = new FunctionHits();
          merged.addAll(compact);
          merged.addAll(compact);
          expect(new Map(merged)).toEqual(
            new Map([...plain].map(([key, hits]) => [key, 2 * hits])),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sums the same functions of another shard position by position', () => {
    const merged = new FunctionHits();
    const shard = new FunctionHits([
      ['main', 1],
      ['helper', 0],
    ]);
    merged.addAll(shard);
    merged.addAll(shard);
    merged.addAll(new Map([['other', 2]]));
    expect(Object.fromEntries(merged)).toEqual({ main: 2, helper: 0, other: 2 });
  });

  it('takes names as joined UTF-8 bytes, into an empty map or one with names already', () => {
    const joined = Buffer.from(['main', 'naïve', 'big'].join('\u0000'), 'utf8');
    const hits = [1, 0, 2 ** 40];
    const fresh = new FunctionHits();
    fresh.addJoined(joined, joined.length, hits, 3);
    expect([...fresh]).toEqual([
      ['main', 1],
      ['naïve', 0],
      ['big', 2 ** 40],
    ]);

    const known = new FunctionHits([['naïve', 5]]);
    known.addJoined(joined, joined.length, hits, 3);
    expect([...known]).toEqual([
      ['naïve', 5],
      ['main', 1],
      ['big', 2 ** 40],
    ]);
  });
});

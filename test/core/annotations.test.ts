import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  annotationProperties,
  describeOmitted,
  emitAnnotations,
  planAnnotations,
  selectAnnotations,
  type AnnotationLevel,
  type Finding,
  type LevelCounts,
} from '../../src/core/annotations.js';
import { forgetSecretsForTesting, registerSecret } from '../../src/core/secrets.js';

/** A finding whose message is its id, so rows can list the expected order by id. */
function f(id: string, level: AnnotationLevel, where: Partial<Finding> = {}): Finding {
  return { level, message: id, ...where };
}

function many(count: number, level: AnnotationLevel, prefix = level[0]): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    f(`${prefix}${i + 1}`, level, { file: 'a.ts', line: i + 1 }),
  );
}

const none: LevelCounts = { error: 0, warning: 0, notice: 0 };

describe('selectAnnotations', () => {
  it.each<[string, Finding[], number | undefined, string[], LevelCounts]>([
    ['no findings', [], undefined, [], none],
    [
      'errors, then warnings, then notices whatever the input order',
      [f('n', 'notice'), f('w', 'warning'), f('e', 'error')],
      undefined,
      ['e', 'w', 'n'],
      none,
    ],
    [
      'findings on changed lines first within a level',
      [
        f('old', 'error', { file: 'a.ts', line: 1 }),
        f('new', 'error', { file: 'z.ts', line: 9, onChangedLine: true }),
      ],
      undefined,
      ['new', 'old'],
      none,
    ],
    [
      'then by file and line',
      [
        f('b2', 'warning', { file: 'b.ts', line: 2 }),
        f('a10', 'warning', { file: 'a.ts', line: 10 }),
        f('b1', 'warning', { file: 'b.ts', line: 1 }),
        f('a9', 'warning', { file: 'a.ts', line: 9 }),
      ],
      undefined,
      ['a9', 'a10', 'b1', 'b2'],
      none,
    ],
    [
      'ties keep their input order',
      [
        f('first', 'error', { file: 'a.ts', line: 3 }),
        f('second', 'error', { file: 'a.ts', line: 3 }),
        f('third', 'error', { file: 'a.ts', line: 3 }),
      ],
      undefined,
      ['first', 'second', 'third'],
      none,
    ],
    [
      'findings without a file or line come after located ones',
      [
        f('whole run', 'error'),
        f('file only', 'error', { file: 'a.ts' }),
        f('line', 'error', { file: 'a.ts', line: 5 }),
      ],
      undefined,
      ['line', 'file only', 'whole run'],
      none,
    ],
    [
      'file names compare by code point, not locale',
      [f('lower', 'notice', { file: 'a.ts' }), f('upper', 'notice', { file: 'B.ts' })],
      undefined,
      ['upper', 'lower'],
      none,
    ],
    [
      'ten per level by default, the rest counted',
      [...many(12, 'error'), ...many(3, 'warning')],
      undefined,
      [...many(10, 'error'), ...many(3, 'warning')].map((x) => x.message),
      { error: 2, warning: 0, notice: 0 },
    ],
    [
      'the limit applies to each level on its own',
      [...many(3, 'notice'), ...many(3, 'error'), ...many(1, 'warning')],
      2,
      ['e1', 'e2', 'w1', 'n1', 'n2'],
      { error: 1, warning: 0, notice: 1 },
    ],
    [
      'changed-line findings win the limited places',
      [
        ...many(3, 'error', 'old'),
        f('changed', 'error', { file: 'z.ts', line: 99, onChangedLine: true }),
      ],
      2,
      ['changed', 'old1'],
      { error: 2, warning: 0, notice: 0 },
    ],
  ])('%s', (_name, findings, perLevel, expectedShown, expectedOmitted) => {
    const selection = selectAnnotations(findings, { perLevel });
    expect(selection.shown.map((finding) => finding.message)).toEqual(expectedShown);
    expect(selection.omitted).toEqual(expectedOmitted);
  });
});

describe('planAnnotations', () => {
  it.each<[string, Finding[], LevelCounts, number, string | undefined]>([
    ['nothing left out: all ten notices, no extra one', many(10, 'notice'), none, 10, undefined],
    [
      'errors left out: the extra notice takes the tenth notice place',
      [...many(11, 'error'), ...many(10, 'notice')],
      { error: 1, warning: 0, notice: 1 },
      19,
      '1 error and 1 notice not annotated (GitHub shows 10 per level and step); see the job summary for all of them.',
    ],
    [
      'warnings left out and notice places to spare',
      [...many(12, 'warning'), ...many(2, 'notice')],
      { error: 0, warning: 2, notice: 0 },
      12,
      '2 warnings not annotated (GitHub shows 10 per level and step); see the job summary for all of them.',
    ],
    [
      'every level left out',
      [...many(15, 'error'), ...many(11, 'warning'), ...many(30, 'notice')],
      { error: 5, warning: 1, notice: 21 },
      29,
      '5 errors, 1 warning and 21 notices not annotated (GitHub shows 10 per level and step); see the job summary for all of them.',
    ],
  ])('%s', (_name, findings, omitted, shownCount, overflowMessage) => {
    const plan = planAnnotations(findings);
    expect(plan.omitted).toEqual(omitted);
    expect(plan.shown).toHaveLength(shownCount);
    expect(plan.overflowNotice?.message).toBe(overflowMessage);
    const notices =
      plan.shown.filter((x) => x.level === 'notice').length + (plan.overflowNotice ? 1 : 0);
    expect(notices).toBeLessThanOrEqual(10);
  });
});

describe('annotationProperties', () => {
  it.each<[string, Partial<Finding>, Record<string, unknown>]>([
    ['nothing located', {}, {}],
    [
      'a point',
      { file: 'src/a.ts', line: 3, column: 7 },
      { file: 'src/a.ts', startLine: 3, startColumn: 7 },
    ],
    [
      'a range on one line',
      { file: 'a.ts', line: 3, endLine: 3, column: 2, endColumn: 9 },
      { file: 'a.ts', startLine: 3, startColumn: 2, endColumn: 9 },
    ],
    [
      'columns dropped on a range of several lines, which GitHub refuses',
      { file: 'a.ts', line: 3, endLine: 5, column: 2, endColumn: 9 },
      { file: 'a.ts', startLine: 3, endLine: 5 },
    ],
    [
      'an end line before the start ignored',
      { file: 'a.ts', line: 8, endLine: 2 },
      { file: 'a.ts', startLine: 8 },
    ],
    ['line 0 is no line', { file: 'a.ts', line: 0, column: 4 }, { file: 'a.ts' }],
    ['a fractional line is no line', { file: 'a.ts', line: 2.5 }, { file: 'a.ts' }],
    [
      'an end column before the column ignored',
      { file: 'a.ts', line: 1, column: 9, endColumn: 3 },
      { file: 'a.ts', startLine: 1, startColumn: 9 },
    ],
    ['a line without a file is dropped', { line: 3 }, {}],
    [
      'a multi-line title becomes one line',
      { title: 'eslint\n  no-unused-vars' },
      { title: 'eslint no-unused-vars' },
    ],
    [
      'a long title is capped',
      { title: 't'.repeat(300) },
      { title: `${'t'.repeat(255)}… (45 more characters)` },
    ],
  ])('%s', (_name, where, expected) => {
    expect(annotationProperties(f('m', 'error', where))).toEqual(expected);
  });
});

describe('describeOmitted', () => {
  it.each<[LevelCounts, string]>([
    [none, 'no findings'],
    [{ error: 1, warning: 0, notice: 0 }, '1 error'],
    [{ error: 0, warning: 2, notice: 1 }, '2 warnings and 1 notice'],
    [{ error: 3, warning: 1, notice: 12 }, '3 errors, 1 warning and 12 notices'],
  ])('%j -> %s', (counts, expected) => {
    expect(describeOmitted(counts)).toBe(expected);
  });
});

describe('emitAnnotations', () => {
  let write: MockInstance<typeof process.stdout.write>;
  const lines = () =>
    write.mock.calls
      .map(([chunk]) => String(chunk))
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('::'));

  beforeEach(() => {
    write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    write.mockRestore();
    forgetSecretsForTesting();
  });

  it('writes workflow commands with the location GitHub reads', () => {
    emitAnnotations([
      f('Unexpected any. Specify a different type.', 'warning', {
        file: 'src/app.ts',
        line: 12,
        column: 5,
        endColumn: 8,
        title: 'eslint: no-explicit-any',
      }),
      f('3 tests failed:\nlogin\nlogout', 'error', {
        file: 'test/auth.test.ts',
        line: 40,
        endLine: 52,
      }),
      f('Coverage 81%, threshold 80%', 'notice'),
    ]);
    expect(lines()).toEqual([
      '::error file=test/auth.test.ts,line=40,endLine=52::3 tests failed:%0Alogin%0Alogout',
      '::warning title=eslint%3A no-explicit-any,file=src/app.ts,line=12,col=5,endColumn=8::Unexpected any. Specify a different type.',
      '::notice::Coverage 81%25, threshold 80%25',
    ]);
  });

  it('emits ten of each level and one notice about the rest, and returns the counts', () => {
    const result = emitAnnotations([...many(25, 'error'), ...many(10, 'notice')]);
    const emitted = lines();
    expect(emitted.filter((line) => line.startsWith('::error '))).toHaveLength(10);
    const notices = emitted.filter((line) => line.startsWith('::notice'));
    expect(notices).toHaveLength(10);
    expect(notices[9]).toBe(
      '::notice title=More findings than GitHub shows as annotations::15 errors and 1 notice not annotated (GitHub shows 10 per level and step); see the job summary for all of them.',
    );
    expect(result.omitted).toEqual({ error: 15, warning: 0, notice: 1 });
    expect(result.shown).toHaveLength(19);
  });

  it('caps a very long message and masks secrets in it', () => {
    registerSecret('sk_live_abcdef123456');
    write.mockClear();
    emitAnnotations([f(`token sk_live_abcdef123456 leaked ${'x'.repeat(5_000)}`, 'error')]);
    const [line] = lines();
    expect(line).not.toContain('sk_live_abcdef123456');
    expect(line.startsWith('::error::token *** leaked xxx')).toBe(true);
    expect(line.endsWith('x… (1017 more characters)')).toBe(true);
  });
});

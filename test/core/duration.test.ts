import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2h', 7_200_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['1s500ms', 1_500],
    [' 10S ', 10_000],
    ['0s', 0],
    ['90', undefined],
    ['', undefined],
    ['1.5m', undefined],
    ['-5s', undefined],
    ['5 minutes', undefined],
    ['m5', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it('reads back what formatDuration writes for whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds * 1_000))).toBe(seconds * 1_000);
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [250, '250ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [3_600_000, '1h'],
  ])('%j -> %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../src/core/numbers.js';

describe('groupDigits', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1_000, '1,000'],
    [65_536, '65,536'],
    [1_234_567, '1,234,567'],
    [-1_234_567, '-1,234,567'],
    [12.5, '13'],
    [999.6, '1,000'],
    [Number.MAX_SAFE_INTEGER, '9,007,199,254,740,991'],
    [Infinity, 'Infinity'],
    [NaN, 'NaN'],
  ])('writes %s as %s', (value, written) => {
    expect(groupDigits(value)).toBe(written);
  });

  it('agrees with en-US formatting of whole numbers', () => {
    for (let value = 1; value < 1e15; value = value * 7 + 3) {
      expect(groupDigits(value)).toBe(value.toLocaleString('en-US'));
      expect(groupDigits(-value)).toBe((-value).toLocaleString('en-US'));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseBaselineLines } from '../../src/coverage/result.js';

describe('baseline results', () => {
  it.each([
    {
      text: '{"schema":"slipway.coverage/v1","totals":{"lines":{"covered":8,"total":10}}}',
      lines: { covered: 8, total: 10 },
    },
    { text: 'not json', error: "Input 'baseline-file' (b.json) is not JSON." },
    { text: '{"schema":"slipway.quality-gate/v1"}', error: 'is not a Slipway coverage result' },
    {
      text: '{"schema":"slipway.coverage/v1","totals":{"lines":{"covered":11,"total":10}}}',
      error: 'has no valid totals.lines counts',
    },
  ])('$text', ({ text, lines, error }) => {
    if (error) expect(() => parseBaselineLines(text, 'b.json', 'baseline-file')).toThrow(error);
    else expect(parseBaselineLines(text, 'b.json', 'baseline-file')).toEqual(lines);
  });
});

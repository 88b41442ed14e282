import { describe, expect, it } from 'vitest';
import type { HeadlineDefinition } from '../../src/coverage/headline.js';
import { parseBaselineRate } from '../../src/coverage/result.js';

const LINES_ONLY = '{"schema":"slipway.coverage/v1","totals":{"lines":{"covered":8,"total":10}}}';
const WITH_CODECOV_HEADLINE =
  '{"schema":"slipway.coverage/v1","totals":{"lines":{"covered":8,"total":10}},' +
  '"headline":{"definition":"codecov","covered":7,"total":10,"partials":1,"rate":70}}';

describe('baseline results', () => {
  it.each<{
    text: string;
    definition?: HeadlineDefinition;
    ratio?: object;
    note?: string;
    error?: string;
  }>([
    { text: LINES_ONLY, ratio: { covered: 8, total: 10 } },
    { text: WITH_CODECOV_HEADLINE, ratio: { covered: 8, total: 10 } },
    { text: WITH_CODECOV_HEADLINE, definition: 'codecov', ratio: { covered: 7, total: 10 } },
    {
      text: WITH_CODECOV_HEADLINE.replace(
        '"definition":"codecov","covered":7',
        '"definition":"lines","covered":8',
      ),
      definition: 'codecov',
      ratio: { covered: 7, total: 10 },
    },
    {
      text: LINES_ONLY,
      definition: 'codecov',
      ratio: { covered: 8, total: 10 },
      note: 'has no codecov headline rate, so max-drop compared with its line coverage',
    },
    { text: 'not json', error: "Input 'baseline-file' (b.json) is not JSON." },
    { text: '{"schema":"slipway.quality-gate/v1"}', error: 'is not a Slipway coverage result' },
    {
      text: '{"schema":"slipway.coverage/v1","totals":{"lines":{"covered":11,"total":10}}}',
      error: 'has no valid totals.lines counts',
    },
  ])('$text as $definition', ({ text, definition = 'lines', ratio, note, error }) => {
    const parse = () => parseBaselineRate(text, 'b.json', 'baseline-file', definition);
    if (error) return expect(parse).toThrow(error);
    const rate = parse();
    expect(rate.ratio).toEqual(ratio);
    if (note) expect(rate.note).toContain(note);
    else expect(rate.note).toBeUndefined();
  });
});

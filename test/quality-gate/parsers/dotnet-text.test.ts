import { describe, expect, it } from 'vitest';
import {
  fileName,
  firstLine,
  TextRouter,
  timeSpanToMs,
} from '../../../src/quality-gate/parsers/dotnet-text.js';

describe('timeSpanToMs reads TRX durations', () => {
  it.each<[string | undefined, number | undefined]>([
    ['00:00:00.0012345', 1],
    ['00:00:00.0004999', 0],
    ['00:00:01.5', 1500],
    ['00:02:03', 123_000],
    ['01:00:00.0100000', 3_600_010],
    ['1.02:03:04.5000000', 93_784_500],
    ['', undefined],
    [undefined, undefined],
    ['PT0.5S', undefined],
    ['-00:00:01', undefined],
    ['00:61', undefined],
  ])('%s is %s ms', (span, expected) => {
    expect(timeSpanToMs(span)).toBe(expected);
  });
});

describe('fileName and firstLine', () => {
  it.each([
    ['/home/runner/work/app/app/tests/bin/Calc.Tests.dll', 'Calc.Tests.dll'],
    ['C:\\agent\\_work\\3\\s\\Ledger.Tests.dll', 'Ledger.Tests.dll'],
    ['Calc.Tests.dll', 'Calc.Tests.dll'],
  ])('the file name of %s is %s', (path, expected) => {
    expect(fileName(path)).toBe(expected);
  });

  it('firstLine skips blank lines and trims', () => {
    expect(firstLine('\n  \n   at Calc.Tests.CalcTests.Adds()\n   at next')).toBe(
      'at Calc.Tests.CalcTests.Adds()',
    );
    expect(firstLine(' \n ')).toBe('');
  });
});

describe('TextRouter', () => {
  function route(events: Array<['open', string] | ['close'] | ['text', string]>) {
    const router = new TextRouter(['failure/message', 'output'] as const);
    for (const event of events) {
      if (event[0] === 'open') router.open(event[1]);
      else if (event[0] === 'close') router.close();
      else router.text(event[1]);
    }
    return router;
  }

  it('keeps text by path, joins pieces, and drops paths it was not given', () => {
    const router = route([
      ['open', 'failure'],
      ['open', 'message'],
      ['text', 'Expected: 2'],
      ['text', '\r\nBut was: 3\r\n'],
      ['close'],
      ['open', 'stack-trace'],
      ['text', 'dropped'],
      ['close'],
      ['close'],
    ]);
    expect(router.value('failure/message')).toBe('Expected: 2\nBut was: 3');
    expect(router.value('output')).toBe('');
    expect(router.atTop).toBe(true);
  });

  it('keeps only the first element at a path', () => {
    const router = route([
      ['open', 'output'],
      ['text', 'first'],
      ['close'],
      ['open', 'output'],
      ['text', 'second'],
      ['close'],
    ]);
    expect(router.value('output')).toBe('first');
  });
});

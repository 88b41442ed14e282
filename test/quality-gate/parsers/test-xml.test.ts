import { describe, expect, it } from 'vitest';
import type { TestCase } from '../../../src/quality-gate/model.js';
import { TestTally } from '../../../src/quality-gate/parsers/test-tally.js';
import {
  addFailureText,
  capped,
  readTestXml,
  secondsToMs,
} from '../../../src/quality-gate/parsers/test-xml.js';
import { textSource } from '../../../src/core/reports/source.js';
import type { XmlElement } from '../../../src/core/reports/xml-stream.js';
import { MAX_REPORT_TEXT } from '../../../src/core/reports/xml-stream.js';
import { refusal } from '../../support/hostile-xml.js';

describe('secondsToMs reads JUnit, NUnit and xUnit durations', () => {
  it.each<[string | undefined, number | undefined]>([
    ['0.0274190', 27],
    ['0', 0],
    ['12', 12_000],
    ['1,5', undefined],
    ['NaN', undefined],
    [undefined, undefined],
  ])('%s is %s ms', (time, expected) => {
    expect(secondsToMs(time)).toBe(expected);
  });
});

describe('capped', () => {
  it('keeps a short message as it is, trimmed', () => {
    expect(capped('  Expected: 2\n')).toBe('Expected: 2');
  });

  it('cuts a long message and says so', () => {
    const message = capped('x'.repeat(MAX_REPORT_TEXT + 10));
    expect(message).toBe(`${'x'.repeat(MAX_REPORT_TEXT)} … (truncated)`);
  });
});

describe('addFailureText', () => {
  const test = (outcome: TestCase['outcome']): TestCase => ({ suite: 's', name: 't', outcome });

  it.each<TestCase['outcome']>(['failed', 'flaky', 'skipped'])(
    'a %s case keeps both',
    (outcome) => {
      const described = test(outcome);
      addFailureText(described, 'boom', 'at T()');
      expect(described).toMatchObject({ message: 'boom', details: 'at T()' });
    },
  );

  it('a passing case, kept for being slow, keeps neither', () => {
    const described = test('passed');
    addFailureText(described, 'printed', 'printed more');
    expect(described).toEqual(test('passed'));
  });

  it('leaves out what is empty', () => {
    const described = test('failed');
    addFailureText(described, '', '');
    expect(described).toEqual(test('failed'));
  });
});

describe('readTestXml', () => {
  /** Counts each <case> by its `outcome` attribute. */
  class CaseReader {
    readonly tally = new TestTally();
    open({ name, attributes }: XmlElement): void {
      if (name !== 'case') return;
      const outcome = attributes.outcome as TestCase['outcome'];
      this.tally.add(outcome, undefined, () => ({
        suite: '',
        name: attributes.name ?? '',
        outcome,
      }));
    }
    close(): void {}
    text(): void {}
  }
  const context = { workspace: '/repo', origin: 'cases.xml' };
  const shape = { formatName: 'Cases', roots: ['cases'] };

  it('returns what the reader tallied, and no findings', async () => {
    const xml = '<cases><case name="a" outcome="passed"/><case name="b" outcome="failed"/></cases>';
    const report = await readTestXml(
      textSource(xml, 'cases.xml'),
      context,
      shape,
      new CaseReader(),
    );
    expect(report.findings).toEqual([]);
    expect(report.tests?.totals).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, flaky: 0 });
    expect(report.tests?.notable.map((test) => test.name)).toEqual(['b']);
  });

  it('refuses another format, naming the report and the format expected', async () => {
    const source = textSource('<testsuites/>', 'cases.xml');
    const message = await refusal(readTestXml(source, context, shape, new CaseReader()));
    expect(message).toMatch(/^cases\.xml: .*<testsuites>, not <cases>; it is not a Cases report/);
  });
});

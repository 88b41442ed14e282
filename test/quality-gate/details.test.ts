import { describe, expect, it } from 'vitest';
import { annotationsOf, gatherDetails } from '../../src/quality-gate/details.js';
import type { CheckRun } from '../../src/quality-gate/gate.js';
import type { TestCase } from '../../src/quality-gate/model.js';

function annotationOf(test: Partial<TestCase>) {
  const run: CheckRun = {
    name: 'go',
    format: 'go-test-json',
    origin: 'report',
    thresholds: {},
    report: {
      findings: [],
      tests: {
        totals: { total: 1, passed: 0, failed: 1, skipped: 0, flaky: 0 },
        notable: [
          {
            suite: 'calc',
            name: 'TestAdd',
            outcome: 'failed',
            file: 'calc_test.go',
            line: 7,
            ...test,
          },
        ],
        slowest: [],
      },
    },
  };
  const [annotation] = annotationsOf(gatherDetails([run], undefined), undefined);
  return annotation;
}

describe('test annotations', () => {
  it.each([
    [
      'details that start with the message are not preceded by it again',
      'got 3',
      'got 3\n  at calc_test.go:7',
      'got 3\n  at calc_test.go:7',
    ],
    [
      'a message and different details are both shown',
      'assert failed',
      'stack',
      'assert failed\n\nstack',
    ],
    ['only a message', 'boom', undefined, 'boom'],
    ['only details', undefined, 'panic: nil map', 'panic: nil map'],
    ['neither', undefined, undefined, 'failed'],
  ])('%s', (_, message, details, expected) => {
    expect(annotationOf({ message, details })?.message).toBe(expected);
  });

  it('titles the annotation with the check, the outcome and the test', () => {
    expect(annotationOf({})).toMatchObject({
      level: 'error',
      title: 'go: test failed: calc › TestAdd',
      file: 'calc_test.go',
      line: 7,
    });
  });
});

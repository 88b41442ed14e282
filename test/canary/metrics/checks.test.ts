import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { renderQuery, runChecks } from '../../../src/canary/metrics/checks.js';
import { PrometheusClient } from '../../../src/canary/metrics/prometheus.js';
import type { CustomCheck } from '../../../src/canary/types.js';
import {
  prometheusError,
  startFakePrometheus,
  vector,
  type FakeAnswer,
  type FakePrometheus,
} from './fake-prometheus.js';

const VARIABLES = { namespace: 'prod', track: 'canary', interval: '60s' };

describe('renderQuery', () => {
  it('fills in every placeholder, spaces inside the braces allowed', () => {
    expect(
      renderQuery(
        'sum(rate(errors_total{namespace="{{namespace}}",track="{{ track }}"}[{{interval}}])) / sum(rate(x{namespace="{{namespace}}"}[{{interval}}]))',
        VARIABLES,
      ),
    ).toBe(
      'sum(rate(errors_total{namespace="prod",track="canary"}[60s])) / sum(rate(x{namespace="prod"}[60s]))',
    );
  });

  it('leaves a query without placeholders as it is', () => {
    expect(renderQuery('vector(1)', VARIABLES)).toBe('vector(1)');
  });

  it('names every unknown placeholder', () => {
    const render = () => renderQuery('x{a="{{ service }}",b="{{pod}}",c="{{pod}}"}', VARIABLES);
    expect(render).toThrow(InputError);
    expect(render).toThrow(
      "Input 'checks' has a query with unknown placeholders {{service}}, {{pod}}; the known ones are {{namespace}}, {{track}} and {{interval}}",
    );
  });
});

describe('runChecks', () => {
  let prometheus: FakePrometheus;
  const answers = new Map<string, FakeAnswer>();

  beforeAll(async () => {
    prometheus = await startFakePrometheus();
    prometheus.answer((query) => answers.get(query) ?? vector([]));
  });
  afterAll(() => prometheus.stop());

  const check = (name: string, query: string, min?: number, max?: number): CustomCheck => ({
    name,
    query,
    min,
    max,
  });

  it('judges each check on its single value', async () => {
    answers.set('ok{ns="prod"}', vector([[{}, 0.004]]));
    answers.set('high{ns="prod"}', vector([[{}, 0.2]]));
    answers.set('low', vector([[{ track: 'canary' }, 3]]));
    answers.set('edge', vector([[{}, 10]]));
    answers.set('empty', vector([]));
    answers.set('nan', vector([[{}, 'NaN']]));
    answers.set(
      'many',
      vector([
        [{ pod: 'a' }, 1],
        [{ pod: 'b' }, 2],
      ]),
    );
    answers.set('broken', prometheusError(400, 'bad_data', 'parse error'));

    const results = await runChecks(
      new PrometheusClient({ url: prometheus.url }),
      [
        check('error-ratio', 'ok{ns="{{namespace}}"}', undefined, 0.01),
        check('too-high', 'high{ns="{{namespace}}"}', undefined, 0.01),
        check('too-low', 'low', 5, undefined),
        check('at-the-edge', 'edge', 10, 10),
        check('no-data', 'empty', 0, 1),
        check('only-nan', 'nan', 0, 1),
        check('several', 'many', 0, 5),
        check('bad-query', 'broken', 0, 5),
      ],
      VARIABLES,
    );

    expect(results).toEqual([
      {
        name: 'error-ratio',
        value: 0.004,
        min: undefined,
        max: 0.01,
        passed: true,
        message: undefined,
        inconclusive: false,
      },
      {
        name: 'too-high',
        value: 0.2,
        min: undefined,
        max: 0.01,
        passed: false,
        message: "check 'too-high' is 0.2, above the maximum 0.01",
        inconclusive: false,
      },
      {
        name: 'too-low',
        value: 3,
        min: 5,
        max: undefined,
        passed: false,
        message: "check 'too-low' is 3, below the minimum 5",
        inconclusive: false,
      },
      {
        name: 'at-the-edge',
        value: 10,
        min: 10,
        max: 10,
        passed: true,
        message: undefined,
        inconclusive: false,
      },
      {
        name: 'no-data',
        value: undefined,
        min: 0,
        max: 1,
        passed: false,
        message: "check 'no-data' returned no data",
        inconclusive: true,
      },
      {
        name: 'only-nan',
        value: undefined,
        min: 0,
        max: 1,
        passed: false,
        message: "check 'only-nan' returned no data",
        inconclusive: true,
      },
      {
        name: 'several',
        value: undefined,
        min: 0,
        max: 5,
        passed: false,
        message:
          "check 'several' returned 2 series instead of one value; aggregate it, e.g. with sum(...)",
        inconclusive: false,
      },
      expect.objectContaining({
        name: 'bad-query',
        value: undefined,
        passed: false,
        message: expect.stringContaining('bad_data: parse error') as unknown,
        inconclusive: true,
      }),
    ]);
  });

  it('returns nothing for no checks', async () => {
    expect(await runChecks(new PrometheusClient({ url: prometheus.url }), [], VARIABLES)).toEqual(
      [],
    );
  });

  it('throws on an unknown placeholder rather than querying', async () => {
    const before = prometheus.requests.length;
    await expect(
      runChecks(
        new PrometheusClient({ url: prometheus.url }),
        [check('x', 'up{job="{{job}}"}', 0, 1)],
        VARIABLES,
      ),
    ).rejects.toThrow('{{job}}');
    expect(prometheus.requests.length).toBe(before);
  });
});

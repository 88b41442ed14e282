import { InputError } from '../../core/errors.js';
import type { CheckResult, CustomCheck } from '../types.js';
import { PrometheusError, type PrometheusClient } from './prometheus.js';

export interface QueryVariables {
  namespace: string;
  /** The canary's track label value. */
  track: string;
  /** A Prometheus duration covering the step's window, e.g. `60s`. */
  interval: string;
}

/** A check's result with the sentence that explains a failure, for the step's reason. */
export interface CheckOutcome extends CheckResult {
  message: string | undefined;
  /** No answer yet (no data, or Prometheus failed): worth waiting for, unlike a wrong value. */
  inconclusive: boolean;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN = ['namespace', 'track', 'interval'] as const;

/** Fills in {{namespace}}, {{track}} and {{interval}}; any other placeholder is a mistake. */
export function renderQuery(query: string, variables: QueryVariables): string {
  const unknown = [...query.matchAll(PLACEHOLDER)]
    .map((match) => match[1])
    .filter((name) => !(KNOWN as readonly string[]).includes(name));
  if (unknown.length > 0) {
    const names = [...new Set(unknown)].map((name) => `{{${name}}}`).join(', ');
    throw new InputError(
      'checks',
      `has a query with unknown placeholder${unknown.length > 1 ? 's' : ''} ${names}; the known ones are {{namespace}}, {{track}} and {{interval}}`,
      `- name: error-ratio\n  query: sum(rate(http_requests_total{namespace="{{namespace}}",track="{{track}}",code=~"5.."}[{{interval}}]))\n  max: 0.01`,
    );
  }
  return query.replace(PLACEHOLDER, (_, name: (typeof KNOWN)[number]) => variables[name]);
}

/**
 * Runs every check once. A check must give exactly one value: no data is a failure (a canary
 * that serves nothing must not pass), and several series are a failure too, because which one
 * to compare with the limits would be a guess.
 */
export async function runChecks(
  client: Pick<PrometheusClient, 'query'>,
  checks: readonly CustomCheck[],
  variables: QueryVariables,
): Promise<CheckOutcome[]> {
  return Promise.all(
    checks.map(async (check): Promise<CheckOutcome> => {
      const base = { name: check.name, min: check.min, max: check.max };
      const failed = (message: string, value?: number, inconclusive = false): CheckOutcome => ({
        ...base,
        value,
        passed: false,
        message: `check '${check.name}' ${message}`,
        inconclusive,
      });
      let samples;
      try {
        samples = await client.query(renderQuery(check.query, variables));
      } catch (error) {
        if (error instanceof PrometheusError)
          return failed(`could not be run: ${error.message}`, undefined, true);
        throw error;
      }
      if (samples.length === 0) return failed('returned no data', undefined, true);
      if (samples.length > 1) {
        return failed(
          `returned ${samples.length} series instead of one value; aggregate it, e.g. with sum(...)`,
        );
      }
      const { value } = samples[0];
      if (check.min !== undefined && !(value >= check.min)) {
        return failed(`is ${formatValue(value)}, below the minimum ${check.min}`, value);
      }
      if (check.max !== undefined && !(value <= check.max)) {
        return failed(`is ${formatValue(value)}, above the maximum ${check.max}`, value);
      }
      return { ...base, value, passed: true, message: undefined, inconclusive: false };
    }),
  );
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

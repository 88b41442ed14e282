/**
 * The inputs that say how much worse than stable a canary may be before the comparison blames it
 * (`error-rate-margin`, `latency-margin`), and how long a new weight warms up (`warm-up`).
 *
 * A margin reads as the formula it stands for, over a rate: `R% + A%` lets the canary's rate be
 * stable's × (1 + R) plus A. The rate is the share of 5xx for `error-rate-margin`, and for
 * `latency-margin` the share of requests slower than each histogram bucket bound: with `10% +
 * 0.5%`, where 20% of stable's requests take over 50 ms, up to 22.5% of the canary's may. The
 * default lets a canary 1 ms slower on a 20 ms service pass, and still stops one whose p95 is
 * 20 ms higher within a minute (bench/canary-judge.bench.ts).
 */
import { InputError } from '../core/errors.js';
import { readDuration, readString } from '../core/inputs.js';
import type { Margin } from './types.js';

export const DEFAULT_ERROR_MARGIN = '0%';
export const DEFAULT_LATENCY_MARGIN = '5% + 0.2%';

const PERCENT = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/;

export function readMargins(): { errorMargin: Margin; latencyMargin: Margin } {
  const read = (name: string, fallback: string) =>
    parseMargin(name, readString(name, { default: fallback })?.trim() || fallback);
  return {
    errorMargin: read('error-rate-margin', DEFAULT_ERROR_MARGIN),
    latencyMargin: read('latency-margin', DEFAULT_LATENCY_MARGIN),
  };
}

/** undefined: three scrape intervals, as Prometheus' samples show them. */
export function readWarmUp(intervalMs: number): number | undefined {
  const given = readString('warm-up', { example: '45s' })?.trim();
  if (!given) return undefined;
  // The default here is only the example an error shows: the input is set.
  return readDuration('warm-up', { default: '45s', minMs: 0, maxMs: intervalMs * 10 });
}

/** `R%` or `R% + A%`: stable's rate × (1 + R) + A. */
export function parseMargin(name: string, text: string): Margin {
  const example = '10% + 0.5%';
  const terms = text.split('+').map((term) => term.trim());
  const percents = terms.map((term) => PERCENT.exec(term));
  if (terms.length > 2 || percents.some((match) => !match)) {
    throw new InputError(
      name,
      `must be a relative percentage, optionally plus an absolute one ('R% + A%': stable's rate × (1 + R) + A), got '${text}'.`,
      example,
    );
  }
  const [relative, absolute = 0] = percents.map((match) => Number(match?.[1]) / 100);
  if (absolute >= 1) {
    throw new InputError(
      name,
      `has an absolute part of ${Number((absolute * 100).toPrecision(4))}%, which would tolerate any canary, got '${text}'.`,
      example,
    );
  }
  return { relative, absolute };
}
